package imaplib_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// faultSession is a session of the common commands: connect, LOGIN,
// SELECT, FETCH, APPEND, STORE, UID FETCH, NOOP. It returns the first
// error and the step that met it.
func faultSession(srv *dovecottest.Server, port int, timeout time.Duration) (step string, err error) {
	step = "dial"
	m, err := imaplib.Dial("127.0.0.1", port, &imaplib.Options{Timeout: timeout})
	if err != nil {
		return step, err
	}
	defer m.Close()
	steps := []struct {
		name string
		run  func() error
	}{
		{"login", func() error { _, _, err := m.Login(srv.User, srv.Password); return err }},
		{"select", func() error { _, _, err := m.Select("INBOX", false); return err }},
		{"fetch", func() error {
			_, _, err := m.Fetch("1:3", "(FLAGS RFC822.SIZE BODY.PEEK[])")
			return err
		}},
		{"append", func() error {
			_, _, err := m.Append("Drafts", `\Seen`, "", []byte("Subject: draft\r\n\r\nA draft.\r\n"))
			return err
		}},
		{"store", func() error { _, _, err := m.Store("1", "+FLAGS", `\Flagged`); return err }},
		{"uid fetch", func() error { _, _, err := m.UID("FETCH", "1:*", "(UID FLAGS)"); return err }},
		{"noop", func() error { _, _, err := m.Noop(); return err }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return s.name, err
		}
	}
	return "", nil
}

// runGuarded runs fn in a goroutine and fails the test if it panics or
// does not return within limit.
func runGuarded(t *testing.T, what string, limit time.Duration, fn func() (string, error)) (string, error) {
	t.Helper()
	type result struct {
		step  string
		err   error
		panic string
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: fmt.Sprintf("%v\n%s", p, debug.Stack())}
			}
		}()
		step, err := fn()
		done <- result{step: step, err: err}
	}()
	select {
	case r := <-done:
		if r.panic != "" {
			t.Fatalf("%s: panic: %s", what, r.panic)
		}
		return r.step, r.err
	case <-time.After(limit):
		t.Fatalf("%s: no answer within %v", what, limit)
	}
	return "", nil
}

// faultPoint is one place to inject a fault.
type faultPoint struct {
	name string
	rule faultproxy.Rule
}

// cutPoints returns the rules of every interesting cut of a recorded
// session: around each line end in both directions, inside literals, at a
// stride through the streams, and before, after and after the answer of
// each command.
func cutPoints(up, down []byte, commands []string, stride int) []faultPoint {
	var pts []faultPoint
	seen := map[[2]int64]bool{}
	add := func(dir faultproxy.Direction, off int64, why string) {
		total := int64(len(up))
		if dir == faultproxy.Downstream {
			total = int64(len(down))
		}
		if off < 0 || off >= total || seen[[2]int64{int64(dir), off}] {
			return
		}
		seen[[2]int64{int64(dir), off}] = true
		pts = append(pts, faultPoint{
			name: fmt.Sprintf("%s byte %d (%s)", dir, off, why),
			rule: faultproxy.Rule{Dir: dir, Offset: off, Action: faultproxy.Cut},
		})
	}
	for dir, stream := range map[faultproxy.Direction][]byte{faultproxy.Upstream: up, faultproxy.Downstream: down} {
		for i, b := range stream {
			if b == '\n' {
				add(dir, int64(i), "between CR and LF")
				add(dir, int64(i+1), "after a line")
			}
			if b == '}' && i+2 < len(stream) && stream[i+1] == '\r' {
				add(dir, int64(i+3), "first byte of a literal")
				add(dir, int64(i+12), "inside a literal")
			}
		}
		for off := 1; off < len(stream); off += stride {
			add(dir, int64(off), "stride")
		}
	}
	nth := map[string]int{}
	for _, name := range commands {
		nth[name]++
		for _, when := range []faultproxy.When{faultproxy.BeforeCommand, faultproxy.AfterCommand, faultproxy.AfterResponse} {
			pts = append(pts, faultPoint{
				name: fmt.Sprintf("%s %s #%d", when, name, nth[name]),
				rule: faultproxy.Rule{Command: name, Nth: nth[name], When: when, Action: faultproxy.Cut},
			})
		}
	}
	return pts
}

