package host_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
)

// A module of the embedding program asks the run's host before it writes
// a file, as mailscript's own modules do, so that the permissions the
// user gave the run hold for it too.
func Example() {
	dir, _ := os.MkdirTemp("", "notes")
	defer os.RemoveAll(dir)
	notes := func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"save": func(L *lua.LState) int {
				path, text := L.CheckString(1), L.CheckString(2)
				if err := host.Get(L).CheckWrite(path); err != nil {
					L.RaiseError("%v", err)
				}
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					L.RaiseError("notes: %v", err)
				}
				return 0
			},
		}))
		return 1
	}
	rule := `require("notes").save(..., "call the bank")`
	path := filepath.Join(dir, "todo.txt")

	for _, perms := range []host.Permissions{{}, {Write: []string{dir}}} {
		e := engine.New(engine.WithModule("notes", notes), engine.WithPermissions(perms))
		_, err := e.RunString(context.Background(), "rule.lua", rule, path)
		if err != nil {
			fmt.Println(strings.ReplaceAll(err.Error(), dir, "DIR"))
			continue
		}
		b, _ := os.ReadFile(path)
		fmt.Printf("DIR/todo.txt holds %q\n", b)
	}
	// Output:
	// engine: rule.lua:1: permission denied: writing "DIR/todo.txt" needs --allow-write
	// DIR/todo.txt holds "call the bank"
}
