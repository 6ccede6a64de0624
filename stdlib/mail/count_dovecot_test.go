package mail_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

const countRule = `
	local mail = require("mail")
	local acct = mail.account()
	local inbox = acct:mailbox("INBOX")
	inbox:search{header = {["List-Id"] = "news.example.org"}}:move_to("Lists/news")
	local vip = inbox:search{from = "boss@example.com"}
	vip:flag()
	vip:mark_seen()
	local intl = inbox:search{larger = 10000}:match{subject = "[^\\x00-\\x7f]"}
	intl:copy_to("Intl")
	acct:mailbox("Junk"):search{older = "30d"}:delete()
	local algebra = (inbox:search{unseen = true} + inbox:search{flagged = true}) - vip
	algebra:add_keyword("Review")
	print(#algebra)
`

// TestCommandsIndependentOfSize runs the same rule over a mailbox of 300
// and one of 2,400 messages: the commands sent are the same, in the same
// order (every set fits one command line here).
func TestCommandsIndependentOfSize(t *testing.T) {
	var runs [][]string
	var counts []string
	for _, n := range []int{300, 2400} {
		srv := dovecottest.Start(t)
		seed(t, srv, "alice", genMessages(t, 11, n, time.Now()))
		p := startProxy(t, srv.Addr())
		out, _ := runRule(t, srv, p.Addr(), countRule, false)
		runs = append(runs, p.Stats().Log)
		counts = append(counts, strings.TrimSpace(out))
	}
	small, big := strings.Join(runs[0], "\n"), strings.Join(runs[1], "\n")
	if small != big {
		t.Fatalf("commands differ with the mailbox size:\n--- 300 messages:\n%s\n--- 2400 messages:\n%s", small, big)
	}
	if counts[0] == counts[1] {
		t.Fatalf("the rule acted on %s messages both times: the sizes did not matter", counts[0])
	}
	t.Logf("%d commands for %s and %s messages acted on:\n%s", len(runs[0]), counts[0], counts[1], small)
	for _, c := range runs[1] {
		if c == "EXPUNGE" || c == "CLOSE" {
			t.Errorf("the rule sent %s, which removes every deleted message", c)
		}
	}
}

// TestMessagesFetchInBatches counts the FETCH commands of a loop over
// the 2,200 messages of an INBOX that reads every message's header: three per batch of
// 200 (the envelopes; the first message's header alone; the rest of the
// batch's headers together).
func TestMessagesFetchInBatches(t *testing.T) {
	f := newFixture(t)
	p := startProxy(t, f.srv.Addr())
	out, _ := runRule(t, f.srv, p.Addr(), `
		local mail = require("mail")
		local n, lists = 0, 0
		for msg in mail.account():mailbox("INBOX"):all():messages() do
		  n = n + 1
		  if msg:header("List-Id") then lists = lists + 1 end
		end
		print(n, lists)
	`, false)
	inbox := f.in("INBOX")
	batches := (len(inbox) + 199) / 200
	lists := 0
	for _, g := range inbox {
		if g.ListID != "" {
			lists++
		}
	}
	if want := fmt.Sprintf("%d\t%d\n", len(inbox), lists); out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if got := p.Stats().Commands["UID FETCH"]; got != 3*batches {
		t.Errorf("%d UID FETCH commands for %d messages, want %d (3 per batch of 200)", got, len(inbox), 3*batches)
	}
}
