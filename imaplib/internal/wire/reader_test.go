package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadLine(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     []string
		err      error
	}{
		{"one", "* OK hi\r\n", 0, []string{"* OK hi"}, io.EOF},
		{"two", "a\r\nb\r\n", 0, []string{"a", "b"}, io.EOF},
		{"empty line", "\r\n", 0, []string{""}, io.EOF},
		{"CR inside", "a\rb\r\n", 0, []string{"a\rb"}, io.EOF},
		{"bare LF", "a\nb\r\n", 0, nil, ErrUnterminated},
		{"cut short", "abc", 0, nil, ErrUnterminated},
		{"at the limit", "12345\r\n", 5, []string{"12345"}, io.EOF},
		{"over the limit", "123456\r\n", 5, nil, &LimitError{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), Limits{MaxLine: tc.max})
			var got []string
			var err error
			for {
				var line []byte
				line, err = r.ReadLine()
				if err != nil {
					break
				}
				got = append(got, string(line))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("lines %q, want %q", got, tc.want)
			}
			var le *LimitError
			if _, isLimit := tc.err.(*LimitError); isLimit {
				if !errors.As(err, &le) || le.What != "line" {
					t.Fatalf("error %v, want a line LimitError", err)
				}
			} else if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
		})
	}
}

func TestLiteralSize(t *testing.T) {
	cases := []struct {
		line string
		n    int64
		ok   bool
	}{
		{"* 1 FETCH (BODY[] {42}", 42, true},
		{"* 1 FETCH (BINARY[] ~{7}", 7, true},
		{"{0}", 0, true},
		{"* OK {}", 0, false},
		{"* OK {12", 0, false},
		{"* OK 12}", 0, false},
		{"* OK {1a}", 0, false},
		{"* OK {99999999999999999999999}", -1, true},
		{"}", 0, false},
	}
	for _, tc := range cases {
		n, ok := LiteralSize([]byte(tc.line))
		if n != tc.n || ok != tc.ok {
			t.Errorf("LiteralSize(%q) = %d, %v; want %d, %v", tc.line, n, ok, tc.n, tc.ok)
		}
	}
}

func TestReadResponse(t *testing.T) {
	in := "* 1 FETCH (BODY[1] {3}\r\none BODY[2] {2}\r\nxy)\r\n" +
		"A1 OK {5}\r\n" + // a tagged response carries no literal
		"+ {3}\r\n" +
		"* 2 FETCH (BODY[] ~{4}\r\n\x00\x01\r\n)\r\n"
	// One byte at a time: literals must be assembled across reads.
	r := NewReader(iotest.OneByteReader(strings.NewReader(in)), Limits{})
	want := []Response{
		{Text: [][]byte{[]byte("* 1 FETCH (BODY[1] {3}"), []byte(" BODY[2] {2}"), []byte(")")}, Literals: [][]byte{[]byte("one"), []byte("xy")}},
		{Text: [][]byte{[]byte("A1 OK {5}")}},
		{Text: [][]byte{[]byte("+ {3}")}},
		{Text: [][]byte{[]byte("* 2 FETCH (BODY[] ~{4}"), []byte(")")}, Literals: [][]byte{[]byte("\x00\x01\r\n")}},
	}
	for i, w := range want {
		got, err := r.ReadResponse()
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		if !sameResponse(got, &w) {
			t.Fatalf("response %d = %q / %q, want %q / %q", i, got.Text, got.Literals, w.Text, w.Literals)
		}
	}
	if _, err := r.ReadResponse(); err != io.EOF {
		t.Fatalf("at the end: %v", err)
	}
}

func sameResponse(a, b *Response) bool {
	if len(a.Text) != len(b.Text) || len(a.Literals) != len(b.Literals) {
		return false
	}
	for i := range a.Text {
		if !bytes.Equal(a.Text[i], b.Text[i]) {
			return false
		}
	}
	for i := range a.Literals {
		if !bytes.Equal(a.Literals[i], b.Literals[i]) {
			return false
		}
	}
	return true
}

