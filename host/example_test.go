package host_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
)

// A module of the embedding program asks the run's host before it writes
// a file, as mailscript's own modules do, so that the permissions the
// user gave the run hold for it too. The engine attaches a Host to every
// run's state; here it is done by hand, as in a module's own tests.
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
	path := filepath.Join(dir, "todo.txt")

	for _, perms := range []host.Permissions{{}, {Write: []string{dir}}} {
		L := lua.NewState()
		host.Set(L, &host.Host{Perms: perms})
		L.PreloadModule("notes", notes)
		L.SetGlobal("path", lua.LString(path))
		err := L.DoString(`require("notes").save(path, "call the bank")`)
		L.Close()
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			fmt.Println(strings.ReplaceAll(ae.Object.String(), dir, "DIR")) // the message, without the traceback
			continue
		}
		b, _ := os.ReadFile(path)
		fmt.Printf("DIR/todo.txt holds %q\n", b)
	}
	// Output:
	// <string>:1: permission denied: writing "DIR/todo.txt" needs --allow-write
	// DIR/todo.txt holds "call the bank"
}
