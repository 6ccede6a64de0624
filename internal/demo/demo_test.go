package demo_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/scripts"
	"github.com/mailscript/mailscript/stdlib"
)

func start(t *testing.T, now time.Time) *demo.Server {
	t.Helper()
	srv, err := demo.Start(demo.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// requireMail stops the test when the mail module is not part of the
// build yet: a skip on a developer's machine, a failure under CI.
func requireMail(t *testing.T) {
	t.Helper()
	for _, m := range stdlib.Modules() {
		if m.Name == "mail" {
			return
		}
	}
	t.Fatal("the mail module is not registered in stdlib")
}

// count is what a mailbox should hold.
type count struct{ messages, unseen, flagged int }

func countsOf(cs []demo.Count) map[string]count {
	m := map[string]count{}
	for _, c := range cs {
		m[c.Mailbox] = count{c.Messages, c.Unseen, c.Flagged}
	}
	return m
}

func expectedCounts(byBox map[string][]mailgen.Message, flagged map[string]bool) map[string]count {
	want := map[string]count{}
	for _, f := range demo.Folders {
		want[f] = count{}
	}
	for box, msgs := range byBox {
		c := count{messages: len(msgs)}
		for _, m := range msgs {
			if !m.Seen() {
				c.unseen++
			}
			if m.Flagged() || flagged[m.MessageID] {
				c.flagged++
			}
		}
		want[box] = c
	}
	return want
}

func TestStartHoldsTheSampleMailbox(t *testing.T) {
	srv := start(t, time.Time{})
	got, err := srv.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) < 90 {
		t.Fatalf("%d sample messages, want the ~94 of mailgen.Demo", len(msgs))
	}
	want := expectedCounts(mailgen.ByMailbox(msgs), nil)
	if g := countsOf(got); !mapsEqual(g, want) {
		t.Errorf("counts\n got %v\nwant %v", g, want)
	}
	if got[0].Mailbox != "INBOX" {
		t.Errorf("first mailbox %q, want INBOX", got[0].Mailbox)
	}
	contents, err := srv.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for box, ms := range mailgen.ByMailbox(msgs) {
		if len(contents[box]) != len(ms) {
			t.Errorf("%s: %d stored, want %d", box, len(contents[box]), len(ms))
			continue
		}
		for i, m := range ms {
			if contents[box][i].MessageID != m.MessageID {
				t.Errorf("%s #%d: Message-ID %q, want %q", box, i, contents[box][i].MessageID, m.MessageID)
			}
		}
	}
}

func TestURL(t *testing.T) {
	srv := start(t, time.Time{})
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	if u.Scheme != "imap" || u.Host != srv.Addr() || u.User.Username() != demo.User || pass != demo.Password {
		t.Errorf("URL %s does not name imap://%s:%s@%s", srv.URL(), demo.User, demo.Password, srv.Addr())
	}
	if q := u.Query(); q.Get("tls") != "none" || q.Get("create") != "true" {
		t.Errorf("URL %s: query %v, want tls=none and create=true", srv.URL(), q)
	}
	if v, ok := srv.LookupEnv(demo.AccountEnv); !ok || v != srv.URL() {
		t.Errorf("LookupEnv(%s) = %q, %v", demo.AccountEnv, v, ok)
	}
	for name, want := range map[string]string{"IMAP_HOST": "127.0.0.1", "IMAP_PORT": u.Port(), "IMAP_USER": "demo", "IMAP_PASSWORD": "demo"} {
		if v, ok := srv.LookupEnv(name); !ok || v != want {
			t.Errorf("LookupEnv(%s) = %q, %v; want %q", name, v, ok, want)
		}
	}
	t.Setenv("MAILSCRIPT_DEMO_TEST", "x")
	if v, ok := srv.LookupEnv("MAILSCRIPT_DEMO_TEST"); !ok || v != "x" {
		t.Errorf("LookupEnv of another variable = %q, %v; want the process environment", v, ok)
	}
}

func TestStartRefusesABusyAddress(t *testing.T) {
	srv := start(t, time.Time{})
	if _, err := demo.Start(demo.Options{Addr: srv.Addr()}); err == nil || !strings.HasPrefix(err.Error(), "demo: ") {
		t.Fatalf("second server on %s: err = %v, want a demo: error", srv.Addr(), err)
	}
}

// starterRules writes the embedded starter rules to a folder.
func starterRules(t *testing.T) []demo.Rule {
	t.Helper()
	dir := t.TempDir()
	names, err := fs.Glob(scripts.FS, "*.lua")
	if err != nil || len(names) < 4 {
		t.Fatalf("starter rules %v, %v", names, err)
	}
	sort.Strings(names)
	var rules []demo.Rule
	for _, n := range names {
		b, _ := fs.ReadFile(scripts.FS, n)
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rules = append(rules, demo.Rule{Name: "scripts/" + n, Path: p})
	}
	return rules
}

func runRules(t *testing.T, srv *demo.Server, dryRun bool) *demo.Report {
	t.Helper()
	rec := demo.NewRecorder(nil)
	e := engine.New(engine.WithCapture(), engine.WithLogger(slog.New(rec)), engine.WithEnv(srv.LookupEnv),
		engine.WithDryRun(dryRun), engine.WithTimeout(time.Minute))
	rep, err := srv.RunRules(context.Background(), demo.RunConfig{Engine: e, Recorder: rec, DryRun: dryRun}, starterRules(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range rep.Rules {
		if rr.Err != nil {
			t.Errorf("%s failed: %v", rr.Name, rr.Err)
		}
	}
	return rep
}

// TestStarterRules runs the starter rules and checks every mailbox
// against what the rules' comments promise, computed from the
// generator's facts rather than from the rules.
func TestStarterRules(t *testing.T) {
	requireMail(t)
	now := time.Now()
	srv := start(t, now)
	rep := runRules(t, srv, false)

	day := 24 * time.Hour
	lists := map[string]string{
		"gopherweekly.news.example.org":  "Gopher Weekly",
		"morning-brief.list.example.net": "Morning Brief",
		"deals.shopmart.example":         "Deals",
		"hebdo.journal-libre.example":    "Journal du Libre",
	}
	vips := []string{"boss@example.com", "mum@family.example"}
	want := map[string][]mailgen.Message{}
	flagged := map[string]bool{}
	moved := map[string]int{}
	for _, m := range srv.Messages() {
		box := m.Mailbox
		if box == "INBOX" {
			switch {
			case m.SpamFlag && m.Date.Before(now.Add(-30*day)):
				box = "" // deleted
				moved["delete"]++
			case m.SpamFlag:
				box = "Junk"
			case lists[m.ListToken()] != "":
				box = lists[m.ListToken()]
			case slices.Contains(vips, m.From) && !m.Seen():
				if !m.Flagged() {
					flagged[m.MessageID] = true
				}
			case m.Seen() && !m.Flagged() && m.Date.Before(now.Add(-18*day)):
				box = "Archive"
				moved["archive"]++
			}
		}
		if box != "" {
			want[box] = append(want[box], m)
		}
	}
	if len(want["Junk"]) == 0 || moved["delete"] == 0 || len(flagged) == 0 || moved["archive"] == 0 {
		t.Fatalf("the sample mailbox no longer exercises every rule: %d junk, %d deleted, %d to flag, %d to archive",
			len(want["Junk"]), moved["delete"], len(flagged), moved["archive"])
	}
	wantCounts := expectedCounts(want, flagged)
	if got := countsOf(rep.After); !mapsEqual(got, wantCounts) {
		t.Errorf("counts after the rules\n got %v\nwant %v", got, wantCounts)
	}
	contents, err := srv.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for box, ms := range want {
		var gotIDs, wantIDs []string
		for _, s := range contents[box] {
			gotIDs = append(gotIDs, s.MessageID)
		}
		for _, m := range ms {
			wantIDs = append(wantIDs, m.MessageID)
		}
		sort.Strings(gotIDs)
		sort.Strings(wantIDs)
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%s holds %v, want %v", box, gotIDs, wantIDs)
		}
	}

	// The report says what each rule did, from the mail module's log.
	var buf bytes.Buffer
	if err := rep.Write(&buf); err != nil {
		t.Fatal(err)
	}
	report := buf.String()
	for _, s := range []string{
		"Rules run (4):",
		"scripts/10-junk.lua  Junk mail: out of the inbox, and gone after 30 days.",
		"- move 10 messages from INBOX to Junk",
		"- move 10 messages from INBOX to Gopher Weekly",
		"- move 3 messages from INBOX to Journal du Libre",
		"- flag " + itoa(len(flagged)) + " messages in INBOX (\\Flagged)",
		"- move " + itoa(moved["archive"]) + " messages from INBOX to Archive",
		"> newsletters: 27 filed",
	} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q:\n%s", s, report)
		}
	}
	if rep.Failed() != 0 {
		t.Errorf("%d rules failed", rep.Failed())
	}
}

