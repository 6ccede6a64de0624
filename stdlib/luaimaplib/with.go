package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// with is Python's `with` statement for the two context managers of
// imaplib. imaplib.with(M, fn) calls fn(M) and then, whether fn returned or
// raised, logs out unless the connection is already in the LOGOUT state
// (errors of that LOGOUT are ignored, as Python's __exit__ ignores them).
// imaplib.with(idler, fn) calls fn(idler) and then ends the IDLE with DONE.
// It returns what fn returned, or raises fn's error again, unchanged.
func (mod *module) with(L *lua.LState) int {
	ud := L.CheckUserData(1)
	fn := L.CheckFunction(2)
	var exit func() error
	switch v := ud.Value.(type) {
	case *conn:
		exit = func() error {
			v.mu.Lock()
			defer v.mu.Unlock()
			v.endIdle()
			if v.m.State() != "LOGOUT" {
				v.m.Logout()
				v.forget()
			}
			return nil
		}
	case *idler:
		exit = func() error {
			v.c.mu.Lock()
			defer v.c.mu.Unlock()
			if v.c.idler == v {
				return v.c.endIdle()
			}
			return nil
		}
	default:
		L.ArgError(1, "IMAP4 instance or idler expected")
	}
	return luabind.With(L, ud, fn, exit, mod.raise)
}
