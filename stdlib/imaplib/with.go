package imaplib

import (
	lua "github.com/yuin/gopher-lua"
)

// with is Python's `with IMAP4(...) as M:` block: imaplib.with(M, fn)
// calls fn(M) and then, whether fn returned or raised, logs out unless the
// connection is already in the LOGOUT state (errors of that LOGOUT are
// ignored, as Python's __exit__ ignores OSError). It returns what fn
// returned, or raises fn's error again, unchanged.
func (mod *module) with(L *lua.LState) int {
	ud := L.CheckUserData(1)
	c, ok := ud.Value.(*conn)
	if !ok {
		L.ArgError(1, "IMAP4 instance expected")
	}
	fn := L.CheckFunction(2)
	base := L.GetTop()
	L.Push(fn)
	L.Push(ud)
	err := L.PCall(1, lua.MultRet, nil)
	c.mu.Lock()
	if c.m.State() != "LOGOUT" {
		c.m.Logout()
		c.forget()
	}
	c.mu.Unlock()
	if err != nil {
		if ae, ok := err.(*lua.ApiError); ok {
			L.Error(ae.Object, 0)
		}
		L.RaiseError("%v", err)
	}
	return L.GetTop() - base
}
