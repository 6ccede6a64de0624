package mail

import (
	"errors"
	"strings"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	lua "github.com/yuin/gopher-lua"
)

// Handled means handled.
//
// A callback of on_new or on_change that returns has handled its
// messages; so has one that failed because of a mistake of the script (a
// nil index, a bad argument, error() called by the script): the error is
// logged and the messages are not handed out again, which could fail
// forever. A callback that ended because the connection or the server
// failed (a cut, a timeout, a server going away: an imaplib abort, or a
// mail error caused by one) has not: the trigger reconnects, with the
// same backoff as after any lost connection, and hands the same messages
// to the callback again.
//
// The mail module notes, in the Lua state's registry, the message of the
// last connection failure it raised; a callback error carrying that
// message (or an imaplib.IMAP4.abort or OSError value) is a connection
// failure.

// failureKey is the registry field holding the last connection failure.
const failureKey = "mailscript.mail.connfailure"

// noteFailure records err when it is a connection failure.
func noteFailure(L *lua.LState, err error) {
	if connFailure(err) {
		L.SetField(L.Get(lua.RegistryIndex), failureKey, lua.LString(err.Error()))
	}
}

// clearFailure forgets the last connection failure.
func clearFailure(L *lua.LState) {
	L.SetField(L.Get(lua.RegistryIndex), failureKey, lua.LNil)
}

// ErrConnFailure is the cause of a delivery that did not count as
// handled because the callback ended on a connection or server failure.
var ErrConnFailure = errors.New("mail: the callback ended on a connection failure; its messages come again")

// failedOnConnection reports whether err, the error of a callback, is a
// connection or server failure rather than a mistake of the script.
func failedOnConnection(L *lua.LState, err error) bool {
	if err == nil {
		return false
	}
	text := err.Error()
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		// A classed error value: mail.ConnectionError is what the module
		// raises for a connection or server failure.
		if isAbortValue(ae.Object) || luabind.IsError(L, ae.Object, ClassConnectionError) || luabind.IsError(L, ae.Object, luabind.OSError) {
			return true
		}
		if t, ok := ae.Object.(*lua.LTable); ok {
			text = lua.LVAsString(t.RawGetString("message"))
		}
	}
	note, ok := L.GetField(L.Get(lua.RegistryIndex), failureKey).(lua.LString)
	return ok && note != "" && strings.Contains(text, string(note))
}

// isAbortValue reports whether v is an error value of the imaplib module
// whose class is IMAP4.abort (not its subclass readonly) or OSError.
func isAbortValue(v lua.LValue) bool {
	t, ok := v.(*lua.LTable)
	if !ok {
		return false
	}
	cls, ok := t.RawGetString("class").(*lua.LTable)
	if !ok {
		return false
	}
	switch lua.LVAsString(cls.RawGetString("qualname")) {
	case "imaplib.IMAP4.abort", "OSError":
		return true
	}
	return false
}

// callback runs fn with args as a trigger's callback on L. It returns nil
// when the messages count as handled (the callback returned, or failed
// because of the script: that error is left to the engine, which logs
// it), and an error wrapping ErrConnFailure when the callback ended on a
// connection failure.
func callback(L *lua.LState, fn *lua.LFunction, args ...lua.LValue) (handled bool, err error) {
	clearFailure(L)
	err = L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}, args...)
	if failedOnConnection(L, err) {
		return false, err
	}
	return true, err
}
