package mail_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/dovecottest"
)

// fixture is a Dovecot instance whose user alice has a generated INBOX of
// 2,200 messages and a Junk folder of 400 spam messages.
type fixture struct {
	srv         *dovecottest.Server
	inbox, spam []*genMsg
	now         time.Time
}

const (
	nInbox = 2200
	nSpam  = 400
)

func newFixture(t *testing.T, opts ...dovecottest.Option) *fixture {
	t.Helper()
	srv := dovecottest.Start(t, opts...)
	f := &fixture{srv: srv, now: time.Now()}
	f.inbox, f.spam = genMailbox(7, nInbox, nSpam, f.now)
	srv.Seed(t, "alice", "INBOX", toSeed(f.inbox))
	srv.Seed(t, "alice", "Junk", toSeed(f.spam))
	return f
}

// expected is mailbox -> Message-ID -> sorted flags.
type expected map[string]map[string]string

func (e expected) put(box string, g *genMsg, flags []string) {
	if e[box] == nil {
		e[box] = map[string]string{}
	}
	e[box][g.MessageID] = flagString(flags)
}

// base is the state right after seeding.
func (f *fixture) base() expected {
	e := expected{}
	for _, g := range f.inbox {
		e.put("INBOX", g, g.Flags)
	}
	for _, g := range f.spam {
		e.put("Junk", g, g.Flags)
	}
	return e
}

