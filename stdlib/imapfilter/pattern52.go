package imapfilter

// The string patterns of Lua 5.2 (reference manual, section 6.4.1),
// matched byte by byte with the character classes of the C locale. A
// config gets them through string.find, match, gmatch and gsub
// (strlib52.go) in place of gopher-lua's matcher, which has no frontier
// pattern, no %g and lets some malformed patterns match nothing.

// maxMatchDepth is how deep the matcher may recurse (Lua 5.2's
// MAXCCALLS); a pattern needing more is "too complex".
const maxMatchDepth = 200

// maxCaptures is Lua 5.2's LUA_MAXCAPTURES.
const maxCaptures = 32

// Capture lengths that are not lengths: a capture still open, and a
// position capture.
const (
	capOpen     = -1
	capPosition = -2
)

// patternError is the message of an error Lua 5.2 raises for a pattern:
// a malformed one, too many captures, a pattern too complex.
type patternError string

func (e patternError) Error() string { return string(e) }

// capture is where a capture starts in the subject and how long it is
// (or capOpen, capPosition).
type capture struct{ start, length int }

// matcher matches one pattern against one subject. Its methods raise a
// patternError by panicking; run recovers it.
type matcher struct {
	src, pat string
	depth    int
	level    int
	caps     [maxCaptures]capture
}

// fail raises a pattern error.
func (m *matcher) fail(msg string) { panic(patternError(msg)) }

// run calls f and returns the pattern error f raised, if any.
func (m *matcher) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(patternError)
			if !ok {
				panic(r)
			}
			err = pe
		}
	}()
	f()
	return nil
}

// matchAt resets the captures and matches the pattern from byte p of the
// pattern at byte s of the subject: the end of the match, or -1.
func (m *matcher) matchAt(s, p int) int {
	m.level = 0
	m.depth = maxMatchDepth
	return m.match(s, p)
}

// match matches the pattern from p at s: the end of the match, or -1.
// What continues the same match loops; what may have to be undone
// recurses, and a recursion deeper than maxMatchDepth fails the pattern.
func (m *matcher) match(s, p int) int {
	if m.depth == 0 {
		m.fail("pattern too complex")
	}
	m.depth--
	defer func() { m.depth++ }()
	for p < len(m.pat) {
		switch m.pat[p] {
		case '(':
			if p+1 < len(m.pat) && m.pat[p+1] == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capOpen)
		case ')':
			return m.endCapture(s, p+1)
		case '$':
			if p+1 == len(m.pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		case '%':
			if ns, np, done := m.escape(s, p); done {
				if ns < 0 {
					return -1
				}
				s, p = ns, np
				continue
			}
		}
		ns, np, end := m.single(s, p)
		if end {
			return ns
		}
		s, p = ns, np
	}
	return s
}

// escape matches %b, %f and back-references at p (a %): the new s and
// p and true, s -1 when they do not match, or false for any other
// escape, a single character class.
func (m *matcher) escape(s, p int) (int, int, bool) {
	if p+1 >= len(m.pat) {
		return 0, 0, false // classEnd reports the % at the end
	}
	switch c := m.pat[p+1]; {
	case c == 'b':
		return m.balance(s, p+2), p + 4, true
	case c == 'f':
		p += 2
		if p >= len(m.pat) || m.pat[p] != '[' {
			m.fail("missing '[' after '%f' in pattern")
		}
		ep := m.classEnd(p)
		prev, cur := byte(0), byte(0)
		if s > 0 {
			prev = m.src[s-1]
		}
		if s < len(m.src) {
			cur = m.src[s]
		}
		if !m.inSet(prev, p, ep-1) && m.inSet(cur, p, ep-1) {
			return s, ep, true
		}
		return -1, 0, true
	case c >= '0' && c <= '9':
		return m.backRef(s, c), p + 2, true
	}
	return 0, 0, false
}

// single matches the single character class at p with what may follow
// it (*, +, - or ?): the new s and p to go on with, or the result of the
// whole match and true.
func (m *matcher) single(s, p int) (int, int, bool) {
	ep := m.classEnd(p)
	var suffix byte
	if ep < len(m.pat) {
		suffix = m.pat[ep]
	}
	if !m.singleMatch(s, p, ep) {
		if suffix == '*' || suffix == '?' || suffix == '-' {
			return s, ep + 1, false // may match nothing
		}
		return -1, 0, true
	}
	switch suffix {
	case '?':
		if r := m.match(s+1, ep+1); r != -1 {
			return r, 0, true
		}
		return s, ep + 1, false
	case '+':
		return m.maxExpand(s+1, p, ep), 0, true
	case '*':
		return m.maxExpand(s, p, ep), 0, true
	case '-':
		return m.minExpand(s, p, ep), 0, true
	}
	return s + 1, ep, false
}

