package imapfilter

import (
	"fmt"
	"strconv"
	"strings"
)

// backrefRefusal is what to write instead of a backreference.
const backrefRefusal = "backreferences are PCRE only; capture with regex_search and compare the captures in Lua"

// refusedEscapes are the escapes PCRE takes and RE2 has no exact form of,
// with what to write instead.
var refusedEscapes = map[byte]string{
	'R': `\R (a line break) is PCRE only: RE2 cannot keep it from matching the \r of \r\n alone; write (?:\r\n|\n|\r)`,
	'K': `\K is PCRE only; capture the part after it and take the capture from regex_search`,
	'X': `\X (a grapheme cluster) is PCRE only; write (?s:.) for one byte`,
	'p': `\p and \P (Unicode properties, which PCRE without UTF mode tests on single bytes) are PCRE only; write a class of the bytes, such as [A-Za-z]`,
	'P': `\p and \P (Unicode properties, which PCRE without UTF mode tests on single bytes) are PCRE only; write a class of the bytes, such as [A-Za-z]`,
	'g': backrefRefusal,
	'k': backrefRefusal,
}

// escape translates the escape at t.i, outside a class.
func (t *translator) escape() error {
	if t.i+1 >= len(t.p) {
		return pcreError(`\ at end of pattern`)
	}
	c := t.p[t.i+1]
	if set, ok := typeSet(c); ok {
		t.i += 2
		t.emit(set.re2(false), true)
		return nil
	}
	switch c {
	case 'A', 'b', 'B', 'z':
		t.emit(`\`+string(c), false)
	case 'Z': // PCRE's $ outside multiline mode
		t.emit(`(?-m:$)`, false)
	case 'G': // the start of the match attempt: imapfilter makes one, at 0
		t.emit(`\A`, false)
	case 'N':
		if rest := t.p[t.i+2:]; strings.HasPrefix(rest, "{") && braceQuantifier(rest) == 0 {
			return pcreError(`\N{U+dddd} is supported only in UTF mode`)
		}
		t.emit(`[^\n]`, true)
	case 'C':
		t.emit(`(?s:.)`, true)
	case 'Q':
		t.quote()
		return nil
	case 'E': // an \E without \Q is nothing
	default:
		b, n, err := t.charEscape(false)
		if err != nil {
			return err
		}
		t.i += n
		t.emit(lit(b), true)
		return nil
	}
	t.i += 2
	return nil
}

// quote translates \Q...\E (or \Q to the end) at t.i: literal bytes.
func (t *translator) quote() {
	for t.i += 2; t.i < len(t.p); t.i++ {
		if strings.HasPrefix(t.p[t.i:], `\E`) {
			t.i += 2
			return
		}
		t.emit(lit(t.p[t.i]), true)
	}
}

// charEscape reads the escape at t.i that stands for one byte, in a
// class or not, and returns the byte and the length of the escape.
func (t *translator) charEscape(inClass bool) (byte, int, error) {
	c := t.p[t.i+1]
	switch {
	case strings.IndexByte("aefnrt", c) >= 0:
		return "\a\x1b\f\n\r\t"[strings.IndexByte("aefnrt", c)], 2, nil
	case c >= '1' && c <= '9' && !inClass:
		if t.backreference() {
			return 0, 0, fmt.Errorf("%s", backrefRefusal)
		}
		return t.octal()
	case c == '8' || c == '9': // in a class, the digit itself
		return c, 2, nil
	case c >= '0' && c <= '7':
		return t.octal()
	case c == 'o' || c == 'x':
		return t.braced(c)
	case c == 'c':
		if t.i+2 >= len(t.p) {
			return 0, 0, pcreError(`\c at end of pattern`)
		}
		x := t.p[t.i+2]
		if x < ' ' || x > '~' {
			return 0, 0, pcreError(`\c must be followed by a printable ASCII character`)
		}
		if x >= 'a' && x <= 'z' {
			x -= 'a' - 'A'
		}
		return x ^ 0x40, 3, nil
	case refusedEscapes[c] != "":
		return 0, 0, fmt.Errorf("%s", refusedEscapes[c])
	case strings.IndexByte("uUlL", c) >= 0:
		return 0, 0, pcreError(`PCRE2 does not support \%c`, c)
	case isAlnum(c):
		return 0, 0, pcreError(`unrecognized character follows \: \%c`, c)
	}
	return c, 2, nil // a symbol, or a byte above 0x7F, stands for itself
}

// backreference reports whether the \ and digits at t.i are a
// backreference to PCRE: a number below 10, one that starts with 8 or 9,
// or one that may be a group's (at most as many as the pattern has "(").
func (t *translator) backreference() bool {
	j := t.i + 1
	for j < len(t.p) && t.p[j] >= '0' && t.p[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(t.p[t.i+1 : j])
	return err == nil && (n < 10 || t.p[t.i+1] >= '8' || n <= t.parens)
}

// octal reads the octal escape at t.i: up to three digits.
func (t *translator) octal() (byte, int, error) {
	v, j := 0, t.i+1
	for j < len(t.p) && j < t.i+4 && t.p[j] >= '0' && t.p[j] <= '7' {
		v = v*8 + int(t.p[j]-'0')
		j++
	}
	if v > 0xFF {
		return 0, 0, pcreError(`octal value is greater than \377 in 8-bit non-UTF-8 mode`)
	}
	return byte(v), j - t.i, nil
}

// braced reads \o{...}, \x{...} or \x with up to two hex digits at t.i.
func (t *translator) braced(c byte) (byte, int, error) {
	base, digits := 16, "0123456789abcdefABCDEF"
	if c == 'o' {
		base, digits = 8, "01234567"
	}
	j := t.i + 2
	if j >= len(t.p) || t.p[j] != '{' {
		if c == 'o' {
			return 0, 0, pcreError(`missing opening brace after \o`)
		}
		v := 0
		for ; j < len(t.p) && j < t.i+4 && strings.IndexByte(digits, t.p[j]) >= 0; j++ {
			v = v*16 + hexValue(t.p[j])
		}
		return byte(v), j - t.i, nil
	}
	v := 0
	for j++; j < len(t.p) && t.p[j] != '}'; j++ {
		if strings.IndexByte(digits, t.p[j]) < 0 {
			return 0, 0, pcreError(`non-hex or non-octal character in \%c{} (closing brace missing?)`, c)
		}
		v = min(v*base+hexValue(t.p[j]), 0x100)
	}
	switch {
	case j >= len(t.p):
		return 0, 0, pcreError(`missing closing brace in \%c{}`, c)
	case j == t.i+3:
		return 0, 0, pcreError(`digits missing in \%c{}`, c)
	case v > 0xFF:
		return 0, 0, pcreError(`character code point value in \%c{} is too large`, c)
	}
	return byte(v), j + 1 - t.i, nil
}

func hexValue(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
