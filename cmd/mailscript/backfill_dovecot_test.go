package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// backfillRule records in its state how often it saw each message, and
// stops the whole run abruptly (os.exit) at the KILL_AT-th message.
const backfillRule = `
local mail = require("mail")
local state = require("state")
local inbox = mail.account():mailbox("INBOX")
local kill_at = tonumber(os.getenv("KILL_AT") or "")
local seen = 0
local n = inbox:backfill("tag", {batch = 400}, function(set)
  for msg in set:messages() do
    assert(msg.subject ~= nil)
    local k = "seen " .. msg.uid
    state.set(k, (state.get(k) or 0) + 1)
    seen = seen + 1
    if seen == kill_at then os.exit(3) end
  end
end)
print("handled", n)
`

// TestBackfillKilled runs a backfill over 10,000 messages on Dovecot,
// stops it abruptly twice at random messages, and runs it to the end:
// the rule's own record says every message was handled exactly once, and
// a further run handles nothing.
func TestBackfillKilled(t *testing.T) {
	requireMail(t)
	srv := dovecottest.Start(t)
	msgs, err := mailgen.Generate(mailgen.Options{Seed: 20, Count: 10000, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	seed := make([]dovecottest.Message, len(msgs))
	for i, m := range msgs {
		seed[i] = dovecottest.Message{Raw: m.Raw, Flags: m.Flags, Date: m.Date}
	}
	srv.Seed(t, srv.User, "INBOX", seed)
	u := url.URL{Scheme: "imap", User: url.UserPassword(srv.User, srv.Password), Host: srv.Addr(), RawQuery: "tls=none"}
	t.Setenv("MAILSCRIPT_ACCOUNT", u.String())
	dir := t.TempDir()
	rule := filepath.Join(dir, "backfill.lua")
	os.WriteFile(rule, []byte(backfillRule), 0o644)
	state := t.TempDir()

	seed1 := rand.Uint64()
	t.Logf("random seed %d", seed1)
	r := rand.New(rand.NewPCG(seed1, 1))
	for _, killAt := range []int{1 + r.IntN(4000), 1 + r.IntN(4000)} {
		t.Setenv("KILL_AT", strconv.Itoa(killAt))
		_, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "run", rule)
		if exitCode(err) != 3 {
			t.Fatalf("the run killed at message %d ended with %v\n%s", killAt, err, stderr)
		}
	}
	t.Setenv("KILL_AT", "")
	out, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "run", rule)
	if err != nil {
		t.Fatalf("last run: %v\n%s", err, stderr)
	}
	counts := stateCounts(t, state, rule, "seen ")
	if len(counts) != 10000 {
		t.Errorf("the rule saw %d messages, want 10000", len(counts))
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("UID %s handled %d times", k, n)
		}
	}
	if !strings.HasPrefix(out, "handled\t") {
		t.Errorf("output %q", out)
	}
	out, _, err = runCLI(t, context.Background(), "--state-dir", state, "run", rule)
	if err != nil || out != "handled\t0\n" {
		t.Errorf("a run after the end: %q %v", out, err)
	}
}

// stateCounts reads the counts a rule kept in its state file under keys
// "PREFIX NAME" (such as "seen 17" or "read Hello"), by NAME.
func stateCounts(t *testing.T, dir, rule, prefix string) map[string]int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, strings.TrimSuffix(filepath.Base(rule), ".lua")+"-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files of %s: %q", rule, files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Values map[string]json.RawMessage `json:"values"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for k, v := range f.Values {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			n, _ := strconv.Atoi(string(v))
			out[name] = n
		}
	}
	return out
}