// maxExpand matches as many repetitions as it can of the class from p to
// ep, from s, then gives them back one by one until the rest matches.
func (m *matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		i++
	}
	for ; i >= 0; i-- {
		if r := m.match(s+i, ep+1); r != -1 {
			return r
		}
	}
	return -1
}

// minExpand matches as few repetitions as it can of the class from p to
// ep, from s, for the rest to match.
func (m *matcher) minExpand(s, p, ep int) int {
	for {
		if r := m.match(s, ep+1); r != -1 {
			return r
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

// startCapture opens a capture at s (length capOpen or capPosition) and
// matches the rest of the pattern from p.
func (m *matcher) startCapture(s, p, length int) int {
	if m.level >= maxCaptures {
		m.fail("too many captures")
	}
	m.caps[m.level] = capture{s, length}
	m.level++
	r := m.match(s, p)
	if r == -1 {
		m.level--
	}
	return r
}

// endCapture closes the last open capture at s and matches the rest of
// the pattern from p.
func (m *matcher) endCapture(s, p int) int {
	l := -1
	for i := m.level - 1; i >= 0; i-- {
		if m.caps[i].length == capOpen {
			l = i
			break
		}
	}
	if l < 0 {
		m.fail("invalid pattern capture")
	}
	m.caps[l].length = s - m.caps[l].start
	r := m.match(s, p)
	if r == -1 {
		m.caps[l].length = capOpen
	}
	return r
}

// balance matches %bxy, whose x is at p, at s: the end, or -1.
func (m *matcher) balance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.fail("malformed pattern (missing arguments to '%b')")
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	open, closing := m.pat[p], m.pat[p+1]
	depth := 1
	for s++; s < len(m.src); s++ {
		switch m.src[s] {
		case closing:
			depth--
			if depth == 0 {
				return s + 1
			}
		case open:
			depth++
		}
	}
	return -1
}

// backRef matches at s the text of capture c (a digit from 1 to 9): the
// end, or -1.
func (m *matcher) backRef(s int, c byte) int {
	l := int(c) - '1'
	if l < 0 || l >= m.level || m.caps[l].length == capOpen {
		m.fail("invalid capture index %" + string(rune(c)))
	}
	n := m.caps[l].length
	if n < 0 || len(m.src)-s < n {
		return -1
	}
	start := m.caps[l].start
	if m.src[s:s+n] != m.src[start:start+n] {
		return -1
	}
	return s + n
}

// classEnd returns where the single character class at p ends.
func (m *matcher) classEnd(p int) int {
	c := m.pat[p]
	p++
	switch c {
	case '%':
		if p >= len(m.pat) {
			m.fail("malformed pattern (ends with '%')")
		}
		return p + 1
	case '[':
		if p < len(m.pat) && m.pat[p] == '^' {
			p++
		}
		for { // the first character is in the set, even a ]
			if p >= len(m.pat) {
				m.fail("malformed pattern (missing ']')")
			}
			c := m.pat[p]
			p++
			if c == '%' && p < len(m.pat) {
				p++
			}
			if p < len(m.pat) && m.pat[p] == ']' {
				return p + 1
			}
		}
	}
	return p
}

// singleMatch reports whether the byte at s is in the class from p to ep.
func (m *matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	c := m.src[s]
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return classMatch(c, m.pat[p+1])
	case '[':
		return m.inSet(c, p, ep-1)
	}
	return m.pat[p] == c
}

// inSet reports whether c is in the set [...] from p (the [) to end (the
// ]).
func (m *matcher) inSet(c byte, p, end int) bool {
	in := true
	p++
	if m.pat[p] == '^' {
		in = false
		p++
	}
	for ; p < end; p++ {
		switch {
		case m.pat[p] == '%':
			p++
			if classMatch(c, m.pat[p]) {
				return in
			}
		case p+2 < end && m.pat[p+1] == '-':
			if m.pat[p] <= c && c <= m.pat[p+2] {
				return in
			}
			p += 2
		case m.pat[p] == c:
			return in
		}
	}
	return !in
}

// classMatch reports whether c is in the class %cl of the C locale; an
// upper-case class is the complement of its lower-case one, and any other
// cl stands for itself.
func classMatch(c, cl byte) bool {
	var in bool
	switch cl | 0x20 {
	case 'a':
		in = isAlpha(c)
	case 'c':
		in = c < 32 || c == 127
	case 'd':
		in = '0' <= c && c <= '9'
	case 'g':
		in = 32 < c && c < 127
	case 'l':
		in = 'a' <= c && c <= 'z'
	case 'p':
		in = 32 < c && c < 127 && !isAlnum(c)
	case 's':
		in = c == ' ' || '\t' <= c && c <= '\r'
	case 'u':
		in = 'A' <= c && c <= 'Z'
	case 'w':
		in = isAlnum(c)
	case 'x':
		in = '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
	case 'z':
		in = c == 0
	default:
		return cl == c
	}
	if 'A' <= cl && cl <= 'Z' {
		return !in
	}
	return in
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
