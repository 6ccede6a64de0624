package smtplib

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/null"
)

// args maps a call's arguments onto a Python signature: positional
// arguments in order, then the fields of a trailing options table
// (Python's keyword arguments). None may be passed as nil or the null
// sentinel.
type args struct {
	L     *lua.LState
	fn    string
	names []string
	vals  []lua.LValue
}

// getArgs reads arguments from stack index first on; the names from npos
// on are keyword-only. A trailing table without a metatable is taken as
// keyword arguments when it is not itself a positional argument that
// takes a list (listAt, -1 for none).
func getArgs(L *lua.LState, fn string, first int, names []string, npos int, listAt int) *args {
	a := &args{L: L, fn: fn, names: names, vals: make([]lua.LValue, len(names))}
	for i := range a.vals {
		a.vals[i] = lua.LNil
	}
	top := L.GetTop()
	var kwt *lua.LTable
	if top >= first {
		if t, ok := L.Get(top).(*lua.LTable); ok && t.Metatable == lua.LNil && top-first != listAt && isKeywordTable(t) {
			kwt = t
			top--
		}
	}
	if top-first+1 > npos {
		L.RaiseError("%s() takes %d positional arguments but %d were given", fn, npos, top-first+1)
	}
	for i := first; i <= top; i++ {
		a.vals[i-first] = L.Get(i)
	}
	if kwt != nil {
		kwt.ForEach(func(k, v lua.LValue) {
			ks, _ := k.(lua.LString)
			for i, n := range names {
				if n == string(ks) {
					if a.vals[i] != lua.LNil {
						L.RaiseError("%s() got multiple values for argument '%s'", fn, n)
					}
					a.vals[i] = v
					return
				}
			}
			L.RaiseError("%s() got an unexpected keyword argument '%s'", fn, string(ks))
		})
	}
	return a
}

// isKeywordTable reports whether t has only string keys (an empty table
// counts as keywords).
func isKeywordTable(t *lua.LTable) bool {
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		if _, s := k.(lua.LString); !s {
			ok = false
		}
	})
	return ok && t.Len() == 0
}

func isNone(v lua.LValue) bool { return v == lua.LNil || null.Is(v) }

func (a *args) given(i int) bool { return !isNone(a.vals[i]) }

func (a *args) str(i int, def string) string {
	v := a.vals[i]
	if isNone(v) {
		return def
	}
	s, ok := toStr(v)
	if !ok {
		a.L.RaiseError("%s(): argument '%s' must be a string, not %s", a.fn, a.names[i], typeName(v))
	}
	return s
}

func (a *args) required(i int) string {
	if a.vals[i] == lua.LNil {
		a.L.RaiseError("%s() missing required argument: '%s'", a.fn, a.names[i])
	}
	return a.str(i, "")
}

func (a *args) number(i int) (float64, bool) {
	v := a.vals[i]
	if isNone(v) {
		return 0, false
	}
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f, true
		}
	}
	a.L.RaiseError("%s(): argument '%s' must be a number, not %s", a.fn, a.names[i], typeName(v))
	return 0, false
}

func (a *args) truth(i int, def bool) bool {
	v := a.vals[i]
	if v == lua.LNil {
		return def
	}
	switch x := v.(type) {
	case lua.LBool:
		return bool(x)
	case lua.LNumber:
		return x != 0
	case lua.LString:
		return x != ""
	}
	return !isNone(v)
}

// strList reads a string or a list of strings (Python's str or sequence
// of str); None gives nil.
func (a *args) strList(i int) []string {
	v := a.vals[i]
	if isNone(v) {
		return nil
	}
	if s, ok := toStr(v); ok {
		return []string{s}
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		a.L.RaiseError("%s(): argument '%s' must be a string or a list of strings, not %s", a.fn, a.names[i], typeName(v))
	}
	out := make([]string, 0, t.Len())
	for j := 1; j <= t.Len(); j++ {
		s, ok := toStr(t.RawGetInt(j))
		if !ok {
			a.L.RaiseError("%s(): argument '%s' item %d must be a string", a.fn, a.names[i], j)
		}
		out = append(out, s)
	}
	return out
}

func toStr(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		f := float64(x)
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), true
		}
		return fmt.Sprint(f), true
	}
	return "", false
}

func typeName(v lua.LValue) string {
	if null.Is(v) {
		return "None"
	}
	return v.Type().String()
}

func sortStrings(s []string) { sort.Strings(s) }
