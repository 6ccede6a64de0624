package imaplib

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestID(t *testing.T) {
	m, tr, err := play(t, greetingEnable+`
C: A2 ID ("name" "mailscript" "os" "linux \"x\"" "version" "1.0")
S: * ID ("name" "Dovecot" "support-url" NIL "note" {3}
S= a\r\n
S: )
S: A2 OK ID completed.
C: A3 ID NIL
S: * ID NIL
S: A3 OK ID completed.
C: A4 ID NIL
S: A4 OK no ID response
C: A5 ID ({5+}
C= näme {5+}\r\nü\r\nx)\r\n
S: A5 BAD bad
C: A6 ID NIL
S: * ID ("a" "b" "c")
S: A6 OK`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	got, err := m.ID(map[string]string{"version": "1.0", "name": "mailscript", "os": `linux "x"`})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "Dovecot", "support-url": "", "note": "a\r\n"}
	if !maps.Equal(got, want) {
		t.Fatalf("server ID %q, want %q", got, want)
	}
	if got, err := m.ID(nil); err != nil || got != nil {
		t.Fatalf("ID NIL: %v %v", got, err)
	}
	if got, err := m.ID(map[string]string{}); err != nil || got != nil {
		t.Fatalf("ID without response: %v %v", got, err)
	}
	// Values that cannot be quoted go as literals; a BAD is an error.
	if _, err := m.ID(map[string]string{"näme": "ü\r\nx"}); !errors.Is(err, ErrError) {
		t.Fatalf("ID refused: %v", err)
	}
	// A malformed answer is a parse error, not a panic.
	var pe *ParseError
	if _, err := m.ID(nil); !errors.As(err, &pe) {
		t.Fatalf("malformed ID: %v", err)
	}
	tr.check()
}

func TestIDRefusedBeforeSending(t *testing.T) {
	m, tr, err := play(t, greetingEnable+`
C: A2 NOOP
S: A2 OK`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	// The NUL is found by the command writer, after a tag was drawn; the
	// tag is taken back, so the server sees no gap in the tags.
	many := map[string]string{}
	for i := range 31 {
		many[strings.Repeat("k", i+1)] = "v"
	}
	for _, fields := range []map[string]string{
		many,
		{strings.Repeat("k", 31): "v"},
		{"k": strings.Repeat("v", 1025)},
		{"k": "a\x00b"},
	} {
		if _, err := m.ID(fields); !errors.Is(err, ErrValue) {
			t.Fatalf("ID(%d fields): %v", len(fields), err)
		}
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

func TestIDNotAdvertised(t *testing.T) {
	m, tr, err := play(t, greeting, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.ID(nil)
	wantErrorKind(t, "id", err, KindError, "Server does not support ID")
	tr.check()
}
