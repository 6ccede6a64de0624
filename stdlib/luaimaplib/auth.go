package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// authenticate is authenticate(mechanism, authobject): authobject is a
// Lua function (or callable) that gets each challenge, decoded from
// base64, and returns the response as a string, or nil to cancel (the
// client sends "*"). An error raised by authobject cancels the exchange
// and is raised again once the server has answered.
func authenticateMethod(L *lua.LState, mod *module, c *conn) int {
	a := getArgs(L, "authenticate", 2, []string{"mechanism", "authobject"}, false, true)
	mech := a.Required(0)
	obj := a.Vals[1]
	if obj == lua.LNil {
		L.RaiseError("authenticate() missing required argument: 'authobject'")
	}
	var cbErr error
	auth := func(challenge []byte) ([]byte, bool) {
		if cbErr != nil {
			return nil, false
		}
		err := L.CallByParam(lua.P{Fn: obj, NRet: 1, Protect: true}, lua.LString(string(challenge)))
		if err != nil {
			cbErr = err
			return nil, false
		}
		v := L.Get(-1)
		L.Pop(1)
		if isNone(v) || v == lua.LFalse {
			return nil, false
		}
		s, ok := toStr(v)
		if !ok {
			cbErr = valueError("authobject must return a string or nil, not %s", typeName(v))
			return nil, false
		}
		return []byte(s), true
	}
	typ, data, err := c.m.Authenticate(mech, auth)
	if cbErr != nil {
		if _, ok := cbErr.(*lua.ApiError); ok {
			luabind.Reraise(L, cbErr)
		}
		mod.raise(L, cbErr)
	}
	return mod.push(L, typ, data, err)
}

func init() {
	methodTable["authenticate"] = authenticateMethod
	methodTable["idle"] = idleMethod
	methodTable["login_cram_md5"] = simple("login_cram_md5", []string{"user", "password"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.LoginCramMD5(s[0], s[1])
	})
	methodTable["enable"] = simple("enable", []string{"capability"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Enable(s[0])
	})
	methodTable["starttls"] = func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "starttls", 2, []string{"ssl_context"}, false, true)
		conf := mod.sslContext(L, a, 0)
		typ, data, err := c.m.StartTLS(conf)
		return mod.push(L, typ, data, err)
	}
}
