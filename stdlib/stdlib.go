package stdlib

import (
	lua "github.com/yuin/gopher-lua"
)

// Module is one Lua module: the name scripts pass to require, and its loader.
type Module struct {
	Name   string
	Loader lua.LGFunction
}

// Modules lists the modules Preload registers, in a stable order.
func Modules() []Module {
	return []Module{}
}

// Preload registers every module of Modules on L for require.
func Preload(L *lua.LState) {
	for _, m := range Modules() {
		L.PreloadModule(m.Name, m.Loader)
	}
}