// recordSession runs the session once without faults and returns what
// went each way and the commands sent.
func recordSession(t *testing.T, srv *dovecottest.Server) (up, down []byte, commands []string) {
	t.Helper()
	p, err := faultproxy.New(srv.Addr(), faultproxy.WithRecording())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if step, err := faultSession(srv, p.Port(), 20*time.Second); err != nil {
		t.Fatalf("session without faults: %s: %v", step, err)
	}
	up, down = p.Recorded(1)
	return up, down, p.Stats().Log
}

func faultServer(t *testing.T) *dovecottest.Server {
	t.Helper()
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(3))
	return srv
}

func TestFaultsCutEverywhere(t *testing.T) {
	srv := faultServer(t)
	up, down, commands := recordSession(t, srv)
	if len(commands) != 8 {
		t.Fatalf("commands of the session: %q", commands)
	}
	stride := 37
	if testing.Short() {
		stride = 211
	}
	pts := cutPoints(up, down, commands, stride)
	aborts := 0
	for _, pt := range pts {
		p, err := faultproxy.New(srv.Addr(), faultproxy.WithRecording())
		if err != nil {
			t.Fatal(err)
		}
		f := p.Add(pt.rule)
		step, err := runGuarded(t, pt.name, 60*time.Second, func() (string, error) {
			return faultSession(srv, p.Port(), 10*time.Second)
		})
		p.Close()
		fired := f.Count() > 0
		switch {
		case err != nil:
			var e *imaplib.Error
			if !errors.As(err, &e) || !errors.Is(err, imaplib.ErrAbort) {
				t.Errorf("%s: %s: %v (%T), want an abort", pt.name, step, err, err)
			}
			if !fired {
				t.Errorf("%s: %s: %v without a fault", pt.name, step, err)
			}
			aborts++
		case fired:
			// The session may end well only when the cut withheld
			// nothing: it came after the last byte it needed.
			if withheld(p) {
				t.Errorf("%s: the session succeeded although the cut withheld data", pt.name)
			}
			t.Logf("%s: no error", pt.name)
		}
	}
	t.Logf("%d cut points, %d aborts", len(pts), aborts)
	if aborts < len(pts)*3/4 {
		t.Fatalf("only %d of %d cuts were aborts", aborts, len(pts))
	}
}

// withheld reports whether the proxy read bytes it did not forward in the
// direction.
func withheld(p *faultproxy.Proxy) bool {
	up, down := p.Recorded(1)
	st := p.ConnStats(1)
	return int64(len(up)) > st.Up || int64(len(down)) > st.Down
}

func TestFaultsStall(t *testing.T) {
	srv := faultServer(t)
	_, _, commands := recordSession(t, srv)
	var pts []faultPoint
	nth := map[string]int{}
	for _, name := range commands {
		nth[name]++
		for _, when := range []faultproxy.When{faultproxy.BeforeCommand, faultproxy.AfterCommand} {
			pts = append(pts, faultPoint{
				name: fmt.Sprintf("%s %s #%d", when, name, nth[name]),
				rule: faultproxy.Rule{Command: name, Nth: nth[name], When: when, Action: faultproxy.Stall},
			})
		}
	}
	pts = append(pts,
		faultPoint{"greeting", faultproxy.Rule{Dir: faultproxy.Downstream, Offset: 3, Action: faultproxy.Stall}},
		faultPoint{"inside the FETCH literal", faultproxy.Rule{Command: "FETCH", When: faultproxy.AfterCommand, Offset: 80, Action: faultproxy.Stall}},
	)
	for _, pt := range pts {
		// The session's timeout is short, to keep the test quick; on a busy
		// machine it can expire before the session reaches the stall. Then
		// the stall never fired, and the point is tried again with a longer
		// timeout.
		var (
			f    *faultproxy.Fault
			step string
			err  error
		)
		for timeout := 300 * time.Millisecond; ; timeout *= 2 {
			p, perr := faultproxy.New(srv.Addr())
			if perr != nil {
				t.Fatal(perr)
			}
			f = p.Add(pt.rule)
			step, err = runGuarded(t, pt.name, 60*time.Second, func() (string, error) {
				return faultSession(srv, p.Port(), timeout)
			})
			p.Close()
			if f.Count() != 0 || timeout >= 5*time.Second {
				break
			}
			t.Logf("%s: timed out at %s before the stall (timeout %v); again", pt.name, step, timeout)
		}
		var ne net.Error
		if f.Count() != 1 || !errors.Is(err, imaplib.ErrAbort) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("%s: fired %d, %s: %v; want a timeout abort", pt.name, f.Count(), step, err)
		}
	}
}

