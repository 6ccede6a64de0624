package faultproxy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is a small IMAP-shaped server: it greets, answers every
// command with "* 1 EXISTS" and a tagged OK, reads literals, and records
// the lines it got.
type fakeServer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	lines []string
	got   chan string // every line, as it arrives
}

func startFake(t *testing.T) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln, got: make(chan string, 100)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *fakeServer) record(line string) {
	s.mu.Lock()
	s.lines = append(s.lines, line)
	s.mu.Unlock()
	select {
	case s.got <- line:
	default:
	}
}

func (s *fakeServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

var literalRE = regexp.MustCompile(`\{(\d+)(\+?)\}$`)

func (s *fakeServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	io.WriteString(c, "* OK fake ready\r\n")
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.record(line)
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		tag, name := f[0], strings.ToUpper(f[1])
		full := line
		refused := false
		for {
			m := literalRE.FindStringSubmatch(full)
			if m == nil {
				break
			}
			if m[2] == "" {
				if strings.Contains(line, "REFUSE") {
					io.WriteString(c, tag+" NO refused\r\n")
					refused = true
					break
				}
				io.WriteString(c, "+ go ahead\r\n")
			}
			n, _ := strconv.Atoi(m[1])
			lit := make([]byte, n)
			if _, err := io.ReadFull(br, lit); err != nil {
				return
			}
			rest, err := br.ReadString('\n')
			if err != nil {
				return
			}
			full = strings.TrimRight(rest, "\r\n")
		}
		if refused {
			continue
		}
		switch name {
		case "AUTHENTICATE":
			io.WriteString(c, "+ \r\n")
			answer, err := br.ReadString('\n')
			if err != nil {
				return
			}
			s.record(strings.TrimRight(answer, "\r\n"))
		case "FETCH":
			// A literal holding what looks like a tagged response.
			lit := "\r\n" + tag + " OK not really\r\n"
			fmt.Fprintf(c, "* 1 FETCH (BODY[] {%d}\r\n%s)\r\n", len(lit), lit)
		case "LOGOUT":
			io.WriteString(c, "* BYE bye\r\n"+tag+" OK done\r\n")
			return
		}
		io.WriteString(c, "* 1 EXISTS\r\n"+tag+" OK done\r\n")
	}
}

// client is a raw client of the proxy.
type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialProxy(t *testing.T, p *Proxy) *client {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

func (cl *client) send(s string) {
	cl.t.Helper()
	if _, err := io.WriteString(cl.c, s); err != nil {
		cl.t.Fatalf("send %q: %v", s, err)
	}
}

func (cl *client) line() (string, error) {
	l, err := cl.br.ReadString('\n')
	return strings.TrimRight(l, "\r\n"), err
}

func (cl *client) mustLine(want string) {
	cl.t.Helper()
	got, err := cl.line()
	if err != nil || got != want {
		cl.t.Fatalf("read %q (%v), want %q", got, err, want)
	}
}

// untilTagged reads lines until the tagged response of tag.
func (cl *client) untilTagged(tag string) []string {
	cl.t.Helper()
	var lines []string
	for {
		l, err := cl.line()
		if err != nil {
			cl.t.Fatalf("reading the answer to %s: %v (after %q)", tag, err, lines)
		}
		lines = append(lines, l)
		if m := literalRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			lit := make([]byte, n)
			if _, err := io.ReadFull(cl.br, lit); err != nil {
				cl.t.Fatal(err)
			}
			lines = append(lines, string(lit))
			continue
		}
		if strings.HasPrefix(l, tag+" ") {
			return lines
		}
	}
}

