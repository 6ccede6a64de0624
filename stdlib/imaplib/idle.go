package imaplib

import (
	lua "github.com/yuin/gopher-lua"
)

// newIdlerMeta makes the metatable of idlers (see idle()).
func newIdlerMeta(L *lua.LState, mod *module) *lua.LTable {
	mt := L.NewTable()
	return mt
}
