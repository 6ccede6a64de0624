package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// A transcript is a conversation with a scripted fake server. Lines start
// with "S: " (the server sends the rest, CRLF added) or "C: " (the client
// must send exactly the rest followed by CRLF). "C= " expects the bytes
// without a CRLF (a literal followed by more of the command). Tags are
// deterministic: the client is given the tag prefix "A", so its commands
// are tagged A0, A1, ...
type transcript struct {
	t      *testing.T
	server net.Conn
	done   chan error
}

// greeting is a server greeting whose capabilities are read from a
// CAPABILITY command; most transcripts start with it.
const greeting = `S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 LITERAL+ IDLE
S: A0 OK done`

// greetingSync is greeting for a server without LITERAL+.
const greetingSync = `S: * OK ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1
S: A0 OK done`

func play(t *testing.T, script string, opts *Options) (*IMAP4, *transcript, error) {
	t.Helper()
	// A loopback TCP pair, not net.Pipe: the kernel's buffers let the
	// script send lines the client reads only later, as a real server does.
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
	tr := &transcript{t: t, server: server, done: make(chan error, 1)}
	go tr.serve(script)
	var m *IMAP4
	o := Options{TagPrefix: "A"}
	if opts != nil {
		o = *opts
		o.TagPrefix = "A"
	}
	m, err = New(client, &o)
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return m, tr, err
}

// wait returns the fake server's verdict: nil when the whole script ran.
func (tr *transcript) wait() error {
	select {
	case err := <-tr.done:
		return err
	case <-time.After(10 * time.Second):
		return errors.New("transcript did not finish")
	}
}

func (tr *transcript) check() {
	tr.t.Helper()
	if err := tr.wait(); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *transcript) serve(script string) {
	err := tr.run(script)
	// Whatever the client reads after the script is EOF.
	tr.server.Close()
	tr.done <- err
}

func (tr *transcript) run(script string) error {
	for n, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "X:" || line == "H:" {
			line += " "
		}
		if len(line) < 3 {
			return fmt.Errorf("script line %d: %q", n+1, line)
		}
		kind, body := line[:3], line[3:]
		body = strings.ReplaceAll(body, `\r`, "\r")
		body = strings.ReplaceAll(body, `\n`, "\n")
		switch kind {
		case "S: ":
			if _, err := io.WriteString(tr.server, body+"\r\n"); err != nil {
				return fmt.Errorf("script line %d: server write: %v", n+1, err)
			}
		case "S= ":
			if _, err := io.WriteString(tr.server, body); err != nil {
				return fmt.Errorf("script line %d: server write: %v", n+1, err)
			}
		case "C: ", "C= ":
			want := body
			if kind == "C: " {
				want += "\r\n"
			}
			got := make([]byte, len(want))
			tr.server.SetReadDeadline(time.Now().Add(5 * time.Second))
			defer tr.server.SetReadDeadline(time.Time{})
			k, err := io.ReadFull(tr.server, got)
			if err != nil || !bytes.Equal(got, []byte(want)) {
				return fmt.Errorf("script line %d: client sent %q (%v), want %q", n+1, got[:k], err, want)
			}
		case "X: ": // the server closes the connection
			return tr.server.Close()
		case "H: ": // the server holds the connection silently until the client closes it
			io.Copy(io.Discard, tr.server)
			return nil
		default:
			return fmt.Errorf("script line %d: unknown kind %q", n+1, kind)
		}
	}
	// Nothing more may come from the client but what the test ends with.
	return nil
}

func items(list ...string) []Item {
	out := make([]Item, len(list))
	for i, s := range list {
		out[i] = LineItem([]byte(s))
	}
	return out
}

func itemsEqual(a, b []Item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].IsNone != b[i].IsNone || a[i].IsPair != b[i].IsPair ||
			!bytes.Equal(a[i].Line, b[i].Line) || !bytes.Equal(a[i].Literal, b[i].Literal) {
			return false
		}
	}
	return true
}

func wantResult(t *testing.T, what string, typ string, data []Item, err error, wantTyp string, want []Item) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if typ != wantTyp || !itemsEqual(data, want) {
		t.Fatalf("%s = %s %s, want %s %s", what, typ, pyItems(data), wantTyp, pyItems(want))
	}
}

