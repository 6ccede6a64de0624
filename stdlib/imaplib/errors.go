package imaplib

import (
	"errors"
	"net"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/host"
)

// Error classes mirror Python's exceptions: IMAP4.error, its subclass
// IMAP4.abort, abort's subclass IMAP4.readonly, and the builtins ValueError
// and OSError (the latter raised when a connection cannot be opened, as
// Python's socket and ssl modules do).
//
// A class is a Lua table {name = "abort", qualname = "imaplib.IMAP4.abort",
// parent = <error class>} whose metatable gives it an is(e) method, a
// __call that makes a new error of the class (Python's M.abort("text")) and
// a __tostring. An error is a table {class = <class>, message = "...",
// args = {"..."}} whose metatable gives __tostring "<qualname>: <message>".

const (
	classKey      = "mailscript.imaplib.classes"
	errorMetaName = "imaplib.exception"
	classMetaName = "imaplib.class"
)

// classes holds the class tables of one Lua state.
type classes struct {
	error, abort, readonly, value, oserror *lua.LTable
	timeout, sslError, certError           *lua.LTable // OSError's subclasses (oserror.go)
	errMeta                                *lua.LTable
}

// newClasses builds the class tables for L (once per state) and keeps them
// in the registry.
func newClasses(L *lua.LState) *classes {
	reg := L.Get(lua.RegistryIndex)
	if ud, ok := L.GetField(reg, classKey).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*classes); ok {
			return c
		}
	}
	c := &classes{}
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
	clsMeta := L.NewTypeMetatable(classMetaName)
	L.SetField(clsMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		L.Push(lua.LString("<class '" + lua.LVAsString(cls.RawGetString("qualname")) + "'>"))
		return 1
	}))
	L.SetField(clsMeta, "__call", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		msg := ""
		if L.GetTop() >= 2 {
			msg = L.ToStringMeta(L.Get(2)).String()
		}
		L.Push(c.newError(L, cls, msg))
		return 1
	}))
	isFn := L.NewFunction(func(L *lua.LState) int {
		// Both cls:is(e) and cls.is(e) work.
		cls, _ := L.Get(1).(*lua.LTable)
		v := L.Get(2)
		if L.GetTop() < 2 || cls == nil || cls.Metatable != clsMeta {
			L.RaiseError("imaplib: is() is called as Class:is(e)")
		}
		L.Push(lua.LBool(c.isInstance(v, cls)))
		return 1
	})
	mk := func(name, qual string, parent *lua.LTable) *lua.LTable {
		t := L.NewTable()
		t.RawSetString("name", lua.LString(name))
		t.RawSetString("qualname", lua.LString(qual))
		if parent != nil {
			t.RawSetString("parent", parent)
		}
		t.RawSetString("is", isFn)
		L.SetMetatable(t, clsMeta)
		return t
	}
	c.error = mk("error", "imaplib.IMAP4.error", nil)
	c.abort = mk("abort", "imaplib.IMAP4.abort", c.error)
	c.readonly = mk("readonly", "imaplib.IMAP4.readonly", c.abort)
	c.value = mk("ValueError", "ValueError", nil)
	c.oserror = mk("OSError", "OSError", nil)
	c.addOSClasses(L, mk)
	ud := L.NewUserData()
	ud.Value = c
	L.SetField(reg, classKey, ud)
	return c
}

// isInstance reports whether v is an error of class cls or of a subclass.
func (c *classes) isInstance(v lua.LValue, cls *lua.LTable) bool {
	e, ok := v.(*lua.LTable)
	if !ok || e.Metatable != c.errMeta {
		return false
	}
	k, _ := e.RawGetString("class").(*lua.LTable)
	return subclass(k, cls, 0)
}

// subclass reports whether k is cls or inherits from it, through parent
// and, for a second base class, parent2.
func subclass(k, cls *lua.LTable, depth int) bool {
	for ; k != nil && depth < 10; depth++ {
		if k == cls {
			return true
		}
		if p2, ok := k.RawGetString("parent2").(*lua.LTable); ok && subclass(p2, cls, depth+1) {
			return true
		}
		k, _ = k.RawGetString("parent").(*lua.LTable)
	}
	return false
}

// newError makes an error value of class cls.
func (c *classes) newError(L *lua.LState, cls *lua.LTable, msg string) *lua.LTable {
	e := L.CreateTable(1, 2)
	e.RawSetString("class", cls)
	e.RawSetString("message", lua.LString(msg))
	args := L.CreateTable(1, 0)
	args.RawSetInt(1, lua.LString(msg))
	e.RawSetString("args", args)
	L.SetMetatable(e, c.errMeta)
	return e
}

// raise raises err in L as the error value Python would raise. It does not
// return.
func (c *classes) raise(L *lua.LState, err error) {
	L.Error(c.luaError(L, err), 1)
}

// luaError converts a Go error to the Lua value raised for it.
func (c *classes) luaError(L *lua.LState, err error) lua.LValue {
	var ie *imaplib.Error
	var pe *host.PermissionError
	switch {
	case errors.As(err, &pe):
		return lua.LString("imaplib: " + pe.Error())
	case c.osError(L, err) != nil:
		return c.osError(L, err)
	case errors.As(err, &ie):
		var cls *lua.LTable
		switch ie.Kind {
		case imaplib.KindAbort:
			cls = c.abort
		case imaplib.KindReadonly:
			cls = c.readonly
		case imaplib.KindValue:
			cls = c.value
		default:
			cls = c.error
		}
		return c.newError(L, cls, ie.Message)
	}
	return c.newError(L, c.error, err.Error())
}

// connectError converts an error of opening a connection: a failure to
// reach the server or to complete the TLS handshake is an OSError, as in
// Python, where the socket and ssl modules raise it; a bad greeting stays
// an imaplib error.
func (c *classes) connectError(L *lua.LState, err error) lua.LValue {
	if e := c.osError(L, err); e != nil {
		return e
	}
	var ie *imaplib.Error
	var oe *net.OpError
	if errors.As(err, &ie) && ie.Kind == imaplib.KindAbort {
		if (errors.As(err, &oe) && oe.Op == "dial") || strings.HasPrefix(ie.Message, "TLS handshake failed") {
			return c.newError(L, c.oserror, ie.Message)
		}
	}
	return c.luaError(L, err)
}
