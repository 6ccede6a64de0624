package engine_test

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// TestOnNewSurvivesCut: the connection is cut mid-IDLE by a proxy; mail
// delivered meanwhile is handled once, after the reconnection.
func TestOnNewSurvivesCut(t *testing.T) {
	srv := dovecottest.Start(t)
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	e, ch, _ := startRule(t, onNewRule(p.Addr(), "INBOX"))
	waitState(t, e, 1, "idle")
	m := dialAlice(t, srv.Addr())
	for round := range 3 {
		if n := p.CutAll(); n == 0 {
			t.Fatal("no connection to cut")
		}
		uid := appendMsg(t, m, "INBOX", fmt.Sprintf("during cut %d", round), time.Time{})
		if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != uid {
			t.Fatalf("round %d: call %+v, want INBOX:%d", round, c, uid)
		}
		waitState(t, e, 1, "idle")
	}
	if st := p.Stats(); st.Conns < 4 {
		t.Errorf("%d connections through the proxy; want a reconnection per cut", st.Conns)
	}
}

// TestOnNewUIDValidityReset: the mailbox is deleted and created again by
// another client. Mail that arrived after the last message handled is
// new; older mail (copied back with its old date) is not handled again.
func TestOnNewUIDValidityReset(t *testing.T) {
	srv := dovecottest.Start(t)
	m := dialAlice(t, srv.Addr())
	if err := m.CreateMailbox("Lists"); err != nil {
		t.Fatal(err)
	}
	e, ch, _ := startRule(t, onNewRule(srv.Addr(), "Lists"))
	waitState(t, e, 1, "idle")
	handledAt := time.Now().Add(-2 * time.Minute).Truncate(time.Second)
	uid := appendMsg(t, m, "Lists", "handled", handledAt)
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != uid {
		t.Fatalf("call %+v", c)
	}
	before, err := m.MailboxStatus("Lists", "UIDVALIDITY")
	if err != nil {
		t.Fatal(err)
	}
	// Dovecot now and then gives a mailbox made again at once the
	// UIDVALIDITY it had: then make it again.
	for try := 1; ; try++ {
		if err := m.DeleteMailbox("Lists"); err != nil {
			t.Fatal(err)
		}
		if err := m.CreateMailbox("Lists"); err != nil {
			t.Fatal(err)
		}
		after, err := m.MailboxStatus("Lists", "UIDVALIDITY")
		if err != nil {
			t.Fatal(err)
		}
		if *before.UIDValidity != *after.UIDValidity {
			break
		}
		if try == 5 {
			t.Fatal("the server kept the UIDVALIDITY five times; the test proves nothing")
		}
	}
	// The mail comes back from another connection: the one that deleted
	// and made the mailbox again may still hold Dovecot's index of the
	// old one ("Mailbox was deleted under us").
	other := dialAlice(t, srv.Addr())
	appendMsg(t, other, "Lists", "handled again, restored with its date", handledAt)
	appendMsg(t, other, "Lists", "older", handledAt.Add(-time.Hour))
	fresh := appendMsg(t, other, "Lists", "arrived during the reset", time.Time{})
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != fresh {
		t.Fatalf("after the reset: call %+v, want only the fresh message %d", c, fresh)
	}
	// And the mailbox goes on normally (a new connection: Dovecot's
	// index of the old one may not follow the quick delete and create).
	waitState(t, e, 1, "idle")
	next := appendMsg(t, dialAlice(t, srv.Addr()), "Lists", "next", time.Time{})
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != next {
		t.Fatalf("call %+v, want %d", c, next)
	}
}

