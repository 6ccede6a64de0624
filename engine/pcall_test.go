package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
)

// A script translated from Python keeps its try/except as pcall around a
// helper that counts in the script's locals. gopher-lua's own pcall lost
// those counts after the first caught error (gopher-lua#448): the script
// printed 1 failure however many there were. The run's pcall keeps them.
func TestPcallKeepsScriptLocals(t *testing.T) {
	srv := memservertest.Start(t, memserver.Options{})
	for i := 1; i <= 4; i++ {
		raw := fmt.Sprintf("From: a@example.org\r\nSubject: note %d\r\n\r\nbody\r\n", i)
		if _, err := srv.Append(memservertest.User, "INBOX", []byte(raw), nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	h, p, _ := net.SplitHostPort(srv.Addr())
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out))
	_, err := e.RunString(context.Background(), "try.lua", fmt.Sprintf(`
local imaplib = require("imaplib")
local M = imaplib.IMAP4(%q, %s)
M:login(%q, %q)
M:select("INBOX")
local read, failed = 0, 0
local function subject(set)
    local typ, data = M:fetch(set, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    if typ ~= "OK" then error("fetch " .. set .. ": " .. typ) end
    read = read + 1
    return data[1][2]
end
for _, set in ipairs({ "1", "x", "2", "1:y", "3" }) do
    local ok, err = pcall(subject, set)
    if not ok then failed = failed + 1 end
end
print("read", read, "failed", failed)
M:logout()
`, h, p, memservertest.User, memservertest.Password))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "read\t3\tfailed\t2\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// The line a module reports for an action (the journal's "where") is the
// action's own, inside a protected call too, though the call runs in a
// coroutine of its own.
func TestWhereInsideProtectedCall(t *testing.T) {
	var out bytes.Buffer
	e := engine.New(engine.WithStdout(&out), engine.WithSetup(func(L *lua.LState) error {
		L.SetGlobal("where", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString(host.Get(L).Where()))
			return 1
		}))
		return nil
	}))
	_, err := e.RunString(context.Background(), "where.lua", `print(where())
pcall(function()
    print(where())
end)
local co = coroutine.wrap(function()
    print(where())
end)
co()`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "where.lua:1:\nwhere.lua:3:\nwhere.lua:6:\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