// expectEOF asserts that the connection ends without more data than
// allowed.
func (cl *client) expectEOF(allowed string) {
	cl.t.Helper()
	rest, err := io.ReadAll(cl.br)
	if err != nil && !isReset(err) {
		cl.t.Fatalf("reading to EOF: %v", err)
	}
	if string(rest) != allowed {
		cl.t.Fatalf("got %q before EOF, want %q", rest, allowed)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

func newProxy(t *testing.T, target string, opts ...Option) *Proxy {
	t.Helper()
	p, err := New(target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func waitFired(t *testing.T, f *Fault) {
	t.Helper()
	select {
	case <-f.Fired():
	case <-time.After(10 * time.Second):
		t.Fatalf("rule %s did not fire", f.Rule().String())
	}
}

func nextCut(t *testing.T, p *Proxy) Event {
	t.Helper()
	select {
	case e := <-p.Cuts():
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no cut")
	}
	return Event{}
}

func TestForwardAndCount(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String(), WithRecording())
	cl := dialProxy(t, p)
	cl.mustLine("* OK fake ready")
	cl.send("a1 NOOP\r\n")
	cl.untilTagged("a1")
	cl.send("a2 uid fetch 1 (FLAGS)\r\n")
	cl.untilTagged("a2")
	cl.send("a3 APPEND INBOX {5+}\r\nhello\r\n")
	cl.untilTagged("a3")
	// A synchronising literal: the client waits for the go-ahead.
	cl.send("a4 APPEND INBOX {3}\r\n")
	cl.mustLine("+ go ahead")
	cl.send("abc\r\n")
	cl.untilTagged("a4")
	// A literal the server refuses: the client does not send it, and the
	// next line is a command again.
	cl.send("a5 APPEND REFUSE {3}\r\n")
	cl.mustLine("a5 NO refused")
	cl.send("a6 AUTHENTICATE PLAIN\r\n")
	cl.mustLine("+ ")
	cl.send("AGFsaWNlAHNlY3JldA==\r\n")
	cl.untilTagged("a6")
	cl.send("a7 FETCH 1 BODY[]\r\n")
	cl.untilTagged("a7")
	// Pipelined: two commands in one write.
	cl.send("a8 NOOP\r\na9 NOOP\r\n")
	cl.untilTagged("a9")
	cl.send("b1 LOGOUT\r\n")
	cl.untilTagged("b1")
	cl.expectEOF("")
	waitClosed(t, p, 1)

	st := p.Stats()
	want := []string{"NOOP", "UID FETCH", "APPEND", "APPEND", "APPEND", "AUTHENTICATE", "FETCH", "NOOP", "NOOP", "LOGOUT"}
	if strings.Join(st.Log, ",") != strings.Join(want, ",") {
		t.Fatalf("log %q, want %q", st.Log, want)
	}
	if st.Commands["NOOP"] != 3 || st.Commands["APPEND"] != 3 || st.Total() != 10 || st.Conns != 1 {
		t.Fatalf("stats %+v", st)
	}
	if st.Continuations != 1 {
		t.Fatalf("continuations %d, want 1", st.Continuations)
	}
	// One turn per command, one more for each wait for "+" (a4, a6),
	// one fewer for the pipelined pair.
	if st.Turns != 11 {
		t.Fatalf("turns %d, want 11", st.Turns)
	}
	up, down := p.Recorded(1)
	if int64(len(up)) != st.Up || int64(len(down)) != st.Down {
		t.Fatalf("recorded %d/%d bytes, counted %d/%d", len(up), len(down), st.Up, st.Down)
	}
	if !bytes.HasPrefix(down, []byte("* OK fake ready\r\n")) || !bytes.HasPrefix(up, []byte("a1 NOOP\r\n")) {
		t.Fatalf("recorded %q / %q", up[:20], down[:20])
	}
}

func TestCutAtOffset(t *testing.T) {
	t.Run("upstream", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		f := p.Add(Rule{Dir: Upstream, Offset: 12, Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		cl.send("a1 NOOP\r\na2 NOOP\r\n")
		waitFired(t, f)
		e := nextCut(t, p)
		if e.Dir != Upstream || e.Offset != 12 || e.Conn != 1 {
			t.Fatalf("cut event %v", e)
		}
		// The server got the first command only, the client its answer
		// at most.
		rest, _ := io.ReadAll(cl.br)
		if s := string(rest); s != "" && s != "* 1 EXISTS\r\na1 OK done\r\n" && s != "* 1 EXISTS\r\n" {
			t.Fatalf("client got %q", s)
		}
		if got := srv.received(); len(got) > 1 {
			t.Fatalf("server got %q", got)
		}
	})
	t.Run("downstream", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Dir: Downstream, Offset: 5, Action: Cut})
		cl := dialProxy(t, p)
		cl.expectEOF("* OK ")
		if e := nextCut(t, p); e.Offset != 5 || e.Dir != Downstream {
			t.Fatalf("cut event %v", e)
		}
	})
	t.Run("at zero", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Dir: Downstream, Offset: 0, Action: Cut})
		cl := dialProxy(t, p)
		cl.expectEOF("")
	})
}

