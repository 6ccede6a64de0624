package mail_test

import (
	"errors"
	"testing"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// TestMailboxReplacedUnderConnection: an account's connection selected a
// mailbox that was then deleted and created again by another client. A set
// of the new mailbox (as a trigger hands out) is acted on through a new
// connection, not the one that knew the old mailbox (Dovecot may show
// such a session a view of the new mailbox that never grows), and counts
// what the server confirmed; a set of the old mailbox is a clear error.
func TestMailboxReplacedUnderConnection(t *testing.T) {
	for _, sv := range watchServers {
		t.Run(sv.name, func(t *testing.T) {
			ws := sv.start(t)
			ws.create(t, "Lists")
			ws.deliver(t, "Lists", "old")
			cfg, err := mail.ParseURL(ws.url(ws.proxy.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			a, err := mail.NewAccount(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			box := a.Mailbox("Lists")
			old, err := box.All()
			if err != nil || old.Len() != 1 {
				t.Fatalf("before: %v %v", old, err)
			}
			v := ws.recreate(t, "Lists")
			ws.deliver(t, "Lists", "new 1")
			ws.deliver(t, "Lists", "new 2")
			logins := a.Logins

			n, err := mail.NewSet(box, v, imaplib.SeqSetOf(1, 2)).Store("flag", imaplib.AddFlags, []string{`\Flagged`})
			if err != nil || n != 2 {
				t.Fatalf("flag the new mailbox's messages: %d, %v", n, err)
			}
			if a.Logins != logins+1 {
				t.Errorf("logins %d, want %d: the mailbox was not selected on a new connection", a.Logins, logins+1)
			}
			m := ws.dial(t)
			defer m.Logout()
			if _, err := m.SelectMailbox("Lists", true); err != nil {
				t.Fatal(err)
			}
			flagged, err := m.UIDSearch("FLAGGED")
			if err != nil || flagged.String() != "1:2" {
				t.Errorf("flagged on the server: %q, %v; want 1:2", flagged.String(), err)
			}
			if _, err := old.Store("flag", imaplib.AddFlags, []string{`\Flagged`}); !errors.Is(err, mail.ErrUIDValidity) {
				t.Errorf("flag a set of the old mailbox: %v, want ErrUIDValidity", err)
			}
		})
	}
}
