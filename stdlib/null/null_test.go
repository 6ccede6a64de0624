package null_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/null"
)

func TestValue(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v := null.Value(L)
	if v2 := null.Value(L); v2 != v {
		t.Fatal("Value returned two different sentinels for one state")
	}
	if !null.Is(v) {
		t.Fatal("Is(Value(L)) = false")
	}
	for _, other := range []lua.LValue{lua.LNil, lua.LFalse, lua.LString("None"), L.NewTable(), L.NewUserData()} {
		if null.Is(other) {
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