func TestCommandRules(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		f := p.Add(Rule{Command: "append", Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		cl.send("a1 NOOP\r\n")
		cl.untilTagged("a1")
		cl.send("a2 APPEND INBOX {5+}\r\nhello\r\n")
		cl.expectEOF("")
		waitFired(t, f)
		if got := srv.received(); len(got) != 1 || got[0] != "a1 NOOP" {
			t.Fatalf("server got %q", got)
		}
		if e := nextCut(t, p); e.Command != "APPEND" || e.Offset != 9 {
			t.Fatalf("cut event %v", e)
		}
	})
	t.Run("before, sent in pieces", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Command: "UID EXPUNGE", Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		// The line arrives in two writes; the proxy holds it whole.
		cl.send("a1 UID EXP")
		cl.send("UNGE 1:5\r\n")
		cl.expectEOF("")
		if got := srv.received(); len(got) != 0 {
			t.Fatalf("server got %q", got)
		}
	})
	t.Run("after command", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Command: "UID EXPUNGE", When: AfterCommand, Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		cl.send("a1 UID EXPUNGE 1:5\r\n")
		cl.expectEOF("")
		select {
		case got := <-srv.got:
			if got != "a1 UID EXPUNGE 1:5" {
				t.Fatalf("server got %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the server did not get the command")
		}
	})
	t.Run("after the second response", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Match: regexp.MustCompile(`^\S+ FETCH `), Nth: 2, When: AfterResponse, Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		for _, tag := range []string{"a1", "a2"} {
			cl.send(tag + " FETCH 1 BODY[]\r\n")
			// The literal holds "a2 OK not really": the proxy follows
			// the framing and does not take it for the tagged answer.
			lines := cl.untilTagged(tag)
			if len(lines) != 5 || lines[4] != tag+" OK done" {
				t.Fatalf("answer %q", lines)
			}
		}
		cl.expectEOF("")
	})
	t.Run("corrupt the command", func(t *testing.T) {
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		p.Add(Rule{Command: "NOOP", Offset: 3, Action: Corrupt, Replace: []byte("X")})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		cl.send("a1 NOOP\r\n")
		cl.untilTagged("a1")
		if got := srv.received(); len(got) != 1 || got[0] != "a1 XOOP" {
			t.Fatalf("server got %q", got)
		}
	})
}

func TestStallAndRelease(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String())
	f := p.Add(Rule{Command: "NOOP", When: AfterCommand, Action: Stall})
	cl := dialProxy(t, p)
	cl.mustLine("* OK fake ready")
	cl.send("a1 NOOP\r\n")
	waitFired(t, f)
	// The server answered; the answer is held.
	select {
	case <-srv.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not get the command")
	}
	cl.c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := cl.br.ReadByte(); err == nil {
		t.Fatal("a stalled connection delivered data")
	}
	cl.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	f.Release()
	cl.mustLine("* 1 EXISTS")
	cl.mustLine("a1 OK done")
	// Released: it fires no more.
	cl.send("a2 NOOP\r\n")
	cl.untilTagged("a2")
	if f.Count() != 1 {
		t.Fatalf("fired %d times", f.Count())
	}
}

