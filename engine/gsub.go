package engine

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"
)

// strGsub is string.gsub(s, pattern, repl [, n]) as in C Lua 5.1, built in
// one pass and bounded by the run's string limit. gopher-lua's own copies the whole string once per match, so
// that removing the line ends of a 200 KiB message body (4,000 matches)
// took seconds; this one takes time in proportion to the string.
//
// repl is a string (where %0–%9 stand for the captures and % before any
// other character for that character), a table (indexed by the first
// capture) or a function (called with the captures); a false or nil
// result keeps the match, any other value must be a string or a number.
func (rs *runState) strGsub(L *lua.LState) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	L.CheckTypes(3, lua.LTString, lua.LTNumber, lua.LTTable, lua.LTFunction)
	repl := L.Get(3)
	limit := L.OptInt(4, -1)

	matches, err := pm.Find(pat, []byte(str), 0, limit)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	var b strings.Builder
	b.Grow(len(str))
	last := 0
	for _, m := range matches {
		start, end := m.Capture(0), m.Capture(1)
		b.WriteString(str[last:start])
		last = end
		match := str[start:end]
		switch r := repl.(type) {
		case lua.LString, lua.LNumber:
			gsubExpand(L, &b, lua.LVAsString(r), str, m)
		case *lua.LTable:
			gsubValue(L, &b, L.GetTable(r, gsubCapture(L, str, m, 1)), match)
		case *lua.LFunction:
			L.Push(r)
			n := gsubPushCaptures(L, str, m)
			L.Call(n, 1)
			v := L.Get(-1)
			L.Pop(1)
			gsubValue(L, &b, v, match)
		}
		if max := rs.e.limits.MaxString; b.Len() > max {
			L.RaiseError("string.gsub: the result would exceed %d bytes", max)
		}
	}
	b.WriteString(str[last:])
	if max := rs.e.limits.MaxString; b.Len() > max {
		L.RaiseError("string.gsub: the result would exceed %d bytes", max)
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(len(matches)))
	return 2
}

// gsubExpand writes repl with its %-sequences expanded.
func gsubExpand(L *lua.LState, b *strings.Builder, repl, str string, m *pm.MatchData) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		d := repl[i]
		if d < '0' || d > '9' {
			b.WriteByte(d)
			continue
		}
		if d == '0' {
			b.WriteString(str[m.Capture(0):m.Capture(1)])
			continue
		}
		b.WriteString(lua.LVAsString(gsubCapture(L, str, m, int(d-'0'))))
	}
}

// gsubCapture returns capture n (from 1) of m: a string, or a number for
// a position capture. Capture 1 of a pattern without captures is the
// whole match.
func gsubCapture(L *lua.LState, str string, m *pm.MatchData, n int) lua.LValue {
	captures := m.CaptureLength()/2 - 1
	if captures == 0 && n == 1 {
		return lua.LString(str[m.Capture(0):m.Capture(1)])
	}
	if n > captures {
		L.RaiseError("invalid capture index")
	}
	if m.IsPosCapture(2 * n) {
		return lua.LNumber(m.Capture(2 * n))
	}
	return lua.LString(str[m.Capture(2*n):m.Capture(2*n+1)])
}

// gsubPushCaptures pushes the captures of m (or the whole match when the
// pattern has none) and returns how many it pushed.
func gsubPushCaptures(L *lua.LState, str string, m *pm.MatchData) int {
	n := max(m.CaptureLength()/2-1, 1)
	for i := 1; i <= n; i++ {
		L.Push(gsubCapture(L, str, m, i))
	}
	return n
}

// gsubValue writes what a table or function gave for a match: the match
// itself for false or nil, the value for a string or number.
func gsubValue(L *lua.LState, b *strings.Builder, v lua.LValue, match string) {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		b.WriteString(lua.LVAsString(v))
	default:
		if lua.LVIsFalse(v) {
			b.WriteString(match)
			return
		}
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}
