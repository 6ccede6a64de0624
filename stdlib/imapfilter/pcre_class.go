package imapfilter

import (
	"fmt"
	"strings"
)

// byteSet is a set of bytes: what a PCRE class matches without UTF mode.
type byteSet [4]uint64

func (s *byteSet) add(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		s[c>>6] |= 1 << (c & 63)
	}
}

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func (s *byteSet) union(o byteSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s byteSet) invert() byteSet {
	for i := range s {
		s[i] = ^s[i]
	}
	return s
}

// set returns the set of the ranges lo-hi given in pairs.
func set(ranges ...byte) byteSet {
	var s byteSet
	for i := 0; i+1 < len(ranges); i += 2 {
		s.add(ranges[i], ranges[i+1])
	}
	return s
}

// The classes of PCRE's C-locale tables: ASCII only. \s takes the
// vertical tab (since PCRE2 10.0), \h and \v are PCRE2's own lists.
var (
	digitSet  = set('0', '9')
	alphaSet  = set('A', 'Z', 'a', 'z')
	alnumSet  = set('0', '9', 'A', 'Z', 'a', 'z')
	wordSet   = set('0', '9', 'A', 'Z', 'a', 'z', '_', '_')
	spaceSet  = set('\t', '\r', ' ', ' ')
	hspaceSet = set('\t', '\t', ' ', ' ', 0xA0, 0xA0)
	vspaceSet = set('\n', '\r', 0x85, 0x85)
	graphSet  = set('!', '~')
)

var posixSets = map[string]byteSet{
	"alpha": alphaSet, "lower": set('a', 'z'), "upper": set('A', 'Z'),
	"alnum": alnumSet, "digit": digitSet, "xdigit": set('0', '9', 'A', 'F', 'a', 'f'),
	"space": spaceSet, "blank": set('\t', '\t', ' ', ' '), "cntrl": set(0, 0x1F, 0x7F, 0x7F),
	"graph": graphSet, "print": set(' ', '~'), "word": wordSet, "ascii": set(0, 0x7F),
	"punct": func() byteSet {
		s := graphSet
		for i := range s {
			s[i] &^= alnumSet[i]
		}
		return s
	}(),
}

// typeSets are the sets of \d, \w, \s, \h and \v.
var typeSets = map[byte]byteSet{'d': digitSet, 'w': wordSet, 's': spaceSet, 'h': hspaceSet, 'v': vspaceSet}

// typeSet returns the set of the escape \c (\d, \s, \w, \h, \v and their
// negations).
func typeSet(c byte) (byteSet, bool) {
	if s, ok := typeSets[c]; ok {
		return s, true
	}
	if s, ok := typeSets[c+'a'-'A']; ok && c >= 'A' && c <= 'Z' {
		return s.invert(), true
	}
	return byteSet{}, false
}

// re2 writes s as an RE2 class, negated with neg, over the runes of
// byteRunes.
func (s byteSet) re2(neg bool) string {
	var b strings.Builder
	b.WriteString("[")
	if neg {
		b.WriteString("^")
	}
	empty := true
	for c := 0; c < 256; c++ {
		if !s.has(byte(c)) {
			continue
		}
		lo := c
		for c+1 < 256 && s.has(byte(c+1)) && c+1 != 0x80 {
			c++
		}
		b.WriteString(classLit(byte(lo)))
		if c > lo {
			b.WriteString("-" + classLit(byte(c)))
		}
		empty = false
	}
	if empty { // no byte: RE2 takes no [], this never matches either
		return map[bool]string{false: `[^\x00-\x{10FFFF}]`, true: `[\x00-\x{10FFFF}]`}[neg]
	}
	return b.String() + "]"
}

// classLit is the RE2 form of the byte c in a class.
func classLit(c byte) string {
	if isAlnum(c) {
		return string(c)
	}
	if c >= 0x80 {
		return fmt.Sprintf(`\x{%X}`, highBase+int(c))
	}
	return fmt.Sprintf(`\x%02X`, c)
}

// class translates the class at t.i into an RE2 class of the same bytes.
// A ] first in it is a literal, \Q...\E quotes in it, and under (?i)
// [:lower:] and [:upper:] are [:alpha:] as in PCRE.
func (t *translator) class() error {
	if rest := t.p[t.i+1:]; rest != "" && strings.IndexByte(":.=", rest[0]) >= 0 {
		if _, ok := posixEnd(rest); ok {
			return pcreError("POSIX named classes are supported only within a class")
		}
	}
	t.i++
	neg := strings.HasPrefix(t.p[t.i:], "^")
	if neg {
		t.i++
	}
	var s byteSet
	for first := true; ; first = false {
		t.skipQuotes()
		if t.i >= len(t.p) {
			return pcreError("missing terminating ] for character class")
		}
		if t.p[t.i] == ']' && !first && !t.quoting {
			t.i++
			break
		}
		if err := t.classItem(&s); err != nil {
			return err
		}
	}
	t.quoting = false
	t.emit(s.re2(neg), true)
	return nil
}

