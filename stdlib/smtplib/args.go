package smtplib

import (
	"sort"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// args are a call's arguments mapped onto a Python signature by luabind.
type args = luabind.Args

// getArgs reads arguments from stack index first on; the names from npos
// on are keyword-only. A trailing table with string keys only is taken as
// keyword arguments when it is not itself a positional argument that takes
// a list (listAt, -1 for none).
func getArgs(L *lua.LState, fn string, first int, names []string, npos int, listAt int) *args {
	return luabind.ParseArgs(L, fn, first, luabind.Signature{Names: names, NPos: npos, Keywords: luabind.NamedTable, ListAt: listAt})
}

var (
	isNone = luabind.IsNone
	toStr  = luabind.ToStr
)

func sortStrings(s []string) { sort.Strings(s) }
