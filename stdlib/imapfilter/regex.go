package imapfilter

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/refilter"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// Regex is a PCRE pattern as imapfilter compiles it (no options: no UTF
// mode, no multiline, case-sensitive), carried out with Go's regexp where
// the pattern means the same there.
//
// PCRE without UTF mode works on bytes: a class such as [а-я] is a class
// of bytes, and . matches one byte. So that Go's regexp, which works on
// UTF-8, does the same, a subject with a byte above 0x7F is read one
// character a byte (byteRunes), and the pattern is translated to match
// those characters (translate), where bytes above 0x7F have no case and
// are in no class of letters, as under PCRE's C-locale tables. Two anchors mean something else in PCRE when the subject ends
// in a newline, and Compile keeps PCRE's meaning (see lastNewline): $
// (not multiline) also holds before that newline, and a multiline ^
// does not hold after it.
type Regex struct {
	re    *regexp.Regexp
	match *regexp.Regexp // re for Match: without a leading or trailing .* (see matchSource)
	pf    *refilter.Filter
	// For a subject ending in a newline, re and match as lastNewline
	// rewrites them; nil when Go's meaning is PCRE's there too.
	nl, nlMatch *lastNewline
}

// Compile compiles a PCRE pattern. It is translated to RE2 (see
// translate); a construct that has no exact translation (backreferences,
// lookaround, atomic groups, possessive quantifiers, recursion, \R...)
// is an error that names the pattern: silently matching something else
// is worse than failing. So is a pattern PCRE refuses too.
func Compile(pattern string) (*Regex, error) {
	src, err := translate(pattern)
	if err != nil {
		return nil, fmt.Errorf("imapfilter: pattern %q: %w", pattern, err)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		if invalidInPCRE(pattern, err) {
			return nil, fmt.Errorf("imapfilter: pattern %q: %s (%w)", pattern, msg, errPCRE)
		}
		return nil, fmt.Errorf("imapfilter: pattern %q: %s: %s", pattern, msg, hint(pattern))
	}
	r := &Regex{re: re, match: re, nl: newlineForms(src)}
	r.nlMatch = r.nl
	if ms := matchSource(pattern); ms != pattern {
		if ms, err := translate(ms); err == nil {
			if m, err := regexp.Compile(ms); err == nil {
				r.match, r.nlMatch = m, newlineForms(ms)
			}
		}
	}
	r.pf = refilter.New(r.match)
	return r, nil
}

// lastNewline holds the forms of a pattern that give PCRE's meaning on
// a subject t+"\n", where Go's differs in two anchors: PCRE's $ (not
// multiline) also holds before that last newline, and its multiline ^
// does not hold after it. A match of PCRE's there either stops before
// the last newline, and within finds it in t (where \z, which does not
// hold before that newline, never holds, and $ holds at the end as
// PCRE's does before the newline), or it takes the last newline or
// starts after it, and the pattern finds it in the subject, except one
// that starts after the last newline: that empty match must be found
// without ^ (noCaret). What is left out: a $ that held before the last
// newline in a match that then takes it (a$\n), and a multiline ^ that
// held after it in a match that took it ((?m)\n^).
type lastNewline struct {
	within  *regexp.Regexp
	noCaret *regexp.Regexp // nil without a multiline ^
}

// newlineForms returns the forms of the Go pattern src, nil when it has
// neither $ (not multiline) nor a multiline ^, or when a form does not
// compile (then Go's meaning stays).
func newlineForms(src string) *lastNewline {
	tree, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	dollar, caret := anchors(tree)
	if !dollar && !caret {
		return nil
	}
	within, err := regexp.Compile(rewrite(tree, syntax.OpEndText, syntax.WasDollar).String())
	if err != nil {
		return nil
	}
	nl := &lastNewline{within: within}
	if caret {
		tree, _ = syntax.Parse(src, syntax.Perl)
		if nl.noCaret, err = regexp.Compile(rewrite(tree, syntax.OpBeginLine, 0).String()); err != nil {
			return nil
		}
	}
	return nl
}

// anchors reports whether re holds a $ that is not multiline, and
// whether it holds a multiline ^.
func anchors(re *syntax.Regexp) (dollar, caret bool) {
	dollar = re.Op == syntax.OpEndText && re.Flags&syntax.WasDollar != 0
	caret = re.Op == syntax.OpBeginLine
	for _, sub := range re.Sub {
		d, c := anchors(sub)
		dollar, caret = dollar || d, caret || c
	}
	return dollar, caret
}