func TestReadResponseLimits(t *testing.T) {
	cases := []struct {
		name string
		in   string
		lim  Limits
		what string
	}{
		{"lying literal", "* 1 FETCH (BODY[] {99999999999}\r\n", Limits{}, "literal"},
		{"literal over the limit", "* 1 FETCH (BODY[] {11}\r\n", Limits{MaxLiteral: 10}, "literal"},
		{"overflowing size", "* 1 FETCH (BODY[] {999999999999999999999999}\r\n", Limits{}, "literal"},
		{"response over the limit", "* 1 FETCH (A {8}\r\n12345678 B {8}\r\n12345678)\r\n", Limits{MaxResponse: 30}, "response"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), tc.lim)
			_, err := r.ReadResponse()
			var le *LimitError
			if !errors.As(err, &le) || le.What != tc.what {
				t.Fatalf("error %v, want a %s LimitError", err, tc.what)
			}
		})
	}
	t.Run("literal cut short", func(t *testing.T) {
		r := NewReader(strings.NewReader("* 1 FETCH (BODY[] {10}\r\nabc"), Limits{})
		if _, err := r.ReadResponse(); err != io.ErrUnexpectedEOF {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("lying size allocates as bytes arrive", func(t *testing.T) {
		// 400 MB announced, 10 bytes sent: the reader must fail on EOF
		// without having allocated the announced size.
		in := "* 1 FETCH (BODY[] {400000000}\r\n0123456789"
		var ms runtimeMem
		before := ms.heapAlloc()
		r := NewReader(strings.NewReader(in), Limits{})
		_, err := r.ReadResponse()
		after := ms.heapAlloc()
		if err != io.ErrUnexpectedEOF {
			t.Fatalf("error %v", err)
		}
		if after-before > 4<<20 {
			t.Fatalf("allocated %d bytes for a 10-byte literal", after-before)
		}
	})
}

// FuzzReadResponse feeds arbitrary server output to the reader under small
// limits: it must never panic, and every response it returns must respect
// the limits.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"* OK [CAPABILITY IMAP4rev1] hi\r\n",
		"* 1 FETCH (BODY[] {5}\r\nhello)\r\nA1 OK done\r\n",
		"* 1 FETCH (BODY[] ~{3}\r\n\x00\x00\x00 UID 4)\r\n",
		"+ go ahead\r\n",
		"* SEARCH 1 2 3\r\n* 2 EXISTS\r\n",
		"* 1 FETCH (BODY[] {99999999}\r\n",
		"* 1 FETCH (BODY[] {2}\r\nab {1}\r\nc)\r\n",
		"\r\n\r\n\n\r",
	} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxLine: 256, MaxLiteral: 1024, MaxResponse: 2048}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), lim)
		for i := 0; i < 1000; i++ {
			resp, err := r.ReadResponse()
			if err != nil {
				return
			}
			if len(resp.Text) != len(resp.Literals)+1 {
				t.Fatalf("%d lines for %d literals", len(resp.Text), len(resp.Literals))
			}
			if int64(resp.Size()) > lim.MaxResponse {
				t.Fatalf("response of %d bytes over the limit", resp.Size())
			}
			for _, l := range resp.Text {
				if len(l) > lim.MaxLine {
					t.Fatalf("line of %d bytes over the limit", len(l))
				}
			}
		}
	})
}

func TestWholeResponse(t *testing.T) {
	for _, tc := range []struct {
		buf  string
		want bool
	}{
		{"", false},
		{"* 1 EXI", false},
		{"* 1 EXISTS\r\n", true},
		{"A1 OK done\r\n", true},
		{"+ idling\r\n", true},
		{"* 1 FETCH (BODY[] {5}\r\n", false},
		{"* 1 FETCH (BODY[] {5}\r\nhel", false},
		{"* 1 FETCH (BODY[] {5}\r\nhello", false},
		{"* 1 FETCH (BODY[] {5}\r\nhello)\r\n", true},
		{"* 1 FETCH (A {1}\r\nx B {2}\r\nyz)\r\n", true},
		{"* 1 FETCH (A {1}\r\nx B {2}\r\ny", false},
		{"* 1 FETCH (BODY[] {99999999999999999999}\r\n", true},
		{"A1 OK {5}\r\n", true},
	} {
		if got := wholeResponse([]byte(tc.buf)); got != tc.want {
			t.Errorf("wholeResponse(%q) = %v, want %v", tc.buf, got, tc.want)
		}
	}
}

// A literal size too large for int64 is reported as such, not as the -1
// LiteralSize uses for it.
func TestImpossibleLiteralError(t *testing.T) {
	r := NewReader(strings.NewReader("* 1 FETCH (BODY[] {9223372036854775808}\r\nx)\r\n"), Limits{})
	_, err := r.ReadResponse()
	if err == nil {
		t.Fatal("no error for a literal of 2^63 bytes")
	}
	if want := "literal of more than 9223372036854775807 bytes exceeds the limit of 536870912"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}
