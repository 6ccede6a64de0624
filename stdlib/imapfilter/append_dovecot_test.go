package imapfilter_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestMoveToAnotherAccountDovecot moves messages to another account on a
// server with MULTIAPPEND. Within the destination's quota they all arrive,
// with their flags, in one command; beyond it the server refuses the
// batch, so nothing arrives, move_messages answers false, and the source
// keeps every message, none flagged \Deleted.
func TestMoveToAnotherAccountDovecot(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithQuota("*:messages=100"))
	splitCorpus(t, srv, 120)
	_, port, _ := strings.Cut(srv.Addr(), ":")
	other := fmt.Sprintf("other = IMAP { server = '127.0.0.1', port = %s, username = '%s', password = '%s' }\n",
		port, dovecottest.SecondUser, dovecottest.SecondPassword)

	out, log := runLuaLogged(t, splitAccount(srv)+other+`
local some = acct.INBOX:select_all() - acct.INBOX:select_all():is_larger(0):is_seen()
print(#some, some:move_messages(other['Archive']))
`)
	moved := 0
	if _, err := fmt.Sscanf(lastLine(out), "%d\ttrue", &moved); err != nil || moved == 0 {
		t.Fatalf("printed %q (%v)\n%s", out, err, log)
	}
	if n := strings.Count(log, `msg="imapfilter: append"`); n != 1 {
		t.Errorf("%d appends logged, want one for the batch:\n%s", n, log)
	}
	m := dialUser(t, srv, dovecottest.SecondUser, dovecottest.SecondPassword)
	info, err := m.SelectMailbox("Archive", true)
	if err != nil || int(info.Exists) != moved {
		t.Fatalf("Archive of %s: %+v %v, want %d messages", dovecottest.SecondUser, info, err, moved)
	}
	if seen, err := m.UIDSearch("SEEN"); err != nil || !seen.IsEmpty() {
		t.Errorf("unseen messages arrived seen: %s %v", seen, err)
	}

	// Beyond the quota (100 messages): the batch of the rest is refused.
	out, log = runLuaLogged(t, splitAccount(srv)+other+`
local rest = acct.INBOX:select_all()
print(#rest, rest:move_messages(other['Archive']))
`)
	if want := fmt.Sprintf("%d\tfalse", 120-moved); lastLine(out) != want {
		t.Fatalf("printed %q, want %q\n%s", out, want, log)
	}
	if !strings.Contains(log, "imapfilter: append failed") {
		t.Errorf("the refusal is not logged:\n%s", log)
	}
	if info, err := m.SelectMailbox("Archive", true); err != nil || int(info.Exists) != moved {
		t.Errorf("Archive after the refused batch: %+v %v, want %d messages", info, err, moved)
	}
	a := dialUser(t, srv, dovecottest.DefaultUser, dovecottest.DefaultPassword)
	if info, err := a.SelectMailbox("INBOX", true); err != nil || int(info.Exists) != 120-moved {
		t.Fatalf("INBOX: %+v %v, want %d messages", info, err, 120-moved)
	}
	if deleted, err := a.UIDSearch("DELETED"); err != nil || !deleted.IsEmpty() {
		t.Errorf("the source was flagged \\Deleted: %s %v", deleted, err)
	}
}

// lastLine is the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// dialUser logs in to srv as user.
func dialUser(t *testing.T, srv *dovecottest.Server, user, password string) *imaplib.IMAP4 {
	t.Helper()
	_, port, _ := strings.Cut(srv.Addr(), ":")
	return loginAt(t, port, user, password)
}

// TestAppendDateAsWrittenDovecot: append_message sends its date as
// written, as imapfilter does, and the server judges it. Dovecot takes a
// leap second as the second before and a zone "UTC" as +0000, and
// refuses a date that is none; a date that cannot go between quotes is
// refused without being sent.
func TestAppendDateAsWrittenDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	out, log := runLuaLogged(t, splitAccount(srv)+`
options.info = false
local msg = 'From: a@example.org\r\nSubject: dated\r\n\r\nbody\r\n'
local box = acct['dated']
print(box:append_message(msg, nil, '30-Jun-2015 23:59:60 +0000'),
      box:append_message(msg, nil, ' 5-Mar-2025 12:00:00 UTC'),
      box:append_message(msg, nil, 'yesterday'),
      box:append_message(msg, nil, '05-Mar-2025 "12:00:00" +0000'))
local dates = {}
for _, d in pairs(box:fetch_date(box:select_all())) do table.insert(dates, d) end
table.sort(dates)
print(table.concat(dates, ' | '))
`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] != "true\ttrue\tfalse\tfalse" {
		t.Fatalf("printed %q\n%s", out, log)
	}
	// The server gives the dates in its own zone.
	var got []string
	for _, d := range strings.Split(lines[1], " | ") {
		at, err := time.Parse("02-Jan-2006 15:04:05 -0700", d)
		if err != nil {
			t.Fatalf("date %q: %v", d, err)
		}
		got = append(got, at.UTC().Format(time.RFC3339))
	}
	slices.Sort(got)
	if want := []string{"2015-06-30T23:59:59Z", "2025-03-05T12:00:00Z"}; !slices.Equal(got, want) {
		t.Errorf("internal dates %v, want %v", got, want)
	}
}