// check compares a snapshot with the expected state: the same messages
// (by Message-ID, no duplicates) with the same flags in every mailbox
// named in want; other mailboxes must be empty or absent.
func check(t *testing.T, got map[string]map[string]msgState, want expected) {
	t.Helper()
	var problems []string
	for box, msgs := range want {
		g := got[box]
		if g == nil && len(msgs) > 0 {
			problems = append(problems, fmt.Sprintf("mailbox %q missing (want %d messages)", box, len(msgs)))
			continue
		}
		missing, extra, flags := 0, 0, 0
		var example string
		for id, fl := range msgs {
			st, ok := g[id]
			switch {
			case !ok:
				missing++
				example = "missing " + id
			case st.Flags != fl:
				flags++
				example = fmt.Sprintf("%s flags %q want %q", id, st.Flags, fl)
			}
		}
		for id := range g {
			if _, ok := msgs[id]; !ok {
				extra++
				example = "extra " + id
			}
		}
		if missing+extra+flags > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d missing, %d extra, %d wrong flags (e.g. %s)", box, missing, extra, flags, example))
		}
	}
	for box, msgs := range got {
		if _, ok := want[box]; !ok && len(msgs) > 0 {
			problems = append(problems, fmt.Sprintf("unexpected mailbox %q with %d messages", box, len(msgs)))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

func age(f *fixture, g *genMsg) time.Duration { return f.now.Sub(g.Date) }

func withFlag(flags []string, add string) []string {
	for _, f := range flags {
		if f == add {
			return flags
		}
	}
	return append(append([]string(nil), flags...), add)
}

func TestScenarioNewsletters(t *testing.T) {
	f := newFixture(t)
	out, log := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local acct = mail.account()
		local inbox = acct:mailbox("INBOX")
		for _, l in ipairs({"golang-nuts", "lua-l", "dovecot", "rust-users"}) do
		  local n = inbox:search{header = {["List-Id"] = "<" .. l .. ".lists.example.org>"}}:move_to("Lists/" .. l)
		  print(l, n)
		end
	`, false)
	want := expected{}
	counts := map[string]int{}
	for _, g := range f.inbox {
		if g.ListID != "" {
			want.put("Lists/"+g.ListID, g, g.Flags)
			counts[g.ListID]++
		} else {
			want.put("INBOX", g, g.Flags)
		}
	}
	for _, g := range f.spam {
		want.put("Junk", g, g.Flags)
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	for _, l := range lists {
		if !strings.Contains(out, fmt.Sprintf("%s\t%d\n", l, counts[l])) {
			t.Errorf("output %q lacks %s count %d", out, l, counts[l])
		}
	}
	if n := strings.Count(log, `msg="mail: move"`); n != 4 {
		t.Errorf("%d move summary lines, want 4:\n%s", n, log)
	}
	if !strings.Contains(log, "action=move source=INBOX destination=Lists/lua-l count=") {
		t.Errorf("summary line lacks action, source, destination, count:\n%s", log)
	}
}

func TestScenarioDeleteOldSpam(t *testing.T) {
	f := newFixture(t)
	out, _ := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local acct = mail.account()
		local junk = acct:special("\\Junk")
		print(junk.name, junk:search{older = "30d"}:delete())
	`, false)
	want := f.base()
	n := 0
	for _, g := range f.spam {
		if age(f, g) > 30*24*time.Hour {
			delete(want["Junk"], g.MessageID)
			n++
		}
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	if out != fmt.Sprintf("Junk\t%d\n", n) {
		t.Errorf("output %q, want Junk and %d", out, n)
	}
}

func TestScenarioArchiveByAge(t *testing.T) {
	f := newFixture(t)
	runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local acct = mail.account()
		local inbox = acct:mailbox("INBOX")
		local old = inbox:search{older = "365d", seen = true, flagged = false}
		old:move_to(acct:mailbox("Archive"))
	`, false)
	want := f.base()
	for _, g := range f.inbox {
		if age(f, g) > 365*24*time.Hour && g.has(`\Seen`) && !g.has(`\Flagged`) {
			delete(want["INBOX"], g.MessageID)
			want.put("Archive", g, g.Flags)
		}
	}
	check(t, snapshot(t, f.srv, "alice"), want)
}

func TestScenarioFlagVIP(t *testing.T) {
	f := newFixture(t)
	runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local inbox = mail.account():mailbox("INBOX")
		local vip = inbox:search{from = "boss@corp.example"}
		vip:flag()
		vip:search{unseen = true}:add_keyword("Urgent")
	`, false)
	want := f.base()
	for _, g := range f.inbox {
		if g.Kind == "vip" {
			fl := withFlag(g.Flags, `\Flagged`)
			if !g.has(`\Seen`) {
				fl = withFlag(fl, "Urgent")
			}
			want.put("INBOX", g, fl)
		}
	}
	check(t, snapshot(t, f.srv, "alice"), want)
}

func TestScenarioCrossAccountMove(t *testing.T) {
	f := newFixture(t)
	out, _ := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local alice = mail.account()
		local bob = mail.account(os.getenv("BOB_URL"))
		local inbox = alice:mailbox("INBOX")
		local invoices = inbox:search{from = "billing@shop.example"}
		                      :match{subject = [[^Rechnung Nr\. \d+ – Zahlung fällig$]]}
		print(#invoices, invoices:move_to(bob:mailbox("Invoices")))
	`, false)
	want := f.base()
	wantBob := expected{"Invoices": {}}
	re := regexp.MustCompile(`^Rechnung Nr\. \d+ – Zahlung fällig$`)
	n := 0
	for _, g := range f.inbox {
		if g.Kind == "invoice" && re.MatchString(g.Subject) {
			delete(want["INBOX"], g.MessageID)
			wantBob.put("Invoices", g, g.Flags)
			n++
		}
	}
	if n < 50 {
		t.Fatalf("generator made only %d German invoices", n)
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	bob := snapshot(t, f.srv, "bob")
	wantBob["INBOX"] = map[string]string{}
	check(t, bob, wantBob)
	// Internal dates and contents travel too.
	byID := map[string]*genMsg{}
	for _, g := range f.inbox {
		byID[g.MessageID] = g
	}
	for id, st := range bob["Invoices"] {
		g := byID[id]
		if g == nil {
			continue
		}
		if !st.Date.Equal(g.Date) {
			t.Errorf("%s: internal date %v, want %v", id, st.Date, g.Date)
			break
		}
		if st.Size != int64(len(g.Raw)) {
			t.Errorf("%s: size %d, want %d", id, st.Size, len(g.Raw))
			break
		}
	}
	if out != fmt.Sprintf("%d\t%d\n", n, n) {
		t.Errorf("output %q, want %d twice", out, n)
	}
}

func TestScenarioSetAlgebra(t *testing.T) {
	f := newFixture(t)
	out, _ := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local inbox = mail.account():mailbox("INBOX")
		local s = (inbox:search{unseen = true} + inbox:search{flagged = true})
		          * inbox:search{larger = "2K"}
		          - inbox:search{from = "boss@corp.example"}
		print(#s, s:add_keyword("Review"))
		local none = inbox:search{seen = true} * inbox:search{unseen = true}
		print(#none, none:is_empty())
	`, false)
	want := f.base()
	n := 0
	for _, g := range f.inbox {
		if (!g.has(`\Seen`) || g.has(`\Flagged`)) && len(g.Raw) > 2048 && g.From != "boss@corp.example" {
			want.put("INBOX", g, withFlag(g.Flags, "Review"))
			n++
		}
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	if out != fmt.Sprintf("%d\t%d\n0\ttrue\n", n, n) {
		t.Errorf("output %q, want %d twice, then 0 true", out, n)
	}
}
