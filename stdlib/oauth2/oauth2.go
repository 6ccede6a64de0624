package oauth2

import (
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// Name is the name scripts pass to require.
const Name = "oauth2"

// Loader is the gopher-lua loader of the oauth2 module.
func Loader(L *lua.LState) int {
	L.Push(luabind.NewModule(L, map[string]lua.LGFunction{"token": token}, nil))
	return 1
}

// raise raises err as the mail module raises its errors: a value of
// mail.Error or of the subclass mail.Classify gives. It does not return.
func raise(L *lua.LState, err error) {
	luabind.Raise(L, err, mail.ClassError, func(err error) (*luabind.Class, string, bool) {
		return mail.Classify(err), err.Error(), true
	})
}

// token is oauth2.token(name): a current access token.
func token(L *lua.LState) int {
	name := L.CheckString(1)
	h := host.Get(L)
	src, err := mail.TokenSource(h, name)
	if err != nil {
		raise(L, err)
	}
	ctx := h.Context
	if ctx == nil {
		ctx = L.Context()
	}
	if ctx == nil {
		raise(L, errors.New("oauth2.token: no context"))
	}
	tok, err := src.Token(ctx)
	if err != nil {
		raise(L, err)
	}
	L.Push(lua.LString(tok))
	return 1
}
