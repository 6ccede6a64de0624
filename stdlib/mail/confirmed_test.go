package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// staleRule works through a connection that selected INBOX before mail
// arrived through another connection, and through the one that appended:
// each search finds the new mail and each count is what the server did.
const staleRule = `local mail = require("mail")
local a1 = mail.account(os.getenv("ACCOUNT"))
local a2 = mail.account(os.getenv("ACCOUNT"))
local in1 = a1:mailbox("INBOX")
print("before", #in1:all())
for i = 1, 5 do a2:mailbox("INBOX"):append("Subject: m" .. i .. "\r\n\r\nx\r\n") end
print("new_since", #in1:new_since("k"))
local all = in1:all()
print("found", #all)
for msg in all:messages() do io.write(msg.subject, " ") end
print()
print("flagged", all:flag())
print("copied", all:copy_to(a1:mailbox("Copies")))
in1:append("Subject: mine\r\n\r\nx\r\n")
print("mine", #in1:search{subject = "mine"})
print("moved", in1:all():move_to(a1:mailbox("Archive")))
print("deleted", a1:mailbox("Copies"):all():delete())
print("again", all:flag())
`

const staleWant = "before\t0\nnew_since\t5\nfound\t5\nm1 m2 m3 m4 m5 \nflagged\t5\ncopied\t5\nmine\t1\nmoved\t6\ndeleted\t5\nagain\t0\n"

// runSource runs src once with ACCOUNT set to url and returns its output.
func runSource(t *testing.T, url, src string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	var logs logBuf
	e := engine.New(
		engine.WithStdout(&out),
		engine.WithEnv(func(k string) (string, bool) { return url, k == "ACCOUNT" }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		engine.WithTimeout(2*time.Minute),
	)
	if _, err := e.RunString(context.Background(), "rule.lua", src); err != nil {
		t.Fatalf("rule failed: %v\noutput:\n%s\nlog:\n%s", err, out.String(), logs.String())
	}
	return out.String(), logs.String()
}

// boxState reads, through a connection of its own, how many messages a
// mailbox holds and how many of them are flagged.
func boxState(t *testing.T, addr, pass, mbox string) (n, flagged int) {
	t.Helper()
	m := dialAddr(t, addr, "alice", pass)
	defer m.Logout()
	info, err := m.SelectMailbox(mbox, true)
	if err != nil {
		t.Fatal(err)
	}
	if info.Exists == 0 {
		return 0, 0
	}
	fd, err := m.UIDFetch(imaplib.SeqSetOf(1).Union(rangeAll()), "(UID FLAGS)")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fd {
		n++
		for _, fl := range f.Flags {
			if strings.EqualFold(fl, `\Flagged`) {
				flagged++
			}
		}
	}
	return n, flagged
}

func rangeAll() imaplib.SeqSet {
	var s imaplib.SeqSet
	s.AddRange(1, imaplib.Star)
	return s
}

// TestCountsAreConfirmed: on a server that reports new mail only at NOOP,
// IDLE and SELECT, and on Dovecot, a connection that selected INBOX
// before mail arrived finds it, reads it, and acts on it; each count is
// what the server confirmed, as a second connection sees.
func TestCountsAreConfirmed(t *testing.T) {
	type server struct{ addr, pass string }
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) server
	}{
		{"lazy", func(t *testing.T) server {
			s := memservertest.Start(t, memserver.Options{LazyViews: true})
			return server{s.Addr(), memservertest.Password}
		}},
		{"dovecot", func(t *testing.T) server {
			s := dovecottest.Start(t)
			return server{s.Addr(), s.Users["alice"]}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t)
			url := fmt.Sprintf("imap://alice:%s@%s?tls=none&create=true", s.pass, s.addr)
			out, log := runSource(t, url, staleRule)
			if out != staleWant {
				t.Errorf("output:\n%s\nwant:\n%s\nlog:\n%s", out, staleWant, log)
			}
			for _, w := range []struct {
				mbox       string
				n, flagged int
			}{{"INBOX", 0, 0}, {"Archive", 6, 5}, {"Copies", 0, 0}} {
				if n, f := boxState(t, s.addr, s.pass, w.mbox); n != w.n || f != w.flagged {
					t.Errorf("%s: %d messages, %d flagged; want %d, %d", w.mbox, n, f, w.n, w.flagged)
				}
			}
		})
	}
}
