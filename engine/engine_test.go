package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	lua "github.com/yuin/gopher-lua"
)

// writeFile writes content to name below dir, making folders, and returns
// the file's path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunPrintsAndGetsArgs(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "hello.lua", `
local a, b = ...
print("args", a, b, #arg, arg[0] == "`+filepath.ToSlash(filepath.Join(dir, "hello.lua"))+`")
io.write("no newline", 42, "\n")
io.stdout:write("chained"):write("!\n")
`)
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out))
	res, err := e.Run(context.Background(), p, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	want := "args\tx\ty\t2\ttrue\nno newline42\nchained!\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if res.File != p || len(res.Args) != 2 || res.Start.IsZero() || res.Duration <= 0 {
		t.Errorf("result %+v", res)
	}
}

func TestCapture(t *testing.T) {
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out), engine.WithCapture())
	res, err := e.RunString(context.Background(), "cap", `print("one") io.write("two")`)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != "one\ntwo" {
		t.Errorf("captured %q", res.Output)
	}
	if out.Len() != 0 {
		t.Errorf("stdout got %q while capturing", out.String())
	}
}

func TestScriptErrorHasPositionAndTraceback(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "bad.lua", `local function inner()
  local x = nil
  return x.field
end
local function outer() return inner() + 1 end
outer()
`)
	_, err := engine.New().Run(context.Background(), p)
	var se *engine.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want *ScriptError", err, err)
	}
	if se.File != p || se.Line != 3 {
		t.Errorf("position %s:%d, want %s:3", se.File, se.Line, p)
	}
	if !strings.Contains(se.Message, "field") {
		t.Errorf("message %q", se.Message)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%s:3:", p)) {
		t.Errorf("Error() = %q lacks file:line", err)
	}
	for _, want := range []string{"stack traceback:", p + ":3: in function 'inner'", p + ":5:", p + ":6: in main chunk"} {
		if !strings.Contains(se.Traceback, want) {
			t.Errorf("traceback lacks %q:\n%s", want, se.Traceback)
		}
	}
}

func TestErrorWithTableValue(t *testing.T) {
	_, err := engine.New().RunString(context.Background(), "tbl.lua", "\n\nerror({code = 7})\n")
	var se *engine.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %v", err)
	}
	if se.File != "tbl.lua" || se.Line != 3 {
		t.Errorf("position %s:%d, want tbl.lua:3 (from the traceback)", se.File, se.Line)
	}
}

func TestSyntaxError(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "syntax.lua", "print('a')\nlocal = 3\n")
	e := engine.New()
	for name, err := range map[string]error{
		"check": e.Check(p),
		"run":   func() error { _, err := e.Run(context.Background(), p); return err }(),
	} {
		var se *engine.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("%s: error %v", name, err)
		}
		if se.File != p || se.Line != 2 || !strings.Contains(se.Message, "syntax error") {
			t.Errorf("%s: %s:%d %q", name, se.File, se.Line, se.Message)
		}
	}
	if err := e.Check(writeFile(t, dir, "fine.lua", "return 1")); err != nil {
		t.Errorf("Check of a good file: %v", err)
	}
	if err := e.Check(filepath.Join(dir, "missing.lua")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Check of a missing file: %v", err)
	}
}

func TestCompiledChunkFollowsEdits(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out))
	for _, v := range []string{"one", "two", "one"} {
		p := writeFile(t, dir, "r.lua", fmt.Sprintf("print(%q)", v))
		if _, err := e.Run(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != "one\ntwo\none\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestExit(t *testing.T) {
	e := engine.New()
	ctx := context.Background()
	tests := []struct {
		src  string
		code int // -1: success
	}{
		{`os.exit()`, -1},
		{`os.exit(0)`, -1},
		{`os.exit(true)`, -1},
		{`os.exit(false)`, 1},
		{`os.exit(3)`, 3},
		{`pcall(os.exit, 4) error("must not get here")`, 4},
	}
	for _, tt := range tests {
		_, err := e.RunString(ctx, "exit.lua", tt.src)
		var ee *engine.ExitError
		switch {
		case tt.code < 0 && err != nil:
			t.Errorf("%s: %v", tt.src, err)
		case tt.code >= 0 && (!errors.As(err, &ee) || ee.Code != tt.code):
			t.Errorf("%s: error %v, want exit status %d", tt.src, err, tt.code)
		}
	}
}

func TestRequireFromScriptFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lib/greet.lua", `return { hi = function(n) return "hi " .. n end }`)
	writeFile(t, dir, "util/init.lua", `return { answer = 42 }`)
	p := writeFile(t, dir, "main.lua", `
local g = require("lib.greet")
local u = require("util")
print(g.hi("bob"), u.answer, require("lib.greet") == g)
`)
	var out bytes.Buffer
	res, err := engine.New(engine.WithStdout(&out)).Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hi bob\t42\ttrue\n" {
		t.Errorf("output %q", out.String())
	}
	abs := func(name string) string {
		p, _ := filepath.Abs(filepath.Join(dir, name))
		return p
	}
	if want := []string{abs("lib/greet.lua"), abs("util/init.lua")}; fmt.Sprint(res.Loaded) != fmt.Sprint(want) {
		t.Errorf("Loaded %v, want %v", res.Loaded, want)
	}
}

func TestRequireErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "broken.lua", "return {")
	p := writeFile(t, dir, "main.lua", `local ok, err = pcall(require, "nothere")
print(ok, err:find("no file", 1, true) ~= nil)
local ok, err = pcall(require, "broken")
print(ok, err:find("broken.lua", 1, true) ~= nil)`)
	var out bytes.Buffer
	if _, err := engine.New(engine.WithStdout(&out)).Run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if out.String() != "false\ttrue\nfalse\ttrue\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestStackOverflowIsAnError(t *testing.T) {
	_, err := engine.New().RunString(context.Background(), "rec.lua", `
local function f(n) return f(n + 1) + 1 end
f(1)`)
	var se *engine.ScriptError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "stack overflow") || se.Line != 2 {
		t.Fatalf("error %v, want a stack overflow at line 2", err)
	}
}

func TestRegistryLimit(t *testing.T) {
	e := engine.New(engine.WithLimits(engine.Limits{Registry: 256, RegistryMax: 1024}))
	_, err := e.RunString(context.Background(), "reg.lua", `
local t = {}
for i = 1, 5000 do t[i] = i end
print(unpack(t))`)
	if err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("error %v, want a registry overflow", err)
	}
}

// TestLargeStackGrowsInSteps: table.concat of a 10,000-element table
// pushes 20,000 values on the value stack. Grown 32 slots at a time, as
// gopher-lua does by default, the stack is copied 600 times and the run
// allocates about 100 MB; grown in steps of 4,096, about 3 MB
// (BenchmarkTableConcat has the times).
func TestLargeStackGrowsInSteps(t *testing.T) {
	e := engine.New()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := e.RunString(context.Background(), "concat.lua", `
local t = {}
for i = 1, 10000 do t[i] = tostring(i * 7) end
assert(#table.concat(t, ",") > 40000)`); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 20<<20 {
		t.Errorf("the run allocated %d MB, want less than 20", got>>20)
	}
}

