package luabind

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// A Type declares a userdata type: everything its metatable holds.
type Type struct {
	// Name is the metatable name, its __name, and the type's name in
	// error messages ("mail.Account"). The part before the first dot
	// prefixes those messages ("mail: ...").
	Name string
	// Methods are looked up first by __index.
	Methods map[string]lua.LGFunction
	// Fields names the keys Field serves (for suggestions).
	Fields []string
	// Field returns the value of a key that is not a method; ok is false
	// when the type has no such field. Nil: no fields.
	Field func(L *lua.LState, ud *lua.LUserData, key string) (v lua.LValue, ok bool)
	// SetField assigns a field and reports whether key is one that can be
	// set. Nil: no field can be set.
	SetField func(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool
	// Hint adds a sentence to the error of an unknown key ("a mailbox is
	// acct:mailbox(...)"); it may return "".
	Hint func(key string) string
	// Lenient makes an unknown key read as nil instead of raising (for
	// types that mirror a Python class whose scripts probe attributes).
	Lenient bool
	// Meta holds extra metamethods (__add, __len, __eq, __call, ...).
	Meta map[string]lua.LGFunction
	// String is tostring's result; nil: fmt.Sprint of the Go value.
	String func(L *lua.LState, ud *lua.LUserData) string
}

// prefix is the module part of the type's name.
func (t *Type) prefix() string {
	p, _, _ := strings.Cut(t.Name, ".")
	return p
}

// Register installs t in L (once per state) and returns its metatable. The
// metatable's __methods field is the table of t's methods as Lua functions.
func Register(L *lua.LState, t *Type) *lua.LTable {
	if mt, ok := L.GetTypeMetatable(t.Name).(*lua.LTable); ok && mt.RawGetString("__index") != lua.LNil {
		return mt
	}
	mt := L.NewTypeMetatable(t.Name)
	methods := L.SetFuncs(L.NewTable(), t.Methods)
	L.SetField(mt, "__name", lua.LString(t.Name))
	L.SetField(mt, "__methods", methods)
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		key := L.CheckString(2)
		if f := methods.RawGetString(key); f != lua.LNil {
			L.Push(f)
			return 1
		}
		if t.Field != nil {
			if v, ok := t.Field(L, ud, key); ok {
				L.Push(v)
				return 1
			}
		}
		if t.Lenient {
			L.Push(lua.LNil)
			return 1
		}
		L.RaiseError("%s", t.unknown(key, "has no field or method"))
		return 0
	}))
	L.SetField(mt, "__newindex", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		key := L.CheckString(2)
		if t.SetField != nil && t.SetField(L, ud, key, L.Get(3)) {
			return 0
		}
		if t.SetField == nil {
			L.RaiseError("%s: %s fields cannot be set", t.prefix(), t.Name)
		}
		L.RaiseError("%s", t.unknown(key, "has no settable field"))
		return 0
	}))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		if t.String != nil {
			L.Push(lua.LString(t.String(L, ud)))
		} else {
			L.Push(lua.LString(fmt.Sprint(ud.Value)))
		}
		return 1
	}))
	for name, fn := range t.Meta {
		L.SetField(mt, name, L.NewFunction(fn))
	}
	return mt
}

// unknown is the error text of an unknown key.
func (t *Type) unknown(key, what string) string {
	msg := fmt.Sprintf("%s: %s %s %q", t.prefix(), t.Name, what, key)
	names := make([]string, 0, len(t.Methods)+len(t.Fields))
	for n := range t.Methods {
		names = append(names, n)
	}
	names = append(names, t.Fields...)
	sort.Strings(names)
	if t.Hint != nil {
		if h := t.Hint(key); h != "" {
			msg += " (" + h + ")"
		}
	}
	if s := Suggest(key, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

// Wrap returns v as a userdata of type t, registering t on first use.
func Wrap(L *lua.LState, t *Type, v any) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = v
	L.SetMetatable(ud, Register(L, t))
	return ud
}

// Push pushes v as a userdata of type t and returns 1, the number of
// results of a Lua function that ends with it.
func Push(L *lua.LState, t *Type, v any) int {
	L.Push(Wrap(L, t, v))
	return 1
}

// Check returns the Go value of the userdata at stack index n, or raises
// an argument error naming t.
func Check[T any](L *lua.LState, n int, t *Type) T {
	if v, ok := As[T](L.Get(n)); ok {
		return v
	}
	L.ArgError(n, t.Name+" expected")
	var zero T
	return zero
}

// As returns the Go value of v when v is a userdata holding a T.
func As[T any](v lua.LValue) (T, bool) {
	if ud, ok := v.(*lua.LUserData); ok {
		if x, ok := ud.Value.(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// NewModule returns a module table of funcs and values.
func NewModule(L *lua.LState, funcs map[string]lua.LGFunction, values map[string]lua.LValue) *lua.LTable {
	mod := L.SetFuncs(L.NewTable(), funcs)
	for k, v := range values {
		mod.RawSetString(k, v)
	}
	return mod
}

// Iterator returns a Lua iterator function for a generic for: each call
// returns next's values, and nil once next reports it is done.
func Iterator(L *lua.LState, next func(L *lua.LState) ([]lua.LValue, bool)) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		vs, ok := next(L)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		for _, v := range vs {
			L.Push(v)
		}
		return len(vs)
	})
}

// SliceIterator returns a Lua iterator over items, each converted by conv.
func SliceIterator[T any](L *lua.LState, items []T, conv func(T) lua.LValue) *lua.LFunction {
	i := 0
	return Iterator(L, func(*lua.LState) ([]lua.LValue, bool) {
		if i >= len(items) {
			return nil, false
		}
		i++
		return []lua.LValue{conv(items[i-1])}, true
	})
}

// NewClass returns the callable table that stands for a Python class whose
// instances are made by ctor: calling the table calls ctor with the call's
// arguments (the table itself removed), its __name is name, its tostring
// "<class 'qualname'>", and it holds fields (IMAP4.error, ...).
func NewClass(L *lua.LState, name, qualname string, ctor lua.LGFunction, fields map[string]lua.LValue) *lua.LTable {
	t := L.NewTable()
	for k, v := range fields {
		t.RawSetString(k, v)
	}
	t.RawSetString("__name", lua.LString(name))
	mt := L.NewTable()
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		L.Remove(1) // the class table itself
		return ctor(L)
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<class '" + qualname + "'>"))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t
}

// With is Python's with statement: it calls fn(v) in protected mode, then
// exit, whether fn returned or raised. It raises fn's error again,
// unchanged, or else exit's error through raise (which does not return);
// otherwise it returns the number of fn's results, left on the stack.
func With(L *lua.LState, v lua.LValue, fn *lua.LFunction, exit func() error, raise func(L *lua.LState, err error)) int {
	base := L.GetTop()
	L.Push(fn)
	L.Push(v)
	err := L.PCall(1, lua.MultRet, nil)
	xerr := exit()
	if err != nil {
		Reraise(L, err)
	}
	if xerr != nil {
		raise(L, xerr)
	}
	return L.GetTop() - base
}

// Reraise raises the error a PCall returned again, unchanged: the value
// that was raised, not its text. It does not return.
func Reraise(L *lua.LState, err error) {
	if ae, ok := err.(*lua.ApiError); ok {
		L.Error(ae.Object, 0)
	}
	L.RaiseError("%v", err)
}
