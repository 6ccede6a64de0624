package luabind_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

func TestNull(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v := luabind.Null(L)
	if v2 := luabind.Null(L); v2 != v {
		t.Fatal("Value returned two different sentinels for one state")
	}
	if !luabind.IsNull(v) {
		t.Fatal("Is(Value(L)) = false")
	}
	for _, other := range []lua.LValue{lua.LNil, lua.LFalse, lua.LString("None"), L.NewTable(), L.NewUserData()} {
		if luabind.IsNull(other) {
			t.Errorf("Is(%v) = true", other)
		}
	}
	L.SetGlobal("N", v)
	if err := L.DoString(`
		assert(tostring(N) == "None", tostring(N))
		assert(type(N) == "userdata")
		assert(getmetatable(N) == "null")
		local t = {1, N, 3}
		assert(#t == 3 and t[2] == N)
	`); err != nil {
		t.Fatal(err)
	}
}
