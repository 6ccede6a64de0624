package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
)

// TestSandboxEscapes tries the ways out of the sandbox a script has and
// checks each is refused with an error naming what would allow it, and
// that nothing happened.
func TestSandboxEscapes(t *testing.T) {
	scripts := t.TempDir()
	outside := t.TempDir()
	secret := writeFile(t, outside, "secret.lua", `return "the secret"`)
	writeFile(t, outside, "secret.txt", "the secret")
	marker := filepath.Join(outside, "marker")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(scripts, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(scripts, "sub")); err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { return fmt.Sprintf("%q", s) }

	tests := []struct {
		name string
		src  string
		want string // in the error message
		perm bool   // a *host.PermissionError is the cause
	}{
		{"os.execute", `os.execute("touch ` + marker + `")`, "needs --allow-run", true},
		{"io.popen", `io.popen("touch ` + marker + `")`, "needs --allow-run", true},
		{"io.popen write", `io.popen("cat > ` + marker + `", "w")`, "needs --allow-run", true},
		{"package.loadlib", `package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")`, "loading native code is not allowed", false},
		{"io.open outside", `io.open(` + q(filepath.Join(outside, "secret.txt")) + `)`, "needs --allow-read", true},
		{"io.open write", `io.open(` + q(marker) + `, "w")`, "needs --allow-write", true},
		{"io.open append own folder", `io.open(` + q(filepath.Join(scripts, "x.lua")) + `, "a")`, "needs --allow-write", true},
		{"io.open r+ own folder", `io.open(` + q(filepath.Join(scripts, "main.lua")) + `, "r+")`, "needs --allow-write", true},
		{"io.lines outside", `for l in io.lines(` + q(filepath.Join(outside, "secret.txt")) + `) do end`, "needs --allow-read", true},
		{"io.input outside", `io.input(` + q(filepath.Join(outside, "secret.txt")) + `)`, "needs --allow-read", true},
		{"io.output", `io.output(` + q(marker) + `)`, "needs --allow-write", true},
		{"io.tmpfile", `io.tmpfile()`, "needs --allow-write", true},
		{"symlink out of own folder", `io.open(` + q(filepath.Join(scripts, "link.txt")) + `)`, "needs --allow-read", true},
		{"dofile", `dofile(` + q(secret) + `)`, "needs --allow-read", true},
		{"loadfile", `loadfile(` + q(secret) + `)`, "needs --allow-read", true},
		{"require through a symlinked folder", `require("sub.secret")`, "needs --allow-read", true},
		{"require via package.path", `package.path = ` + q(filepath.Join(outside, "?.lua")) + ` require("secret")`, "needs --allow-read", true},
		{"os.remove", `os.remove(` + q(filepath.Join(outside, "secret.txt")) + `)`, "needs --allow-write", true},
		{"os.rename", `os.rename(` + q(filepath.Join(outside, "secret.txt")) + `, ` + q(marker) + `)`, "needs --allow-write", true},
		{"os.tmpname", `os.tmpname()`, "needs --allow-write", true},
		{"binary chunk via load", `local once
local f, err = load(function() if once then return nil end once = true return "\27LuaQ\0\1\4\8\4\8\0" end)
if f then f() end
error("binary chunk refused: " .. tostring(err))`, "binary chunk refused", false},
		{"binary chunk via loadstring", `local f, err = loadstring("\27LuaQ\0\1\4\8\4\8\0")
if f then f() end
error("binary chunk refused: " .. tostring(err))`, "binary chunk refused", false},
		{"string.dump", `string.dump(print)`, "attempt to call a non-function object", false},
		{"debug.getregistry", `debug.getregistry()`, "attempt to call a non-function object", false},
		{"debug.getinfo", `debug.getinfo(1)`, "attempt to call a non-function object", false},
		{"debug.sethook", `debug.sethook(print, "l")`, "attempt to call a non-function object", false},
		{"debug.getupvalue", `debug.getupvalue(print, 1)`, "attempt to call a non-function object", false},
		{"require debug", `require("debug").getlocal(1, 1)`, "attempt to call a non-function object", false},
		{"channel library", `channel.make()`, "attempt to index a non-table object", false},
		{"_printregs", `_printregs()`, "attempt to call a non-function object", false},
		{"pcall hides nothing", `local ok = pcall(os.execute, "touch ` + marker + `") assert(ok, "refused")`, "refused", false},
	}
	main := writeFile(t, scripts, "main.lua", "")
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, scripts, "main.lua", tt.src)
			_, err := e.Run(context.Background(), main)
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if got := errors.Is(err, host.ErrPermission); got != tt.perm {
				t.Errorf("errors.Is(err, host.ErrPermission) = %v", got)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Errorf("the script reached outside: %s exists", marker)
				os.Remove(marker)
			}
			if b, err := os.ReadFile(filepath.Join(outside, "secret.txt")); err != nil || string(b) != "the secret" {
				t.Errorf("secret.txt changed: %q %v", b, err)
			}
		})
	}
}

