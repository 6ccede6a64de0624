package luabind

import (
	"errors"

	lua "github.com/yuin/gopher-lua"
)

// A Class is an error class. In Lua it is a table {name, qualname, parent,
// bases} with is(e) (true when e is an error of the class or of a
// subclass), a __call that makes an error of the class (Class("text")) and
// a __tostring "<class 'qualname'>".
type Class struct {
	Name     string // "LoginError"
	Qualname string // "mail.LoginError"
	Parent   *Class
	// Bases are further base classes, for a Python class with several
	// (ssl.SSLCertVerificationError is an SSLError and a ValueError):
	// is(e) of any of them, or of their ancestors, is true for an error
	// of the class. In Lua they are the list bases.
	Bases []*Class
	// Bare makes tostring(e) the message alone, for classes whose
	// messages already name their module ("mail: ..."); otherwise it is
	// "qualname: message", as Python prints an exception.
	Bare bool
	// Short makes tostring(e) "name: message", with the class's name
	// rather than its qualified name (smtplib's errors print so).
	Short bool
}

// An Error is a Go error that carries the class it is raised as in Lua.
type Error struct {
	Class   *Class
	Message string
	Err     error // the cause, if any
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// A Classifier maps a Go error to the class it is raised as and the
// message of the error value; ok is false for errors it does not know.
type Classifier func(err error) (c *Class, msg string, ok bool)

const (
	errorsKey     = "mailscript.luabind.errors"
	errorMetaName = "luabind.exception"
	classMetaName = "luabind.class"
)

// registry is the per-state table of classes and the metatables.
type registry struct {
	classes map[*Class]*lua.LTable
	errMeta *lua.LTable
	clsMeta *lua.LTable
	isFn    *lua.LFunction
}

func reg(L *lua.LState) *registry {
	rt := L.Get(lua.RegistryIndex)
	if ud, ok := L.GetField(rt, errorsKey).(*lua.LUserData); ok {
		if r, ok := ud.Value.(*registry); ok {
			return r
		}
	}
	r := &registry{classes: map[*Class]*lua.LTable{}}
	r.errMeta = L.NewTypeMetatable(errorMetaName)
	L.SetField(r.errMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(errorText(L.CheckTable(1))))
		return 1
	}))
	L.SetField(r.errMeta, "__concat", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(L.ToStringMeta(L.Get(1)).String() + L.ToStringMeta(L.Get(2)).String()))
		return 1
	}))
	// String methods apply to the error's text, so scripts written when
	// errors were strings (err:match("refused")) keep working.
	L.SetField(r.errMeta, "__index", L.NewFunction(func(L *lua.LState) int {
		key := L.CheckString(2)
		strlib, _ := L.GetGlobal("string").(*lua.LTable)
		if strlib == nil {
			return 0
		}
		fn, ok := strlib.RawGetString(key).(*lua.LFunction)
		if !ok {
			return 0
		}
		L.Push(L.NewFunction(func(L *lua.LState) int {
			top := L.GetTop()
			args := make([]lua.LValue, 0, top)
			args = append(args, lua.LString(L.ToStringMeta(L.Get(1)).String()))
			for i := 2; i <= top; i++ {
				args = append(args, L.Get(i))
			}
			L.Push(fn)
			for _, a := range args {
				L.Push(a)
			}
			L.Call(len(args), lua.MultRet)
			return L.GetTop() - top
		}))
		return 1
	}))
	r.clsMeta = L.NewTypeMetatable(classMetaName)
	L.SetField(r.clsMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		L.Push(lua.LString("<class '" + lua.LVAsString(cls.RawGetString("qualname")) + "'>"))
		return 1
	}))
	L.SetField(r.clsMeta, "__call", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		msg := ""
		if L.GetTop() >= 2 {
			msg = L.ToStringMeta(L.Get(2)).String()
		}
		L.Push(r.newError(L, cls, msg))
		return 1
	}))
	r.isFn = L.NewFunction(func(L *lua.LState) int {
		// Both cls:is(e) and cls.is(e) work.
		cls, _ := L.Get(1).(*lua.LTable)
		if L.GetTop() < 2 || cls == nil || cls.Metatable != r.clsMeta {
			L.RaiseError("is() is called as Class:is(e)")
		}
		L.Push(lua.LBool(r.isInstance(L.Get(2), cls)))
		return 1
	})
	ud := L.NewUserData()
	ud.Value = r
	L.SetField(rt, errorsKey, ud)
	return r
}

