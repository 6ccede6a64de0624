package imaplib

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

const idleLogin = greeting + `
C: A1 LOGIN user "pass"
S: A1 OK ok`

// The FETCH of Python's IDLE test: a literal that must come back whole.
const idleFetch = `S: * 1 FETCH (BODY[HEADER.FIELDS (DATE)] {41}
S= Date: Fri, 06 Dec 2024 06:00:00 +0000\r\n\r\n
S: )`

var idleFetchData = []Item{
	PairItem([]byte("1 (BODY[HEADER.FIELDS (DATE)] {41}"), []byte("Date: Fri, 06 Dec 2024 06:00:00 +0000\r\n\r\n")),
	LineItem([]byte(")")),
}

func idleSession(t *testing.T, script string, opts *Options) (*IMAP4, *transcript) {
	t.Helper()
	m, tr, err := play(t, idleLogin+"\n"+script, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("user", "pass"); err != nil {
		t.Fatal(err)
	}
	return m, tr
}

func wantIdle(t *testing.T, what string, typ string, data []Item, ok bool, wantTyp string, want []Item) {
	t.Helper()
	if !ok || typ != wantTyp || !itemsEqual(data, want) {
		t.Fatalf("%s = %s %s (ok %v), want %s %s", what, typ, pyItems(data), ok, wantTyp, pyItems(want))
	}
}

// Python's test_idle_iter: a response from before the continuation
// request, a simple one, a FETCH with a literal reassembled, one after it;
// those not iterated and those after DONE end up in the untagged
// responses.
func TestIdlePythonIter(t *testing.T) {
	m, tr := idleSession(t, `C: A2 IDLE
S: * 0 EXISTS
S: + idling
S: * 2 EXISTS
`+idleFetch+`
S: * 3 EXISTS
S: * 1 RECENT
C: DONE
S: * 9 RECENT
S: A2 OK Idle completed`, nil)
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	if m.State() != "IDLING" {
		t.Fatalf("state %s", m.State())
	}
	// No other command while idling.
	if _, _, err := m.Noop(); err == nil || !strings.Contains(err.Error(), "illegal in state IDLING") {
		t.Fatalf("noop while idling: %v", err)
	}
	typ, data, ok := idler.Next()
	wantIdle(t, "first", typ, data, ok, "EXISTS", items("0"))
	typ, data, ok = idler.Next()
	wantIdle(t, "second", typ, data, ok, "EXISTS", items("2"))
	typ, data, ok = idler.Next()
	wantIdle(t, "fetch", typ, data, ok, "FETCH", idleFetchData)
	typ, data, ok = idler.Next()
	wantIdle(t, "fourth", typ, data, ok, "EXISTS", items("3"))
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	if m.State() != "AUTH" {
		t.Fatalf("state after idle %s", m.State())
	}
	typ, data = m.Response("EXISTS")
	wantResult(t, "EXISTS", typ, data, nil, "EXISTS", []Item{NoneItem})
	typ, data = m.Response("RECENT")
	wantResult(t, "RECENT", typ, data, nil, "RECENT", items("1", "9"))
	// Close again is harmless; the Idler is spent.
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := idler.Next(); ok || idler.Err() == nil {
		t.Fatalf("next after close: ok %v err %v", ok, idler.Err())
	}
	tr.check()
}

// Python's test_idle_burst, and a second burst after a silence: the
// grouping follows the silences between responses.
func TestIdleBurst(t *testing.T) {
	m, tr := idleSession(t, `C: A2 IDLE
S: * 0 EXISTS
S: + idling
S: * 2 EXISTS
`+idleFetch+`
S: * 3 EXISTS
C: DONE
S: * 1 RECENT
S: * 9 RECENT
S: A2 OK Idle completed`, nil)
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	var batch []IdleResponse
	for typ, data := range idler.Burst(DefaultBurstInterval) {
		batch = append(batch, IdleResponse{Type: typ, Data: data})
	}
	if len(batch) != 4 || batch[0].Type != "EXISTS" || batch[2].Type != "FETCH" || !itemsEqual(batch[2].Data, idleFetchData) || batch[3].Type != "EXISTS" {
		t.Fatalf("first burst %v", batch)
	}
	// The server is silent now (the script waits for DONE): the next
	// burst starts with whatever comes next, however late.
	if _, err := io.WriteString(tr.server, "* 4 EXISTS\r\n* 5 EXISTS\r\n"); err != nil {
		t.Fatal(err)
	}
	batch = batch[:0]
	for typ, data := range idler.Burst(DefaultBurstInterval) {
		batch = append(batch, IdleResponse{Type: typ, Data: data})
	}
	if len(batch) != 2 || string(batch[0].Data[0].Line) != "4" || string(batch[1].Data[0].Line) != "5" {
		t.Fatalf("second burst %v", batch)
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	typ, data := m.Response("RECENT")
	wantResult(t, "RECENT", typ, data, nil, "RECENT", items("1", "9"))
	tr.check()
}

// A duration ends the iteration; the responses of an unsolicited OK with a
// response code come as Python's: the OK, then the code.
func TestIdleDuration(t *testing.T) {
	m, tr := idleSession(t, `C: A2 IDLE
S: + idling\r\n* OK [ALERT] disk full
C: DONE
S: A2 OK Idle completed`, nil)
	idler, err := m.Idle(50 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var got []IdleResponse
	for typ, data := range idler.Responses() {
		got = append(got, IdleResponse{Type: typ, Data: data})
	}
	if idler.Err() != nil {
		t.Fatal(idler.Err())
	}
	if len(got) != 2 || got[0].Type != "OK" || string(got[0].Data[0].Line) != "[ALERT] disk full" ||
		got[1].Type != "ALERT" || string(got[1].Data[0].Line) != "" {
		t.Fatalf("responses %v", got)
	}
	if err := idler.Done(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

// Responses received before the continuation request and never asked for
// are filed into the untagged responses on Close.
func TestIdleLeftovers(t *testing.T) {
	m, tr := idleSession(t, `C: A2 IDLE
S: * 0 EXISTS
`+idleFetch+`
S: + idling
C: DONE
S: A2 OK Idle completed`, nil)
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	typ, data := m.Response("EXISTS")
	wantResult(t, "EXISTS", typ, data, nil, "EXISTS", items("0"))
	typ, data = m.Response("FETCH")
	wantResult(t, "FETCH", typ, data, nil, "FETCH", idleFetchData)
	tr.check()
}

func TestIdleRefused(t *testing.T) {
	t.Run("not advertised", func(t *testing.T) {
		m, tr, err := play(t, greetingSync+`
C: A1 NOOP
S: A1 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Idle(0)
		wantErrorKind(t, "idle", err, KindError, "Server does not support IMAP4 IDLE")
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("denied", func(t *testing.T) {
		m, tr := idleSession(t, `C: A2 IDLE
S: * 1 EXISTS
S: A2 NO [LIMIT] too many idlers
C: A3 NOOP
S: A3 OK`, nil)
		_, err := m.Idle(0)
		wantErrorKind(t, "idle", err, KindError, "idle denied: [b'[LIMIT] too many idlers']")
		if m.State() != "AUTH" {
			t.Fatalf("state %s", m.State())
		}
		typ, data := m.Response("EXISTS")
		wantResult(t, "EXISTS", typ, data, nil, "EXISTS", items("1"))
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("BAD", func(t *testing.T) {
		m, tr := idleSession(t, `C: A2 IDLE
S: A2 BAD unknown command`, nil)
		_, err := m.Idle(0)
		wantErrorKind(t, "idle", err, KindAbort, "unexpected status response: b'A2 BAD unknown command'")
		tr.check()
	})
	t.Run("not authenticated", func(t *testing.T) {
		m, tr, err := play(t, greeting, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Idle(0)
		wantErrorKind(t, "idle", err, KindError, "command IDLE illegal in state NONAUTH, only allowed in states AUTH, SELECTED")
		tr.check()
	})
	t.Run("duration over a stream", func(t *testing.T) {
		m, tr := idleSession(t, `C: A2 IDLE
S: + idling
C: DONE
S: A2 OK done`, nil)
		m.netConn = nil // as over DialStream's pipes
		_, err := m.Idle(time.Second)
		wantErrorKind(t, "idle", err, KindError, "duration requires a socket connection")
		idler, err := m.Idle(0)
		if err != nil {
			t.Fatal(err)
		}
		for range idler.Burst(DefaultBurstInterval) {
			t.Fatal("burst over a stream yielded")
		}
		wantErrorKind(t, "burst", idler.Err(), KindError, "burst() requires a socket connection")
		if err := idler.Close(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
}

// DONE is sent however the caller's code ends: an error, a panic, a
// break out of the loop.
func TestIdleFuncDoneOnFailure(t *testing.T) {
	script := `C: A2 IDLE
S: + idling
S: * 2 EXISTS
C: DONE
S: A2 OK Idle completed
C: A3 NOOP
S: A3 OK`
	t.Run("error", func(t *testing.T) {
		m, tr := idleSession(t, script, nil)
		boom := errors.New("boom")
		err := m.IdleFunc(0, func(idler *Idler) error {
			for typ := range idler.Responses() {
				if typ == "EXISTS" {
					return boom
				}
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("IdleFunc: %v", err)
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("panic", func(t *testing.T) {
		m, tr := idleSession(t, script, nil)
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Fatalf("recovered %v", r)
				}
			}()
			m.IdleFunc(0, func(idler *Idler) error {
				idler.Next()
				panic("boom")
			})
		}()
		if m.State() != "AUTH" {
			t.Fatalf("state after panic %s", m.State())
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("break", func(t *testing.T) {
		m, tr := idleSession(t, script, nil)
		err := m.IdleFunc(0, func(idler *Idler) error {
			for range idler.Responses() {
				break
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
}

// The server ends the IDLE command itself, or hangs up.
func TestIdleServerEnds(t *testing.T) {
	t.Run("tagged", func(t *testing.T) {
		m, tr := idleSession(t, `C: A2 IDLE
S: + idling
S: * 2 EXISTS
S: A2 BAD idle timeout
C: A3 NOOP
S: A3 OK`, nil)
		err := m.IdleFunc(0, func(idler *Idler) error {
			for range idler.Responses() {
			}
			return nil
		})
		wantErrorKind(t, "idle", err, KindError, "unexpected status response: b'A2 BAD idle timeout'")
		// No DONE was sent: the next command is the NOOP.
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("BYE", func(t *testing.T) {
		m, tr := idleSession(t, `C: A2 IDLE
S: + idling
S: * BYE shutting down
X:`, nil)
		idler, err := m.Idle(0)
		if err != nil {
			t.Fatal(err)
		}
		typ, data, ok := idler.Next()
		wantIdle(t, "bye", typ, data, ok, "BYE", items("shutting down"))
		if _, _, ok := idler.Next(); ok || !errors.Is(idler.Err(), ErrAbort) {
			t.Fatalf("after BYE: ok %v err %v", ok, idler.Err())
		}
		if err := idler.Close(); !errors.Is(err, ErrAbort) {
			t.Fatalf("close: %v", err)
		}
		tr.check()
	})
}

// Interrupt, from another goroutine, ends a wait without a duration.
func TestIdleInterrupt(t *testing.T) {
	m, tr := idleSession(t, `C: A2 IDLE
S: + idling
C: DONE
S: A2 OK Idle completed`, nil)
	idler, err := m.Idle(0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		idler.Interrupt()
	}()
	if _, _, ok := idler.Next(); ok {
		t.Fatal("Next returned a response")
	}
	wg.Wait()
	if idler.Err() != nil {
		t.Fatal(idler.Err())
	}
	if err := idler.Close(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

// WaitIdle renews the IDLE command after the renew interval of silence
// (shortened here) and returns what arrives.
func TestWaitIdleRenews(t *testing.T) {
	var trace bytes.Buffer
	m, tr := idleSession(t, `C: A2 IDLE
S: + idling
C: DONE
S: A2 OK Idle completed
C: A3 IDLE
S: + idling
C: DONE
S: A3 OK Idle completed
C: A4 IDLE
S: + idling\r\n* 3 EXISTS\r\n* 1 RECENT
C: DONE
S: A4 OK Idle completed`, &Options{Debug: &trace})
	got, err := m.waitIdle(context.Background(), 30*time.Millisecond, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Type != "EXISTS" || got[1].Type != "RECENT" {
		t.Fatalf("WaitIdle = %v", got)
	}
	if m.State() != "AUTH" {
		t.Fatalf("state %s", m.State())
	}
	if n := strings.Count(trace.String(), "idle renewed"); n != 2 {
		t.Fatalf("renewed %d times:\n%s", n, trace.String())
	}
	tr.check()
}

// WaitIdle returns when its context ends, after DONE.
func TestWaitIdleContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the server's continuation request has been read, so
	// the IDLE command is surely in progress.
	w := writerFunc(func(p []byte) {
		if bytes.Contains(p, []byte("idle continuation prompt")) {
			cancel()
		}
	})
	m, tr := idleSession(t, `C: A2 IDLE
S: + idling
C: DONE
S: A2 OK Idle completed
C: A3 NOOP
S: A3 OK`, &Options{Debug: w})
	got, err := m.WaitIdle(ctx)
	if !errors.Is(err, context.Canceled) || len(got) != 0 {
		t.Fatalf("WaitIdle = %v, %v", got, err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// News the server sends with its answer to a renewal's DONE is returned
// by WaitIdle and WaitIdleBurst alike: the server does not send it again,
// so another IDLE would wait past the mail that just arrived. It stays in
// the untagged responses, for Response.
func TestWaitIdleNewsAtRenewal(t *testing.T) {
	script := `C: A2 IDLE
S: + idling
C: DONE
S: * 4 EXISTS\r\n* 1 RECENT\r\nA2 OK Idle completed`
	waits := []struct {
		name string
		wait func(m *IMAP4) ([]IdleResponse, error)
	}{
		{"WaitIdle", func(m *IMAP4) ([]IdleResponse, error) {
			return m.waitIdle(context.Background(), 30*time.Millisecond, 10*time.Millisecond)
		}},
		{"WaitIdleBurst", func(m *IMAP4) ([]IdleResponse, error) {
			return m.WaitIdleBurst(context.Background(), 30*time.Millisecond, 10*time.Millisecond)
		}},
	}
	for _, w := range waits {
		t.Run(w.name, func(t *testing.T) {
			m, tr := idleSession(t, script, nil)
			got, err := w.wait(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Type != "EXISTS" || !itemsEqual(got[0].Data, []Item{LineItem([]byte("4"))}) || got[0].Received.IsZero() {
				t.Fatalf("%s = %+v, want the EXISTS 4 that came with DONE's answer", w.name, got)
			}
			if typ, data := m.Response("EXISTS"); typ != "EXISTS" || !itemsEqual(data, []Item{LineItem([]byte("4"))}) {
				t.Fatalf(`Response("EXISTS") = %s %s`, typ, pyItems(data))
			}
			tr.check()
		})
	}
}
