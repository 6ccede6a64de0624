package imaplib

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The hostile-server suite: servers that misbehave on purpose. Each case
// must end in a clear abort (or, where noted, in data delivered intact),
// with memory bounded by the configured limits and no goroutine left
// behind. Cases that fit a transcript use play; those that stream
// megabytes, never stop, or pace their output use hostile, whose server
// side is code.

// hostileConn is the server side of a hostile connection.
type hostileConn struct {
	net.Conn
	br *bufio.Reader
}

func (h *hostileConn) readLine() (string, error) {
	l, err := h.br.ReadString('\n')
	return strings.TrimRight(l, "\r\n"), err
}

func (h *hostileConn) write(s string) error {
	_, err := io.WriteString(h.Conn, s)
	return err
}

// greet sends a greeting and answers the client's CAPABILITY (tag A0).
func (h *hostileConn) greet(caps string) error {
	if err := h.write("* OK hostile ready\r\n"); err != nil {
		return err
	}
	if l, err := h.readLine(); err != nil || l != "A0 CAPABILITY" {
		return fmt.Errorf("hostile: got %q (%v), want the CAPABILITY command", l, err)
	}
	return h.write("* CAPABILITY IMAP4rev1 " + caps + "\r\nA0 OK done\r\n")
}

// hostile connects a client (tag prefix "A") to a server running handler,
// and returns the client, a function that waits for the handler to
// return (it fails the test after 10 seconds), and the error of New.
func hostile(t *testing.T, opts Options, handler func(h *hostileConn)) (*IMAP4, func(), error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer server.Close()
		handler(&hostileConn{Conn: server, br: bufio.NewReader(server)})
	}()
	wait := func() {
		t.Helper()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			server.Close()
			t.Fatal("the hostile server did not stop")
		}
	}
	t.Cleanup(func() {
		client.Close()
		server.Close()
		<-done
	})
	opts.TagPrefix = "A"
	m, err := New(client, &opts)
	return m, wait, err
}

// waitGoroutines waits until at most n goroutines run, and fails the test
// when they do not end within 10 seconds.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// allocated returns the bytes allocated by the process while fn ran.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// within runs fn and fails the test when it has not returned in 20
// seconds: a hostile server must never hang the client.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: the client hangs", what)
	}
}

// wantAbort checks err is an abort whose message contains msg.
func wantAbort(t *testing.T, err error, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrAbort) || !strings.Contains(e.Message, msg) {
		t.Fatalf("got %v, want an abort with %q", err, msg)
	}
}

// stream writes chunk repeatedly until n bytes are written or the client
// goes away.
func stream(h *hostileConn, chunk []byte, n int) {
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := h.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}

func TestHostileLongLine(t *testing.T) {
	before := runtime.NumGoroutine()
	const limit = 64 << 10
	const sent = 16 << 20
	chunk := bytes.Repeat([]byte("1 "), 32<<10)
	m, wait, err := hostile(t, Options{Limits: Limits{MaxLine: limit}}, func(h *hostileConn) {
		if h.greet("") != nil {
			return
		}
		h.readLine()
		h.write("* SEARCH ")
		stream(h, chunk, sent)
		h.write("\r\nA1 OK done\r\n")
	})
	if err != nil {
		t.Fatal(err)
	}
	m.state = "SELECTED"
	var serr error
	alloc := allocated(func() { _, _, serr = m.Search("", "ALL") })
	wantAbort(t, serr, fmt.Sprintf("got more than %d bytes", limit))
	if alloc > 4*limit+(1<<20) {
		t.Fatalf("allocated %d bytes for a line limited to %d", alloc, limit)
	}
	m.Close()
	wait()
	waitGoroutines(t, before)
}

