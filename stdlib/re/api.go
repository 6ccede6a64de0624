package re

import (
	"fmt"
	"regexp"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// match is the value behind a re.Match userdata.
type match struct {
	p        *Pattern
	s        string // the whole subject string
	idx      []int  // submatch indexes into s
	pos, end int
}

func pushPattern(L *lua.LState, p *Pattern) {
	luabind.Push(L, patternType, p)
}

func pushMatch(L *lua.LState, m *match) {
	L.Push(wrapMatch(L, m))
}

func wrapMatch(L *lua.LState, m *match) *lua.LUserData {
	return luabind.Wrap(L, matchType, m)
}

func checkPattern(L *lua.LState, n int) *Pattern {
	return luabind.Check[*Pattern](L, n, patternType)
}

func checkMatch(L *lua.LState, n int) *match {
	return luabind.Check[*match](L, n, matchType)
}

// patternArg accepts a pattern string (compiled with the flags at
// flagsArg) or a compiled pattern.
func patternArg(L *lua.LState, n, flagsArg int) *Pattern {
	if p, ok := luabind.As[*Pattern](L.Get(n)); ok {
		return p
	}
	src := L.CheckString(n)
	flags := 0
	if flagsArg > 0 {
		flags = L.OptInt(flagsArg, 0)
	}
	p, err := Compile(src, flags)
	if err != nil {
		luabind.RaiseClass(L, ClassError, "%s", err.Error())
	}
	return p
}

func apiCompile(L *lua.LState) int {
	pushPattern(L, patternArg(L, 1, 2))
	return 1
}

func apiPurge(L *lua.LState) int {
	Purge()
	return 0
}

func apiEscape(L *lua.LState) int {
	L.Push(lua.LString(regexp.QuoteMeta(L.CheckString(1))))
	return 1
}

type mode int

const (
	modeSearch mode = iota
	modeMatch
	modeFull
)

// find runs p on s[pos:end] in the given mode.
func find(p *Pattern, s string, pos, end int, md mode) *match {
	sub := s[pos:end]
	idx := p.RE.FindStringSubmatchIndex(sub)
	if idx == nil {
		return nil
	}
	switch md {
	case modeMatch:
		if idx[0] != 0 {
			// The leftmost match starts later; try anchoring.
			idx = anchored(p, sub, false)
		}
	case modeFull:
		if idx[0] != 0 || idx[1] != len(sub) {
			idx = anchored(p, sub, true)
		}
	}
	if idx == nil {
		return nil
	}
	for i := range idx {
		if idx[i] >= 0 {
			idx[i] += pos
		}
	}
	return &match{p: p, s: s, idx: idx, pos: pos, end: end}
}

// anchored matches p at the start of s (and to its end when full).
func anchored(p *Pattern, s string, full bool) []int {
	return p.anchoredRE(full).FindStringSubmatchIndex(s)
}

// posArgs reads optional pos and endpos (Python's slice-like bounds).
func posArgs(L *lua.LState, n int, s string) (int, int) {
	pos := L.OptInt(n, 0)
	end := L.OptInt(n+1, len(s))
	if pos < 0 {
		pos = 0
	}
	if end > len(s) {
		end = len(s)
	}
	if pos > end {
		pos = end
	}
	return pos, end
}

func doFind(L *lua.LState, p *Pattern, s string, pos, end int, md mode) int {
	if m := find(p, s, pos, end, md); m != nil {
		pushMatch(L, m)
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

func apiSearch(L *lua.LState) int {
	p := patternArg(L, 1, 3)
	s := L.CheckString(2)
	return doFind(L, p, s, 0, len(s), modeSearch)
}

func apiMatch(L *lua.LState) int {
	p := patternArg(L, 1, 3)
	s := L.CheckString(2)
	return doFind(L, p, s, 0, len(s), modeMatch)
}

func apiFullmatch(L *lua.LState) int {
	p := patternArg(L, 1, 3)
	s := L.CheckString(2)
	return doFind(L, p, s, 0, len(s), modeFull)
}

func patSearch(L *lua.LState) int {
	p := checkPattern(L, 1)
	s := L.CheckString(2)
	pos, end := posArgs(L, 3, s)
	return doFind(L, p, s, pos, end, modeSearch)
}

func patMatch(L *lua.LState) int {
	p := checkPattern(L, 1)
	s := L.CheckString(2)
	pos, end := posArgs(L, 3, s)
	return doFind(L, p, s, pos, end, modeMatch)
}

func patFullmatch(L *lua.LState) int {
	p := checkPattern(L, 1)
	s := L.CheckString(2)
	pos, end := posArgs(L, 3, s)
	return doFind(L, p, s, pos, end, modeFull)
}

// all returns every match of p in s[pos:end].
func all(p *Pattern, s string, pos, end int) []*match {
	var out []*match
	for _, idx := range p.RE.FindAllStringSubmatchIndex(s[pos:end], -1) {
		for i := range idx {
			if idx[i] >= 0 {
				idx[i] += pos
			}
		}
		out = append(out, &match{p: p, s: s, idx: idx, pos: pos, end: end})
	}
	return out
}

func (m *match) group(n int) (string, bool) {
	if m.idx[2*n] < 0 {
		return "", false
	}
	return m.s[m.idx[2*n]:m.idx[2*n+1]], true
}

func findall(L *lua.LState, p *Pattern, s string, pos, end int) int {
	t := L.NewTable()
	ng := p.RE.NumSubexp()
	for _, m := range all(p, s, pos, end) {
		switch ng {
		case 0:
			g, _ := m.group(0)
			t.Append(lua.LString(g))
		case 1:
			g, _ := m.group(1)
			t.Append(lua.LString(g))
		default:
			tup := L.CreateTable(ng, 0)
			for i := 1; i <= ng; i++ {
				g, _ := m.group(i)
				tup.Append(lua.LString(g))
			}
			t.Append(tup)
		}
	}
	L.Push(t)
	return 1
}

func apiFindall(L *lua.LState) int {
	p := patternArg(L, 1, 3)
	s := L.CheckString(2)
	return findall(L, p, s, 0, len(s))
}

func patFindall(L *lua.LState) int {
	p := checkPattern(L, 1)
	s := L.CheckString(2)
	pos, end := posArgs(L, 3, s)
	return findall(L, p, s, pos, end)
}

func finditer(L *lua.LState, p *Pattern, s string, pos, end int) int {
	L.Push(luabind.SliceIterator(L, all(p, s, pos, end), func(m *match) lua.LValue { return wrapMatch(L, m) }))
	return 1
}

func apiFinditer(L *lua.LState) int {
	p := patternArg(L, 1, 3)
	s := L.CheckString(2)
	return finditer(L, p, s, 0, len(s))
}

func patFinditer(L *lua.LState) int {
	p := checkPattern(L, 1)
	s := L.CheckString(2)
	pos, end := posArgs(L, 3, s)
	return finditer(L, p, s, pos, end)
}

// sub replaces up to count matches (0: all) and returns the result and
// the number of replacements.
func sub(L *lua.LState, p *Pattern, repl lua.LValue, s string, count int) (string, int) {
	var out []byte
	last, n := 0, 0
	for _, m := range all(p, s, 0, len(s)) {
		if count > 0 && n >= count {
			break
		}
		out = append(out, s[last:m.idx[0]]...)
		switch r := repl.(type) {
		case lua.LString:
			e, err := p.Expand(string(r), s, m.idx)
			if err != nil {
				luabind.RaiseClass(L, ClassError, "%s", err.Error())
			}
			out = append(out, e...)
		case *lua.LFunction:
			L.Push(r)
			pushMatch(L, m)
			L.Call(1, 1)
			v := L.Get(-1)
			L.Pop(1)
			if v != lua.LNil {
				out = append(out, lua.LVAsString(v)...)
			}
		default:
			L.ArgError(2, "string or function expected")
		}
		last = m.idx[1]
		n++
	}
	out = append(out, s[last:]...)
	return string(out), n
}

// subArgs reads (pattern, repl, string, count, flags) for the module
// functions or (repl, string, count) for pattern methods.
func apiSub(L *lua.LState) int {
	p := patternArg(L, 1, 5)
	r, _ := sub(L, p, L.CheckAny(2), L.CheckString(3), L.OptInt(4, 0))
	L.Push(lua.LString(r))
	return 1
}

func apiSubn(L *lua.LState) int {
	p := patternArg(L, 1, 5)
	r, n := sub(L, p, L.CheckAny(2), L.CheckString(3), L.OptInt(4, 0))
	L.Push(lua.LString(r))
	L.Push(lua.LNumber(n))
	return 2
}

func patSub(L *lua.LState) int {
	p := checkPattern(L, 1)
	r, _ := sub(L, p, L.CheckAny(2), L.CheckString(3), L.OptInt(4, 0))
	L.Push(lua.LString(r))
	return 1
}

func patSubn(L *lua.LState) int {
	p := checkPattern(L, 1)
	r, n := sub(L, p, L.CheckAny(2), L.CheckString(3), L.OptInt(4, 0))
	L.Push(lua.LString(r))
	L.Push(lua.LNumber(n))
	return 2
}

func split(L *lua.LState, p *Pattern, s string, maxsplit int) int {
	t := L.NewTable()
	last, n := 0, 0
	for _, m := range all(p, s, 0, len(s)) {
		if maxsplit > 0 && n >= maxsplit {
			break
		}
		t.Append(lua.LString(s[last:m.idx[0]]))
		for i := 1; i <= p.RE.NumSubexp(); i++ {
			if g, ok := m.group(i); ok {
				t.Append(lua.LString(g))
			} else {
				t.Append(luabind.Null(L))
			}
		}
		last = m.idx[1]
		n++
	}
	t.Append(lua.LString(s[last:]))
	L.Push(t)
	return 1
}

func apiSplit(L *lua.LState) int {
	p := patternArg(L, 1, 4)
	return split(L, p, L.CheckString(2), L.OptInt(3, 0))
}

func patSplit(L *lua.LState) int {
	p := checkPattern(L, 1)
	return split(L, p, L.CheckString(2), L.OptInt(3, 0))
}

func patField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	p := ud.Value.(*Pattern)
	switch key {
	case "pattern":
		return lua.LString(p.Source), true
	case "flags":
		return lua.LNumber(p.Flags), true
	case "groups":
		return lua.LNumber(p.RE.NumSubexp()), true
	case "groupindex":
		t := L.NewTable()
		for i, name := range p.RE.SubexpNames() {
			if name != "" {
				L.SetField(t, name, lua.LNumber(i))
			}
		}
		return t, true
	}
	return nil, false
}

// groupIndex resolves a group given by number or name.
func groupIndex(L *lua.LState, m *match, v lua.LValue, argn int) int {
	switch x := v.(type) {
	case lua.LNumber:
		n := int(x)
		if n < 0 || n > m.p.RE.NumSubexp() || float64(n) != float64(x) {
			luabind.RaiseClass(L, luabind.IndexError, "re: no such group %v", x)
		}
		return n
	case lua.LString:
		n := m.p.RE.SubexpIndex(string(x))
		if n < 0 {
			luabind.RaiseClass(L, luabind.IndexError, "re: no such group %q", string(x))
		}
		return n
	}
	L.ArgError(argn, "group number or name expected")
	return 0
}

func mGroup(L *lua.LState) int {
	m := checkMatch(L, 1)
	top := L.GetTop()
	if top < 2 {
		g, _ := m.group(0)
		L.Push(lua.LString(g))
		return 1
	}
	for i := 2; i <= top; i++ {
		if g, ok := m.group(groupIndex(L, m, L.Get(i), i)); ok {
			L.Push(lua.LString(g))
		} else {
			L.Push(lua.LNil)
		}
	}
	return top - 1
}

func mGroups(L *lua.LState) int {
	m := checkMatch(L, 1)
	dflt := L.Get(2)
	if dflt == lua.LNil {
		dflt = luabind.Null(L)
	}
	t := L.NewTable()
	for i := 1; i <= m.p.RE.NumSubexp(); i++ {
		if g, ok := m.group(i); ok {
			t.Append(lua.LString(g))
		} else {
			t.Append(dflt)
		}
	}
	L.Push(t)
	return 1
}

func mGroupdict(L *lua.LState) int {
	m := checkMatch(L, 1)
	dflt := L.Get(2)
	if dflt == lua.LNil {
		dflt = luabind.Null(L)
	}
	t := L.NewTable()
	for i, name := range m.p.RE.SubexpNames() {
		if name == "" {
			continue
		}
		if g, ok := m.group(i); ok {
			L.SetField(t, name, lua.LString(g))
		} else {
			L.SetField(t, name, dflt)
		}
	}
	L.Push(t)
	return 1
}

func optGroup(L *lua.LState, m *match) int {
	if L.GetTop() < 2 {
		return 0
	}
	return groupIndex(L, m, L.Get(2), 2)
}

func mSpan(L *lua.LState) int {
	m := checkMatch(L, 1)
	n := optGroup(L, m)
	L.Push(lua.LNumber(m.idx[2*n]))
	L.Push(lua.LNumber(m.idx[2*n+1]))
	return 2
}

func mStart(L *lua.LState) int {
	m := checkMatch(L, 1)
	L.Push(lua.LNumber(m.idx[2*optGroup(L, m)]))
	return 1
}

func mEnd(L *lua.LState) int {
	m := checkMatch(L, 1)
	L.Push(lua.LNumber(m.idx[2*optGroup(L, m)+1]))
	return 1
}

func mExpand(L *lua.LState) int {
	m := checkMatch(L, 1)
	s, err := m.p.Expand(L.CheckString(2), m.s, m.idx)
	if err != nil {
		luabind.RaiseClass(L, ClassError, "%s", err.Error())
	}
	L.Push(lua.LString(s))
	return 1
}

// matchField serves m[n] (group n) and the attributes of a match.
func matchField(L *lua.LState, ud *lua.LUserData, k string) (lua.LValue, bool) {
	m := ud.Value.(*match)
	if n, ok := L.Get(2).(lua.LNumber); ok {
		if g, ok := m.group(groupIndex(L, m, n, 2)); ok {
			return lua.LString(g), true
		}
		return lua.LNil, true
	}
	switch k {
	case "string":
		return lua.LString(m.s), true
	case "re":
		return luabind.Wrap(L, patternType, m.p), true
	case "pos":
		return lua.LNumber(m.pos), true
	case "endpos":
		return lua.LNumber(m.end), true
	case "lastindex", "lastgroup":
		// The matched group that ended last (the outermost on ties).
		best := -1
		for i := 1; i <= m.p.RE.NumSubexp(); i++ {
			if m.idx[2*i] >= 0 && (best < 0 || m.idx[2*i+1] > m.idx[2*best+1]) {
				best = i
			}
		}
		switch {
		case best < 0:
			return lua.LNil, true
		case k == "lastindex":
			return lua.LNumber(best), true
		}
		if name := m.p.RE.SubexpNames()[best]; name != "" {
			return lua.LString(name), true
		}
		return lua.LNil, true
	}
	return nil, false
}

func matchString(_ *lua.LState, ud *lua.LUserData) string {
	m := ud.Value.(*match)
	g, _ := m.group(0)
	return fmt.Sprintf("<re.Match object; span=(%d, %d), match=%s>", m.idx[0], m.idx[1], pyRepr(g))
}

func pyRepr(s string) string {
	return "'" + strconvQuoteInner(s) + "'"
}

func strconvQuoteInner(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
