package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// TestErrorClassesDovecot runs a script that tells, by class, a refused
// login from a dropped connection (one that drops at every attempt, so the
// module's retry cannot heal it) from a
// missing mailbox from a bad argument, against Dovecot. Each check prints
// the class of the error the script caught; the test compares the lines.
func TestErrorClassesDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	good := accountURL(srv, srv.Addr(), "alice", "")
	bad := strings.Replace(good, srv.Users["alice"], "wrong-password", 1)
	// A connection that drops at its first search, every time: the
	// module's one transparent retry cannot heal it, so the script sees
	// the failure.
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Add(faultproxy.Rule{Command: "UID SEARCH", When: faultproxy.BeforeCommand, Action: faultproxy.Cut})
	cut := accountURL(srv, p.Addr(), "alice", "")
	env := map[string]string{"GOOD": good, "BAD": bad, "CUT": cut}
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
	)
	res, err := e.RunString(context.Background(), "classes.lua", `
local mail = require("mail")
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
local dropping = mail.account(os.getenv("CUT"))
print("dropped connection:", class(function() dropping:mailbox("INBOX"):all() end))

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