func TestStringRepLimit(t *testing.T) {
	e := engine.New(engine.WithLimits(engine.Limits{MaxString: 1000}))
	var out bytes.Buffer
	e2 := engine.New(engine.WithStdout(&out))
	if _, err := e.RunString(context.Background(), "rep.lua", `local s = string.rep("ab", 501)`); err == nil || !strings.Contains(err.Error(), "exceed") {
		t.Errorf("error %v, want the string limit", err)
	}
	if _, err := e2.RunString(context.Background(), "rep.lua", `print(string.rep("ab", 3), ("x"):rep(0))`); err != nil || out.String() != "ababab\t\n" {
		t.Errorf("rep: %v %q", err, out.String())
	}
}

// facade is a Go value an embedding program hands to scripts.
type facade struct{ Name string }

func (f *facade) Greet(who string) string { return f.Name + " greets " + who }

func TestHostModuleAndGlobal(t *testing.T) {
	var out bytes.Buffer
	e := engine.New(
		engine.WithStdout(&out),
		engine.WithGlobal("app", &facade{Name: "app"}),
		engine.WithModule("hostmod", func(L *lua.LState) int {
			t := L.NewTable()
			L.SetField(t, "twice", L.NewFunction(func(L *lua.LState) int {
				L.Push(lua.LNumber(2 * L.CheckNumber(1)))
				return 1
			}))
			L.Push(t)
			return 1
		}),
	)
	_, err := e.RunString(context.Background(), "g.lua", `print(app:Greet("lua"), app.Name, require("hostmod").twice(21))`)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "app greets lua\tapp\t42\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestEnvironment(t *testing.T) {
	env := map[string]string{"IMAP_USER": "bob"}
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out), engine.WithEnv(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}))
	_, err := e.RunString(context.Background(), "env.lua", `
print(os.getenv("IMAP_USER"), os.getenv("NOPE"))
os.setenv("NOPE", "set")
print(os.getenv("NOPE"))`)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "bob\tnil\nset\n" {
		t.Errorf("output %q", out.String())
	}
	// os.setenv changed only the run's view.
	if _, ok := os.LookupEnv("NOPE"); ok {
		t.Error("os.setenv changed the program's environment")
	}
	out.Reset()
	e.RunString(context.Background(), "env2.lua", `print(os.getenv("NOPE"))`)
	if out.String() != "nil\n" {
		t.Errorf("a second run sees %q", out.String())
	}
}

