package luaimaplib

import (
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// A call's arguments, mapped onto a Python signature: positional arguments
// in order, then the fields of a trailing options table (Python's keyword
// arguments). A Python None may be passed as nil or imaplib.None.
type args struct {
	L     *lua.LState
	fn    string
	names []string
	vals  []lua.LValue // by position in names; LNil when absent
	rest  []lua.LValue // extra positional arguments (Python's *args)
}

// getArgs reads the arguments from stack index first on. With variadic
// false, more positional arguments than names is an error. A trailing plain
// table (no metatable) is taken as keyword arguments when kw is true.
func getArgs(L *lua.LState, fn string, first int, names []string, variadic, kw bool) *args {
	return getArgsN(L, fn, first, names, len(names), variadic, kw)
}

// getArgsN is getArgs for a signature whose names from index npos on are
// keyword-only.
func getArgsN(L *lua.LState, fn string, first int, names []string, npos int, variadic, kw bool) *args {
	a := &args{L: L, fn: fn, names: names, vals: make([]lua.LValue, len(names))}
	for i := range a.vals {
		a.vals[i] = lua.LNil
	}
	top := L.GetTop()
	var kwt *lua.LTable
	if kw && top >= first {
		if t, ok := L.Get(top).(*lua.LTable); ok && t.Metatable == lua.LNil {
			kwt = t
			top--
		}
	}
	for i := first; i <= top; i++ {
		p := i - first
		v := L.Get(i)
		if p < npos {
			a.vals[p] = v
		} else if variadic {
			a.rest = append(a.rest, v)
		} else {
			L.RaiseError("%s() takes %d positional arguments but %d were given", fn, npos, top-first+1)
		}
	}
	if kwt != nil {
		kwt.ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				L.RaiseError("%s(): keyword arguments must have string names, got %s", fn, k.Type())
			}
			for i, n := range names {
				if n == string(ks) {
					if a.vals[i] != lua.LNil && i < top-first+1 {
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

// isNone reports whether v is Python's None: nil or imaplib.None.
func isNone(v lua.LValue) bool { return v == lua.LNil || luabind.IsNull(v) }

// given reports whether argument i was passed and is not None.
func (a *args) given(i int) bool { return !isNone(a.vals[i]) }

// str returns argument i as a string (Python str or bytes; Lua numbers are
// written as integers when whole), def when it is absent or None.
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

// required returns argument i as a string and raises when it is missing.
func (a *args) required(i int) string {
	if a.vals[i] == lua.LNil {
		a.L.RaiseError("%s() missing required argument: '%s'", a.fn, a.names[i])
	}
	return a.str(i, "")
}

// restStrs returns the extra positional arguments as strings; None ones
// are dropped, as Python's command builder skips None.
func (a *args) restStrs() []string {
	out := make([]string, 0, len(a.rest))
	for k, v := range a.rest {
		if isNone(v) {
			continue
		}
		s, ok := toStr(v)
		if !ok {
			a.L.RaiseError("%s(): argument %d must be a string, not %s", a.fn, len(a.names)+k+1, typeName(v))
		}
		out = append(out, s)
	}
	return out
}

// truth returns argument i with Python's truthiness (0 and "" are false).
func (a *args) truth(i int) bool { return truthy(a.vals[i]) }

func truthy(v lua.LValue) bool {
	switch x := v.(type) {
	case lua.LBool:
		return bool(x)
	case lua.LNumber:
		return x != 0
	case lua.LString:
		return x != ""
	case *lua.LTable:
		k, _ := x.Next(lua.LNil)
		return k != lua.LNil
	}
	return !isNone(v)
}

// number returns argument i as a float64; ok is false when absent or None.
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

// toStr converts a string or number argument.
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
	if luabind.IsNull(v) {
		return "None"
	}
	return v.Type().String()
}
