package imapfilter

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// patternSpecials are the bytes that make string.find match a pattern
// rather than look for the plain string.
const patternSpecials = "^$*+?.([%-"

// strFuncs52 are string.find, match, gmatch and gsub of Lua 5.2, on
// the matcher of pattern52.go.
var strFuncs52 = map[string]lua.LGFunction{
	"find":   func(L *lua.LState) int { return find52(L, true) },
	"match":  func(L *lua.LState) int { return find52(L, false) },
	"gmatch": gmatch52,
	"gsub":   gsub52,
}

// raisePattern raises err, a pattern error, as Lua 5.2 does: with the
// position of the Lua function that called the string function.
func raisePattern(L *lua.LState, err error) {
	L.RaiseError("%s", err.Error())
}

// argInt is the integer argument n of the running function (a number or
// a string of one, truncated as C converts it), or def when it is nil or
// absent. It is kept within the range of exact integers of a float.
func argInt(L *lua.LState, n, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	f := math.Trunc(float64(L.CheckNumber(n)))
	switch {
	case math.IsNaN(f):
		return math.MinInt32
	case f > 1<<53:
		return 1 << 53
	case f < -(1 << 53):
		return -(1 << 53)
	}
	return int(f)
}

// startIndex is where string.find and match start in a subject of
// length n, for the argument init (1 is the first byte, -1 the last),
// or -1 when that is after the end of the subject.
func startIndex(init, n int) int {
	switch {
	case init < 0 && -init > n:
		init = 1
	case init < 0:
		init = n + init + 1
	case init == 0:
		init = 1
	}
	if init > n+1 {
		return -1
	}
	return init - 1
}

// find52 is string.find (find) or string.match of Lua 5.2.
func find52(L *lua.LState, find bool) int {
	src, pat := L.CheckString(1), L.CheckString(2)
	init := startIndex(argInt(L, 3, 1), len(src))
	if init < 0 {
		L.Push(lua.LNil)
		return 1
	}
	if find && (lua.LVAsBool(L.Get(4)) || !strings.ContainsAny(pat, patternSpecials)) {
		i := strings.Index(src[init:], pat)
		if i < 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LNumber(init + i + 1))
		L.Push(lua.LNumber(init + i + len(pat)))
		return 2
	}
	m := &matcher{src: src, pat: pat}
	p, anchor := 0, strings.HasPrefix(pat, "^")
	if anchor {
		p = 1
	}
	start, end := init, -1
	err := m.run(func() {
		for ; start <= len(src); start++ {
			if end = m.matchAt(start, p); end >= 0 || anchor {
				return
			}
		}
	})
	if err != nil {
		raisePattern(L, err)
	}
	if end < 0 {
		L.Push(lua.LNil)
		return 1
	}
	if !find {
		return m.pushCaptures(L, start, end, true)
	}
	L.Push(lua.LNumber(start + 1))
	L.Push(lua.LNumber(end))
	return 2 + m.pushCaptures(L, start, end, false)
}

// capture returns capture i of the match from s to e: its text, its
// position (a number) or, for capture 0 of a pattern without captures,
// the whole match.
func (m *matcher) capture(i, s, e int) (lua.LValue, error) {
	if i >= m.level {
		if i != 0 {
			return nil, patternError("invalid capture index")
		}
		return lua.LString(m.src[s:e]), nil
	}
	c := m.caps[i]
	switch c.length {
	case capOpen:
		return nil, patternError("unfinished capture")
	case capPosition:
		return lua.LNumber(c.start + 1), nil
	}
	return lua.LString(m.src[c.start : c.start+c.length]), nil
}

// pushCaptures pushes the captures of the match from s to e (the whole
// match when the pattern has none and whole is true) and returns how
// many.
func (m *matcher) pushCaptures(L *lua.LState, s, e int, whole bool) int {
	n := m.level
	if n == 0 && whole {
		n = 1
	}
	for i := 0; i < n; i++ {
		v, err := m.capture(i, s, e)
		if err != nil {
			raisePattern(L, err)
		}
		L.Push(v)
	}
	return n
}

