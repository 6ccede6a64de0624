package email

import (
	"errors"

	lua "github.com/yuin/gopher-lua"
)

// ErrorsName is the name of the email.errors submodule, also reachable as
// email.errors.
const ErrorsName = "email.errors"

// HeaderParseError is Python's email.errors.HeaderParseError as a Go
// error: a header that cannot be decoded (an encoded word whose base64 is
// broken).
type HeaderParseError struct{ Message string }

// Error returns the message with the package prefix.
func (e *HeaderParseError) Error() string { return "email: " + e.Message }

// Python's exception classes of email.errors that the module raises, as
// Lua values: a class is a table {name = "HeaderParseError", qualname =
// "email.errors.HeaderParseError", parent = <class>} with Class:is(e),
// true for an error of the class or a subclass (Python's except clause);
// an error is a table {class = <class>, message = "...", args = {"..."}}
// whose tostring is "<qualname>: <message>".
const (
	errorsKey      = "mailscript.email.errors"
	errorMetaName  = "email.errors.exception"
	errClsMetaName = "email.errors.class"
)

type errorClasses struct {
	table   *lua.LTable // the email.errors module table
	errMeta *lua.LTable
	classes map[string]*lua.LTable
}

// emailErrors returns the classes of L, made once per state.
func emailErrors(L *lua.LState) *errorClasses {
	reg := L.Get(lua.RegistryIndex)
	if ud, ok := L.GetField(reg, errorsKey).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*errorClasses); ok {
			return c
		}
	}
	c := &errorClasses{table: L.NewTable(), classes: map[string]*lua.LTable{}}
	c.errMeta = L.NewTypeMetatable(errorMetaName)
	L.SetField(c.errMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		e := L.CheckTable(1)
		cls, _ := e.RawGetString("class").(*lua.LTable)
		name := "error"
		if cls != nil {
			name = lua.LVAsString(cls.RawGetString("qualname"))
		}
		L.Push(lua.LString(name + ": " + lua.LVAsString(e.RawGetString("message"))))
		return 1
	}))
	clsMeta := L.NewTypeMetatable(errClsMetaName)
	L.SetField(clsMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<class '" + lua.LVAsString(L.CheckTable(1).RawGetString("qualname")) + "'>"))
		return 1
	}))
	L.SetField(clsMeta, "__call", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		L.Push(c.newError(L, cls, L.OptString(2, "")))
		return 1
	}))
	isFn := L.NewFunction(func(L *lua.LState) int {
		cls, _ := L.Get(1).(*lua.LTable)
		if L.GetTop() < 2 || cls == nil || cls.Metatable != clsMeta {
			L.RaiseError("email.errors: is() is called as Class:is(e)")
		}
		L.Push(lua.LBool(c.isInstance(L.Get(2), cls)))
		return 1
	})
	for _, d := range []struct{ name, parent string }{
		{"MessageError", ""},
		{"MessageParseError", "MessageError"},
		{"HeaderParseError", "MessageParseError"},
		{"BoundaryError", "MessageParseError"},
		{"MultipartConversionError", "MessageError"},
		{"CharsetError", "MessageError"},
	} {
		t := L.NewTable()
		t.RawSetString("name", lua.LString(d.name))
		t.RawSetString("qualname", lua.LString("email.errors."+d.name))
		if d.parent != "" {
			t.RawSetString("parent", c.classes[d.parent])
		}
		t.RawSetString("is", isFn)
		L.SetMetatable(t, clsMeta)
		c.classes[d.name] = t
		c.table.RawSetString(d.name, t)
	}
	ud := L.NewUserData()
	ud.Value = c
	L.SetField(reg, errorsKey, ud)
	return c
}

func (c *errorClasses) isInstance(v lua.LValue, cls *lua.LTable) bool {
	e, ok := v.(*lua.LTable)
	if !ok || e.Metatable != c.errMeta {
		return false
	}
	k, _ := e.RawGetString("class").(*lua.LTable)
	for depth := 0; k != nil && depth < 10; depth++ {
		if k == cls {
			return true
		}
		k, _ = k.RawGetString("parent").(*lua.LTable)
	}
	return false
}

func (c *errorClasses) newError(L *lua.LState, cls *lua.LTable, msg string) *lua.LTable {
	e := L.CreateTable(0, 3)
	e.RawSetString("class", cls)
	e.RawSetString("message", lua.LString(msg))
	args := L.CreateTable(1, 0)
	args.RawSetInt(1, lua.LString(msg))
	e.RawSetString("args", args)
	L.SetMetatable(e, c.errMeta)
	return e
}

// raiseEmailError raises err as the email.errors exception it stands
// for, or as a plain error message.
func raiseEmailError(L *lua.LState, err error) {
	var hp *HeaderParseError
	if errors.As(err, &hp) {
		c := emailErrors(L)
		L.Error(c.newError(L, c.classes["HeaderParseError"], hp.Message), 1)
	}
	L.RaiseError("%s", err.Error())
}

// ErrorsLoader is the loader of email.errors: the exception classes, each
// with Class:is(e).
func ErrorsLoader(L *lua.LState) int {
	L.Push(emailErrors(L).table)
	return 1
}

// DecodeHeaderStrict is DecodeHeader failing as Python's decode_header
// does: an encoded word whose base64 cannot be decoded is a
// *HeaderParseError ("Base64 decoding error") instead of text kept as it
// is.
func DecodeHeaderStrict(s string) ([]Word, error) {
	return decodeHeader(s, true)
}