// errorText is tostring of an error value.
func errorText(e *lua.LTable) string {
	msg := lua.LVAsString(e.RawGetString("message"))
	cls, _ := e.RawGetString("class").(*lua.LTable)
	if cls == nil {
		return "error: " + msg
	}
	if lua.LVAsBool(cls.RawGetString("bare")) {
		return msg
	}
	if lua.LVAsBool(cls.RawGetString("short")) {
		return lua.LVAsString(cls.RawGetString("name")) + ": " + msg
	}
	return lua.LVAsString(cls.RawGetString("qualname")) + ": " + msg
}

// ClassTable returns the Lua table of c in L, made on first use.
func ClassTable(L *lua.LState, c *Class) *lua.LTable {
	r := reg(L)
	if t, ok := r.classes[c]; ok {
		return t
	}
	t := L.NewTable()
	t.RawSetString("name", lua.LString(c.Name))
	t.RawSetString("qualname", lua.LString(c.Qualname))
	if c.Parent != nil {
		t.RawSetString("parent", ClassTable(L, c.Parent))
	}
	if len(c.Bases) > 0 {
		bases := L.CreateTable(len(c.Bases), 0)
		for _, b := range c.Bases {
			bases.Append(ClassTable(L, b))
		}
		t.RawSetString("bases", bases)
	}
	if c.Bare {
		t.RawSetString("bare", lua.LTrue)
	}
	if c.Short {
		t.RawSetString("short", lua.LTrue)
	}
	t.RawSetString("is", r.isFn)
	L.SetMetatable(t, r.clsMeta)
	r.classes[c] = t
	return t
}

// isInstance reports whether v is an error of class cls or of a subclass.
func (r *registry) isInstance(v lua.LValue, cls *lua.LTable) bool {
	e, ok := v.(*lua.LTable)
	if !ok || e.Metatable != r.errMeta {
		return false
	}
	k, _ := e.RawGetString("class").(*lua.LTable)
	return inherits(k, cls, 0)
}

// maxDepth bounds the walk up a class hierarchy, against a cycle made by
// hand in Lua.
const maxDepth = 16

// inherits reports whether class k is cls or descends from it through its
// parent or its bases.
func inherits(k, cls *lua.LTable, depth int) bool {
	for ; k != nil && depth < maxDepth; depth++ {
		if k == cls {
			return true
		}
		if bases, ok := k.RawGetString("bases").(*lua.LTable); ok {
			for i := 1; i <= bases.Len(); i++ {
				if b, ok := bases.RawGetInt(i).(*lua.LTable); ok && inherits(b, cls, depth+1) {
					return true
				}
			}
		}
		k, _ = k.RawGetString("parent").(*lua.LTable)
	}
	return false
}

// newError makes an error value of the class table cls.
func (r *registry) newError(L *lua.LState, cls *lua.LTable, msg string) *lua.LTable {
	e := L.CreateTable(1, 3)
	e.RawSetString("class", cls)
	e.RawSetString("name", cls.RawGetString("name"))
	e.RawSetString("message", lua.LString(msg))
	args := L.CreateTable(1, 0)
	args.RawSetInt(1, lua.LString(msg))
	e.RawSetString("args", args)
	L.SetMetatable(e, r.errMeta)
	return e
}

// NewError returns an error value of class c with message msg.
func NewError(L *lua.LState, c *Class, msg string) *lua.LTable {
	return reg(L).newError(L, ClassTable(L, c), msg)
}

// IsError reports whether v is an error value of class c or a subclass.
func IsError(L *lua.LState, v lua.LValue, c *Class) bool {
	return reg(L).isInstance(v, ClassTable(L, c))
}

// Value converts err to the Lua value raised for it: the class of a
// *Error in its chain, else the first class a classifier gives, else
// fallback (a string of the message when fallback is nil).
func Value(L *lua.LState, err error, fallback *Class, classify ...Classifier) lua.LValue {
	var le *Error
	if errors.As(err, &le) {
		return NewError(L, le.Class, le.Message)
	}
	for _, f := range classify {
		if c, msg, ok := f(err); ok {
			return NewError(L, c, msg)
		}
	}
	if fallback == nil {
		return lua.LString(err.Error())
	}
	return NewError(L, fallback, err.Error())
}

// Raise raises err in L as Value makes it. It does not return.
func Raise(L *lua.LState, err error, fallback *Class, classify ...Classifier) {
	L.Error(Value(L, err, fallback, classify...), 1)
}

// Classes returns a table of the class tables of cs by name, for a module
// to expose (mail.LoginError, ...).
func Classes(L *lua.LState, cs ...*Class) map[string]lua.LValue {
	m := make(map[string]lua.LValue, len(cs))
	for _, c := range cs {
		m[c.Name] = ClassTable(L, c)
	}
	return m
}
