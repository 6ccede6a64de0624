package mail_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// TestHandledMeansHandled: a callback that ends on a connection failure
// gets its messages again after the trigger reconnected; one that fails
// because of the script does not.
func TestHandledMeansHandled(t *testing.T) {
	for _, sv := range watchServers {
		t.Run(sv.name, func(t *testing.T) {
			t.Run("connection failure", func(t *testing.T) {
				ws := sv.start(t)
				const rule = `local mail = require("mail")
local box = mail.account(os.getenv("ACCOUNT")):mailbox(os.getenv("MBOX"))
mail.on_new(box, function(new)
  print("called")
  for msg in new:messages() do print("subject: " .. msg.subject) end
end)
`
				r := startWatch(t, ws, "INBOX", t.TempDir(), map[string]string{"read.lua": rule})
				// Every connection's fetch of envelopes is cut: the callback's
				// and the one its retry opens, so the callback fails.
				f := ws.proxy.Add(faultproxy.Rule{Name: "fetch", Match: regexp.MustCompile(`ENVELOPE`), When: faultproxy.BeforeCommand, Action: faultproxy.Cut})
				ws.deliver(t, "INBOX", "cut twice")
				timeout := time.After(30 * time.Second)
				for f.Count() < 2 {
					select {
					case <-ws.proxy.Events():
					case <-timeout:
						t.Fatalf("the fetch was cut %d times", f.Count())
					}
				}
				f.Release()
				out := r.out.wait(t, "the message read", func(s string) bool { return strings.Contains(s, "subject: cut twice\n") })
				if n := strings.Count(out, "called\n"); n < 2 {
					t.Errorf("the callback was called %d times; want it called again after the failure\n%s", n, out)
				}
				r.expectOnce(t, ws, "INBOX", []string{"cut twice"}, false)
				if log := r.logs.String(); !strings.Contains(log, "ended on a connection failure") {
					t.Errorf("the log does not say why the messages come again:\n%s", log)
				}
			})
			t.Run("script error", func(t *testing.T) {
				ws := sv.start(t)
				const rule = `local mail = require("mail")
local box = mail.account(os.getenv("ACCOUNT")):mailbox(os.getenv("MBOX"))
local n = 0
mail.on_new(box, function(new)
  n = n + 1
  for msg in new:messages() do print("subject: " .. msg.subject) end
  if n == 1 then error("a mistake of the script") end
end)
`
				r := startWatch(t, ws, "INBOX", t.TempDir(), map[string]string{"fail.lua": rule})
				ws.deliver(t, "INBOX", "first")
				r.out.wait(t, "the first message", func(s string) bool { return strings.Contains(s, "subject: first\n") })
				r.expectOnce(t, ws, "INBOX", []string{"first"}, false)
				if log := r.logs.String(); !strings.Contains(log, "a mistake of the script") {
					t.Errorf("the script's error is not logged:\n%s", log)
				}
			})
		})
	}
}