func TestHostileHugeLiteral(t *testing.T) {
	const announced = 1 << 40
	t.Run("refused at the announcement", func(t *testing.T) {
		before := runtime.NumGoroutine()
		m, wait, err := hostile(t, Options{}, func(h *hostileConn) {
			if h.greet("") != nil {
				return
			}
			h.readLine()
			h.write(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n", int64(announced)))
			stream(h, make([]byte, 64<<10), 8<<20)
		})
		if err != nil {
			t.Fatal(err)
		}
		m.state = "SELECTED"
		var ferr error
		alloc := allocated(func() { _, _, ferr = m.Fetch("1", "BODY[]") })
		wantAbort(t, ferr, "literal of 1099511627776 bytes exceeds the limit of 536870912")
		if alloc > 1<<20 {
			t.Fatalf("allocated %d bytes to refuse a literal", alloc)
		}
		m.Close()
		wait()
		waitGoroutines(t, before)
	})
	t.Run("allowed: memory follows the bytes that arrive", func(t *testing.T) {
		before := runtime.NumGoroutine()
		const sent = 4 << 20
		m, wait, err := hostile(t, Options{Limits: Limits{MaxLiteral: 2 * announced, MaxResponse: 4 * announced}}, func(h *hostileConn) {
			if h.greet("") != nil {
				return
			}
			h.readLine()
			h.write(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n", int64(announced)))
			stream(h, make([]byte, 64<<10), sent)
			// Then the server goes away.
		})
		if err != nil {
			t.Fatal(err)
		}
		m.state = "SELECTED"
		var ferr error
		alloc := allocated(func() { _, _, ferr = m.Fetch("1", "BODY[]") })
		wantAbort(t, ferr, "socket error: EOF")
		if alloc > 4*sent+(2<<20) {
			t.Fatalf("allocated %d bytes for %d bytes received", alloc, sent)
		}
		m.Close()
		wait()
		waitGoroutines(t, before)
	})
}

func TestHostileFraming(t *testing.T) {
	cases := []struct {
		name   string
		script string
		msg    string
	}{
		// The server keeps the connection open: the client must not
		// wait for more.
		{"bare LF", `C: A1 NOOP
S= * 1 EXISTS\nA1 OK done\r\n
H: `, "socket error: unterminated line"},
		{"bare LF inside a line", `C: A1 NOOP
S= * OK one\ntwo\r\nA1 OK done\r\n
H: `, "socket error: unterminated line"},
		{"BYE in the middle of a literal, then close", `C: A1 NOOP
S: * 1 FETCH (BODY[] {100}
S= first part of the body
S: * BYE going away
X: `, "socket error: EOF"},
		{"tagged answer to a completed command", `C: A1 NOOP
S: A0 OK again
H: `, "unexpected tagged response: b'A0 OK again'"},
		{"tagged answer to a command not sent yet", `C: A1 NOOP
S: A2 OK early
H: `, "unexpected tagged response: b'A2 OK early'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			m, tr, err := play(t, greeting+"\n"+tc.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			var nerr error
			within(t, tc.name, func() { _, _, nerr = m.Noop() })
			wantAbort(t, nerr, tc.msg)
			// The connection is closed: the next command fails at once.
			if _, _, err := m.Noop(); !errors.Is(err, ErrAbort) {
				t.Fatalf("command after the abort: %v", err)
			}
			tr.wait()
			m.Close()
			waitGoroutines(t, before)
		})
	}
}

func TestHostileBYEMidLiteralHeld(t *testing.T) {
	// The server announces a literal, sends BYE in its place, and waits:
	// the BYE is literal data, and the timeout ends the wait.
	m, tr, err := play(t, greeting+`
C: A1 NOOP
S: * 1 FETCH (BODY[] {100}
S: * BYE going away
H: `, &Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Noop()
	wantAbort(t, err, "timed out")
	tr.wait()
}

func TestHostileNUL(t *testing.T) {
	// NUL is not valid in IMAP text, but Python's imaplib delivers it, and
	// so does this client: Go and Lua strings hold NUL safely, and a
	// mailbox with a broken header stays readable. The data arrives
	// intact, the session stays in step with the server, and the typed
	// parsers, which follow the grammar, refuse it with a ParseError.
	m, tr, err := play(t, strings.ReplaceAll(greeting+`
C: A1 NOOP
S= * OK [ALERT] he\x00llo\r\n
S= * 1 FETCH (FLAGS (\Seen) ENVELOPE (NIL "sub\x00ject" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n
S: A1 OK done
C: A2 NOOP
S: A2 OK done`, `\x00`, "\x00"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	typ, dat := m.Response("OK")
	wantResult(t, "alert", typ, dat, nil, "OK", items("[ALERT] he\x00llo"))
	_, fetch := m.Response("FETCH")
	if len(fetch) != 1 || !bytes.Contains(fetch[0].Line, []byte("sub\x00ject")) {
		t.Fatalf("fetch data %s", pyItems(fetch))
	}
	// The typed parser holds to the grammar and refuses it cleanly.
	var pe *ParseError
	if fd, err := ParseFetch(fetch); !errors.As(err, &pe) || len(fd) != 0 {
		t.Fatalf("parse: %+v %v, want a parse error", fd, err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

func TestHostileDeepParentheses(t *testing.T) {
	const depth = 10000
	open, closing := strings.Repeat("(", depth), strings.Repeat(")", depth)
	lines := []string{
		"* 1 FETCH (FLAGS " + open + closing + ")",
		"* 2 FETCH (BODYSTRUCTURE " + open + `"text" "plain" NIL NIL NIL "7bit" 1 1` + closing + ")",
		"* 3 FETCH (ENVELOPE " + open + closing + ")",
		"* 4 FETCH (X-UNKNOWN " + open + closing + ")",
	}
	script := greeting + "\nS: * PREAUTH\nC: A1 FETCH 1:4 ALL\nS: " + strings.Join(lines, "\nS: ") + "\nS: A1 OK done"
	m, tr, err := play(t, script, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.state = "SELECTED"
	typ, dat, err := m.Fetch("1:4", "ALL")
	if err != nil || typ != "OK" || len(dat) != 4 {
		t.Fatalf("fetch: %s %d %v", typ, len(dat), err)
	}
	for i, it := range dat {
		fd, err := ParseFetch([]Item{it})
		var pe *ParseError
		if !errors.As(err, &pe) || len(fd) != 0 {
			t.Fatalf("response %d: %v %v, want a parse error", i+1, fd, err)
		}
	}
	// The other parsers refuse the same nesting.
	deep := []Item{LineItem([]byte(open + closing + ` "/" INBOX`))}
	if _, err := ParseList(deep); err == nil {
		t.Fatal("ParseList accepted 10,000 levels")
	}
	if _, err := ParseStatus([]Item{LineItem([]byte("INBOX " + open + closing))}); err == nil {
		t.Fatal("ParseStatus accepted 10,000 levels")
	}
	if _, err := ParseESearch([]Item{LineItem([]byte(open + closing))}); err == nil {
		t.Fatal("ParseESearch accepted 10,000 levels")
	}
	tr.check()
}

func TestHostileEndlessContinuations(t *testing.T) {
	endless := func(h *hostileConn) {
		for h.write("+ more please\r\n") == nil {
		}
	}
	t.Run("after a synchronising literal", func(t *testing.T) {
		before := runtime.NumGoroutine()
		m, wait, err := hostile(t, Options{}, func(h *hostileConn) {
			if h.greet("") != nil {
				return
			}
			h.readLine() // A1 APPEND INBOX {5}
			h.write("+ go ahead\r\n")
			h.readLine() // hello
			endless(h)
		})
		if err != nil {
			t.Fatal(err)
		}
		m.state = "AUTH"
		var aerr error
		within(t, "append", func() { _, _, aerr = m.Append("INBOX", "", "", []byte("hello")) })
		wantAbort(t, aerr, "too many continuation requests")
		m.Close()
		wait()
		waitGoroutines(t, before)
	})
	t.Run("to a command without literal", func(t *testing.T) {
		before := runtime.NumGoroutine()
		m, wait, err := hostile(t, Options{}, func(h *hostileConn) {
			if h.greet("") != nil {
				return
			}
			h.readLine()
			endless(h)
		})
		if err != nil {
			t.Fatal(err)
		}
		var nerr error
		within(t, "noop", func() { _, _, nerr = m.Noop() })
		wantAbort(t, nerr, "too many continuation requests")
		m.Close()
		wait()
		waitGoroutines(t, before)
	})
	t.Run("to an authentication exchange", func(t *testing.T) {
		before := runtime.NumGoroutine()
		m, wait, err := hostile(t, Options{}, func(h *hostileConn) {
			if h.greet("AUTH=PLAIN") != nil {
				return
			}
			h.readLine()
			for {
				if h.write("+ \r\n") != nil {
					return
				}
				if _, err := h.readLine(); err != nil {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		rounds := 0
		var aerr error
		within(t, "authenticate", func() {
			_, _, aerr = m.run(&command{name: "AUTHENTICATE", args: []any{"PLAIN"}, literator: func([]byte) ([]byte, error) {
				rounds++
				return []byte("AGFsaWNlAHNlY3JldA=="), nil
			}})
		})
		wantAbort(t, aerr, "too many continuation requests")
		if rounds == 0 || rounds > maxContinuations {
			t.Fatalf("answered %d challenges", rounds)
		}
		m.Close()
		wait()
		waitGoroutines(t, before)
	})
	t.Run("a few stray ones are tolerated", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 NOOP
S: + what?
S: + what?
S: A1 OK done`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
}

func TestHostileSlowLoris(t *testing.T) {
	// The server sends a byte at a time, each well within the timeout,
	// and never finishes. Each response must arrive whole within Timeout
	// of the client starting to wait for it, so the trickle cannot hold
	// the client longer than that.
	const timeout = 200 * time.Millisecond
	trickle := func(prefix string) func(h *hostileConn) {
		return func(h *hostileConn) {
			if h.greet("") != nil {
				return
			}
			h.readLine()
			if h.write(prefix) != nil {
				return
			}
			tick := time.NewTicker(timeout / 5)
			defer tick.Stop()
			for range tick.C {
				if h.write("x") != nil {
					return
				}
			}
		}
	}
	for _, tc := range []struct{ name, prefix string }{
		{"in a line", "* OK "},
		{"in a literal", "* 1 FETCH (BODY[] {1000000}\r\n"},
		{"in the tagged answer", "A1 OK "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			m, wait, err := hostile(t, Options{Timeout: timeout}, trickle(tc.prefix))
			if err != nil {
				t.Fatal(err)
			}
			var nerr error
			within(t, "noop", func() { _, _, nerr = m.Noop() })
			wantAbort(t, nerr, "timed out")
			m.Close()
			wait()
			waitGoroutines(t, before)
		})
	}
}
