package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestErrorClassesDovecot runs a script that tells, by class, a refused
// login from a dropped connection (doveadm kick between two commands) from a
// missing mailbox from a bad argument, against Dovecot. Each check prints
// the class of the error the script caught; the test compares the lines.
func TestErrorClassesDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	good := accountURL(srv, srv.Addr(), "alice", "")
	bad := strings.Replace(good, srv.Users["alice"], "wrong-password", 1)
	// kick drops alice's sessions and waits until Dovecot has none left.
	kick := func(L *lua.LState) int {
		deadline := time.Now().Add(10 * time.Second)
		for {
			if err := srv.Kick("alice"); err != nil {
				L.RaiseError("kick: %v", err)
			}
			out, err := srv.Doveadm("who", "-1", "alice")
			if err != nil {
				L.RaiseError("who: %v", err)
			}
			if !strings.Contains(out, "alice") {
				return 0
			}
			if time.Now().After(deadline) {
				L.RaiseError("alice still has sessions: %s", out)
			}
			// Polling a process table has no event to wait on.
			time.Sleep(20 * time.Millisecond)
		}
	}
	env := map[string]string{"GOOD": good, "BAD": bad}
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithModule("testctl", func(L *lua.LState) int {
			L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{"kick": kick}))
			return 1
		}),
	)
	res, err := e.RunString(context.Background(), "classes.lua", `
local mail = require("mail")
local testctl = require("testctl")
local classes = {"LoginError", "ConnectionError", "NoSuchMailbox", "ArgumentError", "PermissionError"}
local function class(f)
  local ok, e = pcall(f)
  if ok then return "no error" end
  local found = {}
  for _, c in ipairs(classes) do
    if mail[c]:is(e) then found[#found + 1] = c end
  end
  assert(mail.Error:is(e), "not a mail.Error: " .. tostring(e))
  assert(e.message == tostring(e))
  return table.concat(found, ",") .. " " .. e.name
end

local refused = mail.account(os.getenv("BAD"))
print("refused login:", class(function() refused:mailbox("INBOX"):all() end))

local acct = mail.account(os.getenv("GOOD"))
print("first search:", class(function() acct:mailbox("INBOX"):all() end))
testctl.kick()
print("dropped connection:", class(function() acct:mailbox("INBOX"):all() end))

print("missing mailbox:", class(function() acct:mailbox("No/Such/Box"):all() end))
print("bad argument:", class(function() acct:mailbox("INBOX"):search{form = "x"} end))
`)
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, res.Output)
	}
	want := strings.Join([]string{
		"refused login:\tLoginError LoginError",
		"first search:\tno error",
		"dropped connection:\tConnectionError ConnectionError",
		"missing mailbox:\tNoSuchMailbox NoSuchMailbox",
		"bad argument:\tArgumentError ArgumentError",
	}, "\n") + "\n"
	if got := string(res.Output); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
