package mail_test

import (
	"strings"
	"testing"

	"github.com/mailscript/mailscript/imaplib"
)

const changeRule = `local mail = require("mail")
local acct = mail.account(os.getenv("ACCOUNT"))
mail.on_change(acct:mailbox(os.getenv("MBOX")), function(changed, expunged)
  local subjects = {}
  for msg in changed:messages() do subjects[#subjects + 1] = msg.subject end
  print("changed: " .. table.concat(subjects, ",") .. " expunged: " .. #expunged)
end)
`

// TestOnChangeCatchesUp: changes made while the rule was stopped are
// reported when it starts again, from the mod-sequence it recorded.
func TestOnChangeCatchesUp(t *testing.T) {
	ws := dovecotWatch(t)
	ws.deliverMany(t, "INBOX", []string{"a", "b", "c"})
	state := t.TempDir()
	m := ws.dial(t)
	defer m.Logout()
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	store := func(uid uint32, flag string) {
		t.Helper()
		if _, err := m.UIDStore(imaplib.SeqSetOf(uid), imaplib.AddFlags, []string{flag}, true); err != nil {
			t.Fatal(err)
		}
	}

	r := startWatch(t, ws, "INBOX", state, map[string]string{"change.lua": changeRule})
	store(1, `\Flagged`)
	r.out.wait(t, "the change while running", func(s string) bool { return strings.Contains(s, "changed: a expunged: 0\n") })
	r.stop()

	store(2, `\Seen`)
	store(3, `\Deleted`)
	if err := m.UIDExpunge(imaplib.SeqSetOf(3)); err != nil {
		t.Fatal(err)
	}
	r = startWatch(t, ws, "INBOX", state, map[string]string{"change.lua": changeRule})
	out := r.out.wait(t, "the changes while stopped", func(s string) bool { return strings.Contains(s, "changed: ") })
	if out != "changed: b expunged: 1\n" {
		t.Errorf("after the restart: %q\nlog:\n%s", out, r.logs.String())
	}
}
