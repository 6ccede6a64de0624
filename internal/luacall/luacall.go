package luacall

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// The function a coroutine runs: it calls f with the arguments and
// returns how many values f returned, then those values, so that trailing
// nils are counted (a coroutine that returns nothing hands back one nil).
// It keeps the select it was made with: a script may change its own.
const (
	// ChunkName is the source name of the function that calls the
	// protected function: a position it gives is where pcall, a C
	// function in Lua, would give none.
	ChunkName = "(protected call)"
	chunkSrc  = `local select = select
local function count(...) return select('#', ...), ... end
return function(f, ...) return count(f(...)) end`
)

// proto is the chunk, compiled once per process; a state makes its
// functions from it.
var proto = sync.OnceValue(func() *lua.FunctionProto {
	stmts, err := parse.Parse(strings.NewReader(chunkSrc), ChunkName)
	if err != nil {
		panic("luacall: " + err.Error()) // a constant: it parses
	}
	p, err := lua.Compile(stmts, ChunkName)
	if err != nil {
		panic("luacall: " + err.Error())
	}
	return p
})

// registryKey keeps a state's run function in its registry.
const registryKey = "luacall.run"

// runner returns L's run function, made on first use.
func runner(L *lua.LState) *lua.LFunction {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if run, ok := reg.RawGetString(registryKey).(*lua.LFunction); ok {
		return run
	}
	L.Push(L.NewFunctionFromProto(proto()))
	L.Call(0, 1)
	run := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	reg.RawSetString(registryKey, run)
	return run
}

// Install puts Pcall in L's globals as pcall. xpcall stays gopher-lua's:
// with an error handler gopher-lua closes no upvalues, and the handler
// runs where the error was raised (debug.traceback sees the failed
// frames).
func Install(L *lua.LState) {
	runner(L) // made now, with the base library's select
	L.SetGlobal("pcall", L.NewFunction(Pcall))
}

// Pcall is Lua's pcall(f, ...): it calls f with the arguments and returns
// true and f's results, or false and the error's value. f runs in a
// coroutine of its own (see the package doc).
func Pcall(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.ArgError(1, "value expected")
	}
	args := make([]lua.LValue, L.GetTop())
	for i := range args {
		args[i] = L.Get(i + 1)
	}
	if !callable(L, args[0]) {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + args[0].Type().String() + " value"))
		return 2
	}
	values, err := resume(L, runner(L), args)
	if err != nil {
		return pushError(L, err)
	}
	L.Push(lua.LTrue)
	for _, v := range values {
		L.Push(v)
	}
	return len(values) + 1
}

// callable reports whether v can be called: a function, or a value with
// a __call metamethod.
func callable(L *lua.LState, v lua.LValue) bool {
	if v.Type() == lua.LTFunction {
		return true
	}
	return L.GetMetaField(v, "__call") != lua.LNil
}

// pushError pushes false and the error's value. When the state's context
// has ended (a time limit, a stop), the error is not caught: it goes on to
// end the script, as under gopher-lua's own pcall.
func pushError(L *lua.LState, err error) int {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		L.RaiseError("%v", ctx.Err())
	}
	L.Push(lua.LFalse)
	L.Push(errorValue(err))
	return 2
}

// resume runs body with args in a new coroutine of L and returns the
// values body counted.
func resume(L *lua.LState, body *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	co, cancel := L.NewThread()
	if cancel != nil {
		defer cancel()
	}
	st, err, ret := L.Resume(co, body, args...)
	switch st {
	case lua.ResumeError:
		return nil, err
	case lua.ResumeYield:
		return nil, &lua.ApiError{Type: lua.ApiErrorRun, Object: lua.LString("attempt to yield across a protected call")}
	}
	n := 0
	if len(ret) > 0 {
		n = int(lua.LVAsNumber(ret[0]))
	}
	values := make([]lua.LValue, n)
	for i := range values {
		values[i] = lua.LNil
		if i+1 < len(ret) {
			values[i] = ret[i+1]
		}
	}
	return values, nil
}

// callPosition is the position gopher-lua gives an error raised by a Go
// function the chunk calls: the chunk's name and the line of chunkSrc
// that calls f.
var callPosition = fmt.Sprintf("%s:%d: ", ChunkName, strings.Count(chunkSrc[:strings.Index(chunkSrc, "f(...)")], "\n")+1)

// errorValue is the Lua value of err: what the function raised. A Go
// function called by pcall itself (pcall(error, "x"), pcall(assert, v))
// raises its message without a position, as in Lua, where its caller is
// pcall, a C function: gopher-lua would name the line of the chunk that
// calls it.
func errorValue(err error) lua.LValue {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		if s, ok := api.Object.(lua.LString); ok {
			return lua.LString(strings.TrimPrefix(string(s), callPosition))
		}
		return api.Object
	}
	return lua.LString(err.Error())
}