// TestOnNewBadCredentials: a refused login waits long and says so.
func TestOnNewBadCredentials(t *testing.T) {
	srv := dovecottest.Start(t)
	var logs lockedLog
	src := strings.Replace(onNewRule(srv.Addr(), "INBOX"), `password = "secret"`, `password = "wrong"`, 1)
	e, _, _ := startRule(t, src, engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	waitState(t, e, 1, "login refused")
	st := e.Status()[0].Triggers[0].State
	if !strings.Contains(st, "check the credentials") || !strings.Contains(st, "retrying in") {
		t.Errorf("state %q", st)
	}
	if !strings.Contains(logs.String(), "login refused; waiting long") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestOnNewPolling: without IDLE the mailbox is polled with STATUS.
func TestOnNewPolling(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithConfig("imap_capability = IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS MOVE CONDSTORE\n"))
	e, ch, _ := startRule(t, onNewRule(srv.Addr(), "INBOX"))
	waitState(t, e, 1, "polling every 1s")
	m := dialAlice(t, srv.Addr())
	uid := appendMsg(t, m, "INBOX", "polled", time.Time{})
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != uid {
		t.Fatalf("call %+v", c)
	}
}

// TestOnChange: flag changes and expunges by another client are
// reported; new messages are not.
func TestOnChange(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []dovecottest.Option
	}{
		{"condstore", nil},
		{"without condstore", []dovecottest.Option{dovecottest.WithConfig("imap_capability = IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS MOVE IDLE\n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := dovecottest.Start(t, tc.opts...)
			srv.Seed(t, "alice", "INBOX", []dovecottest.Message{
				{Raw: []byte("Subject: a\r\n\r\nx\r\n")}, {Raw: []byte("Subject: b\r\n\r\nx\r\n")}, {Raw: []byte("Subject: c\r\n\r\nx\r\n")},
			})
			host, port, _ := net.SplitHostPort(srv.Addr())
			e, ch, _ := startRule(t, fmt.Sprintf(`local mail, probe = require("mail"), require("probe")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", password = "secret"}
mail.on_change(acct:mailbox("INBOX"), function(changed, expunged)
  probe.send("changed:" .. table.concat(changed:uids(), ","))
  probe.send("expunged:" .. table.concat(expunged:uids(), ","))
end)`, host, port))
			waitState(t, e, 1, "idle")
			m := dialAlice(t, srv.Addr())
			if _, err := m.SelectMailbox("INBOX", false); err != nil {
				t.Fatal(err)
			}
			appendMsg(t, m, "INBOX", "new is not a change", time.Time{})
			if _, _, err := m.UID("STORE", "2", "+FLAGS", `(\Flagged)`); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for len(got) < 2 || got["changed"] == "" {
				c := nextCall(t, ch)
				got[c.mbox] = fmt.Sprint(c.uids)
				if got["changed"] == "[]" {
					delete(got, "changed") // the append alone may wake it up
				}
			}
			if got["changed"] != "[2]" || got["expunged"] != "[]" {
				t.Fatalf("after STORE: %v", got)
			}
			waitState(t, e, 1, "idle")
			if _, _, err := m.UID("STORE", "3", "+FLAGS", `(\Deleted)`); err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.Expunge(); err != nil {
				t.Fatal(err)
			}
			for {
				c := nextCall(t, ch)
				if c.mbox == "expunged" && len(c.uids) > 0 {
					if fmt.Sprint(c.uids) != "[3]" {
						t.Fatalf("expunged %v", c.uids)
					}
					break
				}
			}
		})
	}
}

// TestNewSinceAck: mbox:new_since(key) returns the messages after the
// last set:ack(key), across runs of the rule.
func TestNewSinceAck(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, "alice", "INBOX", []dovecottest.Message{{Raw: []byte("Subject: a\r\n\r\nx\r\n")}, {Raw: []byte("Subject: b\r\n\r\nx\r\n")}})
	host, port, _ := net.SplitHostPort(srv.Addr())
	rule := writeFile(t, t.TempDir(), "batch.lua", fmt.Sprintf(`local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", password = "secret"}
local new = acct:mailbox("INBOX"):new_since("batch")
print(table.concat(new:uids(), ","))
new:ack("batch")
`, host, port))
	stateDir := t.TempDir()
	run := func() string {
		var out strings.Builder
		e := engine.New(engine.WithStateDir(stateDir), engine.WithStdout(&out))
		if _, err := e.Run(t.Context(), rule); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out.String())
	}
	if got := run(); got != "1,2" {
		t.Fatalf("first run: %q", got)
	}
	if got := run(); got != "" {
		t.Fatalf("second run: %q", got)
	}
	m := dialAlice(t, srv.Addr())
	uid := appendMsg(t, m, "INBOX", "c", time.Time{})
	if got := run(); got != fmt.Sprint(uid) {
		t.Fatalf("third run: %q, want %d", got, uid)
	}
}
