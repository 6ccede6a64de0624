package main

import (
	"fmt"
	"net"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// crashRule counts what its on_new callback reads in its state, and
// stays in the callback (until it is killed) after reading the message
// whose subject is in CRASH_AT.
func crashRule(srv *dovecottest.Server) string {
	h, p, _ := net.SplitHostPort(srv.Addr())
	return fmt.Sprintf(`local mail, state = require("mail"), require("state")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", password = %q}
mail.on_new(acct:mailbox("INBOX"), function(set)
  for msg in set:messages() do
    local k = "read " .. msg.subject
    state.set(k, (state.get(k) or 0) + 1)
    print("read alice: " .. msg.subject)
    if msg.subject == os.getenv("CRASH_AT") then
      local t = os.time()
      while os.time() < t + 60 do end
    end
  end
end)
`, h, p, srv.Users["alice"])
}

// TestWatchKilledInCallback kills "mailscript watch" with SIGKILL while
// an on_new callback is running, after it recorded in the rule's state
// that it read a message: the started-again watch hands that message to
// the callback again (it was not handled), and the rule's record says it
// was read once, because the callback's records and the trigger's
// progress are written together.
func TestWatchKilledInCallback(t *testing.T) {
	srv := dovecottest.Start(t)
	bin := buildMailscript(t)
	state, rules := t.TempDir(), t.TempDir()
	writeFile(t, rules, "alice.lua", crashRule(srv))
	args := []string{"--state-dir", state, "--log-format=text", "watch", rules}

	w := startWatchProcEnv(t, bin, []string{"CRASH_AT=two"}, args...)
	binStatus(t, bin, state, "on_new INBOX (alice@127.0.0.1): idle")
	deliverTo(t, srv, "alice", "one")
	waitFor(t, &w.out, "read alice: one")
	deliverTo(t, srv, "alice", "two")
	waitFor(t, &w.out, "read alice: two")
	w.kill9() // inside the callback, after state.set

	w = startWatchProc(t, bin, args...)
	waitFor(t, &w.out, "read alice: two")
	deliverTo(t, srv, "alice", "three")
	waitFor(t, &w.out, "read alice: three")
	if err := w.stop(t); err != nil {
		t.Fatalf("watch: %v\n%s", err, w.err.String())
	}
	got := stateCounts(t, state, "alice.lua", "read ")
	for _, s := range []string{"one", "two", "three"} {
		if got[s] != 1 {
			t.Errorf("%q read %d times by the rule's record, want once (all: %v)", s, got[s], got)
		}
	}
}
