package memserver_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// client is a minimal IMAP client: tagged commands, response lines with
// literals inlined.
type client struct {
	t   *testing.T
	c   net.Conn
	r   *bufio.Reader
	tag int
}

func dial(t *testing.T, addr string, cfg *tls.Config) *client {
	t.Helper()
	var c net.Conn
	var err error
	if cfg != nil {
		c, err = tls.Dial("tcp", addr, cfg)
	} else {
		c, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(time.Minute))
	cl := &client{t: t, c: c, r: bufio.NewReader(c)}
	if l := cl.line(); !strings.HasPrefix(l, "* OK") {
		t.Fatalf("greeting %q", l)
	}
	return cl
}

var literalRE = regexp.MustCompile(`\{(\d+)\}$`)

func (c *client) line() string {
	c.t.Helper()
	var b strings.Builder
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("read: %v (got %q)", err, b.String()+l)
		}
		l = strings.TrimRight(l, "\r\n")
		b.WriteString(l)
		m := literalRE.FindStringSubmatch(l)
		if m == nil {
			return b.String()
		}
		n, _ := strconv.Atoi(m[1])
		lit := make([]byte, n)
		if _, err := io.ReadFull(c.r, lit); err != nil {
			c.t.Fatal(err)
		}
		b.Write(lit)
	}
}

// do sends a command and returns the untagged lines and the tagged status
// (without the tag).
func (c *client) do(cmd string) ([]string, string) {
	c.t.Helper()
	c.tag++
	tag := fmt.Sprintf("a%d", c.tag)
	fmt.Fprintf(c.c, "%s %s\r\n", tag, cmd)
	var untagged []string
	for {
		l := c.line()
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			return untagged, rest
		}
		untagged = append(untagged, l)
	}
}

// ok is do that fails the test unless the status is OK.
func (c *client) ok(cmd string) []string {
	c.t.Helper()
	lines, status := c.do(cmd)
	if !strings.HasPrefix(status, "OK") {
		c.t.Fatalf("%s: %s", cmd, status)
	}
	return lines
}

