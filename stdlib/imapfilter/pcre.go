package imapfilter

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// highBase is where a byte b above 0x7F of a subject goes when the
// subject is read one character a byte (see byteRunes): rune highBase+b,
// in Unicode's Private Use Area, where no character has a case or
// belongs to a class RE2 knows, as bytes above 0x7F have none under
// PCRE's C-locale tables ((?i) does not fold them, \w does not take them).
const highBase = 0xE000

// errPCRE marks the errors of patterns PCRE refuses too.
var errPCRE = errors.New("imapfilter refuses it too")

// pcreError is an error of a pattern PCRE refuses as well.
func pcreError(format string, args ...any) error {
	return fmt.Errorf("%s (%w)", fmt.Sprintf(format, args...), errPCRE)
}

// pflags are the options of PCRE that translate keeps track of: the
// others (m, s, U) are RE2's too and are passed on.
type pflags struct {
	caseless, extended bool
}

// translator turns a PCRE pattern into an RE2 pattern that matches the
// same bytes of a subject read by byteRunes. It reads the pattern once,
// left to right, aware of escapes, \Q...\E, classes, comments and
// options; what RE2 takes as PCRE does is copied, the rest rewritten
// (\s, \h, \v, \N, \Z, \G, \e, \cX, octal and short hex escapes, classes,
// (?#...), (?x) white space, literal {) or refused.
type translator struct {
	p          string
	i          int
	out        strings.Builder
	flags      pflags
	stack      []pflags
	repeatable bool // the last item can take a quantifier
	quantified bool // the last item is a quantifier
	quoting    bool // in \Q...\E in a class
	parens     int  // ( in the pattern: an upper bound of its groups
}

// translate returns the RE2 form of the PCRE pattern p, or an error
// naming the construct it cannot translate. Like imapfilter, it reads p
// up to its first NUL byte.
func translate(p string) (string, error) {
	if i := strings.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	t := &translator{p: p, parens: strings.Count(p, "(")}
	for t.i < len(t.p) {
		if err := t.step(); err != nil {
			return "", err
		}
	}
	return t.out.String(), nil
}

// step translates the item at t.i.
func (t *translator) step() error {
	c := t.p[t.i]
	if t.flags.extended && t.skipSpace() {
		return nil
	}
	switch c {
	case '\\':
		return t.escape()
	case '[':
		return t.class()
	case '(':
		return t.group()
	case ')':
		if n := len(t.stack); n > 0 {
			t.flags, t.stack = t.stack[n-1], t.stack[:n-1]
		}
		t.emit(")", true)
	case '*', '+', '?', '{':
		return t.quantifier()
	case '^', '$', '|':
		t.emit(string(c), false)
	case '.':
		t.emit(".", true)
	default:
		t.emit(lit(c), true)
	}
	t.i++
	return nil
}

// emit writes s, an item that can take a quantifier or not.
func (t *translator) emit(s string, repeatable bool) {
	t.out.WriteString(s)
	t.repeatable, t.quantified = repeatable, false
}

// skipSpace skips white space and a # comment of extended mode, and
// reports whether there was any.
func (t *translator) skipSpace() bool {
	switch c := t.p[t.i]; {
	case c == '#':
		if j := strings.IndexByte(t.p[t.i:], '\n'); j >= 0 {
			t.i += j + 1
		} else {
			t.i = len(t.p)
		}
		return true
	case isPatternSpace(c):
		t.i++
		return true
	}
	return false
}

// isPatternSpace reports whether extended mode skips c: C-locale white
// space and NEL, not NBSP.
func isPatternSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r' || c == 0x85
}

// quantifier translates *, +, ?, or a { that starts {n}, {n,} or {n,m}
// (any other { is a literal one under PCRE).
func (t *translator) quantifier() error {
	c := t.p[t.i]
	n := 1
	if c == '{' {
		n = braceQuantifier(t.p[t.i:])
		if n == 0 {
			t.emit(`\{`, true)
			t.i++
			return nil
		}
	}
	q := t.p[t.i : t.i+n]
	t.i += n
	switch {
	case t.quantified && (c == '?' || c == '+'):
		// lazy, or possessive (which RE2 then refuses)
		t.out.WriteString(q)
		t.quantified = false
		return nil
	case t.quantified:
		t.out.WriteString(q) // RE2 refuses a nested repetition as PCRE does
		return nil
	case !t.repeatable:
		return pcreError("quantifier %s does not follow a repeatable item", q)
	}
	t.out.WriteString(q)
	t.repeatable, t.quantified = false, true
	return nil
}

