package imapfilter

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// TranslateEscapes returns a config's source with the string escapes of
// Lua 5.2 that gopher-lua's Lua 5.1 lacks written as Lua 5.1 reads them:
// \xHH as the decimal escape of the same byte, and \z with the white
// space after it left out (the newlines it swallowed are put after the
// string's closing quote, so that every line keeps its number). Only
// short strings ('...', "...") are translated; long strings and comments
// stay as they are, and so does a source without these escapes, byte for
// byte. An escape Lua 5.2 refuses (\x without two hexadecimal digits, an
// unknown letter, a decimal escape over 255) is a *CheckError naming its
// line, as imapfilter refuses the config.
func TranslateEscapes(name string, src []byte) ([]byte, error) {
	s := scanner{src: src, line: 1}
	for s.i < len(src) {
		c := src[s.i]
		switch {
		case c == '\n':
			s.line++
			s.i++
		case c == '-' && bytes.HasPrefix(src[s.i:], []byte("--")):
			s.comment()
		case c == '[' && longLevel(src, s.i) >= 0:
			s.long(longLevel(src, s.i))
		case c == '"' || c == '\'':
			if err := s.short(); err != nil {
				return nil, &CheckError{File: name, Line: s.line, Message: err.Error()}
			}
		default:
			s.i++
		}
	}
	if s.out == nil {
		return src, nil
	}
	return append(s.out, src[s.done:]...), nil
}

// scanner walks a source for TranslateEscapes. out is nil until an
// escape is translated; then it holds the translation of src[:done].
type scanner struct {
	src      []byte
	i, line  int
	out      []byte
	done     int
	newlines int // swallowed by \z in the current string
}

// longLevel returns the level of a long bracket [[ or [==[ at i, or -1.
func longLevel(src []byte, i int) int {
	if i >= len(src) || src[i] != '[' {
		return -1
	}
	j := i + 1
	for j < len(src) && src[j] == '=' {
		j++
	}
	if j < len(src) && src[j] == '[' {
		return j - i - 1
	}
	return -1
}

// longEnd returns where the long string or comment of level opened at
// i ends: after its closing bracket, or at the end of src.
func longEnd(src []byte, i, level int) int {
	end := []byte("]" + strings.Repeat("=", level) + "]")
	k := bytes.Index(src[i:], end)
	if k < 0 {
		return len(src)
	}
	return i + k + len(end)
}

// long skips a long string or comment body whose bracket is at s.i.
func (s *scanner) long(level int) {
	stop := longEnd(s.src, s.i, level)
	s.line += bytes.Count(s.src[s.i:stop], []byte("\n"))
	s.i = stop
}

// comment skips a comment starting at s.i.
func (s *scanner) comment() {
	s.i += 2
	if lvl := longLevel(s.src, s.i); lvl >= 0 {
		s.long(lvl)
		return
	}
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

// short scans a quoted string starting at s.i, translating its escapes.
// An unfinished string is left to the parser.
func (s *scanner) short() error {
	q := s.src[s.i]
	s.i++
	s.newlines = 0
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == q:
			s.i++
			s.putNewlines()
			return nil
		case c == '\n':
			s.putNewlines()
			return nil // unfinished: the parser says so
		case c == '\\':
			if err := s.escape(); err != nil {
				return err
			}
		default:
			s.i++
		}
	}
	s.putNewlines()
	return nil
}

// putNewlines puts the newlines \z swallowed at s.i.
func (s *scanner) putNewlines() {
	if s.newlines > 0 {
		s.emit(s.i, strings.Repeat("\n", s.newlines))
		s.newlines = 0
	}
}

// emit copies the source up to at into out, followed by text.
func (s *scanner) emit(at int, text string) {
	s.out = append(s.out, s.src[s.done:at]...)
	s.out = append(s.out, text...)
	s.done = at
}

// escape handles the escape whose backslash is at s.i, by Lua 5.2's
// rules (llex.c).
func (s *scanner) escape() error {
	at := s.i
	s.i++
	if s.i >= len(s.src) {
		return nil
	}
	c := s.src[s.i]
	switch {
	case c == 'x':
		if s.i+2 >= len(s.src) || !isHex(s.src[s.i+1]) || !isHex(s.src[s.i+2]) {
			return fmt.Errorf("hexadecimal digit expected near '%s' (a \\x escape takes two hexadecimal digits)",
				s.src[at:min(s.i+3, len(s.src))])
		}
		var b byte
		fmt.Sscanf(string(s.src[s.i+1:s.i+3]), "%02x", &b)
		s.emit(at, fmt.Sprintf("\\%03d", b))
		s.i += 3
		s.done = s.i
	case c == 'z':
		s.emit(at, "")
		s.i++
		for s.i < len(s.src) && isSpace(s.src[s.i]) {
			if s.src[s.i] == '\n' {
				s.newlines++
				s.line++
			}
			s.i++
		}
		s.done = s.i
	case c >= '0' && c <= '9':
		n, j := 0, s.i
		for ; j < s.i+3 && j < len(s.src) && s.src[j] >= '0' && s.src[j] <= '9'; j++ {
			n = n*10 + int(s.src[j]-'0')
		}
		if n > 255 {
			return fmt.Errorf("decimal escape too large near '%s' (at most \\255)", s.src[at:j])
		}
		s.i = j
	case c == '\n':
		s.line++
		s.i++
	case c == '\r':
		s.i++
		if s.i < len(s.src) && s.src[s.i] == '\n' {
			s.line++
			s.i++
		}
	case strings.IndexByte("abfnrtv\\\"'", c) >= 0:
		s.i++
	default:
		return fmt.Errorf("invalid escape sequence near '%s' (Lua 5.2 refuses it; a backslash is written \\\\)", s.src[at:s.i+1])
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isSpace is C's isspace, what \z skips.
func isSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// loadEscapes is TranslateEscapes for load: escapes(src, chunkid) returns
// the translated source, or nil and "chunkid:line: message".
func loadEscapes(L *lua.LState) int {
	out, err := TranslateEscapes(L.CheckString(2), []byte(L.CheckString(1)))
	if err != nil {
		L.Push(lua.LNil)
		var ce *CheckError
		if errors.As(err, &ce) {
			err = fmt.Errorf("%s:%d: %s", ce.File, ce.Line, ce.Message)
		}
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LString(out))
	return 1
}
