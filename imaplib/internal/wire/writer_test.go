package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func build(t *testing.T, mode LiteralMode, utf8 bool, f func(c *Command)) string {
	t.Helper()
	c := &Command{Mode: mode, UTF8: utf8}
	f(c)
	parts, err := c.Parts()
	if err != nil {
		t.Fatalf("Parts: %v", err)
	}
	var b strings.Builder
	for _, p := range parts {
		b.Write(p.Text)
		if p.HasLit {
			b.WriteString("\r\n")
			b.Write(p.Literal)
		}
	}
	return b.String()
}

func TestCommandAString(t *testing.T) {
	cases := []struct {
		in   string
		mode LiteralMode
		utf8 bool
		want string
	}{
		{"INBOX", LiteralSync, false, "INBOX\r\n"},
		{"a]b", LiteralSync, false, "a]b\r\n"},
		{"", LiteralSync, false, "\"\"\r\n"},
		{"two words", LiteralSync, false, "\"two words\"\r\n"},
		{`back\slash "q"`, LiteralSync, false, `"back\\slash \"q\""` + "\r\n"},
		{"a*b", LiteralSync, false, "\"a*b\"\r\n"},
		{"(x)", LiteralSync, false, "\"(x)\"\r\n"},
		{"{5}", LiteralSync, false, "\"{5}\"\r\n"},
		{"Entwürfe", LiteralSync, false, "{9}\r\nEntwürfe\r\n"},
		{"Entwürfe", LiteralSync, true, "\"Entwürfe\"\r\n"},
		{"INBOX\r\nA1 DELETE Archive", LiteralSync, false, "{24}\r\nINBOX\r\nA1 DELETE Archive\r\n"},
		{"INBOX\r\nA1 DELETE Archive", LiteralPlus, false, "{24+}\r\nINBOX\r\nA1 DELETE Archive\r\n"},
		{"a\nb", LiteralMinus, false, "{3+}\r\na\nb\r\n"},
		{strings.Repeat("x ", 2049), LiteralMinus, false, "{4098}\r\n" + strings.Repeat("x ", 2049) + "\r\n"},
	}
	for _, tc := range cases {
		got := build(t, tc.mode, tc.utf8, func(c *Command) { c.AString(tc.in) })
		if got != tc.want {
			t.Errorf("AString(%q) mode %d utf8 %v = %q, want %q", tc.in, tc.mode, tc.utf8, got, tc.want)
		}
	}
}

func TestCommandRefusals(t *testing.T) {
	cases := []struct {
		name string
		f    func(c *Command)
		err  error
	}{
		{"raw CR", func(c *Command) { c.Raw([]byte("a\rb")) }, ErrControlChars},
		{"raw LF", func(c *Command) { c.RawString("a\nb") }, ErrControlChars},
		{"raw NUL", func(c *Command) { c.RawString("a\x00b") }, ErrControlChars},
		{"quoted LF", func(c *Command) { c.Quoted("a\nb") }, ErrControlChars},
		{"NUL in a text literal", func(c *Command) { c.AString("a\x00b") }, ErrNULInLiteral},
	}
	for _, tc := range cases {
		c := &Command{}
		tc.f(c)
		c.RawString(" more") // later calls do nothing after the first error
		if _, err := c.Parts(); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	// A binary literal may carry NUL.
	got := build(t, LiteralPlus, false, func(c *Command) { c.Literal([]byte("a\x00"), true) })
	if got != "~{2+}\r\na\x00\r\n" {
		t.Errorf("binary literal: %q", got)
	}
}

// toResponse turns a built command into the Response a server reading it
// would frame: {n+} announcements become {n}.
func toResponse(parts []Part) *Response {
	r := &Response{}
	for _, p := range parts {
		text := p.Text
		if p.HasLit && bytes.HasSuffix(text, []byte("+}")) {
			text = append(append([]byte(nil), text[:len(text)-2]...), '}')
		}
		if !p.HasLit {
			text = bytes.TrimSuffix(text, []byte("\r\n"))
		}
		r.Text = append(r.Text, text)
		if p.HasLit {
			r.Literals = append(r.Literals, p.Literal)
		}
	}
	return r
}

// FuzzCommandRoundTrip checks that whatever the writer makes of a string,
// the grammar reads back the same string: quoting and literals lose
// nothing and never let the argument end the command early.
func FuzzCommandRoundTrip(f *testing.F) {
	for _, s := range []string{"INBOX", "", "two words", `a\"b`, "Entwürfe", "x\r\ny", "a]b", "{3}", "%*", strings.Repeat("é", 600)} {
		f.Add(s, false, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, utf8 bool, mode uint8) {
		c := &Command{Mode: LiteralMode(mode % 3), UTF8: utf8}
		c.RawString("A1 SELECT ")
		c.AString(s)
		c.SP()
		c.String(s)
		parts, err := c.Parts()
		if strings.IndexByte(s, 0) >= 0 {
			if !errors.Is(err, ErrNULInLiteral) {
				t.Fatalf("NUL accepted: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// Outside literals, no CR or LF but the final CRLF.
		for i, p := range parts {
			text := p.Text
			if i == len(parts)-1 {
				text = bytes.TrimSuffix(text, []byte("\r\n"))
			}
			if HasControl(text) {
				t.Fatalf("control character outside a literal in %q", p.Text)
			}
		}
		p := NewParser(toResponse(parts))
		p.UTF8 = utf8
		p.AtomBytes()
		p.SP()
		p.AtomBytes()
		p.SP()
		a := p.AString()
		p.SP()
		b := p.String()
		p.ExpectEnd()
		if err := p.Err(); err != nil {
			t.Fatalf("reading back %q: %v", s, err)
		}
		if string(a) != s || string(b) != s {
			t.Fatalf("wrote %q, read back %q and %q", s, a, b)
		}
	})
}
