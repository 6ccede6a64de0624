package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
)

func TestUIDFetchStreamTranscript(t *testing.T) {
	m, tr := playSelected(t, "LITERAL+", `
C: A2 UID FETCH 1:* (UID FLAGS BODY.PEEK[])
S: * 1 FETCH (UID 7 FLAGS (\Seen) BODY[] {11}
S= hello\r\nbody
S: )
S: * 5 FETCH (FLAGS (\Deleted))
S: * 2 FETCH (UID 9 BODY[HEADER.FIELDS (FROM)] {8}
S= From: x\r
S:  BODY[] {0}
S:  FLAGS ())
S: * 3 EXISTS
S: A2 OK done`)
	var lits []string
	var msgs []*FetchData
	all, _ := ParseSeqSet("1:*")
	err := m.UIDFetchStream(all, "UID FLAGS BODY.PEEK[]", func(l StreamedLiteral, r io.Reader) error {
		b, err := io.ReadAll(r)
		lits = append(lits, fmt.Sprintf("%d/%d %s %d %q", l.SeqNum, l.UID, l.Name, l.Size, b))
		return err
	}, func(fd *FetchData) error {
		msgs = append(msgs, fd)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`1/7 BODY[] 11 "hello\r\nbody"`,
		`2/9 BODY[HEADER.FIELDS (FROM)] 8 "From: x\r"`,
		`2/9 BODY[] 0 ""`,
	}
	if strings.Join(lits, "\n") != strings.Join(want, "\n") {
		t.Fatalf("literals:\n%s\nwant:\n%s", strings.Join(lits, "\n"), strings.Join(want, "\n"))
	}
	if len(msgs) != 2 || msgs[0].UID != 7 || msgs[0].Flags[0] != `\Seen` || msgs[0].Body("") != nil ||
		msgs[1].UID != 9 || len(msgs[1].Sections) != 2 || msgs[1].Flags == nil {
		t.Fatalf("messages: %+v %+v", *msgs[0], *msgs[1])
	}
	// News about other messages stays filed, as with UIDFetch.
	if typ, dat := m.Response("FETCH"); typ != "FETCH" || len(dat) != 1 || string(dat[0].Line) != `5 (FLAGS (\Deleted))` {
		t.Fatalf("unsolicited FETCH: %s %s", typ, pyItems(dat))
	}
	if _, dat := m.Response("EXISTS"); len(dat) != 1 || string(dat[0].Line) != "3" {
		t.Fatalf("EXISTS: %s", pyItems(dat))
	}
	tr.check()
}

func TestUIDFetchStreamNilFuncs(t *testing.T) {
	// Without a literal function the literals are read into the
	// FetchData; without a message function nothing is kept.
	m, tr := playSelected(t, "LITERAL+", `
C: A2 UID FETCH 4 (BODY.PEEK[])
S: * 1 FETCH (UID 4 BODY[] {3}
S= abc
S: )
S: A2 OK done
C: A3 UID FETCH 4 (BODY.PEEK[])
S: * 1 FETCH (UID 4 BODY[] {3}
S= abc
S: )
S: A3 OK done`)
	var got []byte
	if err := m.UIDFetchStream(SeqSetOf(4), "BODY.PEEK[]", nil, func(fd *FetchData) error {
		got = fd.Body("")
		return nil
	}); err != nil || string(got) != "abc" {
		t.Fatalf("body %q, %v", got, err)
	}
	if err := m.UIDFetchStream(SeqSetOf(4), "BODY.PEEK[]", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, dat := m.Response("FETCH"); !dat[0].IsNone {
		t.Fatalf("FETCH filed: %s", pyItems(dat))
	}
	tr.check()
}

func TestUIDFetchStreamCallbackError(t *testing.T) {
	// The first error stops the callbacks; the rest of the response is
	// read, so the connection stays usable.
	m, tr := playSelected(t, "LITERAL+", `
C: A2 UID FETCH 1:2 (BODY.PEEK[])
S: * 1 FETCH (UID 1 BODY[] {10}
S= 0123456789
S: )
S: * 2 FETCH (UID 2 BODY[] {4}
S= abcd
S: )
S: A2 OK done
C: A3 NOOP
S: A3 OK done`)
	stop := errors.New("disk full")
	calls := 0
	err := m.UIDFetchStream(SeqSetOf(1, 2), "BODY.PEEK[]", func(l StreamedLiteral, r io.Reader) error {
		calls++
		var b [3]byte
		io.ReadFull(r, b[:]) // read a part only
		return stop
	}, func(*FetchData) error {
		t.Error("message called after an error")
		return nil
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	if typ, _, err := m.Noop(); err != nil || typ != "OK" {
		t.Fatalf("NOOP after the error: %s %v", typ, err)
	}
	tr.check()
}

func TestUIDFetchStreamErrors(t *testing.T) {
	tests := []struct {
		name, script string
		want         error
	}{
		{"NO", "C: A2 UID FETCH 1 (BODY[])\nS: A2 NO [SERVERBUG] broken", ErrError},
		{"BAD", "C: A2 UID FETCH 1 (BODY[])\nS: A2 BAD syntax", ErrError},
		{"cut mid-literal", "C: A2 UID FETCH 1 (BODY[])\nS: * 1 FETCH (UID 1 BODY[] {100}\nS= short\nX:", ErrAbort},
		{"BYE", "C: A2 UID FETCH 1 (BODY[])\nS: * BYE shutting down\nX:", ErrAbort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := playSelected(t, "LITERAL+", tt.script)
			err := m.UIDFetchStream(SeqSetOf(1), "BODY[]", func(StreamedLiteral, io.Reader) error { return nil }, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	m, _ := playSelected(t, "LITERAL+", "")
	if err := m.UIDFetchStream(SeqSetOf(1), " ", nil, nil); !errors.Is(err, ErrValue) {
		t.Fatalf("empty items: %v", err)
	}
}

func TestLiteralItem(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"* 1 FETCH (BODY[] {5}", "BODY[]"},
		{"* 1 FETCH (UID 3 BODY[HEADER.FIELDS (FROM SUBJECT)] {5}", "BODY[HEADER.FIELDS (FROM SUBJECT)]"},
		{"* 1 FETCH (BINARY[1]<0> ~{5}", "BINARY[1]<0>"},
		{" RFC822 {5}", "RFC822"},
	} {
		if got := literalItem([]byte(tt.line)); got != tt.want {
			t.Errorf("literalItem(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestUIDFetchStreamMemory streams 256 MiB of message bodies and checks
// that the heap stays small: no body is held whole.
func TestUIDFetchStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB")
	}
	const n, size = 64, 4 << 20
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		buf := make([]byte, 64<<10)
		io.WriteString(server, "* PREAUTH ready\r\n")
		server.Read(buf) // CAPABILITY
		io.WriteString(server, "* CAPABILITY IMAP4rev1\r\nA0 OK done\r\n")
		server.Read(buf) // SELECT
		io.WriteString(server, "* 64 EXISTS\r\nA1 OK [READ-WRITE] done\r\n")
		server.Read(buf) // UID FETCH
		chunk := bytes.Repeat([]byte("0123456789abcdef"), len(buf)/16)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(server, "* %d FETCH (UID %d BODY[] {%d}\r\n", i, i, size)
			for k := 0; k < size/len(chunk); k++ {
				server.Write(chunk)
			}
			io.WriteString(server, ")\r\n")
		}
		io.WriteString(server, "A2 OK done\r\n")
	}()
	m, err := New(client, &Options{TagPrefix: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var total int64
	msgs := 0
	err = m.UIDFetchStream(SeqSetOf(Star), "BODY.PEEK[]", func(l StreamedLiteral, r io.Reader) error {
		k, err := io.Copy(io.Discard, r)
		total += k
		return err
	}, func(*FetchData) error { msgs++; return nil })
	runtime.ReadMemStats(&after)
	if err != nil || total != n*size || msgs != n {
		t.Fatalf("streamed %d bytes of %d messages: %v", total, msgs, err)
	}
	// Everything allocated during the fetch together: far below one body.
	if grown := after.TotalAlloc - before.TotalAlloc; grown > size/2 {
		t.Fatalf("allocated %d bytes streaming %d", grown, total)
	}
}
