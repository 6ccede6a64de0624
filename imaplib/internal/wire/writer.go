package wire

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// ErrControlChars is returned for an argument that holds CR, LF or NUL
// where it would be sent outside a literal: such bytes could end the
// command early and start another one.
var ErrControlChars = errors.New("control characters not allowed in commands")

// ErrNULInLiteral is returned for a NUL byte in a text literal; only binary
// literals (~{n}, RFC 3516) may carry NUL.
var ErrNULInLiteral = errors.New("NUL not allowed in a literal")

// LiteralMode says how the writer announces literals.
type LiteralMode int

const (
	// LiteralSync announces {n} and waits for the server's "+" before
	// sending the bytes (RFC 3501).
	LiteralSync LiteralMode = iota
	// LiteralPlus announces {n+} and sends at once (RFC 7888 LITERAL+).
	LiteralPlus
	// LiteralMinus announces {n+} for literals of at most 4096 bytes and
	// {n} for larger ones (RFC 7888 LITERAL-).
	LiteralMinus
)

// A Part is a piece of a command: text to send, and the literal it
// announces at its end, if any.
type Part struct {
	Text    []byte // ends with the announcement {n}, {n+}, ~{n} when Literal is set
	Literal []byte
	HasLit  bool
	Sync    bool // the sender must wait for a continuation before Literal
}

// A Command is built argument by argument; Parts returns it ready to send.
// The first error sticks: later calls do nothing, Err reports it.
type Command struct {
	Mode LiteralMode
	// UTF8 allows 8-bit bytes in quoted strings (after ENABLE UTF8=ACCEPT).
	UTF8 bool

	parts []Part
	text  []byte
	err   error
}

// Err returns the first error met while building the command.
func (c *Command) Err() error { return c.err }

func (c *Command) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// SP appends a space.
func (c *Command) SP() { c.text = append(c.text, ' ') }

// Raw appends b verbatim. It refuses CR, LF and NUL.
func (c *Command) Raw(b []byte) {
	if HasControl(b) {
		c.fail(ErrControlChars)
		return
	}
	c.text = append(c.text, b...)
}

// RawString is Raw for a string.
func (c *Command) RawString(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' || s[i] == 0 {
			c.fail(ErrControlChars)
			return
		}
	}
	c.text = append(c.text, s...)
}

// Number appends a decimal number.
func (c *Command) Number(n uint64) { c.text = strconv.AppendUint(c.text, n, 10) }

// AString appends s as an atom when it is one (RFC 3501 astring), else as a
// quoted string when it can be, else as a literal.
func (c *Command) AString(s string) {
	switch {
	case IsAString(s):
		c.text = append(c.text, s...)
	case c.canQuote(s):
		c.Quoted(s)
	default:
		c.Literal([]byte(s), false)
	}
}

// String appends s as a quoted string when it can be, else as a literal
// (RFC 3501 string: never an atom).
func (c *Command) String(s string) {
	if c.canQuote(s) {
		c.Quoted(s)
		return
	}
	c.Literal([]byte(s), false)
}

// ListMailbox appends a LIST/LSUB pattern: an atom that may hold the
// wildcards % and *, else a string.
func (c *Command) ListMailbox(s string) {
	if s != "" && isListChars(s) {
		c.text = append(c.text, s...)
		return
	}
	c.String(s)
}

// maxQuoted is the longest string sent quoted; longer ones go as literals,
// which servers parse without scanning for escapes.
const maxQuoted = 1024

func (c *Command) canQuote(s string) bool {
	if len(s) > maxQuoted {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '\r' || b == '\n' || b == 0 {
			return false
		}
		if b >= 0x80 && !c.UTF8 {
			return false
		}
	}
	// In UTF-8 mode a quoted string may hold UTF-8 (RFC 6855), but only
	// valid UTF-8: other 8-bit bytes go as a literal.
	return !c.UTF8 || utf8.ValidString(s)
}

// Quoted appends s as a quoted string, escaping \ and ". It refuses CR, LF
// and NUL, which no quoted string may hold.
func (c *Command) Quoted(s string) {
	c.text = append(c.text, '"')
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch b {
		case '\r', '\n', 0:
			c.fail(ErrControlChars)
			return
		case '\\', '"':
			c.text = append(c.text, '\\')
		}
		c.text = append(c.text, b)
	}
	c.text = append(c.text, '"')
}

// Literal appends b as a literal: {n} (or ~{n} when binary) in the text,
// the bytes after it. A text literal may not hold NUL.
func (c *Command) Literal(b []byte, binary bool) {
	if !binary {
		for _, x := range b {
			if x == 0 {
				c.fail(ErrNULInLiteral)
				return
			}
		}
	}
	sync := c.Mode == LiteralSync || (c.Mode == LiteralMinus && len(b) > 4096)
	if binary {
		c.text = append(c.text, '~')
	}
	c.text = append(c.text, '{')
	c.text = strconv.AppendInt(c.text, int64(len(b)), 10)
	if !sync {
		c.text = append(c.text, '+')
	}
	c.text = append(c.text, '}')
	c.parts = append(c.parts, Part{Text: c.text, Literal: b, HasLit: true, Sync: sync})
	c.text = nil
}

// Parts returns the command's parts; the text of the last one ends with
// CRLF. It returns the first error instead, if there was one.
func (c *Command) Parts() ([]Part, error) {
	if c.err != nil {
		return nil, c.err
	}
	parts := append(c.parts, Part{Text: append(c.text, '\r', '\n')})
	return parts, nil
}

// HasControl reports whether b holds CR, LF or NUL.
func HasControl(b []byte) bool {
	for _, x := range b {
		if x == '\r' || x == '\n' || x == 0 {
			return true
		}
	}
	return false
}

// IsAtom reports whether s is a non-empty atom.
func IsAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsAtomChar(s[i]) {
			return false
		}
	}
	return true
}

// IsAString reports whether s can be sent as the atom form of an astring
// (ATOM-CHAR or "]").
func IsAString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsAtomChar(s[i]) && s[i] != ']' {
			return false
		}
	}
	return true
}

func isListChars(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !IsAtomChar(b) && b != ']' && b != '%' && b != '*' {
			return false
		}
	}
	return true
}

// PendingText returns the text built since the last literal (for traces).
func (c *Command) PendingText() []byte { return c.text }