func TestIOWithPermissions(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "data.txt", "line one\nline two\n12.5 rest\n")
	outFile := filepath.Join(dir, "out", "w.txt")
	os.Mkdir(filepath.Dir(outFile), 0o755)
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out), engine.WithPermissions(host.Permissions{
		Read:  []string{data},
		Write: []string{filepath.Dir(outFile)},
	}))
	_, err := e.RunString(context.Background(), "io.lua", fmt.Sprintf(`
local f = assert(io.open(%[1]q))
print(f:read("*l"), f:read("L"), f:read("*n"), f:read(5), f:read("*a"), f:read("*l"))
f:close()
print(io.type(f), io.type(io.stdout), io.type(42))
for l in io.lines(%[1]q) do io.write("[", l, "]") end
print()
local w = assert(io.open(%[2]q, "w"))
w:write("written ", 1, "\n")
w:close()
print(os.rename(%[2]q, %[2]q .. ".2"))
print(os.remove(%[2]q .. ".2"))
`, data, outFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "line one\tline two\n\t12.5\t rest\t\n\tnil\n" +
		"closed file\tfile\tnil\n" +
		"[line one][line two][12.5 rest]\n" +
		"true\ntrue\n"
	if out.String() != want {
		t.Errorf("output\n%q\nwant\n%q", out.String(), want)
	}
}

func TestParallelRuns(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "mod.lua", `return { n = 0 }`)
	p := writeFile(t, dir, "par.lua", `
local m = require("mod")
local id = ...
m.n = m.n + 1
local t = {}
for i = 1, 200 do t[#t + 1] = tostring(i) end
string.upper = function() return "poisoned" end
print(id, m.n, #table.concat(t, ","))`)
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Run(context.Background(), p, fmt.Sprint(i)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 100 {
		t.Fatalf("%d lines of output", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		// Every run has its own state: the module table starts fresh.
		if len(f) != 3 || f[1] != "1" || f[2] != "691" {
			t.Errorf("line %q", l)
		}
		seen[f[0]] = true
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct runs", len(seen))
	}
}
