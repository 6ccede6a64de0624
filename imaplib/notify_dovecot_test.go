package imaplib_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// notifyLogin logs in to srv as user "u" (password "pw").
func notifyLogin(t *testing.T, srv *dovecottest.Server) *imaplib.IMAP4 {
	t.Helper()
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login("u", "pw"); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNotifyDovecot: after NOTIFY SET on two mailboxes, a message
// appended to one of them through another connection is reported, during
// IDLE, as a STATUS response naming that mailbox with its new UIDNEXT;
// NOTIFY NONE stops the reports.
func TestNotifyDovecot(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithUser("u", "pw"))
	m := notifyLogin(t, srv)
	if !m.HasCapability("NOTIFY") {
		t.Fatal("the test Dovecot does not advertise NOTIFY")
	}
	other := notifyLogin(t, srv)
	for _, b := range []string{"Work", "Lists/Sub"} {
		if err := other.CreateMailbox(b); err != nil {
			t.Fatal(err)
		}
	}
	filter := imaplib.NotifyFilter{Filter: imaplib.NotifyMailboxes, Mailboxes: []string{"INBOX", "Work", "Lists/Sub"},
		Events: []string{imaplib.EventMessageNew, imaplib.EventMessageExpunge, imaplib.EventFlagChange}}
	if err := m.NotifySet(true, filter); err != nil {
		t.Fatal(err)
	}
	// SET STATUS: one STATUS per mailbox, at once.
	st, overflow, err := m.Notifications()
	if err != nil || overflow {
		t.Fatalf("notifications: %v %v", overflow, err)
	}
	seen := map[string]bool{}
	for _, s := range st {
		seen[s.Mailbox] = true
	}
	if !seen["INBOX"] || !seen["Work"] || !seen["Lists/Sub"] {
		t.Fatalf("NOTIFY SET STATUS reported %v, want the three mailboxes", st)
	}

	for i, box := range []string{"Lists/Sub", "Work"} {
		msg := fmt.Sprintf("From: a@example.org\r\nSubject: %d\r\n\r\nx\r\n", i)
		if _, err := other.AppendMessage(box, nil, time.Time{}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		got := waitNotified(t, m, box)
		if got.UIDNext == nil || *got.UIDNext != 2 {
			t.Fatalf("%s: notified %+v, want UIDNEXT 2", box, got)
		}
	}
	// A STATUS command keeps the notifications about other mailboxes.
	if _, err := other.AppendMessage("INBOX", nil, time.Time{}, []byte("Subject: in\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	waitNotified(t, m, "INBOX")

	if err := m.NotifyNone(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.AppendMessage("Work", nil, time.Time{}, []byte("Subject: late\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if rs, err := m.WaitIdleEvery(ctx, time.Second); err == nil {
		t.Fatalf("after NOTIFY NONE the server still reported %v", rs)
	}
}

// waitNotified idles until a STATUS about box comes and returns it.
func waitNotified(t *testing.T, m *imaplib.IMAP4, box string) imaplib.StatusData {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		st, _, err := m.Notifications()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.Mailbox == box {
				return s
			}
		}
		rs, err := m.WaitIdleEvery(ctx, time.Second)
		if err != nil {
			t.Fatalf("waiting for a STATUS of %s: %v", box, err)
		}
		for _, r := range rs {
			if r.Type != "STATUS" {
				continue
			}
			got, err := imaplib.ParseStatus(r.Data)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range got {
				if name, _ := imaplib.DecodeMailboxName(s.Mailbox); name == box {
					return s
				}
			}
		}
	}
}
