package luatest

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

const tTypeName = "luatest.T"

// stopTest is raised (as a Lua error value) by t:fatalf to unwind the Lua
// stack of the running test function.
type stopTest struct{}

// Run runs every global function TestXxx of the Lua file as a subtest of t.
// setup, when not nil, prepares each fresh Lua state before the file runs.
func Run(t *testing.T, file string, setup func(L *lua.LState)) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("luatest: %v", err)
	}
	RunSource(t, file, string(src), setup)
}

var testFuncRE = regexp.MustCompile(`(?m)^\s*function\s+(Test[A-Za-z0-9_]*)\s*\(`)

// RunSource is Run on Lua source held in memory; name is used in messages.
func RunSource(t *testing.T, name, src string, setup func(L *lua.LState)) {
	t.Helper()
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		t.Fatalf("luatest: %v", err)
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		t.Fatalf("luatest: %v", err)
	}
	// Functions are run in the order of the file; the source scan finds
	// them and the state check below makes sure each one really exists.
	var names []string
	seen := map[string]bool{}
	for _, m := range testFuncRE.FindAllStringSubmatch(src, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	// Tests defined in ways the scan misses (e.g. TestX = function ...)
	// are found by listing the globals after the top level ran.
	L := newState(setup)
	if err := runChunk(L, proto); err != nil {
		L.Close()
		t.Fatalf("luatest: %s: %v", name, err)
	}
	var extra []string
	L.G.Global.ForEach(func(k, v lua.LValue) {
		s, ok := k.(lua.LString)
		if ok && strings.HasPrefix(string(s), "Test") && v.Type() == lua.LTFunction && !seen[string(s)] {
			extra = append(extra, string(s))
		}
	})
	L.Close()
	sort.Strings(extra)
	names = append(names, extra...)
	if len(names) == 0 {
		t.Fatalf("luatest: %s defines no Test functions", name)
	}
	for _, fn := range names {
		t.Run(fn, func(t *testing.T) {
			L := newState(setup)
			defer L.Close()
			if err := runChunk(L, proto); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			f, ok := L.GetGlobal(fn).(*lua.LFunction)
			if !ok {
				t.Fatalf("%s: %s is not a function", name, fn)
			}
			callTest(t, L, f)
		})
	}
}

func newState(setup func(L *lua.LState)) *lua.LState {
	L := lua.NewState()
	mt := L.NewTypeMetatable(tTypeName)
	L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), methods))
	if setup != nil {
		setup(L)
	}
	return L
}

func runChunk(L *lua.LState, proto *lua.FunctionProto) error {
	L.Push(L.NewFunctionFromProto(proto))
	return L.PCall(0, 0, nil)
}

// callTest calls f(tobj) on L and reports its outcome to t.
func callTest(t *testing.T, L *lua.LState, f *lua.LFunction) {
	t.Helper()
	ud := L.NewUserData()
	ud.Value = t
	L.SetMetatable(ud, L.GetTypeMetatable(tTypeName))
	err := L.CallByParam(lua.P{Fn: f, NRet: 0, Protect: true, Handler: L.NewFunction(traceback)}, ud)
	if err == nil {
		return
	}
	if ae, ok := err.(*lua.ApiError); ok {
		if u, ok := ae.Object.(*lua.LUserData); ok {
			if _, ok := u.Value.(stopTest); ok {
				t.FailNow()
			}
		}
		t.Fatalf("lua error: %s", lua.LVAsString(ae.Object))
	}
	t.Fatalf("lua error: %v", err)
}

// traceback is the message handler of a test call: it keeps the stop
// sentinel as is and appends the Lua stack trace to every other error.
func traceback(L *lua.LState) int {
	v := L.Get(1)
	if u, ok := v.(*lua.LUserData); ok {
		if _, ok := u.Value.(stopTest); ok {
			L.Push(v)
			return 1
		}
	}
	msg := lua.LVAsString(L.ToStringMeta(v))
	dbg := L.GetGlobal("debug")
	if tb, ok := dbg.(*lua.LTable); ok {
		if fn, ok := L.GetField(tb, "traceback").(*lua.LFunction); ok {
			L.Push(fn)
			L.Push(lua.LString(msg))
			L.Push(lua.LNumber(2))
			L.Call(2, 1)
			return 1
		}
	}
	L.Push(lua.LString(msg))
	return 1
}

var methods = map[string]lua.LGFunction{
	"log":    tLog,
	"errorf": tErrorf,
	"fatalf": tFatalf,
	"eq":     tEq,
	"run":    tRun,
	"name":   tName,
}

func checkT(L *lua.LState) *testing.T {
	ud := L.CheckUserData(1)
	if t, ok := ud.Value.(*testing.T); ok {
		return t
	}
	L.ArgError(1, "luatest.T expected")
	return nil
}

// where is the Lua position of the caller of a t method.
func where(L *lua.LState) string {
	return L.Where(1)
}