func TestTranscriptSession(t *testing.T) {
	m, tr, err := play(t, greeting+`
C: A1 LOGIN alice "p\\a\"ss word"
S: A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UIDPLUS] Logged in
C: A2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
S: * 2 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY 1700000000] UIDs valid
S: * OK [UIDNEXT 3] Predicted next UID
S: A2 OK [READ-WRITE] Select completed.
C: A3 SEARCH UNSEEN FROM "a b"
S: * SEARCH 1 2
S: A3 OK Search completed.
C: A4 FETCH 1 (FLAGS BODY[HEADER.FIELDS (SUBJECT)])
S: * 1 FETCH (FLAGS (\Seen) BODY[HEADER.FIELDS (SUBJECT)] {16}
S= Subject: hello\r\n
S: )
S: A4 OK Fetch completed.
C: A5 LOGOUT
S: * BYE Logging out
S: A5 OK Logout completed.`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.State() != "NONAUTH" || m.ProtocolVersion() != "IMAP4REV1" {
		t.Fatalf("state %s, version %s", m.State(), m.ProtocolVersion())
	}
	if got := strings.Join(m.Capabilities(), " "); got != "IMAP4REV1 LITERAL+ IDLE" {
		t.Fatalf("capabilities %q", got)
	}
	typ, dat, err := m.Login("alice", `p\a"ss word`)
	wantResult(t, "login", typ, dat, err, "OK", items("[CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UIDPLUS] Logged in"))
	if !m.HasCapability("move") || m.State() != "AUTH" {
		t.Fatalf("after login: MOVE %v, state %s", m.HasCapability("MOVE"), m.State())
	}
	typ, dat, err = m.Select("INBOX", false)
	wantResult(t, "select", typ, dat, err, "OK", items("2"))
	typ, dat = m.Response("UIDVALIDITY")
	wantResult(t, "response", typ, dat, nil, "UIDVALIDITY", items("1700000000"))
	typ, dat = m.Response("UIDVALIDITY")
	wantResult(t, "response again", typ, dat, nil, "UIDVALIDITY", []Item{NoneItem})
	typ, dat = m.Response("flags")
	wantResult(t, "response flags", typ, dat, nil, "flags", items(`(\Answered \Flagged \Deleted \Seen \Draft)`))
	typ, dat, err = m.Search("", "UNSEEN", "FROM", `"a b"`)
	wantResult(t, "search", typ, dat, err, "OK", items("1 2"))
	typ, dat, err = m.Fetch("1", "(FLAGS BODY[HEADER.FIELDS (SUBJECT)])")
	wantResult(t, "fetch", typ, dat, err, "OK", []Item{
		PairItem([]byte(`1 (FLAGS (\Seen) BODY[HEADER.FIELDS (SUBJECT)] {16}`), []byte("Subject: hello\r\n")),
		LineItem([]byte(")")),
	})
	typ, dat, err = m.Logout()
	wantResult(t, "logout", typ, dat, err, "BYE", items("Logging out"))
	if m.State() != "LOGOUT" {
		t.Fatalf("state after logout %s", m.State())
	}
	tr.check()
}

func TestTranscriptLiterals(t *testing.T) {
	t.Run("synchronising", func(t *testing.T) {
		m, tr, err := play(t, greetingSync+`
C: A1 LOGIN u "p"
S: A1 OK ok
C: A2 APPEND INBOX (\Seen) "01-Jan-2000 00:00:00 +0000" {6}
S: + go ahead
C: a\r\nb\r\n
S: A2 OK [APPENDUID 1 5] Append completed.
C: A3 APPEND Drafts {2}
S: A3 NO [OVERQUOTA] no room
C: A4 NOOP
S: A4 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Login("u", "p"); err != nil {
			t.Fatal(err)
		}
		typ, dat, err := m.Append("", `\Seen`, `"01-Jan-2000 00:00:00 +0000"`, []byte("a\nb\r"))
		wantResult(t, "append", typ, dat, err, "OK", items("[APPENDUID 1 5] Append completed."))
		typ, dat = m.Response("APPENDUID")
		wantResult(t, "appenduid", typ, dat, nil, "APPENDUID", items("1 5"))
		// The server refuses before the go-ahead: the literal is not sent.
		typ, dat, err = m.Append("Drafts", "", "", []byte("xy"))
		wantResult(t, "refused append", typ, dat, err, "NO", items("[OVERQUOTA] no room"))
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("non-synchronising", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 LOGIN u "p"
S: A1 OK ok
C: A2 APPEND INBOX {3+}
C: abc
S: A2 OK done`, nil)
		if err != nil {
			t.Fatal(err)
		}
		m.Login("u", "p")
		typ, dat, err := m.Append("INBOX", "", "", []byte("abc"))
		wantResult(t, "append", typ, dat, err, "OK", items("done"))
		tr.check()
	})
	t.Run("literals in responses", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
S: * PREAUTH already
C: A1 FETCH 1:2 (BODY[1] BODY[2])
S: * 1 FETCH (BODY[1] {3}
S: one BODY[2] {0}
S:  UID 7)
S: * 2 FETCH (BODY[1] ~{4}
S: \r\n\r\n)
S: A1 OK done`, nil)
		if err != nil {
			t.Fatal(err)
		}
		m.state = "SELECTED"
		typ, dat, err := m.Fetch("1:2", "(BODY[1] BODY[2])")
		wantResult(t, "fetch", typ, dat, err, "OK", []Item{
			PairItem([]byte("1 (BODY[1] {3}"), []byte("one")),
			PairItem([]byte(" BODY[2] {0}"), []byte("")),
			LineItem([]byte(" UID 7)")),
			PairItem([]byte("2 (BODY[1] ~{4}"), []byte("\r\n\r\n")),
			LineItem([]byte(")")),
		})
		tr.check()
	})
}

func TestTranscriptInjectionRefused(t *testing.T) {
	m, tr, err := play(t, greeting+`
S: * PREAUTH
C: A1 SELECT INBOX
S: A1 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.state = "AUTH"
	for _, bad := range []string{"INBOX\r\nA1 DELETE Archive", "INBOX\nX", "INBOX\rX", "IN\x00BOX"} {
		_, _, err := m.Select(bad, false)
		if !errors.Is(err, ErrValue) || errors.Is(err, ErrError) {
			t.Fatalf("select %q: %v, want a ValueError", bad, err)
		}
	}
	if _, _, err := m.Login("a\r\nb", "x"); !errors.Is(err, ErrValue) {
		// LOGIN is illegal in AUTH; the state check comes first, as in Python.
		if !errors.Is(err, ErrError) {
			t.Fatalf("login: %v", err)
		}
	}
	// Nothing reached the server: the next command is the first it sees,
	// and it carries the next unused tag.
	typ, dat, err := m.Select("INBOX", false)
	wantResult(t, "select", typ, dat, err, "OK", []Item{NoneItem})
	tr.check()
}

func TestTranscriptStateTable(t *testing.T) {
	m, tr, err := play(t, greeting, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Fetch("1", "(FLAGS)")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindError || e.Message != "command FETCH illegal in state NONAUTH, only allowed in states SELECTED" {
		t.Fatalf("fetch before select: %v", err)
	}
	tr.check()
}

func TestTranscriptErrors(t *testing.T) {
	cases := []struct {
		name   string
		script string
		kind   Kind
		msg    string
	}{
		{"tagged BAD", `C: A1 NOOP
S: A1 BAD [CLIENTBUG] what?`, KindError, `NOOP command error: BAD [b'[CLIENTBUG] what?']`},
		{"EOF", `C: A1 NOOP
X: `, KindAbort, "command: NOOP => socket error: EOF"},
		{"BYE", `C: A1 NOOP
S: * BYE shutting down`, KindAbort, "command: NOOP => shutting down"},
		{"bare LF", `C: A1 NOOP
S= * 1 EXISTS
X: `, KindAbort, "command: NOOP => socket error: unterminated line: b'* 1 EXISTS'"},
		{"unexpected tag", `C: A1 NOOP
S: A7 OK what`, KindAbort, "command: NOOP => unexpected tagged response: b'A7 OK what'"},
		{"garbage", `C: A1 NOOP
S: hello there`, KindAbort, "command: NOOP => unexpected response: b'hello there'"},
		{"lying literal", `C: A1 NOOP
S: * 1 FETCH (BODY[] {99999999999}`, KindAbort, "command: NOOP => literal of 99999999999 bytes exceeds the limit of 536870912"},
		{"literal cut short", `C: A1 NOOP
S: * 1 FETCH (BODY[] {10}
S= abc
X: `, KindAbort, "command: NOOP => socket error: EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, tr, err := play(t, greeting+"\n"+tc.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = m.Noop()
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind || e.Message != tc.msg {
				t.Fatalf("got %v, want %s %q", err, tc.kind, tc.msg)
			}
			if tc.kind == KindAbort {
				// The connection is closed: the next command fails at once.
				if _, _, err := m.Noop(); !errors.Is(err, ErrAbort) {
					t.Fatalf("command after abort: %v", err)
				}
			}
			if err := tr.wait(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTranscriptLimits(t *testing.T) {
	t.Run("line", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 SEARCH ALL
S: * SEARCH 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
H: `, &Options{Limits: Limits{MaxLine: 60}})
		if err != nil {
			t.Fatal(err)
		}
		m.state = "SELECTED"
		_, _, err = m.Search("", "ALL")
		if !errors.Is(err, ErrAbort) || !strings.Contains(err.Error(), "command: SEARCH => got more than 60 bytes") {
			t.Fatalf("got %v", err)
		}
		tr.wait()
	})
	t.Run("timeout", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 NOOP
H: `, &Options{Timeout: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Noop()
		if !errors.Is(err, ErrAbort) || !strings.Contains(err.Error(), "timed out") {
			t.Fatalf("got %v", err)
		}
		tr.wait()
	})
}

func TestTranscriptGreetings(t *testing.T) {
	t.Run("PREAUTH", func(t *testing.T) {
		m, tr, err := play(t, `S: * PREAUTH [CAPABILITY IMAP4rev1] hi
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1
S: A0 OK`, nil)
		if err != nil || m.State() != "AUTH" {
			t.Fatalf("state %v, err %v", m, err)
		}
		tr.check()
	})
	t.Run("BYE", func(t *testing.T) {
		_, tr, err := play(t, `S: * BYE go away`, nil)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindError || e.Message != "b'* BYE go away'" {
			t.Fatalf("got %v", err)
		}
		tr.check()
	})
	t.Run("not IMAP4", func(t *testing.T) {
		_, tr, err := play(t, `S: * OK hi
C: A0 CAPABILITY
S: * CAPABILITY IMAP2
S: A0 OK`, nil)
		if err == nil || !strings.Contains(err.Error(), "server not IMAP4 compliant") {
			t.Fatalf("got %v", err)
		}
		tr.check()
	})
}

func TestTranscriptReadonly(t *testing.T) {
	m, tr, err := play(t, greeting+`
S: * PREAUTH
C: A1 SELECT Shared
S: * 3 EXISTS
S: A1 OK [READ-ONLY] Select completed.
C: A2 EXAMINE Shared
S: * 3 EXISTS
S: A2 OK [READ-ONLY] Examine completed.
C: A3 NOOP
S: * OK [READ-ONLY] mailbox changed
S: A3 OK`, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.state = "AUTH"
	if _, _, err := m.Select("Shared", false); !errors.Is(err, ErrReadonly) || !errors.Is(err, ErrAbort) || !errors.Is(err, ErrError) {
		t.Fatalf("select read-only: %v", err)
	}
	typ, dat, err := m.Select("Shared", true)
	wantResult(t, "examine", typ, dat, err, "OK", items("3"))
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

func TestTranscriptTrailingLiteralAnnouncementRefused(t *testing.T) {
	m, tr, err := play(t, greeting+`
S: * PREAUTH
C: A1 CREATE foo
S: A1 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.state = "AUTH"
	for _, bad := range []string{"foo {5}", "{12}", "x ~{3}", "y {4+}"} {
		if _, _, err := m.Create(bad); !errors.Is(err, ErrValue) {
			t.Fatalf("create %q: %v, want a ValueError", bad, err)
		}
	}
	typ, dat, err := m.Create("foo")
	wantResult(t, "create", typ, dat, err, "OK", items("done"))
	tr.check()
}

func TestTranscriptGreetingCapabilities(t *testing.T) {
	// With GreetingCapabilities, the greeting's code serves: the first
	// command the server sees is LOGIN, tagged A0.
	m, tr, err := play(t, `S: * OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready
C: A0 LOGIN u "p"
S: A0 OK done`, &Options{GreetingCapabilities: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Capabilities(), " "); got != "IMAP4REV1 LITERAL+ AUTH=PLAIN" {
		t.Fatalf("capabilities %q", got)
	}
	if _, ok := m.UntaggedResponses()["CAPABILITY"]; ok {
		t.Fatal("the greeting's CAPABILITY is still filed")
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	tr.check()

	// Without a code in the greeting, the command is sent as usual.
	_, tr, err = play(t, greetingSync, &Options{GreetingCapabilities: true})
	if err != nil {
		t.Fatal(err)
	}
	tr.check()
}