// TestSandboxAllows checks what a script may do without permissions, and
// what the permissions grant.
func TestSandboxAllows(t *testing.T) {
	scripts := t.TempDir()
	outside := t.TempDir()
	writeFile(t, scripts, "own.txt", "own data")
	writeFile(t, scripts, "mod.lua", `return "module"`)
	writeFile(t, outside, "other.txt", "other data")
	q := func(s string) string { return fmt.Sprintf("%q", s) }

	tests := []struct {
		name  string
		perms host.Permissions
		src   string
		want  string
	}{
		{"read own folder", host.Permissions{}, `print(io.open(` + q(filepath.Join(scripts, "own.txt")) + `):read("*a"))`, "own data\n"},
		{"dofile own folder", host.Permissions{}, `print(dofile(` + q(filepath.Join(scripts, "mod.lua")) + `))`, "module\n"},
		{"clock and time", host.Permissions{}, `print(type(os.time()), type(os.clock()), type(os.date("%Y")))`, "number\tnumber\tstring\n"},
		{"read granted path", host.Permissions{Read: []string{outside}}, `print(io.open(` + q(filepath.Join(outside, "other.txt")) + `):read("*a"))`, "other data\n"},
		{"read all", host.Permissions{ReadAll: true}, `print(io.open(` + q(filepath.Join(outside, "other.txt")) + `):read("*a"))`, "other data\n"},
		{"execute", host.Permissions{Run: true}, `print(os.execute("echo from-sh; exit 3"))`, "from-sh\n3\n"},
		{"popen", host.Permissions{Run: true}, `local p = io.popen("echo piped") print(p:read("*l"), p:close())`, "piped\ttrue\texit\t0\n"},
		{"tmpfile", host.Permissions{WriteAll: true}, `local f = io.tmpfile() f:write("abc") f:seek("set") print(f:read("*a"))`, "abc\n"},
	}
	main := filepath.Join(scripts, "main.lua")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, scripts, "main.lua", tt.src)
			var out bytes.Buffer
			e := engine.New(engine.WithStdout(&out), engine.WithPermissions(tt.perms))
			if _, err := e.Run(context.Background(), main); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("output %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// TestStringMetatableDoesNotLeak checks that what a run does to the
// shared-looking parts of Lua (the string metatable, the string library,
// globals) stays in that run.
func TestStringMetatableDoesNotLeak(t *testing.T) {
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out))
	ctx := context.Background()
	_, err := e.RunString(ctx, "poison.lua", `
local mt = getmetatable("")
mt.__index = function(s, k) return function() return "poisoned" end end
string.upper = function() return "poisoned" end
print(("x"):upper(), ("x"):anything())
_G.print = function() end`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.RunString(ctx, "clean.lua", `print(("x"):upper(), string.upper("y"), ("x").anything)`)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "poisoned\tpoisoned\nX\tY\tnil\n" {
		t.Errorf("output %q", out.String())
	}
}
