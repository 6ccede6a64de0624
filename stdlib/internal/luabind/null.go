package luabind

import (
	lua "github.com/yuin/gopher-lua"
)

// registryKey is where the per-state sentinel is kept.
const registryKey = "mailscript.null"

// NullTypeName is the metatable name of the sentinel.
const NullTypeName = "null"

type sentinel struct{}

// Null returns the null sentinel of L, creating it on first use.
func Null(L *lua.LState) lua.LValue {
	reg := L.Get(lua.RegistryIndex)
	if v := L.GetField(reg, registryKey); v != lua.LNil {
		return v
	}
	ud := L.NewUserData()
	ud.Value = sentinel{}
	mt := L.NewTable()
	L.SetField(mt, "__name", lua.LString(NullTypeName))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("None"))
		return 1
	}))
	L.SetField(mt, "__metatable", lua.LString(NullTypeName))
	L.SetMetatable(ud, mt)
	L.SetField(reg, registryKey, ud)
	return ud
}

// IsNull reports whether v is the null sentinel (of any state).
func IsNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(sentinel)
	return ok
}
