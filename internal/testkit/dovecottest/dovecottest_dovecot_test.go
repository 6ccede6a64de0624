package dovecottest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// imapConn is a minimal IMAP client for testing the harness: it sends
// tagged commands and collects the response lines, literals inlined.
type imapConn struct {
	t   *testing.T
	c   io.ReadWriteCloser
	r   *bufio.Reader
	tag int
}

func newConn(t *testing.T, c io.ReadWriteCloser) *imapConn {
	t.Helper()
	if nc, ok := c.(net.Conn); ok {
		nc.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	return &imapConn{t: t, c: c, r: bufio.NewReader(c)}
}

func dial(t *testing.T, addr string) *imapConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return newConn(t, c)
}

// line reads one response line, with any literals appended in place.
func (c *imapConn) line() (string, error) {
	var b strings.Builder
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return b.String() + l, err
		}
		l = strings.TrimRight(l, "\r\n")
		b.WriteString(l)
		m := regexp.MustCompile(`\{(\d+)\}$`).FindStringSubmatch(l)
		if m == nil {
			return b.String(), nil
		}
		n, _ := strconv.Atoi(m[1])
		lit := make([]byte, n)
		if _, err := io.ReadFull(c.r, lit); err != nil {
			return b.String(), err
		}
		b.Write(lit)
	}
}

// greeting reads the greeting and checks its prefix.
func (c *imapConn) greeting(prefix string) {
	c.t.Helper()
	l, err := c.line()
	if err != nil || !strings.HasPrefix(l, prefix) {
		c.t.Fatalf("greeting = %q, %v; want prefix %q", l, err, prefix)
	}
}

// cmd sends a command and returns the untagged lines and the tagged status
// line; it fails the test unless the status is OK.
func (c *imapConn) cmd(format string, args ...any) []string {
	c.t.Helper()
	untagged, status := c.try(format, args...)
	if !strings.HasPrefix(status, "OK") {
		c.t.Fatalf("%s: %s", fmt.Sprintf(format, args...), status)
	}
	return untagged
}

// try sends a command and returns the untagged lines and the tagged
// response without the tag.
func (c *imapConn) try(format string, args ...any) (untagged []string, status string) {
	c.t.Helper()
	c.tag++
	tag := fmt.Sprintf("t%d", c.tag)
	if _, err := fmt.Fprintf(c.c, "%s %s\r\n", tag, fmt.Sprintf(format, args...)); err != nil {
		c.t.Fatal(err)
	}
	for {
		l, err := c.line()
		if err != nil {
			c.t.Fatalf("reading response to %q: %v (got %q)", format, err, l)
		}
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			return untagged, rest
		}
		untagged = append(untagged, l)
	}
}

// find returns the first line matching re's submatch, or "".
func find(lines []string, re string) string {
	rx := regexp.MustCompile(re)
	for _, l := range lines {
		if m := rx.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	return ""
}

// expectClosed checks that the server closes c, after untagged lines such
// as BYE at most, within a bound.
func expectClosed(t *testing.T, c *imapConn) {
	t.Helper()
	c.c.(net.Conn).SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		l, err := c.line()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("connection still open: %v", err)
			}
			return
		}
		if !strings.HasPrefix(l, "* ") {
			t.Fatalf("unexpected line while closing: %q", l)
		}
	}
}

func msg(subject string) Message {
	return Message{Raw: []byte("From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")}
}