func TestFaultsCorrupt(t *testing.T) {
	srv := faultServer(t)
	up, down, _ := recordSession(t, srv)
	var pts []faultPoint
	for dir, stream := range map[faultproxy.Direction][]byte{faultproxy.Upstream: up, faultproxy.Downstream: down} {
		n := 25
		if testing.Short() {
			n = 8
		}
		for i := range n {
			off := int64(i * len(stream) / n)
			for _, x := range []byte{0xFF, 0x01} {
				pts = append(pts, faultPoint{
					name: fmt.Sprintf("%s byte %d ^ %#x (%q)", dir, off, x, stream[off]),
					rule: faultproxy.Rule{Dir: dir, Offset: off, Action: faultproxy.Corrupt, XOR: x},
				})
			}
		}
	}
	outcomes := map[string]int{}
	for _, pt := range pts {
		p, err := faultproxy.New(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		p.Add(pt.rule)
		step, err := runGuarded(t, pt.name, 60*time.Second, func() (string, error) {
			return faultSession(srv, p.Port(), 500*time.Millisecond)
		})
		p.Close()
		var e *imaplib.Error
		switch {
		case err == nil:
			outcomes["no error"]++ // e.g. a changed byte in a message body
		case !errors.As(err, &e) || !errors.Is(err, imaplib.ErrError):
			t.Errorf("%s: %s: %v (%T), want an abort or an IMAP error", pt.name, step, err, err)
		case errors.Is(err, imaplib.ErrAbort):
			outcomes["abort"]++
		default:
			outcomes["error"]++
		}
	}
	t.Logf("%d corruptions: %v", len(pts), outcomes)
	if outcomes["abort"] == 0 || outcomes["error"] == 0 {
		t.Fatalf("corruptions gave %v: expected both aborts and IMAP errors", outcomes)
	}
}

func TestFaultsCutDuringIdle(t *testing.T) {
	srv := dovecottest.Start(t)
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m, err := imaplib.Dial("127.0.0.1", p.Port(), &imaplib.Options{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send([]byte("X IDLE\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := m.Readline(); err != nil || !bytes.HasPrefix(line, []byte("+")) {
		t.Fatalf("idle: %q %v", line, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := m.Readline()
		done <- err
	}()
	if n := p.CutAll(); n != 1 {
		t.Fatalf("cut %d connections", n)
	}
	select {
	case err := <-done:
		if !errors.Is(err, imaplib.ErrAbort) {
			t.Fatalf("read after the network dropped: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the dropped connection was not noticed")
	}
	if _, _, err := m.Noop(); !errors.Is(err, imaplib.ErrAbort) {
		t.Fatalf("command after the drop: %v", err)
	}
	if st := p.Stats(); st.Commands["IDLE"] != 1 || st.Commands["LOGIN"] != 1 || !strings.Contains(strings.Join(st.Log, " "), "SELECT IDLE") {
		t.Fatalf("stats %+v", st)
	}
}
