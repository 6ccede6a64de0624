package mail_test

import (
	"strings"
	"testing"
	"time"
)

// TestSetKeptBetweenCallbacks: a set kept from one callback is read in a
// later one, after the rule's connections were dropped; after the
// mailbox's UIDVALIDITY changed, reading it is a clear error.
func TestSetKeptBetweenCallbacks(t *testing.T) {
	for _, sv := range watchServers {
		t.Run(sv.name, func(t *testing.T) {
			ws := sv.start(t)
			ws.create(t, "Lists")
			const rule = `local mail = require("mail")
local box = mail.account(os.getenv("ACCOUNT")):mailbox(os.getenv("MBOX"))
local kept
mail.on_new(box, function(new)
  if not kept then kept = new; print("kept " .. #new) return end
  local ok, err = pcall(function()
    local n = 0
    for msg in kept:messages() do n = n + 1; print("kept subject: " .. msg.subject) end
    return n
  end)
  print("read kept", ok, err)
end)
`
			r := startWatch(t, ws, "Lists", t.TempDir(), map[string]string{"keep.lua": rule})
			now := time.Now()
			ws.deliverAt(t, "Lists", "one", now.Add(-3*time.Minute))
			r.out.wait(t, "kept", func(s string) bool { return strings.Contains(s, "kept 1\n") })
			ws.kick(t)
			ws.deliverAt(t, "Lists", "two", now.Add(-2*time.Minute))
			out := r.out.wait(t, "read", func(s string) bool { return strings.Contains(s, "read kept") })
			if !strings.Contains(out, "kept subject: one\nread kept\ttrue\t1\n") {
				t.Fatalf("reading the kept set after a reconnection:\n%s\nlog:\n%s", out, r.logs.String())
			}
			ws.recreate(t, "Lists")
			ws.deliverAt(t, "Lists", "three", now)
			out = r.out.wait(t, "read again", func(s string) bool { return strings.Count(s, "read kept") == 2 })
			if !strings.Contains(out, "read kept\tfalse\t") || !strings.Contains(out, "UIDVALIDITY changed since the search") {
				t.Errorf("reading the kept set after a UIDVALIDITY change:\n%s", out)
			}
		})
	}
}