func TestLoginSelectSeeded(t *testing.T) {
	t.Parallel()
	s := Start(t)
	date := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	seeded := []Message{
		{Raw: msg("one").Raw, Flags: []string{`\Seen`, "Important"}, Date: date},
		{Raw: []byte("Subject: two\n\nlf only\n"), Flags: []string{`\Flagged`, `\Answered`, "$Label1"}},
		msg("three"),
	}
	s.Seed(t, s.User, "INBOX", seeded)
	s.Seed(t, s.User, "Archive/2024", []Message{msg("a1"), msg("a2")})

	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	if got := find(c.cmd("SELECT INBOX"), `^\* (\d+) EXISTS`); got != "3" {
		t.Errorf("INBOX EXISTS = %q, want 3", got)
	}
	fetch := c.cmd("FETCH 1:3 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	if len(fetch) != 3 {
		t.Fatalf("FETCH returned %d lines: %q", len(fetch), fetch)
	}
	wants := []struct{ uid, subject string }{{"1", "one"}, {"2", "two"}, {"3", "three"}}
	for i, w := range wants {
		// IMAP sizes count line ends as CRLF.
		size := strconv.Itoa(len(strings.ReplaceAll(strings.ReplaceAll(string(seeded[i].Raw), "\r\n", "\n"), "\n", "\r\n")))
		l := fetch[i]
		if find([]string{l}, `UID (\d+)`) != w.uid || !strings.Contains(l, "Subject: "+w.subject+"\r\n") {
			t.Errorf("message %d: %q, want UID %s subject %s", i+1, l, w.uid, w.subject)
		}
		if got := find([]string{l}, `RFC822\.SIZE (\d+)`); got != size {
			t.Errorf("message %d: RFC822.SIZE %s, want %s", i+1, got, size)
		}
	}
	// The first session sees the seeded messages as \Recent.
	for i, want := range []string{`\Seen \Recent Important`, `\Answered \Flagged \Recent $Label1`, `\Recent`} {
		if f := find(fetch[i:i+1], `FLAGS \(([^)]*)\)`); f != want {
			t.Errorf("message %d flags = %q, want %q", i+1, f, want)
		}
	}
	if d := find(fetch[0:1], `INTERNALDATE "([^"]*)"`); d == "" {
		t.Error("no INTERNALDATE")
	} else if got, err := time.Parse("02-Jan-2006 15:04:05 -0700", d); err != nil || !got.Equal(date) {
		t.Errorf("INTERNALDATE %q (%v), want %v", d, err, date)
	}

	list := c.cmd(`LIST "" "*"`)
	for _, want := range []string{`"/" INBOX`, `"/" Archive/2024`} {
		if !strings.Contains(strings.Join(list, "\n"), want) {
			t.Errorf("LIST lacks %s: %q", want, list)
		}
	}
	if got := find(c.cmd("SELECT Archive/2024"), `^\* (\d+) EXISTS`); got != "2" {
		t.Errorf("Archive/2024 EXISTS = %q, want 2", got)
	}

	// A second Seed appends after what is there.
	s.Seed(t, s.User, "INBOX", []Message{msg("four")})
	c.cmd("SELECT INBOX")
	if got := find(c.cmd("UID FETCH 4 BODY.PEEK[HEADER.FIELDS (SUBJECT)]"), `(Subject: four)`); got == "" {
		t.Error("UID 4 is not the message seeded last")
	}
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := dial(t, s.Addr())
	c.greeting("* OK")
	if _, status := c.try("LOGIN %s wrong", s.User); !strings.HasPrefix(status, "NO") {
		t.Errorf("LOGIN with a wrong password: %q, want NO", status)
	}
	c.cmd("LOGIN %s %s", SecondUser, SecondPassword)
}

func TestWithUser(t *testing.T) {
	t.Parallel()
	s := Start(t, WithUser("carol", "pw3"))
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN carol pw3")
}

func TestTLS(t *testing.T) {
	t.Parallel()
	s := Start(t)
	for _, name := range []string{"localhost", "127.0.0.1"} {
		tc, err := tls.Dial("tcp", s.TLSAddr(), &tls.Config{RootCAs: s.CertPool(), ServerName: name})
		if err != nil {
			t.Fatalf("TLS dial as %s: %v", name, err)
		}
		c := newConn(t, tc)
		c.greeting("* OK")
		c.cmd("LOGIN %s %s", s.User, s.Password)
		tc.Close()
	}
	// Without the pool the certificate is not trusted.
	if tc, err := tls.Dial("tcp", s.TLSAddr(), &tls.Config{ServerName: "localhost"}); err == nil {
		tc.Close()
		t.Error("TLS dial without the test pool succeeded")
	}
	// STARTTLS on the plain port.
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("STARTTLS")
	tc := tls.Client(c.c.(net.Conn), s.TLSConfig())
	if err := tc.Handshake(); err != nil {
		t.Fatalf("STARTTLS handshake: %v", err)
	}
	c2 := newConn(t, tc)
	c2.cmd("LOGIN %s %s", s.User, s.Password)
}

