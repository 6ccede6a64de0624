package oauth2

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// Name is the name scripts pass to require.
const Name = "oauth2"

// Loader is the gopher-lua loader of the oauth2 module.
func Loader(L *lua.LState) int {
	mod := L.NewTable()
	L.SetField(mod, "token", L.NewFunction(token))
	L.Push(mod)
	return 1
}

// token is oauth2.token(name): a current access token.
func token(L *lua.LState) int {
	name := L.CheckString(1)
	h := host.Get(L)
	src, err := mail.TokenSource(h, name)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	ctx := h.Context
	if ctx == nil {
		ctx = L.Context()
	}
	if ctx == nil {
		L.RaiseError("oauth2.token: no context")
	}
	tok, err := src.Token(ctx)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	L.Push(lua.LString(tok))
	return 1
}
