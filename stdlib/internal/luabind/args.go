package luabind

import (
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// Keywords says when a trailing table is a call's keyword arguments.
type Keywords int

const (
	// NoKeywords: every argument is positional.
	NoKeywords Keywords = iota
	// AnyTable: a trailing plain table (one without a metatable) holds
	// the keyword arguments.
	AnyTable
	// NamedTable: a trailing plain table holds the keyword arguments when
	// it has string keys only (an empty table counts) and is not the
	// positional argument Signature.ListAt, which takes a list.
	NamedTable
)

// A Signature is a Python function's parameters, for ParseArgs.
type Signature struct {
	Names    []string // the parameters, positional ones first
	NPos     int      // how many of Names may be passed by position
	Variadic bool     // extra positional arguments go to Args.Rest (*args)
	Keywords Keywords // how keyword arguments are passed
	ListAt   int      // with NamedTable, the 0-based parameter that takes a list; -1 for none
}

// Args are a call's arguments mapped onto a Python signature: positional
// arguments in order, then the fields of a trailing options table
// (Python's keyword arguments). A Python None may be passed as nil or as
// the null value (Null). The methods raise Python's TypeError messages
// ("f() missing required argument: 'x'") as plain Lua errors.
type Args struct {
	L     *lua.LState
	Fn    string
	Names []string
	Vals  []lua.LValue // by position in Names; LNil when absent
	Rest  []lua.LValue // extra positional arguments (Python's *args)
}

// ParseArgs reads the arguments of fn from stack index first on.
func ParseArgs(L *lua.LState, fn string, first int, sig Signature) *Args {
	a := &Args{L: L, Fn: fn, Names: sig.Names, Vals: make([]lua.LValue, len(sig.Names))}
	for i := range a.Vals {
		a.Vals[i] = lua.LNil
	}
	top := L.GetTop()
	var kwt *lua.LTable
	if sig.Keywords != NoKeywords && top >= first {
		if t, ok := L.Get(top).(*lua.LTable); ok && t.Metatable == lua.LNil &&
			(sig.Keywords == AnyTable || (top-first != sig.ListAt && isKeywordTable(t))) {
			kwt = t
			top--
		}
	}
	for i := first; i <= top; i++ {
		p := i - first
		v := L.Get(i)
		if p < sig.NPos {
			a.Vals[p] = v
		} else if sig.Variadic {
			a.Rest = append(a.Rest, v)
		} else {
			L.RaiseError("%s() takes %d positional arguments but %d were given", fn, sig.NPos, top-first+1)
		}
	}
	if kwt != nil {
		kwt.ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				L.RaiseError("%s(): keyword arguments must have string names, got %s", fn, k.Type())
			}
			for i, n := range sig.Names {
				if n == string(ks) {
					if a.Vals[i] != lua.LNil {
						L.RaiseError("%s() got multiple values for argument '%s'", fn, n)
					}
					a.Vals[i] = v
					return
				}
			}
			L.RaiseError("%s() got an unexpected keyword argument '%s'", fn, string(ks))
		})
	}
	return a
}

// isKeywordTable reports whether t has string keys only and no list part.
func isKeywordTable(t *lua.LTable) bool {
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		if _, s := k.(lua.LString); !s {
			ok = false
		}
	})
	return ok && t.Len() == 0
}

// IsNone reports whether v is Python's None: nil or the null value.
func IsNone(v lua.LValue) bool { return v == lua.LNil || IsNull(v) }

// Given reports whether argument i was passed and is not None.
func (a *Args) Given(i int) bool { return !IsNone(a.Vals[i]) }

// Str returns argument i as a string (Python str or bytes; Lua numbers are
// written as integers when whole), def when it is absent or None.
func (a *Args) Str(i int, def string) string {
	v := a.Vals[i]
	if IsNone(v) {
		return def
	}
	s, ok := ToStr(v)
	if !ok {
		a.L.RaiseError("%s(): argument '%s' must be a string, not %s", a.Fn, a.Names[i], TypeName(v))
	}
	return s
}

// Required returns argument i as a string and raises when it is missing.
func (a *Args) Required(i int) string {
	if a.Vals[i] == lua.LNil {
		a.L.RaiseError("%s() missing required argument: '%s'", a.Fn, a.Names[i])
	}
	return a.Str(i, "")
}

// RestStrs returns the extra positional arguments as strings; None ones
// are dropped, as Python's imaplib command builder skips None.
func (a *Args) RestStrs() []string {
	out := make([]string, 0, len(a.Rest))
	for k, v := range a.Rest {
		if IsNone(v) {
			continue
		}
		s, ok := ToStr(v)
		if !ok {
			a.L.RaiseError("%s(): argument %d must be a string, not %s", a.Fn, len(a.Names)+k+1, TypeName(v))
		}
		out = append(out, s)
	}
	return out
}

// StrList returns argument i, a string or a list of strings (Python's str
// or sequence of str), as a list; None gives nil.
func (a *Args) StrList(i int) []string {
	v := a.Vals[i]
	if IsNone(v) {
		return nil
	}
	if s, ok := ToStr(v); ok {
		return []string{s}
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		a.L.RaiseError("%s(): argument '%s' must be a string or a list of strings, not %s", a.Fn, a.Names[i], TypeName(v))
	}
	out := make([]string, 0, t.Len())
	for j := 1; j <= t.Len(); j++ {
		s, ok := ToStr(t.RawGetInt(j))
		if !ok {
			a.L.RaiseError("%s(): argument '%s' item %d must be a string", a.Fn, a.Names[i], j)
		}
		out = append(out, s)
	}
	return out
}

// Truth returns argument i with Python's truthiness (absent is false).
func (a *Args) Truth(i int) bool { return Truthy(a.Vals[i]) }

// TruthOr is Truth with def for an absent argument (nil, not None).
func (a *Args) TruthOr(i int, def bool) bool {
	if a.Vals[i] == lua.LNil {
		return def
	}
	return Truthy(a.Vals[i])
}

// Truthy is Python's truth of v: false, 0, "", an empty table and None
// are false.
func Truthy(v lua.LValue) bool {
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
	return !IsNone(v)
}

// Number returns argument i as a float64; ok is false when it is absent
// or None.
func (a *Args) Number(i int) (float64, bool) {
	v := a.Vals[i]
	if IsNone(v) {
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
	a.L.RaiseError("%s(): argument '%s' must be a number, not %s", a.Fn, a.Names[i], TypeName(v))
	return 0, false
}

// ToStr converts a string or number argument to a string.
func ToStr(v lua.LValue) (string, bool) {
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

// TypeName is the type of v as an argument error names it ("None" for
// the null value).
func TypeName(v lua.LValue) string {
	if IsNull(v) {
		return "None"
	}
	return v.Type().String()
}

// NewTuple returns a table of vals whose metatable marks it as a Python
// tuple: the type metatable name (its __name too), one per state.
func NewTuple(L *lua.LState, name string, vals ...lua.LValue) *lua.LTable {
	t := L.CreateTable(len(vals), 0)
	for i, v := range vals {
		t.RawSetInt(i+1, v)
	}
	t.Metatable = TupleMeta(L, name)
	return t
}

// TupleMeta returns the metatable that marks tables of type name as Python
// tuples ("imaplib.tuple"), made on first use.
func TupleMeta(L *lua.LState, name string) *lua.LTable {
	if mt, ok := L.GetTypeMetatable(name).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTypeMetatable(name)
	mt.RawSetString("__name", lua.LString(name))
	return mt
}
