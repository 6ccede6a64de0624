package email_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib/email"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

func setup(L *lua.LState) {
	L.PreloadModule(email.Name, email.Loader)
	L.PreloadModule(email.HeaderName, email.HeaderLoader)
	L.PreloadModule(email.UtilsName, email.UtilsLoader)
	L.SetGlobal("json_null", luabind.Null(L))
}

func TestLua(t *testing.T) {
	luatest.Run(t, "testdata/email_test.lua", setup)
}