// rewrite makes the nodes of re of operator op, less those with a flag
// of keep, nodes that never match, and returns re.
func rewrite(re *syntax.Regexp, op syntax.Op, keep syntax.Flags) *syntax.Regexp {
	for _, sub := range re.Sub {
		rewrite(sub, op, keep)
	}
	if re.Op == op && re.Flags&keep == 0 {
		*re = syntax.Regexp{Op: syntax.OpNoMatch}
	}
	return re
}

// find is FindStringSubmatchIndex of re on s, with PCRE's meaning of
// the anchors at a last newline (nl, see lastNewline).
func find(re *regexp.Regexp, nl *lastNewline, s string) []int {
	loc := re.FindStringSubmatchIndex(s)
	if nl == nil || !strings.HasSuffix(s, "\n") {
		return loc
	}
	if loc != nil && loc[0] == len(s) && nl.noCaret != nil {
		loc = nl.noCaret.FindStringSubmatchIndex(s)
	}
	within := nl.within.FindStringSubmatchIndex(s[:len(s)-1])
	// The leftmost; at the same place the one that takes the newline,
	// as a greedy pattern does (\s*$; a lazy one, \s*?$, would not).
	if loc == nil || within != nil && within[0] < loc[0] {
		return within
	}
	return loc
}

// matches is MatchString of re on s, with PCRE's meaning of the anchors
// at a last newline (nl, see lastNewline).
func matches(re *regexp.Regexp, nl *lastNewline, s string) bool {
	if nl == nil || !strings.HasSuffix(s, "\n") {
		return re.MatchString(s)
	}
	if nl.within.MatchString(s[:len(s)-1]) {
		return true
	}
	if nl.noCaret == nil {
		return re.MatchString(s)
	}
	// Only a match that starts after the last newline can be one of
	// ^ there; then the leftmost match starts there.
	loc := re.FindStringIndex(s)
	if loc != nil && loc[0] == len(s) {
		return nl.noCaret.MatchString(s)
	}
	return loc != nil
}

