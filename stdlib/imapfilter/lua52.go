package imapfilter

import (
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/luacall"
)

// installLua52 sets in L's globals the functions of Lua 5.2's libraries
// whose gopher-lua versions behave as Lua 5.1's or differ otherwise, in
// what a config can see: xpcall passes its extra arguments, error() raises
// nil, pairs and ipairs honour __pairs and __ipairs, string.format
// formats as C's printf, string.upper and lower change ASCII letters
// only, find, match, gmatch and gsub match the patterns of Lua 5.2
// (pattern52.go), string.char and table.insert refuse what Lua 5.2
// refuses, bit32 is the whole library, math.huge is infinite, tonumber
// reads numerals as Lua 5.2 does and collectgarbage answers every option
// of Lua 5.2 (num52.go). The Lua layer (common.lua) keeps them: it only
// fills in what is missing.
func installLua52(L *lua.LState) {
	L.SetGlobal("xpcall", L.NewFunction(xpcall52))
	L.SetGlobal("error", L.NewFunction(error52))
	L.SetGlobal("tonumber", L.NewFunction(tonumber52))
	L.SetGlobal("collectgarbage", L.NewFunction(collectgarbage52()))
	L.SetGlobal("pairs", wrap(L, L.GetGlobal("pairs"), pairs52("__pairs")))
	L.SetGlobal("ipairs", wrap(L, L.GetGlobal("ipairs"), pairs52("__ipairs")))
	str := L.GetGlobal("string").(*lua.LTable)
	L.SetFuncs(str, map[string]lua.LGFunction{
		"format": format52,
		"upper":  func(L *lua.LState) int { return mapASCII(L, 'a', 'z', 'A'-'a') },
		"lower":  func(L *lua.LState) int { return mapASCII(L, 'A', 'Z', 'a'-'A') },
		"char":   char52,
	})
	L.SetFuncs(str, strFuncs52)
	tbl := L.GetGlobal("table").(*lua.LTable)
	tbl.RawSetString("insert", wrap(L, tbl.RawGetString("insert"), insert52))
	L.SetField(L.GetGlobal("math"), "huge", lua.LNumber(math.Inf(1)))
	L.SetGlobal("bit32", L.SetFuncs(L.NewTable(), bit32Funcs))
}

// wrap makes a function of f, which gets the function it stands in for
// as orig.
func wrap(L *lua.LState, orig lua.LValue, f func(L *lua.LState, orig lua.LValue) int) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int { return f(L, orig) })
}

// callOrig calls orig with the arguments of the running function and
// returns how many results it left on the stack.
func callOrig(L *lua.LState, orig lua.LValue) int {
	n := L.GetTop()
	L.Insert(orig, 1)
	L.Call(n, lua.MultRet)
	return L.GetTop()
}

// xpcall52 is Lua 5.2's xpcall(f, handler, ...): the arguments after the
// handler are f's.
func xpcall52(L *lua.LState) int {
	L.CheckAny(1)
	handler := L.CheckFunction(2)
	args := make([]lua.LValue, 0, L.GetTop())
	for i := 3; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	f := L.Get(1)
	L.SetTop(0)
	L.Push(f)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, handler); err != nil {
		L.Push(lua.LFalse)
		if api, ok := err.(*lua.ApiError); ok && api.Object != nil {
			L.Push(api.Object)
		} else {
			L.Push(lua.LString(err.Error()))
		}
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// error52 is Lua 5.2's error(message, level): any value may be raised,
// nil too (error() raises nil), and a string or number message gets the
// position of the function at level when that one is a Lua function
// (level 1, the default: the function that called error).
func error52(L *lua.LState) int {
	msg := L.Get(1)
	level := L.OptInt(2, 1)
	switch msg.(type) {
	case lua.LString, lua.LNumber:
		if level > 0 {
			msg = lua.LString(where52(L, level) + msg.String())
		}
	}
	L.Error(msg, 0)
	return 0
}

// where52 is luaL_where: "source:line: " of the function at level, or
// nothing when it is a Go function or there is none.
func where52(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	// pcall's chunk (luacall) stands for Lua's pcall, a C function.
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine <= 0 ||
		dbg.Source == luacall.ChunkName {
		return ""
	}
	return dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// pairs52 returns pairs or ipairs of Lua 5.2: a table whose metatable has
// the field meta is iterated by what meta returns.
func pairs52(meta string) func(L *lua.LState, orig lua.LValue) int {
	return func(L *lua.LState, orig lua.LValue) int {
		mm := L.GetMetaField(L.Get(1), meta)
		if mm == lua.LNil {
			return callOrig(L, orig)
		}
		t := L.Get(1)
		L.SetTop(0)
		L.Push(mm)
		L.Push(t)
		L.Call(1, 3)
		return 3
	}
}

// mapASCII changes the letters from lo to hi of the string argument by
// delta, as C's toupper and tolower do byte by byte; other bytes, those
// of UTF-8 sequences too, stay.
func mapASCII(L *lua.LState, lo, hi byte, delta int) int {
	b := []byte(L.CheckString(1))
	for i, c := range b {
		if c >= lo && c <= hi {
			b[i] = byte(int(c) + delta)
		}
	}
	L.Push(lua.LString(b))
	return 1
}

// char52 is string.char, refusing codes outside 0 to 255.
func char52(L *lua.LState) int {
	n := L.GetTop()
	b := make([]byte, n)
	for i := 1; i <= n; i++ {
		c := L.CheckInt(i)
		if c < 0 || c > 255 {
			L.ArgError(i, "value out of range")
		}
		b[i-1] = byte(c)
	}
	L.Push(lua.LString(b))
	return 1
}

// insert52 is table.insert with Lua 5.2's checks: two or three
// arguments, and a position from 1 to #t+1.
func insert52(L *lua.LState, orig lua.LValue) int {
	t := L.CheckTable(1)
	switch L.GetTop() {
	case 2:
	case 3:
		pos := L.CheckInt(2)
		if e := t.Len() + 1; pos < 1 || pos > e {
			L.ArgError(2, "position out of bounds")
		}
	default:
		L.RaiseError("wrong number of arguments to 'insert'")
	}
	callOrig(L, orig)
	return 0
}
