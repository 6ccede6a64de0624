package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// args are a call's arguments mapped onto a Python signature by luabind.
type args = luabind.Args

// getArgs reads the arguments from stack index first on. With variadic
// false, more positional arguments than names is an error. A trailing plain
// table (no metatable) is taken as keyword arguments when kw is true.
func getArgs(L *lua.LState, fn string, first int, names []string, variadic, kw bool) *args {
	return getArgsN(L, fn, first, names, len(names), variadic, kw)
}

// getArgsN is getArgs for a signature whose names from index npos on are
// keyword-only.
func getArgsN(L *lua.LState, fn string, first int, names []string, npos int, variadic, kw bool) *args {
	sig := luabind.Signature{Names: names, NPos: npos, Variadic: variadic, ListAt: -1}
	if kw {
		sig.Keywords = luabind.AnyTable
	}
	return luabind.ParseArgs(L, fn, first, sig)
}

var (
	isNone   = luabind.IsNone
	toStr    = luabind.ToStr
	typeName = luabind.TypeName
)
