package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/memserver"
)

// Two shards run the same rule over 8 accounts × 3 mailboxes: each
// mailbox is watched by exactly one of them, the one its account hashes
// to, and a message delivered to each mailbox is handed to one callback,
// once. (Reading the messages in the callback is the business of the
// mail module's tests.)
func TestShardsWatchEachMailboxOnce(t *testing.T) {
	users := map[string]string{}
	var names []string
	for i := range 8 {
		u := fmt.Sprintf("user%d", i)
		users[u] = "pw"
		names = append(names, u)
	}
	srv, err := memserver.New(memserver.Options{Users: users, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	boxes := []string{"INBOX", "Work", "Lists"}
	for _, u := range names {
		for _, b := range boxes[1:] {
			if err := srv.CreateMailbox(u, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	src := fmt.Sprintf(`
local mail = require("mail")
for _, u in ipairs{%q} do
  local acct = mail.account("imap://" .. u .. ":pw@%s?tls=none")
  for _, box in ipairs{"INBOX", "Work", "Lists"} do
    mail.on_new(acct:mailbox(box), function(new)
      print(u .. " " .. box .. " " .. #new)
    end)
  end
end
`, strings.Join(names, `", "`), srv.Addr())
	src = strings.ReplaceAll(src, `\"`, `"`)

	const shards = 2
	owned := make([]int, shards)
	for _, u := range names {
		owned[engine.ShardOf(u+"@127.0.0.1", shards)]++
	}
	for i, n := range owned {
		if n == 0 {
			t.Fatalf("shard %d owns no account: choose other names", i)
		}
	}
	lines := make([]chan string, shards)
	engines := make([]*engine.Engine, shards)
	for i := range shards {
		lines[i] = make(chan string, 100)
		engines[i] = engine.New(engine.WithShard(engine.Shard{Index: i, Count: shards}), engine.WithStdout(lineWriter{lines[i]}),
			// The in-process server sometimes holds an IDLE's continuation
			// and its news when mail arrives as the IDLE starts; the
			// heartbeat and the command deadline get the trigger out.
			engine.WithTuning(host.Tuning{IdleRenew: time.Second, CommandTimeout: 2 * time.Second, BackoffMin: 100 * time.Millisecond}))
		ctx, cancel := context.WithCancel(context.Background())
		done := runAsync(ctx, engines[i], "accounts.lua", src)
		defer func() {
			cancel()
			<-done
		}()
	}
	for i, e := range engines {
		waitState(t, e, owned[i]*len(boxes), "idle")
		n := 0
		for _, r := range e.Status() {
			for _, tr := range r.Triggers {
				n++
				user, _, _ := strings.Cut(tr.Trigger[strings.LastIndex(tr.Trigger, "(")+1:], "@")
				if want := engine.ShardOf(user+"@127.0.0.1", shards); want != i {
					t.Errorf("shard %d watches %s, of shard %d", i, tr.Trigger, want)
				}
			}
		}
		if n != owned[i]*len(boxes) {
			t.Errorf("shard %d has %d triggers, want %d", i, n, owned[i]*len(boxes))
		}
	}

	for _, u := range names {
		for _, b := range boxes {
			raw := fmt.Sprintf("Subject: for-%s-%s\r\n\r\nx\r\n", u, b)
			if _, err := srv.Append(u, b, []byte(raw), nil, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := map[string]int{}
	for len(seen) < len(names)*len(boxes) {
		select {
		case l := <-lines[0]:
			seen[l]++
			checkShard(t, l, 0, shards)
		case l := <-lines[1]:
			seen[l]++
			checkShard(t, l, 1, shards)
		case <-time.After(30 * time.Second):
			t.Fatalf("handled %d of %d: %v", len(seen), len(names)*len(boxes), seen)
		}
	}
	// A callback prints before the trigger counts its messages: read the
	// counts until they are complete (bounded), as a status page would.
	calls := 0
	for deadline := time.Now().Add(10 * time.Second); ; {
		calls = 0
		for _, e := range engines {
			for _, r := range e.Status() {
				for _, tr := range r.Triggers {
					calls += tr.Messages
				}
			}
		}
		if calls >= len(names)*len(boxes) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the status has no event to wait on
	}
	for l, n := range seen {
		if n != 1 {
			t.Errorf("%q handled %d times", l, n)
		}
	}
	if calls != len(names)*len(boxes) {
		t.Errorf("the shards handed %d messages to callbacks, want %d", calls, len(names)*len(boxes))
	}
}

// checkShard checks that the line "USER BOX 1" came from the shard
// of USER.
func checkShard(t *testing.T, line string, shard, shards int) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != 3 || f[2] != "1" {
		t.Errorf("unexpected line %q", line)
		return
	}
	if want := engine.ShardOf(f[0]+"@127.0.0.1", shards); want != shard {
		t.Errorf("%q handled by shard %d, not %d", line, shard, want)
	}
}