func TestSlow(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String())
	f := p.Add(Rule{Dir: Downstream, Offset: 2, Action: Slow, Chunk: 3, Delay: time.Millisecond})
	cl := dialProxy(t, p)
	cl.mustLine("* OK fake ready")
	waitFired(t, f)
	cl.send("a1 NOOP\r\n")
	cl.mustLine("* 1 EXISTS")
	cl.mustLine("a1 OK done")
	p2 := newProxy(t, srv.ln.Addr().String())
	p2.Add(Rule{Dir: Downstream, Action: Slow, Rate: 2000})
	cl2 := dialProxy(t, p2)
	cl2.mustLine("* OK fake ready")
}

func TestCorrupt(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String())
	p.Add(Rule{Dir: Downstream, Offset: 2, Action: Corrupt, XOR: 0x20})
	p.Add(Rule{Dir: Downstream, Offset: 5, Action: Corrupt, Replace: []byte("FAKE")})
	cl := dialProxy(t, p)
	cl.mustLine("* oK FAKE ready")
}

func TestCutAll(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String())
	a, b := dialProxy(t, p), dialProxy(t, p)
	a.mustLine("* OK fake ready")
	b.mustLine("* OK fake ready")
	if n := p.CutAll(); n != 2 {
		t.Fatalf("cut %d connections", n)
	}
	a.expectEOF("")
	b.expectEOF("")
	seen := map[int]bool{}
	for range 2 {
		e := nextCut(t, p)
		if e.Rule != "CutAll" {
			t.Fatalf("event %v", e)
		}
		seen[e.Conn] = true
	}
	if !seen[1] || !seen[2] {
		t.Fatalf("cut connections %v", seen)
	}
	// New connections still work.
	c := dialProxy(t, p)
	c.mustLine("* OK fake ready")
}

func TestRuleAddedDuringSession(t *testing.T) {
	srv := startFake(t)
	p := newProxy(t, srv.ln.Addr().String())
	cl := dialProxy(t, p)
	cl.mustLine("* OK fake ready")
	// An offset already passed fires at once.
	f := p.Add(Rule{Dir: Downstream, Offset: 3, Action: Stall, Conn: 1})
	waitFired(t, f)
	cl.send("a1 NOOP\r\n")
	cl.c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := cl.br.ReadByte(); err == nil {
		t.Fatal("a stalled connection delivered data")
	}
	cl.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	p.ReleaseAll()
	cl.untilTagged("a1")
	// A rule for connection 1 leaves connection 2 alone.
	cl2 := dialProxy(t, p)
	cl2.mustLine("* OK fake ready")
	if f.Count() != 1 {
		t.Fatalf("fired %d times", f.Count())
	}
}

func TestEventsAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	srv := startFake(t)
	p, err := New(srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	cl := dialProxy(t, p)
	cl.mustLine("* OK fake ready")
	p.Add(Rule{Command: "NOOP", When: AfterCommand, Action: Stall})
	cl.send("a1 NOOP\r\n")
	want := []EventKind{Accepted, Fired}
	for _, k := range want {
		select {
		case e := <-p.Events():
			if e.Kind != k {
				t.Fatalf("event %v, want %s", e, k)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s event", k)
		}
	}
	// Close ends stalled connections and every goroutine of the proxy.
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	cl.expectEOF("")
	srv.ln.Close()
	srv.wg.Wait()
	waitGoroutines(t, before)
	// The channel is closed (undelivered events are dropped).
	for range p.Events() {
	}
}

func TestDialFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := newProxy(t, addr)
	cl := dialProxy(t, p)
	cl.expectEOF("")
	for e := range p.Events() {
		if e.Kind == Closed {
			if e.Err == nil {
				t.Fatalf("closed without an error: %v", e)
			}
			break
		}
	}
}

// waitClosed waits for the Closed event of connection n: its counts are
// final then.
func waitClosed(t *testing.T, p *Proxy, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-p.Events():
			if e.Kind == Closed && e.Conn == n {
				return
			}
		case <-timeout:
			t.Fatalf("connection %d did not close", n)
		}
	}
}

