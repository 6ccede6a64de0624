package imaplib

import (
	"strings"
	"testing"
)

// authScript starts a preauthenticated session with the given
// capabilities; body follows, from tag A1.
func authScript(caps, body string) string {
	return "S: * PREAUTH ready\nC: A0 CAPABILITY\nS: * CAPABILITY IMAP4rev1 " + caps + "\nS: A0 OK done\n" + strings.TrimSpace(body)
}

// TestNotifyTranscript: the bytes of NOTIFY SET and NONE, the STATUS
// responses Notifications hands out (mailbox names decoded, those a
// STATUS command did not ask for kept), and the overflow.
func TestNotifyTranscript(t *testing.T) {
	m, tr, err := play(t, authScript("NOTIFY IDLE", `
C: A1 NOTIFY SET STATUS (mailboxes (INBOX "with space" Caf&AOk-) (MessageNew MessageExpunge FlagChange)) (selected NONE)
S: * STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7)
S: * STATUS "with space" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 8)
S: A1 OK done
C: A2 STATUS Caf&AOk- (UIDNEXT)
S: * STATUS INBOX (MESSAGES 3 UIDNEXT 4)
S: * STATUS Caf&AOk- (UIDNEXT 5)
S: A2 OK done
C: A3 NOOP
S: * OK [NOTIFICATIONOVERFLOW] too many
S: A3 OK done
C: A4 NOTIFY NONE
S: A4 OK done`), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = m.NotifySet(true,
		NotifyFilter{Filter: NotifyMailboxes, Mailboxes: []string{"INBOX", "with space", "Café"},
			Events: []string{EventMessageNew, EventMessageExpunge, EventFlagChange}},
		NotifyFilter{Filter: NotifySelected})
	if err != nil {
		t.Fatal(err)
	}
	// The STATUS command's answer is its own; the notification that came
	// with it stays, after those of NOTIFY SET STATUS.
	st, err := m.MailboxStatus("Café", "UIDNEXT")
	if err != nil || st.UIDNext == nil || *st.UIDNext != 5 {
		t.Fatalf("status: %+v %v", st, err)
	}
	got, overflow, err := m.Notifications()
	if err != nil || overflow {
		t.Fatalf("notifications: %v %v", overflow, err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Mailbox)
	}
	if strings.Join(names, "|") != "INBOX|with space|INBOX" || *got[2].UIDNext != 4 {
		t.Fatalf("notifications %q: %+v", names, got)
	}
	if got, _, _ := m.Notifications(); len(got) != 0 {
		t.Fatalf("notifications taken twice: %+v", got)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	if _, overflow, _ := m.Notifications(); !overflow {
		t.Fatal("NOTIFICATIONOVERFLOW not reported")
	}
	if err := m.NotifyNone(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

// TestNotifyRefused: nothing is sent without NOTIFY or with a filter
// that cannot be right.
func TestNotifyRefused(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
		filters    []NotifyFilter
		want       string
	}{
		{"no capability", "IDLE", []NotifyFilter{{Filter: NotifyPersonal, Events: []string{EventMessageNew}}}, "does not support NOTIFY"},
		{"no filter", "NOTIFY", nil, "at least one filter"},
		{"unknown filter", "NOTIFY", []NotifyFilter{{Filter: "everything"}}, "unknown NOTIFY filter"},
		{"mailboxes missing", "NOTIFY", []NotifyFilter{{Filter: NotifySubtree, Events: []string{EventMessageNew}}}, "needs mailboxes"},
		{"mailboxes where none go", "NOTIFY", []NotifyFilter{{Filter: NotifyInboxes, Mailboxes: []string{"x"}}}, "takes no mailboxes"},
		{"event injection", "NOTIFY", []NotifyFilter{{Filter: NotifyPersonal, Events: []string{"MessageNew)\r\nA9 LOGOUT"}}}, "invalid NOTIFY event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, tr, err := play(t, authScript(tc.caps, ""), nil)
			if err != nil {
				t.Fatal(err)
			}
			err = m.NotifySet(false, tc.filters...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NotifySet: %v, want %q", err, tc.want)
			}
			tr.check()
		})
	}
}