// TestStarterRulesDryRun: with dry-run the rules say what they would do
// and the mailbox is left exactly as it was.
func TestStarterRulesDryRun(t *testing.T) {
	requireMail(t)
	srv := start(t, time.Now())
	before, err := srv.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rep := runRules(t, srv, true)
	after, err := srv.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !contentsEqual(before, after) {
		t.Errorf("dry run changed the mailbox")
	}
	var buf bytes.Buffer
	rep.Write(&buf)
	for _, s := range []string{"Dry run:", "- would move 10 messages from INBOX to Junk, such as "} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, buf.String())
		}
	}
}

func TestRunRulesReportsAFailingRule(t *testing.T) {
	srv := start(t, time.Time{})
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.lua")
	good := filepath.Join(dir, "good.lua")
	os.WriteFile(bad, []byte("-- Broken on purpose.\nerror('no such folder')\n"), 0o644)
	os.WriteFile(good, []byte("-- Prints where the account is.\nlocal log = require('log')\nlog.info('hello', {n = 3})\nprint(os.getenv('MAILSCRIPT_ACCOUNT'))\n"), 0o644)
	rec := demo.NewRecorder(nil)
	e := engine.New(engine.WithCapture(), engine.WithLogger(slog.New(rec)), engine.WithEnv(srv.LookupEnv))
	rep, err := srv.RunRules(context.Background(), demo.RunConfig{Engine: e, Recorder: rec},
		[]demo.Rule{{Name: "bad.lua", Path: bad}, {Name: "good.lua", Path: good}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 1 || rep.Rules[0].Err == nil || rep.Rules[1].Err != nil {
		t.Fatalf("results %+v, want the first failed and the second ran", rep.Rules)
	}
	if got := strings.TrimSpace(rep.Rules[1].Output); got != srv.URL() {
		t.Errorf("the rule saw MAILSCRIPT_ACCOUNT=%q, want %q", got, srv.URL())
	}
	var buf bytes.Buffer
	rep.Write(&buf)
	for _, s := range []string{
		"bad.lua  Broken on purpose.\n    FAILED: ",
		"no such folder",
		"good.lua  Prints where the account is.\n    - hello n=3\n    > imap://demo:demo@",
		"1 of 2 rules failed.",
		"INBOX",
	} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, buf.String())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func mapsEqual(a, b map[string]count) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func contentsEqual(a, b map[string][]demo.Stored) bool {
	if len(a) != len(b) {
		return false
	}
	for k, as := range a {
		bs := b[k]
		if len(as) != len(bs) {
			return false
		}
		for i := range as {
			if as[i].UID != bs[i].UID || as[i].MessageID != bs[i].MessageID || !slices.Equal(as[i].Flags, bs[i].Flags) {
				return false
			}
		}
	}
	return true
}
