package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailscript/mailscript/engine"
	lua "github.com/yuin/gopher-lua"
)

func ExampleEngine_RunString() {
	e := engine.New(engine.WithStdout(os.Stdout))
	_, err := e.RunString(context.Background(), "hello.lua", `
local who = ... or "world"
print("hello, " .. who, #arg)`, "mail")
	if err != nil {
		fmt.Println(err)
	}
	// Output: hello, mail	1
}

// Scripts see the Go values and modules their host hands them.
func ExampleWithGlobal() {
	type account struct{ User, Server string }
	e := engine.New(
		engine.WithStdout(os.Stdout),
		engine.WithGlobal("account", &account{User: "bob", Server: "imap.example.org"}),
		engine.WithModule("greeting", func(L *lua.LState) int {
			L.Push(lua.LString("good morning"))
			return 1
		}),
	)
	e.RunString(context.Background(), "host.lua", `print(require("greeting") .. ", " .. account.User .. "@" .. account.Server)`)
	// Output: good morning, bob@imap.example.org
}

// A failing script's error says where it failed, and carries the traceback.
func ExampleScriptError() {
	e := engine.New()
	_, err := e.RunString(context.Background(), "rule.lua", `
local function check(n)
  if n > 1 then error("too many: " .. n) end
end
check(3)`)
	var se *engine.ScriptError
	if errors.As(err, &se) {
		fmt.Printf("%s line %d: %s\n", se.File, se.Line, se.Message)
		fmt.Println(strings.Contains(se.Traceback, "rule.lua:5: in main chunk"))
	}
	// Output:
	// rule.lua line 3: too many: 3
	// true
}

// The sandbox refuses what the host did not grant, naming the permission.
func ExampleWithPermissions() {
	e := engine.New()
	_, err := e.RunString(context.Background(), "rule.lua", `os.execute("rm -rf /")`)
	fmt.Println(err)
	// Output: engine: rule.lua:1: permission denied: running "rm -rf /" needs --allow-run
}

func ExampleEngine_Watch() {
	dir, _ := os.MkdirTemp("", "rules")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "hello.lua"), []byte(`print("hello from a rule")`), 0o644)

	ctx, stop := context.WithCancel(context.Background())
	e := engine.New(engine.WithCapture())
	e.Watch(ctx, dir, engine.WithOnResult(func(r *engine.Result) {
		fmt.Printf("%s: %s", filepath.Base(r.File), r.Output)
		stop() // a daemon would keep watching
	}))
	// Output: hello.lua: hello from a rule
}
