package mail_test

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// fixture is a Dovecot instance whose user alice has 2,400 generated
// messages: spam in Junk, the rest in INBOX.
type fixture struct {
	srv  *dovecottest.Server
	msgs []*genMsg
	now  time.Time
}

const nMessages = 2400

func newFixture(t *testing.T, opts ...dovecottest.Option) *fixture {
	t.Helper()
	return newFixtureN(t, nMessages, opts...)
}

func newFixtureN(t *testing.T, n int, opts ...dovecottest.Option) *fixture {
	t.Helper()
	srv := dovecottest.Start(t, opts...)
	f := &fixture{srv: srv, now: time.Now()}
	f.msgs = genMessages(t, 7, n, f.now)
	seed(t, srv, "alice", f.msgs)
	return f
}

// in returns the generated messages of mailbox box.
func (f *fixture) in(box string) []*genMsg {
	var l []*genMsg
	for _, g := range f.msgs {
		if g.Box == box {
			l = append(l, g)
		}
	}
	return l
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
	for _, g := range f.msgs {
		e.put(g.Box, g, g.Flags)
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
	// The rule finds the lists itself, from the List-Id of unseen and
	// seen mail alike, and files each list's mail under Lists/<id>.
	out, log := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local acct = mail.account()
		local inbox = acct:mailbox("INBOX")
		local ids, order = {}, {}
		for msg in inbox:search{header = {["List-Id"] = ""}}:messages() do
		  local id = msg:header("List-Id"):match("<([^>]+)>")
		  if id and not ids[id] then ids[id] = true; order[#order + 1] = id end
		end
		table.sort(order)
		for _, id in ipairs(order) do
		  local n = inbox:search{header = {["List-Id"] = "<" .. id .. ">"}}:move_to("Lists/" .. id)
		  print(id, n)
		end
	`, false)
	want := expected{}
	counts := map[string]int{}
	for _, g := range f.msgs {
		if tok := g.ListToken(); tok != "" && g.Box == "INBOX" {
			want.put("Lists/"+tok, g, g.Flags)
			counts[tok]++
		} else {
			want.put(g.Box, g, g.Flags)
		}
	}
	if len(counts) < 4 {
		t.Fatalf("the generator made only %d lists", len(counts))
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	var lines []string
	for tok, n := range counts {
		lines = append(lines, fmt.Sprintf("%s\t%d\n", tok, n))
	}
	sort.Strings(lines)
	if got := strings.Join(lines, ""); out != got {
		t.Errorf("output:\n%s\nwant:\n%s", out, got)
	}
	if n := strings.Count(log, `msg="mail: move"`); n != len(counts) {
		t.Errorf("%d move summary lines, want %d:\n%s", n, len(counts), log)
	}
	if !regexp.MustCompile(`action=move source=INBOX destination=Lists/\S+ count=\d+ duration=`).MatchString(log) {
		t.Errorf("summary line lacks action, source, destination, count, duration:\n%s", log)
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
	for _, g := range f.in("Junk") {
		if age(f, g) > 30*24*time.Hour {
			delete(want["Junk"], g.MessageID)
			n++
		}
	}
	if n == 0 || n == len(want["Junk"])+n {
		t.Fatalf("%d of %d spam messages are old: nothing to tell apart", n, len(f.in("Junk")))
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
		inbox:search{older = "365d", seen = true, flagged = false}:move_to(acct:mailbox("Archive"))
	`, false)
	want := f.base()
	n := 0
	for _, g := range f.in("INBOX") {
		if age(f, g) > 365*24*time.Hour && g.has(`\Seen`) && !g.has(`\Flagged`) {
			delete(want["INBOX"], g.MessageID)
			want.put("Archive", g, g.Flags)
			n++
		}
	}
	if n == 0 {
		t.Fatal("nothing to archive")
	}
	check(t, snapshot(t, f.srv, "alice"), want)
}

func TestScenarioFlagVIP(t *testing.T) {
	f := newFixture(t)
	runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local inbox = mail.account():mailbox("INBOX")
		local vip = inbox:search{from = "boss@example.com"}
		vip:flag()
		vip:search{unseen = true}:add_keyword("Urgent")
	`, false)
	want := f.base()
	n := 0
	for _, g := range f.in("INBOX") {
		if g.Kind == mailgen.VIP {
			fl := withFlag(g.Flags, `\Flagged`)
			if !g.has(`\Seen`) {
				fl = withFlag(fl, "Urgent")
			}
			want.put("INBOX", g, fl)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no VIP mail generated")
	}
	check(t, snapshot(t, f.srv, "alice"), want)
}

func TestScenarioCrossAccountMove(t *testing.T) {
	f := newFixture(t)
	// Messages whose decoded subject has a letter outside ASCII go to
	// bob's "Intl": the subjects are encoded words in many charsets, so an
	// undecoded subject would not match.
	out, _ := runRule(t, f.srv, f.srv.Addr(), `
		local mail = require("mail")
		local alice = mail.account()
		local bob = mail.account(os.getenv("BOB_URL"))
		local inbox = alice:mailbox("INBOX")
		local intl = inbox:all():match{subject = "[^\\x00-\\x7f]"}
		print(#intl, intl:move_to(bob:mailbox("Intl")))
	`, false)
	want := f.base()
	wantBob := expected{"Intl": {}, "INBOX": {}}
	re := regexp.MustCompile(`[^\x00-\x7f]`)
	n := 0
	charsets := map[string]bool{}
	for _, g := range f.in("INBOX") {
		if re.MatchString(g.Subject) {
			delete(want["INBOX"], g.MessageID)
			wantBob.put("Intl", g, g.Flags)
			charsets[g.SubjectCharset] = true
			n++
		}
	}
	if len(charsets) < 5 {
		t.Fatalf("only the charsets %v: not varied enough", charsets)
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	bob := snapshot(t, f.srv, "bob")
	check(t, bob, wantBob)
	// Internal dates and contents travel too.
	byID := map[string]*genMsg{}
	for _, g := range f.msgs {
		byID[g.MessageID] = g
	}
	for id, st := range bob["Intl"] {
		g := byID[id]
		if g == nil {
			continue
		}
		if !st.Date.Equal(g.Date) || st.Hash != sha256.Sum256(g.Raw) {
			t.Errorf("%s: internal date %v, want %v; or content changed", id, st.Date, g.Date)
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
		          - inbox:search{from = "boss@example.com"}
		print(#s, s:add_keyword("Review"))
		local none = inbox:search{seen = true} * inbox:search{unseen = true}
		print(#none, none:is_empty())
	`, false)
	want := f.base()
	n := 0
	for _, g := range f.in("INBOX") {
		if (!g.has(`\Seen`) || g.has(`\Flagged`)) && g.Size > 2048 && g.From != "boss@example.com" {
			want.put("INBOX", g, withFlag(g.Flags, "Review"))
			n++
		}
	}
	if n == 0 {
		t.Fatal("empty result: the test would prove nothing")
	}
	check(t, snapshot(t, f.srv, "alice"), want)
	if out != fmt.Sprintf("%d\t%d\n0\ttrue\n", n, n) {
		t.Errorf("output %q, want %d twice, then 0 true", out, n)
	}
}