// waitGoroutines waits until at most n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestLiteralSize(t *testing.T) {
	cases := []struct {
		in     string
		n      int64
		sync   bool
		wantOK bool
	}{
		{"a APPEND x {12}", 12, true, true},
		{"a APPEND x {12+}", 12, false, true},
		{"* 1 FETCH (BODY[] ~{0}", 0, true, true},
		{"{}", 0, false, false},
		{"{+}", 0, false, false},
		{"x 12}", 0, false, false},
		{"{99999999999999999999}", 0, false, false},
	}
	for _, c := range cases {
		n, sync, ok := literal([]byte(c.in))
		if ok != c.wantOK || ok && (n != c.n || sync != c.sync) {
			t.Errorf("literal(%q) = %d %v %v", c.in, n, sync, ok)
		}
	}
}

func TestMidLiteral(t *testing.T) {
	const first = "a1 NOOP\r\n"
	cases := []struct {
		name   string
		rule   Rule
		sync   bool   // wait for the go-ahead before the literal
		cmd    string // the command line, CRLF included
		lit    string
		wantAt int64 // upstream bytes forwarded when cut; -1: no cut
	}{
		{"non-synchronising", Rule{Command: "APPEND"}, false, "a2 APPEND INBOX {10+}\r\n", "0123456789", int64(len(first) + 23 + 5)},
		{"synchronising", Rule{Command: "APPEND"}, true, "a2 APPEND INBOX {10}\r\n", "0123456789", int64(len(first) + 22 + 5)},
		{"odd size, offset", Rule{Command: "APPEND", Offset: 2}, false, "a2 APPEND INBOX {7+}\r\n", "abcdefg", int64(len(first) + 22 + 3 + 2)},
		{"second command", Rule{Command: "APPEND", Nth: 2}, false, "a2 APPEND INBOX {4+}\r\n", "abcd", -1},
		{"no literal", Rule{Command: "NOOP", Nth: 2}, false, "a2 NOOP\r\n", "", -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t)
			p := newProxy(t, srv.ln.Addr().String())
			tc.rule.When, tc.rule.Action = MidLiteral, Cut
			f := p.Add(tc.rule)
			cl := dialProxy(t, p)
			cl.mustLine("* OK fake ready")
			cl.send(first)
			cl.untilTagged("a1")
			cl.send(tc.cmd)
			if tc.sync {
				cl.mustLine("+ go ahead")
			}
			if tc.lit != "" {
				cl.send(tc.lit + "\r\n")
			}
			if tc.wantAt < 0 {
				cl.untilTagged("a2")
				cl.send("a3 LOGOUT\r\n")
				cl.untilTagged("a3")
				if f.Count() != 0 {
					t.Fatalf("fired %d times", f.Count())
				}
				return
			}
			cl.expectEOF("")
			e := nextCut(t, p)
			if e.Dir != Upstream || e.Offset != tc.wantAt || e.Command != "APPEND" {
				t.Fatalf("cut event %v, want upstream at %d", e, tc.wantAt)
			}
			waitClosed(t, p, 1)
			if up := p.Stats().Up; up != tc.wantAt {
				t.Fatalf("%d bytes forwarded upstream, want %d", up, tc.wantAt)
			}
			// The server got the command line (and half the literal).
			for _, want := range []string{"a1 NOOP", strings.TrimSpace(tc.cmd)} {
				select {
				case got := <-srv.got:
					if got != want {
						t.Fatalf("server got %q, want %q", got, want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("the server did not get %q", want)
				}
			}
		})
	}
	t.Run("refused literal", func(t *testing.T) {
		// The server refuses the literal; the client goes on with a
		// command whose bytes would reach the rule's offset.
		srv := startFake(t)
		p := newProxy(t, srv.ln.Addr().String())
		f := p.Add(Rule{Command: "APPEND", When: MidLiteral, Action: Cut})
		cl := dialProxy(t, p)
		cl.mustLine("* OK fake ready")
		cl.send("a1 APPEND REFUSE {40}\r\n")
		cl.mustLine("a1 NO refused")
		cl.send("a2 NOOP 0123456789012345678901234567890123456789\r\n")
		cl.untilTagged("a2")
		if f.Count() != 0 {
			t.Fatalf("fired %d times after a refused literal", f.Count())
		}
	})
}
