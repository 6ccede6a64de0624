package luaimaplib

import (
	"errors"
	"net"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
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
// name = "abort", args = {"..."}} whose metatable gives __tostring
// "<qualname>: <message>". Both are made by the luabind package.

// The classes, declared once for every state.
var (
	classError    = &luabind.Class{Name: "error", Qualname: "imaplib.IMAP4.error"}
	classAbort    = &luabind.Class{Name: "abort", Qualname: "imaplib.IMAP4.abort", Parent: classError}
	classReadonly = &luabind.Class{Name: "readonly", Qualname: "imaplib.IMAP4.readonly", Parent: classAbort}
	classValue    = luabind.ValueError
	classOSError  = luabind.OSError
	classTimeout  = luabind.TimeoutError // OSError's subclasses: oserror.go
)

// classes holds the class tables of one Lua state.
type classes struct {
	error, abort, readonly, value, oserror, timeout *lua.LTable
}

// newClasses returns the class tables of L.
func newClasses(L *lua.LState) *classes {
	return &classes{
		error:    luabind.ClassTable(L, classError),
		abort:    luabind.ClassTable(L, classAbort),
		readonly: luabind.ClassTable(L, classReadonly),
		value:    luabind.ClassTable(L, classValue),
		oserror:  luabind.ClassTable(L, classOSError),
		timeout:  luabind.ClassTable(L, classTimeout),
	}
}

// raise raises err in L as the error value Python would raise. It does not
// return.
func (c *classes) raise(L *lua.LState, err error) {
	L.Error(c.luaError(L, err), 1)
}

// luaError converts a Go error to the Lua value raised for it.
func (c *classes) luaError(L *lua.LState, err error) lua.LValue {
	var pe *host.PermissionError
	if errors.As(err, &pe) {
		return lua.LString("imaplib: " + pe.Error())
	}
	if e := osError(L, err); e != nil {
		return e
	}
	return luabind.Value(L, err, classError, classify)
}

// classify gives the class of an *imaplib.Error by its kind.
func classify(err error) (*luabind.Class, string, bool) {
	var ie *imaplib.Error
	if !errors.As(err, &ie) {
		return nil, "", false
	}
	switch ie.Kind {
	case imaplib.KindAbort:
		return classAbort, ie.Message, true
	case imaplib.KindReadonly:
		return classReadonly, ie.Message, true
	case imaplib.KindValue:
		return classValue, ie.Message, true
	}
	return classError, ie.Message, true
}

// connectError converts an error of opening a connection: a failure to
// reach the server or to complete the TLS handshake is an OSError, as in
// Python, where the socket and ssl modules raise it; a bad greeting stays
// an imaplib error.
func (c *classes) connectError(L *lua.LState, err error) lua.LValue {
	if e := osError(L, err); e != nil {
		return e
	}
	var ie *imaplib.Error
	var oe *net.OpError
	if errors.As(err, &ie) && ie.Kind == imaplib.KindAbort {
		if (errors.As(err, &oe) && oe.Op == "dial") || strings.HasPrefix(ie.Message, "TLS handshake failed") {
			return luabind.NewError(L, classOSError, ie.Message)
		}
	}
	return c.luaError(L, err)
}