// matchSource is pattern less a leading and a trailing ".*" (or ".*?"),
// where they stand alone: they change where a match is, never whether
// there is one (they can match nothing), and without them RE2 looks for
// the literal text first instead of trying every position (a hundred
// times faster on long bodies: match_body('.*all.work.*')). A pattern
// with \Q quoting is left as it is.
func matchSource(p string) string {
	if strings.Contains(p, `\Q`) {
		return p
	}
	quantifier := func(s string) bool { return s != "" && strings.ContainsRune("?*+{", rune(s[0])) }
	for _, lead := range []string{".*?", ".*"} {
		if strings.HasPrefix(p, lead) && !quantifier(p[len(lead):]) {
			p = p[len(lead):]
			break
		}
	}
	for _, tail := range []string{".*?", ".*"} {
		if !strings.HasSuffix(p, tail) {
			continue
		}
		rest := p[:len(p)-len(tail)]
		escapes := len(rest) - len(strings.TrimRight(rest, `\`))
		if escapes%2 == 0 { // after an odd number of \ the dot is a dot
			p = rest
		}
		break
	}
	return p
}

// invalidInPCRE reports whether RE2's error err for pattern p is one
// PCRE gives too: unbalanced parentheses or brackets, a trailing
// backslash, a range out of order (imapfilter prints "RE failed" and
// matches nothing).
func invalidInPCRE(p string, err error) bool {
	var perr *syntax.Error
	if !errors.As(err, &perr) || strings.Contains(p, "(*") {
		return false
	}
	switch perr.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen, syntax.ErrMissingBracket,
		syntax.ErrTrailingBackslash, syntax.ErrInvalidCharRange:
		return true
	}
	return false
}

// hint says what to write instead of a PCRE construct RE2 lacks.
func hint(p string) string {
	switch {
	case strings.Contains(p, "(?="), strings.Contains(p, "(?!"), strings.Contains(p, "(?<="), strings.Contains(p, "(?<!"):
		return "lookaround is PCRE only; match the wider text and test the rest in Lua, or combine searches with * and -"
	case regexp.MustCompile(`\\[1-9]`).MatchString(p):
		return "backreferences are PCRE only; capture with regex_search and compare the captures in Lua"
	case strings.Contains(p, "(?>"), regexp.MustCompile(`[*+?}]\+`).MatchString(p):
		return "atomic groups and possessive quantifiers are PCRE only; drop them (RE2 never backtracks)"
	case regexp.MustCompile(`\{(?:[0-9]{4,}|[0-9]*,[0-9]{4,})`).MatchString(p):
		return "RE2 repeats at most 1000 times; write {1000} or match the rest in Lua"
	}
	return "the pattern needs a PCRE feature RE2 lacks; see docs/imapfilter.md"
}

// Find returns the match and its submatches (nil for those that did not
// take part), or nil when the pattern does not match subject. Like
// imapfilter's PCRE, it reads subject up to its first NUL byte.
func (r *Regex) Find(subject string) []*string {
	if i := strings.IndexByte(subject, 0); i >= 0 {
		subject = subject[:i]
	}
	conv := !isASCII(subject)
	s := subject
	if conv {
		s = byteRunes(subject)
	}
	loc := find(r.re, r.nl, s)
	if loc == nil {
		return nil
	}
	out := make([]*string, len(loc)/2)
	for i := range out {
		if loc[2*i] < 0 {
			continue
		}
		m := s[loc[2*i]:loc[2*i+1]]
		if conv {
			m = runeBytes(m)
		}
		out[i] = &m
	}
	return out
}

// Match reports whether the pattern matches subject: Find(subject) !=
// nil, without working out where (much faster on long texts).
func (r *Regex) Match(subject string) bool {
	if i := strings.IndexByte(subject, 0); i >= 0 {
		subject = subject[:i]
	}
	s := subject
	if !isASCII(s) {
		s = byteRunes(s)
	}
	// Every match holds a literal of the filter, whichever form of the
	// pattern finds it: one filter serves them all.
	if !r.pf.MayMatch(s) {
		return false
	}
	return matches(r.match, r.nlMatch, s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// byteRunes reads each byte of s as one character: an ASCII byte as
// itself, a byte b above 0x7F as the rune highBase+b.
func byteRunes(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(highBase + rune(c))
		}
	}
	return b.String()
}

// runeBytes undoes byteRunes.
func runeBytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= highBase {
			r -= highBase
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// regexCache keeps compiled patterns: configs match the same few patterns
// against every message.
var regexCache sync.Map

func cached(pattern string) (*Regex, error) {
	if r, ok := regexCache.Load(pattern); ok {
		return r.(*Regex), nil
	}
	r, err := Compile(pattern)
	if err != nil {
		return nil, err
	}
	regexCache.Store(pattern, r)
	return r, nil
}

// regex(pattern, subject) -> match, captures... | false
//
// This is imapfilter's regex_search: on a match it returns the matched
// text and the captures up to the last one that took part (nil for those
// before it that did not), and false when the pattern does not match.
func (c *core) regexSearch(L *lua.LState) int {
	pattern, subject := L.CheckString(1), L.CheckString(2)
	r, err := cached(pattern)
	if err != nil {
		L.RaiseError("%v", err)
	}
	m := r.Find(subject)
	if m == nil {
		L.Push(lua.LFalse)
		return 1
	}
	for len(m) > 1 && m[len(m)-1] == nil {
		m = m[:len(m)-1]
	}
	for _, s := range m {
		if s == nil {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(*s))
		}
	}
	return len(m)
}

// decode(text) -> text with RFC 2047 encoded words decoded (for
// options.decode_headers).
func (c *core) decode(L *lua.LState) int {
	L.Push(lua.LString(mail.DecodeHeader(L.CheckString(1))))
	return 1
}

// matchAll(texts, uids, pattern, strip, decode) -> {uid...}
//
// It is regex_search over many messages at once, for match_*: the UIDs
// of uids, in their order, whose text ({uid = text}) matches pattern.
// With strip the text is a header field and its "Name:" prefix (and one
// space after it) is left out; with decode its encoded words are decoded
// first (options.decode_headers).
func (c *core) matchAll(L *lua.LState) int {
	texts, uids, pattern := L.CheckTable(1), L.CheckTable(2), L.CheckString(3)
	strip, decode := L.ToBool(4), L.ToBool(5)
	r, err := cached(pattern)
	if err != nil {
		L.RaiseError("%v", err)
	}
	out := L.NewTable()
	for i := 1; i <= uids.Len(); i++ {
		m := uids.RawGetInt(i)
		t, ok := texts.RawGet(m).(lua.LString)
		if !ok {
			continue
		}
		s := string(t)
		if strip {
			s = fieldValue(s)
		}
		if decode {
			s = mail.DecodeHeader(s)
		}
		if r.Match(s) {
			out.Append(m)
		}
	}
	L.Push(out)
	return 1
}

// fieldValue is a field's text less its name: what follows the first
// colon, less one space after it (the Lua pattern '^[^:]*: ?(.*)$'); a
// text without a colon is kept whole.
func fieldValue(s string) string {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return s
	}
	return strings.TrimPrefix(s[i+1:], " ")
}