func start(t *testing.T, opts memserver.Options) *memserver.Server {
	t.Helper()
	s, err := memserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAppendSelectSearch(t *testing.T) {
	s := start(t, memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	date := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, subj := range []string{"one", "two", "three"} {
		uid, err := s.Append("alice", "inbox", []byte("Subject: "+subj+"\r\n\r\nbody\r\n"), []string{`\Seen`}, date)
		if err != nil {
			t.Fatal(err)
		}
		if uid != uint32(i+1) {
			t.Errorf("Append %d: UID %d", i, uid)
		}
	}
	if _, err := s.Append("alice", "Archive/2020", []byte("Subject: old\r\n\r\n"), []string{"$Important"}, time.Time{}); err != nil {
		t.Fatal(err)
	}

	c := dial(t, s.Addr(), nil)
	if _, st := c.do("LOGIN alice wrong"); !strings.HasPrefix(st, "NO") {
		t.Errorf("wrong password: %q", st)
	}
	c.ok("LOGIN alice secret")
	sel := strings.Join(c.ok("SELECT INBOX"), "\n")
	if !strings.Contains(sel, "* 3 EXISTS") {
		t.Errorf("SELECT: %s", sel)
	}
	if got := c.ok("SEARCH ALL"); len(got) != 1 || got[0] != "* SEARCH 1 2 3" {
		t.Errorf("SEARCH ALL = %q", got)
	}
	if got := c.ok("SEARCH SUBJECT two"); len(got) != 1 || got[0] != "* SEARCH 2" {
		t.Errorf("SEARCH SUBJECT two = %q", got)
	}
	f := c.ok("FETCH 1 (FLAGS INTERNALDATE)")
	// imapmemserver reports flags in lower case and pads the day with a space.
	if len(f) != 1 || !strings.Contains(strings.ToLower(f[0]), `\seen`) || !strings.Contains(f[0], `" 2-Jan-2020 03:04:05 +0000"`) {
		t.Errorf("FETCH = %q", f)
	}
	list := strings.Join(c.ok(`LIST "" "*"`), "\n")
	if !strings.Contains(list, `"/" INBOX`) || !strings.Contains(list, `"/" "Archive/2020"`) {
		t.Errorf("LIST = %s", list)
	}
	c.ok("SELECT Archive/2020")
	if f := c.ok("FETCH 1 FLAGS"); len(f) != 1 || !strings.Contains(strings.ToLower(f[0]), "$important") {
		t.Errorf("FETCH = %q", f)
	}
}

func TestMailboxesAndUsers(t *testing.T) {
	s := start(t, memserver.Options{InsecureAuth: true})
	if err := s.AddUser("bob", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("bob", "other"); err == nil {
		t.Error("AddUser accepted an existing user")
	}
	if err := s.CreateMailbox("bob", "Work"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMailbox("bob", "Work"); err == nil {
		t.Error("CreateMailbox accepted an existing mailbox")
	}
	if err := s.CreateMailbox("nobody", "Work"); err == nil {
		t.Error("CreateMailbox accepted an unknown user")
	}
	if _, err := s.Append("nobody", "INBOX", []byte("x"), nil, time.Time{}); err == nil {
		t.Error("Append accepted an unknown user")
	}
	if _, err := s.Append("bob", "INBOX", []byte("x\r\n"), []string{`\Recent`}, time.Time{}); err == nil {
		t.Error(`Append accepted \Recent`)
	}
	c := dial(t, s.Addr(), nil)
	c.ok("LOGIN bob pw")
	st := c.ok("STATUS Work (MESSAGES)")
	if len(st) != 1 || !strings.Contains(st[0], "MESSAGES 0") {
		t.Errorf("STATUS = %q", st)
	}
	st = c.ok("STATUS INBOX (MESSAGES)")
	if len(st) != 1 || !strings.Contains(st[0], "MESSAGES 0") {
		t.Errorf("STATUS INBOX after refused append = %q", st)
	}
}

func TestInsecureAuthOff(t *testing.T) {
	s := start(t, memserver.Options{Users: map[string]string{"alice": "secret"}})
	c := dial(t, s.Addr(), nil)
	if _, st := c.do("LOGIN alice secret"); strings.HasPrefix(st, "OK") {
		t.Errorf("LOGIN without TLS accepted: %q", st)
	}
}

func TestTLS(t *testing.T) {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, memserver.Options{Users: map[string]string{"alice": "secret"}, TLS: cert.ServerConfig()})
	if s.TLSAddr() == "" {
		t.Fatal("no TLS address")
	}
	c := dial(t, s.TLSAddr(), cert.ClientConfig("127.0.0.1"))
	c.ok("LOGIN alice secret")

	// STARTTLS on the plain port.
	p := dial(t, s.Addr(), nil)
	p.ok("STARTTLS")
	tc := tls.Client(p.c, cert.ClientConfig("localhost"))
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	p.c, p.r = tc, bufio.NewReader(tc)
	p.ok("LOGIN alice secret")

	if start(t, memserver.Options{}).TLSAddr() != "" {
		t.Error("TLSAddr set without TLS")
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	s, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true, TLS: cert.ServerConfig()})
	if err != nil {
		t.Fatal(err)
	}
	// Open connections in several states, including one idling.
	c1 := dial(t, s.Addr(), nil)
	dial(t, s.Addr(), nil)
	dial(t, s.TLSAddr(), cert.ClientConfig("localhost"))
	c1.ok("LOGIN alice secret")
	c1.ok("SELECT INBOX")
	c1.tag++
	fmt.Fprintf(c1.c, "a%d IDLE\r\n", c1.tag)
	if l := c1.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("IDLE: %q", l)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// The server closed c1: reading ends.
	c1.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(c1.r); err != nil {
		t.Errorf("reading closed connection: %v", err)
	}
	if _, err := net.Dial("tcp", s.Addr()); err == nil {
		t.Error("server still accepts after Close")
	}
	// Goroutines end shortly after their connection closes; poll with a
	// bound instead of sleeping a fixed time.
	var n int
	for i := 0; i < 200; i++ {
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("goroutines: %d before, %d after Close\n%s", base, n, buf[:runtime.Stack(buf, true)])
}

// TestIdleReportsNewsQueuedBefore checks that mail which arrived while the
// session was between commands is reported once IDLE starts, on both kinds
// of session. imapmemserver's own IDLE waited for the next news instead, so
// a client that sent IDLE just after an APPEND waited forever.
func TestIdleReportsNewsQueuedBefore(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		t.Run(fmt.Sprintf("lazy=%v", lazy), func(t *testing.T) {
			s := start(t, memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true, LazyViews: lazy})
			c := dial(t, s.Addr(), nil)
			c.ok("LOGIN alice secret")
			c.ok("SELECT INBOX")
			if _, err := s.Append("alice", "INBOX", []byte("Subject: x\r\n\r\nx\r\n"), nil, time.Time{}); err != nil {
				t.Fatal(err)
			}
			c.tag++
			fmt.Fprintf(c.c, "a%d IDLE\r\n", c.tag)
			if l := c.line(); !strings.HasPrefix(l, "+") {
				t.Fatalf("IDLE: %q", l)
			}
			if l := c.line(); l != "* 1 EXISTS" {
				t.Errorf("first line in IDLE: %q, want * 1 EXISTS", l)
			}
			fmt.Fprintf(c.c, "DONE\r\n")
			for {
				if l := c.line(); strings.HasPrefix(l, fmt.Sprintf("a%d ", c.tag)) {
					break
				}
			}
		})
	}
}