// gmatch52 is Lua 5.2's string.gmatch: an iterator over the matches of
// the pattern, which has no anchor (a ^ matches a ^). An empty match
// moves the next search one byte on.
func gmatch52(L *lua.LState) int {
	src, pat := L.CheckString(1), L.CheckString(2)
	next := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m := &matcher{src: src, pat: pat}
		start, end := next, -1
		err := m.run(func() {
			for ; start <= len(src); start++ {
				if end = m.matchAt(start, 0); end >= 0 {
					return
				}
			}
		})
		if err != nil {
			raisePattern(L, err)
		}
		if end < 0 {
			next = len(src) + 1
			return 0
		}
		next = end
		if end == start {
			next++
		}
		return m.pushCaptures(L, start, end, true)
	}))
	return 1
}

// gsub52 is Lua 5.2's string.gsub: the subject with the matches of the
// pattern (at most the fourth argument of them; a negative one is no
// limit) replaced by a string with %0 to %9 and %%, the value of a table
// at the first capture, or what a function returns for the captures;
// false or nil keeps the match. It returns the count of matches too.
func gsub52(L *lua.LState) int {
	src, pat := L.CheckString(1), L.CheckString(2)
	repl := L.Get(3)
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	limit := gsubLimit(L, len(src))
	p, anchor := 0, strings.HasPrefix(pat, "^")
	if anchor {
		p = 1
	}
	m := &matcher{src: src, pat: pat}
	var b strings.Builder
	s, n := 0, 0
	for n < limit {
		end := -1
		if err := m.run(func() { end = m.matchAt(s, p) }); err != nil {
			raisePattern(L, err)
		}
		if end >= 0 {
			n++
			m.addValue(L, &b, s, end, repl)
		}
		switch {
		case end > s:
			s = end
		case s < len(src):
			b.WriteByte(src[s])
			s++
		default:
			limit = n // the end of the subject
		}
		if anchor {
			break
		}
	}
	b.WriteString(src[s:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// gsubLimit is the most replacements gsub makes in a subject of length
// n: its fourth argument, where a negative one (a huge one to Lua 5.2's
// unsigned count) is as many as there can be, n+1.
func gsubLimit(L *lua.LState, n int) int {
	limit := argInt(L, 4, n+1)
	if limit < 0 || limit > n+1 {
		return n + 1
	}
	return limit
}

// addValue adds to b the replacement of the match from s to e.
func (m *matcher) addValue(L *lua.LState, b *strings.Builder, s, e int, repl lua.LValue) {
	var v lua.LValue
	switch r := repl.(type) {
	case *lua.LTable:
		key, err := m.capture(0, s, e)
		if err != nil {
			raisePattern(L, err)
		}
		v = L.GetTable(r, key)
	case *lua.LFunction:
		L.Push(r)
		L.Call(m.pushCaptures(L, s, e, true), 1)
		v = L.Get(-1)
		L.Pop(1)
	default:
		m.addString(L, b, s, e, lua.LVAsString(repl))
		return
	}
	switch v.(type) {
	case lua.LString, lua.LNumber:
		b.WriteString(lua.LVAsString(v))
	default:
		if lua.LVAsBool(v) {
			L.RaiseError("invalid replacement value (a %s)", v.Type().String())
		}
		b.WriteString(m.src[s:e])
	}
}

// addString adds to b the replacement string repl of the match from s
// to e: %0 is the match, %1 to %9 its captures, %% a %.
func (m *matcher) addString(L *lua.LState, b *strings.Builder, s, e int, repl string) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		switch {
		case i < len(repl) && repl[i] == '%':
			b.WriteByte('%')
		case i >= len(repl) || repl[i] < '0' || repl[i] > '9':
			L.RaiseError("%s", "invalid use of '%' in replacement string")
		case repl[i] == '0':
			b.WriteString(m.src[s:e])
		default:
			v, err := m.capture(int(repl[i]-'1'), s, e)
			if err != nil {
				raisePattern(L, err)
			}
			b.WriteString(lua.LVAsString(v))
		}
	}
}