// braceQuantifier returns the length of the {n}, {n,} or {n,m} that s
// starts with, 0 when it starts with none (PCRE 10.42 takes no spaces
// and no {,m}).
func braceQuantifier(s string) int {
	digits := func(i int) int {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	i := digits(1)
	if i == 1 || i == len(s) {
		return 0
	}
	if s[i] == ',' {
		i = digits(i + 1)
	}
	if i < len(s) && s[i] == '}' {
		return i + 1
	}
	return 0
}

// group translates what starts with (: a comment, an option setting, or
// the opening of a group.
func (t *translator) group() error {
	rest := t.p[t.i:]
	if strings.HasPrefix(rest, "(?#") {
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			return pcreError("missing ) after (?# comment")
		}
		t.i += j + 1
		return nil
	}
	if strings.HasPrefix(rest, "(*") {
		return fmt.Errorf("(*VERB) and (*OPTION) items are PCRE only; write the pattern without them")
	}
	open, n := "(", 1
	if strings.HasPrefix(rest, "(?") {
		if n, err := t.options(rest[2:]); n > 0 || err != nil {
			t.i += 2 + n
			return err
		}
		open, n = "(?", 2 // a group of another kind: RE2 takes it or refuses it
		if m := quotedName.FindString(rest); m != "" {
			open, n = "(?P<"+m[3:len(m)-1]+">", len(m) // (?'name'...)
		}
	}
	t.stack = append(t.stack, t.flags)
	t.emit(open, false)
	t.i += n
	return nil
}

// options translates the option setting (?flags) or (?flags: whose
// text after "(?" is s, and returns its length, 0 when s is none.
func (t *translator) options(s string) (int, error) {
	f, on, off := t.flags, "", ""
	set := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ')' || c == ':':
			return i + 1, t.setOptions(f, on, off, c == ':')
		case c == '-' && !set:
			return 0, pcreError("invalid hyphen in option setting")
		case c == '-':
			set = false
		case c == '^' && i == 0:
			f, off = pflags{}, "ims" // (?^) unsets i, m, n, s and x
		case c == 'i':
			f.caseless = set
			on, off = flag(on, off, "i", set)
		case c == 'm' || c == 's' || c == 'U':
			on, off = flag(on, off, string(c), set)
		case c == 'x' && i+1 < len(s) && s[i+1] == 'x':
			return 0, fmt.Errorf("option (?xx) is PCRE only; write the spaces of classes out of them")
		case c == 'x':
			f.extended = set
		case c == 'n' || c == 'J':
			return 0, fmt.Errorf("option (?%c) is PCRE only; write (?:...) for groups that should not capture, and give groups names of their own", c)
		default:
			return 0, nil
		}
	}
	return 0, nil
}

// flag adds f to the options set (on) or unset (off), and takes it
// out of the other.
func flag(on, off, f string, set bool) (string, string) {
	on, off = strings.ReplaceAll(on, f, ""), strings.ReplaceAll(off, f, "")
	if set {
		return on + f, off
	}
	return on, off + f
}

// setOptions makes f the options from here (or in a group, with
// group), writing the RE2 options on and off.
func (t *translator) setOptions(f pflags, on, off string, group bool) error {
	s := on
	if off != "" {
		s += "-" + off
	}
	if group {
		t.stack = append(t.stack, t.flags)
		t.flags = f
		t.emit("(?"+s+":", false)
		return nil
	}
	t.flags = f
	t.emit("", false) // PCRE takes no quantifier after it
	if s != "" {
		t.out.WriteString("(?" + s + ")")
	}
	return nil
}

// quotedName is the start of a group (?'name'...).
var quotedName = regexp.MustCompile(`^\(\?'\w+'`)

// lit is the RE2 form of the byte c as a literal.
func lit(c byte) string {
	switch {
	case c >= 0x80:
		return fmt.Sprintf(`\x{%X}`, highBase+int(c))
	case c < ' ' || c == 0x7F:
		return fmt.Sprintf(`\x%02X`, c)
	}
	return regexp.QuoteMeta(string(c))
}