func format(L *lua.LState, from int) string {
	if L.GetTop() < from {
		return ""
	}
	sf := L.GetField(L.GetGlobal("string"), "format")
	args := []lua.LValue{}
	for i := from; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	if err := L.CallByParam(lua.P{Fn: sf, NRet: 1, Protect: true}, args...); err != nil {
		return fmt.Sprintf("%v (bad format: %v)", args, err)
	}
	s := L.Get(-1).String()
	L.Pop(1)
	return s
}

func tLog(L *lua.LState) int {
	t := checkT(L)
	parts := []string{}
	for i := 2; i <= L.GetTop(); i++ {
		parts = append(parts, L.ToStringMeta(L.Get(i)).String())
	}
	t.Log(where(L) + " " + strings.Join(parts, " "))
	return 0
}

func tErrorf(L *lua.LState) int {
	t := checkT(L)
	L.CheckString(2)
	t.Error(where(L) + " " + format(L, 2))
	return 0
}

func tFatalf(L *lua.LState) int {
	t := checkT(L)
	L.CheckString(2)
	t.Error(where(L) + " " + format(L, 2))
	ud := L.NewUserData()
	ud.Value = stopTest{}
	L.Error(ud, 0)
	return 0
}

func tName(L *lua.LState) int {
	L.Push(lua.LString(checkT(L).Name()))
	return 1
}

func tEq(L *lua.LState) int {
	t := checkT(L)
	got, want := L.CheckAny(2), L.CheckAny(3)
	msg := L.OptString(4, "")
	if diff := Diff(got, want); diff != "" {
		if msg != "" {
			msg += ": "
		}
		t.Errorf("%s %s%s\n  got:  %s\n  want: %s", where(L), msg, diff, Repr(got), Repr(want))
		L.Push(lua.LFalse)
		return 1
	}
	L.Push(lua.LTrue)
	return 1
}

func tRun(L *lua.LState) int {
	t := checkT(L)
	name := L.CheckString(2)
	fn := L.CheckFunction(3)
	ok := t.Run(name, func(t *testing.T) {
		callTest(t, L, fn)
	})
	L.Push(lua.LBool(ok))
	return 1
}

// Diff returns "" when a and b are equal, deep-comparing tables, or a short
// description of the first difference found.
func Diff(a, b lua.LValue) string {
	return diff(a, b, "", map[[2]*lua.LTable]bool{})
}

func diff(a, b lua.LValue, path string, seen map[[2]*lua.LTable]bool) string {
	at, aok := a.(*lua.LTable)
	bt, bok := b.(*lua.LTable)
	if !aok || !bok {
		if a.Type() == b.Type() && a.Type() == lua.LTNumber {
			if a.(lua.LNumber) == b.(lua.LNumber) {
				return ""
			}
		} else if a == b || (a.Type() == b.Type() && a.Type() == lua.LTString && a.String() == b.String()) {
			return ""
		}
		where := ""
		if path != "" {
			where = "at " + path + ": "
		}
		return fmt.Sprintf("%s%s ~= %s", where, Repr(a), Repr(b))
	}
	pair := [2]*lua.LTable{at, bt}
	if seen[pair] {
		return ""
	}
	seen[pair] = true
	var d string
	keys := map[lua.LValue]bool{}
	at.ForEach(func(k, v lua.LValue) {
		keys[k] = true
	})
	bt.ForEach(func(k, v lua.LValue) {
		keys[k] = true
	})
	sorted := make([]lua.LValue, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return keyLess(sorted[i], sorted[j]) })
	for _, k := range sorted {
		sub := path + "[" + Repr(k) + "]"
		av, bv := at.RawGet(k), bt.RawGet(k)
		if av == lua.LNil && bv != lua.LNil {
			return fmt.Sprintf("at %s: missing, want %s", sub, Repr(bv))
		}
		if bv == lua.LNil && av != lua.LNil {
			return fmt.Sprintf("at %s: unexpected %s", sub, Repr(av))
		}
		if d = diff(av, bv, sub, seen); d != "" {
			return d
		}
	}
	return ""
}

func keyLess(a, b lua.LValue) bool {
	an, aok := a.(lua.LNumber)
	bn, bok := b.(lua.LNumber)
	switch {
	case aok && bok:
		return an < bn
	case aok != bok:
		return aok
	}
	return a.String() < b.String()
}

// Repr renders v for a failure message: strings quoted, tables as
// constructors with sorted keys (depth-limited).
func Repr(v lua.LValue) string {
	var b strings.Builder
	repr(&b, v, 0)
	return b.String()
}

func repr(b *strings.Builder, v lua.LValue, depth int) {
	switch x := v.(type) {
	case lua.LString:
		s := string(x)
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		fmt.Fprintf(b, "%q", s)
	case *lua.LTable:
		if depth > 4 {
			b.WriteString("{...}")
			return
		}
		var keys []lua.LValue
		x.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
		sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if i >= 20 {
				b.WriteString("...")
				break
			}
			if n, ok := k.(lua.LNumber); ok && int(n) == i+1 {
				// array part: print the value only
			} else {
				b.WriteString("[")
				repr(b, k, depth+1)
				b.WriteString("]=")
			}
			repr(b, x.RawGet(k), depth+1)
		}
		b.WriteString("}")
	default:
		b.WriteString(v.String())
	}
}