func TestStreamCommand(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.Seed(t, s.User, "INBOX", []Message{msg("streamed")})
	cmd := exec.Command("bash", "-c", s.StreamCommand(s.User))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := newConn(t, struct {
		io.Reader
		io.WriteCloser
	}{stdout, stdin})
	c.greeting("* PREAUTH")
	if got := find(c.cmd("SELECT INBOX"), `^\* (\d+) EXISTS`); got != "1" {
		t.Errorf("EXISTS = %q, want 1", got)
	}
	c.cmd("LOGOUT")
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("stream command: %v", err)
	}
}

func TestKick(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	other := dial(t, s.Addr())
	other.greeting("* OK")
	other.cmd("LOGIN %s %s", SecondUser, SecondPassword)
	// Kick races with a fresh login: the connection is counted once the
	// imap process has registered it, which the tagged OK guarantees.
	if err := s.Kick(s.User); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, c)
	other.cmd("NOOP") // bob is still connected
}

func TestRestart(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.Seed(t, s.User, "Kept", []Message{msg("k1"), msg("k2")})
	addr, tlsAddr := s.Addr(), s.TLSAddr()
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr || s.TLSAddr() != tlsAddr {
		t.Errorf("addresses changed: %s %s -> %s %s", addr, tlsAddr, s.Addr(), s.TLSAddr())
	}
	expectClosed(t, c) // the old connection is gone
	c = dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	if got := find(c.cmd("SELECT Kept"), `^\* (\d+) EXISTS`); got != "2" {
		t.Errorf("after restart EXISTS = %q, want 2", got)
	}
}

func TestSeedRejectsBadFlags(t *testing.T) {
	t.Parallel()
	s := Start(t)
	for _, f := range []string{`\Recent`, `\Bogus`, "two words", ""} {
		err := s.seed(s.User, "INBOX", []Message{{Raw: msg("x").Raw, Flags: []string{f}}})
		if err == nil {
			t.Errorf("flag %q accepted", f)
		}
	}
	if err := s.seed("nobody", "INBOX", []Message{msg("x")}); err == nil {
		t.Error("unknown user accepted")
	}
	// Nothing was written by the rejected calls.
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	if got := find(c.cmd("SELECT INBOX"), `^\* (\d+) EXISTS`); got != "0" {
		t.Errorf("EXISTS = %q after rejected seeds, want 0", got)
	}
}

func TestParallelInstances(t *testing.T) {
	t.Parallel()
	a, b := Start(t), Start(t)
	if a.Addr() == b.Addr() || a.Dir() == b.Dir() {
		t.Fatalf("instances share %s / %s", a.Addr(), a.Dir())
	}
	a.Seed(t, a.User, "INBOX", []Message{msg("only in a")})
	for _, tc := range []struct {
		s    *Server
		want string
	}{{a, "1"}, {b, "0"}} {
		c := dial(t, tc.s.Addr())
		c.greeting("* OK")
		c.cmd("LOGIN %s %s", tc.s.User, tc.s.Password)
		if got := find(c.cmd("SELECT INBOX"), `^\* (\d+) EXISTS`); got != tc.want {
			t.Errorf("%s: EXISTS = %q, want %s", tc.s.Addr(), got, tc.want)
		}
	}
}

