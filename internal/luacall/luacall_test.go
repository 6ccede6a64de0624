package luacall

import (
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// newState returns a state with the base, string, table and debug
// libraries, Install called, and print writing to the returned builder.
func newState(t *testing.T) (*lua.LState, *strings.Builder) {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	var out strings.Builder
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		out.WriteString(strings.Join(parts, "\t") + "\n")
		return 0
	}))
	Install(L)
	return L, &out
}

func TestProtectedCalls(t *testing.T) {
	for _, tc := range []struct {
		name, script, want string
	}{
		{
			name: "a count kept in a local of the script, through errors",
			script: `
local failures = 0
local function try(n) if n % 2 == 0 then failures = failures + 1; error('even', 0) end end
for n = 1, 6 do pcall(try, n) end
print(failures)`,
			want: "3\n",
		},
		{
			name: "a runtime error, not error()",
			script: `
local calls = 0
local function f() calls = calls + 1; local t = nil; return t.x end
pcall(f); pcall(f)
print(calls)`,
			want: "2\n",
		},
		{
			name: "the script's local set after the error is seen by the function",
			script: `
local greet
local function use() return greet('you') end
pcall(function() error('an error') end)
greet = function(who) return 'hello ' .. who end
print(use())`,
			want: "hello you\n",
		},
		{
			name: "xpcall (gopher-lua's own) keeps the count, and its handler sees the failed frames",
			script: `
local calls = 0
local function inner() calls = calls + 1; error('deep') end
local ok, tb = xpcall(function() inner() end, debug.traceback)
xpcall(inner, function(e) return e end)
print(ok, tb:match('deep') ~= nil, tb:match('inner') ~= nil, calls)`,
			want: "false\ttrue\ttrue\t2\n",
		},
		{
			name: "results: none, nils, several",
			script: `
print(select('#', pcall(function() end)))
print(select('#', pcall(function() return nil end)))
print(pcall(function(...) return ... end, 1, nil, 3, nil))
print(select('#', pcall(function(...) return ... end, 1, nil, 3, nil)))`,
			want: "1\n2\ntrue\t1\tnil\t3\tnil\n5\n",
		},
		{
			name: "error values: a table, a position, level 2, a number",
			script: `
local ok, e = pcall(error, { code = 7 })
print(ok, type(e), e.code)
print(pcall(function() error('here') end))
print(pcall(function() error('caller', 2) end))
print(pcall(error, 42))`,
			want: "false\ttable\t7\nfalse\t<string>:4: here\nfalse\t<string>:5: caller\nfalse\t42\n",
		},
		{
			name: "what cannot be called",
			script: `
print(pcall(42))
print(pcall(nil))
print(pcall(setmetatable({}, { __call = function(self, x) return x * 2 end }), 21))`,
			want: "false\tattempt to call a number value\nfalse\tattempt to call a nil value\ntrue\t42\n",
		},
		{
			name: "nested: an inner error caught, an outer one too",
			script: `
local outer, inner = 0, 0
local function f() inner = inner + 1; error('inner') end
local function g() outer = outer + 1; pcall(f); pcall(f); error('outer') end
print(pcall(g) == false, pcall(g) == false, outer, inner)`,
			want: "true\ttrue\t2\t4\n",
		},
		{
			name: "a script's own select does not change what pcall returns",
			script: `
select = function() return 0 end
print(pcall(function() return 1, 2 end))`,
			want: "true\t1\t2\n",
		},
		{
			name: "a yield inside a protected call is an error",
			script: `
local co = coroutine.create(function() return pcall(function() coroutine.yield(1) end) end)
print(coroutine.resume(co))`,
			want: "true\tfalse\tattempt to yield across a protected call\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			L, out := newState(t)
			if err := L.DoString(tc.script); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}

func TestPcallNeedsAValue(t *testing.T) {
	L, _ := newState(t)
	err := L.DoString(`pcall()`)
	if err == nil || !strings.Contains(err.Error(), "bad argument #1 to pcall (value expected)") {
		t.Fatalf("pcall() gave %v", err)
	}
}

// TestContextEnds checks that the end of the state's context is not
// caught: the script stops, as under gopher-lua's own pcall.
func TestContextEnds(t *testing.T) {
	L, out := newState(t)
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	L.SetGlobal("stop", L.NewFunction(func(*lua.LState) int { cancel(); return 0 }))
	err := L.DoString(`print(pcall(function() stop(); while true do end end)); print('after')`)
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("the script ended with %v, want the context's end", err)
	}
	if out.Len() > 0 {
		t.Errorf("the script went on after its context ended: %q", out.String())
	}
}

// BenchmarkPcall compares a protected call of a small function with
// gopher-lua's own pcall (the baseline) and with Pcall.
func BenchmarkPcall(b *testing.B) {
	for _, tc := range []struct {
		name    string
		install bool
	}{{"gopher-lua", false}, {"coroutine", true}} {
		b.Run(tc.name, func(b *testing.B) {
			L := lua.NewState(lua.Options{CallStackSize: 200, RegistrySize: 1024, RegistryMaxSize: 1 << 20, MinimizeStackMemory: true})
			defer L.Close()
			if tc.install {
				Install(L)
			}
			if err := L.DoString(`function loop(n) local f = function(x) return x end for i = 1, n do pcall(f, i) end end`); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			L.SetContext(ctx)
			b.ResetTimer()
			if err := L.CallByParam(lua.P{Fn: L.GetGlobal("loop"), Protect: true}, lua.LNumber(b.N)); err != nil {
				b.Fatal(err)
			}
		})
	}
}