// skipQuotes passes the \Q and \E at t.i in a class, keeping t.quoting.
func (t *translator) skipQuotes() {
	for {
		rest := t.p[t.i:]
		switch {
		case strings.HasPrefix(rest, `\E`):
			t.quoting = false
		case strings.HasPrefix(rest, `\Q`) && !t.quoting:
			t.quoting = true
		default:
			return
		}
		t.i += 2
	}
}

// classItem adds the item at t.i to s: a byte, a range of bytes, an
// escape of a set or a POSIX class.
func (t *translator) classItem(s *byteSet) error {
	lo, items, char, err := t.classAtom()
	if err != nil {
		return err
	}
	t.skipQuotes()
	rest := t.p[t.i:]
	if t.quoting || !strings.HasPrefix(rest, "-") || len(rest) < 2 || rest[1] == ']' {
		s.union(items)
		return nil
	}
	if !char {
		return pcreError("invalid range in character class")
	}
	t.i++
	t.skipQuotes()
	if t.i >= len(t.p) {
		return pcreError("missing terminating ] for character class")
	}
	hi, _, char, err := t.classAtom()
	switch {
	case err != nil:
		return err
	case !char:
		return pcreError("invalid range in character class")
	case hi < lo:
		return pcreError("range out of order in character class")
	}
	s.add(lo, hi)
	return nil
}

// classAtom reads one item of a class at t.i: a byte (char), or a set
// (an escape such as \d, or a POSIX class). items holds what it matches.
func (t *translator) classAtom() (b byte, items byteSet, char bool, err error) {
	c := t.p[t.i]
	switch {
	case t.quoting:
		t.i++
	case c == '[' && t.i+1 < len(t.p) && strings.IndexByte(":.=", t.p[t.i+1]) >= 0:
		if end, ok := posixEnd(t.p[t.i+1:]); ok {
			items, err = t.posix(t.p[t.i+1 : t.i+1+end+1])
			t.i += end + 3
			return 0, items, false, err
		}
		t.i++
	case c == '\\' && t.i+1 >= len(t.p):
		return 0, items, false, pcreError(`\ at end of pattern`)
	case c == '\\':
		e := t.p[t.i+1]
		if items, ok := typeSet(e); ok {
			t.i += 2
			return 0, items, false, nil
		}
		if e == 'b' {
			t.i += 2
			return '\b', set('\b', '\b'), true, nil
		}
		if strings.IndexByte("ABGKNRXZz", e) >= 0 {
			return 0, items, false, pcreError(`escape sequence \%c is invalid in character class`, e)
		}
		b, n, err := t.charEscape(true)
		t.i += n
		return b, set(b, b), true, err
	default:
		t.i++
	}
	return c, set(c, c), true, nil
}

// posixEnd returns where the POSIX class item that s starts with ends,
// s being the text after its [: the index of the : (or . or =) before
// the closing ]. Like PCRE, it finds none when a ] or another [: comes
// first.
func posixEnd(s string) (int, bool) {
	term := s[0]
	for i := 1; i+1 < len(s); i++ {
		switch {
		case s[i] == '\\' && (s[i+1] == ']' || s[i+1] == '\\'):
			i++
		case s[i] == '[' && s[i+1] == term, s[i] == ']':
			return 0, false
		case s[i] == term && s[i+1] == ']':
			return i, true
		}
	}
	return 0, false
}

// posix returns the set of the POSIX class item s, ":name:" or
// ":^name:".
func (t *translator) posix(s string) (byteSet, error) {
	if s[0] != ':' {
		return byteSet{}, pcreError("POSIX collating elements are not supported")
	}
	name := s[1 : len(s)-1]
	neg := strings.HasPrefix(name, "^")
	name = strings.TrimPrefix(name, "^")
	if name == "<" || name == ">" {
		return byteSet{}, fmt.Errorf(`[[:<:]] and [[:>:]] are PCRE only; write \b`)
	}
	items, ok := posixSets[name]
	if !ok {
		return byteSet{}, pcreError("unknown POSIX class name %q", name)
	}
	if t.flags.caseless && (name == "lower" || name == "upper") {
		items = alphaSet
	}
	if neg {
		items = items.invert()
	}
	return items, nil
}