func TestExtensions(t *testing.T) {
	t.Parallel()
	s := Start(t, WithACL(), WithQuota("*:storage=1M", "*:messages=50"), WithMetadata())
	s.Seed(t, s.User, "INBOX", []Message{msg("q1"), msg("q2")})
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	caps := " " + find(c.cmd("CAPABILITY"), `^\* CAPABILITY (.*)`) + " "
	for _, want := range []string{"ACL", "QUOTA", "METADATA"} {
		if !strings.Contains(caps, " "+want+" ") {
			t.Errorf("CAPABILITY lacks %s: %s", want, caps)
		}
	}

	// ACL: the owner has every right; rights given to bob show up and go.
	if got := find(c.cmd("MYRIGHTS INBOX"), `^\* MYRIGHTS INBOX (\S+)`); !strings.Contains(got, "a") || !strings.Contains(got, "l") {
		t.Errorf("MYRIGHTS INBOX = %q", got)
	}
	c.cmd("SETACL INBOX %s lr", SecondUser)
	if got := find(c.cmd("GETACL INBOX"), `^\* ACL INBOX (.*)`); !strings.Contains(got, SecondUser+" lr") {
		t.Errorf("GETACL after SETACL = %q", got)
	}
	c.cmd("DELETEACL INBOX %s", SecondUser)
	if got := find(c.cmd("GETACL INBOX"), `^\* ACL INBOX (.*)`); strings.Contains(got, SecondUser) {
		t.Errorf("GETACL after DELETEACL = %q", got)
	}

	// QUOTA: the count backend with the rules given.
	root := c.cmd("GETQUOTAROOT INBOX")
	if got := find(root, `^\* QUOTAROOT INBOX (.*)`); got != `"User quota"` {
		t.Errorf("QUOTAROOT = %q (%q)", got, root)
	}
	q := find(root, `^\* QUOTA "User quota" \((.*)\)`)
	storage := regexp.MustCompile(`STORAGE (\d+) 1024`).FindStringSubmatch(q)
	if storage == nil || storage[1] == "0" || !strings.Contains(q, "MESSAGE 2 50") {
		t.Errorf("QUOTA = %q, want storage used of 1024 KiB and 2 of 50 messages", q)
	}
	if got := find(c.cmd(`GETQUOTA "User quota"`), `^\* QUOTA "User quota" \((.*)\)`); got != q {
		t.Errorf("GETQUOTA = %q, want %q", got, q)
	}

	// METADATA: a private annotation is stored and read back.
	c.cmd(`SETMETADATA INBOX (/private/comment "hello there")`)
	if got := find(c.cmd(`GETMETADATA INBOX /private/comment`), `^\* METADATA INBOX \((.*)\)`); got != `/private/comment "hello there"` && got != `/private/comment {11}hello there` {
		t.Errorf("GETMETADATA = %q", got)
	}
}

func TestNoExtensionsByDefault(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	caps := " " + find(c.cmd("CAPABILITY"), `^\* CAPABILITY (.*)`) + " "
	for _, absent := range []string{"ACL", "QUOTA", "METADATA"} {
		if strings.Contains(caps, " "+absent+" ") {
			t.Errorf("CAPABILITY has %s without its option: %s", absent, caps)
		}
	}
}

func TestWithConfig(t *testing.T) {
	t.Parallel()
	s := Start(t, WithConfig(`login_greeting = Harness says hello`))
	c := dial(t, s.Addr())
	l, err := c.line()
	if err != nil || !strings.HasSuffix(l, "Harness says hello") {
		t.Errorf("greeting = %q, %v", l, err)
	}
}

func TestSeedMany(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 messages")
	}
	t.Parallel()
	s := Start(t)
	const n = 10000
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = msg(fmt.Sprintf("bulk %d", i+1))
		if i%2 == 0 {
			msgs[i].Flags = []string{`\Seen`}
		}
	}
	s.Seed(t, s.User, "Bulk", msgs)
	c := dial(t, s.Addr())
	c.greeting("* OK")
	c.cmd("LOGIN %s %s", s.User, s.Password)
	st := find(c.cmd("STATUS Bulk (MESSAGES UNSEEN UIDNEXT)"), `^\* STATUS Bulk \((.*)\)`)
	fields := strings.Fields(st)
	got := map[string]string{}
	for i := 0; i+1 < len(fields); i += 2 {
		got[fields[i]] = fields[i+1]
	}
	if got["MESSAGES"] != strconv.Itoa(n) || got["UNSEEN"] != strconv.Itoa(n/2) || got["UIDNEXT"] != strconv.Itoa(n+1) {
		t.Errorf("STATUS = %q", st)
	}
	c.cmd("EXAMINE Bulk")
	f := c.cmd("UID FETCH 9999 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
	if len(f) != 1 || !strings.Contains(f[0], "Subject: bulk 9999\r\n") {
		t.Errorf("UID 9999 = %q", f)
	}
}

func TestCheckTraversable(t *testing.T) {
	open := t.TempDir() + "/open"
	if err := os.MkdirAll(open, 0o755); err != nil {
		t.Fatal(err)
	}
	// t.TempDir itself is 0700.
	if err := checkTraversable(open); err == nil {
		t.Errorf("%s below a 0700 folder passed", open)
	}
	if err := checkTraversable("/"); err != nil {
		t.Errorf("/: %v", err)
	}
}
