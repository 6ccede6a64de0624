package mail_test

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// splitSeed seeds INBOX with n messages of a few senders, recipients,
// subjects and spam verdicts, some of them seen (dovecottest.Reports).
func splitSeed(t *testing.T, srv *dovecottest.Server, n int) {
	t.Helper()
	srv.Seed(t, "alice", "INBOX", dovecottest.Reports(n))
}

// splitSearches prints what searches of the INBOX find, by UID.
const splitSearches = `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT")):mailbox("INBOX")
local function show(name, q)
    local uids = box:search(q):uids()
    print(name, #uids, table.concat(uids, ","))
end
show("from", {from = "news@"})
show("to unseen", {to = "alice@", unseen = true})
show("any", {any = {{cc = "alice@"}, {subject = "report 1"}}})
show("header", {header = {["X-Spam-Flag"] = "YES"}})
show("body no", {body = "line 3", no = {{from = "bob@"}}})
show("since", {since = "2025-01-20"})
local function narrow(name, set, q)
    local uids = set:search(q):uids()
    print(name, #uids, table.concat(uids, ","))
end
narrow("all:from", box:all(), {from = "ci@"})
narrow("unseen:subject", box:search{unseen = true}, {subject = "report 1"})
`

// TestSearchSplitDovecot: searches cut into pieces, some on a pool connection,
// find the same messages as whole ones. (\Recent is left out: the first
// session takes it, so two runs cannot compare it.)
func TestSearchSplitDovecot(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	srv := dovecottest.Start(t)
	splitSeed(t, srv, 120)
	t.Cleanup(mail.CloseScanPools)

	whole, _ := runRule(t, srv, srv.Addr(), splitSearches, false)
	for _, line := range strings.Split(strings.TrimSpace(whole), "\n") {
		if f := strings.Fields(line); len(f) < 3 || f[len(f)-2] == "0" {
			t.Fatalf("a search found nothing, so it tests nothing: %q", line)
		}
	}

	defer mail.SetSearchSplit(50)()
	cut, log, err := runRuleLevel(t, srv, srv.Addr(), splitSearches, false, slog.LevelDebug)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if cut != whole {
		t.Fatalf("cut into pieces:\n%s\nwhole:\n%s", cut, whole)
	}
	// Six searches and two narrowing ones; box:search{unseen = true}
	// (flags only) is not cut.
	if n := strings.Count(log, "part of a search was done on a pool connection"); n != 8 {
		t.Fatalf("%d searches were shared with a pool connection, want 8:\n%s", n, log)
	}
}

// TestSearchSplitDovecotRefused: a server that allows one connection per
// user and address refuses the pool's; the searches are done whole on the
// account's connection and find the same messages.
func TestSearchSplitDovecotRefused(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	srv := dovecottest.Start(t, dovecottest.WithConfig("mail_max_userip_connections = 1"))
	splitSeed(t, srv, 120)
	t.Cleanup(mail.CloseScanPools)
	whole, _ := runRule(t, srv, srv.Addr(), splitSearches, false)
	defer mail.SetSearchSplit(50)()
	cut, log, err := runRuleLevel(t, srv, srv.Addr(), splitSearches, false, slog.LevelDebug)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if cut != whole {
		t.Fatalf("with the pool refused:\n%s\nwhole:\n%s", cut, whole)
	}
	if strings.Contains(log, "was done on a pool connection") || !strings.Contains(log, "refused another connection") {
		t.Fatalf("want the refusal logged and no work on a pool connection:\n%s", log)
	}
}

func TestQuerySplittable(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		name string
		q    mail.Query
		want bool
	}{
		{"from", mail.Query{From: []string{"a"}}, true},
		{"header", mail.Query{Header: []mail.HeaderTest{{Name: "List-Id", Value: ""}}}, true},
		{"since", mail.Query{Since: time.Now()}, true},
		{"larger", mail.Query{Larger: 1000}, true},
		{"older", mail.Query{Older: time.Hour}, true},
		{"flags only", mail.Query{Seen: &no, Flagged: &yes}, false},
		{"uid only", mail.Query{Keyword: []string{"$Junk"}}, false},
		{"recent", mail.Query{Recent: &yes, From: []string{"a"}}, false},
		{"recent in any", mail.Query{From: []string{"a"}, Any: []mail.Query{{Recent: &no}, {Seen: &yes}}}, false},
		{"recent in no", mail.Query{Subject: []string{"a"}, No: []mail.Query{{Recent: &yes}}}, false},
		{"text in any", mail.Query{Seen: &no, Any: []mail.Query{{From: []string{"a"}}, {To: []string{"b"}}}}, true},
	} {
		if got := c.q.Splittable(); got != c.want {
			t.Errorf("%s: splittable = %v, want %v", c.name, got, c.want)
		}
	}
}

// BenchmarkSearchPieces10000 times a search of a header field Dovecot has
// not cached (a new field each round, so that the server reads every
// message file, as a first search of a field does) over 10,000 messages,
// whole on one connection (the baseline) and cut into pieces shared by
// the account's connection and one of its scan pool (Pieces). The two
// take turns in every round, so that a busy machine slows them alike; it
// reports the median time of each and the ratio of the cut one to the
// baseline.
//
//	go test ./stdlib/mail -run '^$' -bench SearchPieces -benchtime 15x
func BenchmarkSearchPieces10000(b *testing.B) {
	srv := dovecottest.Start(b)
	msgs, _ := scanMessages("h", 10000)
	srv.Seed(b, "alice", "INBOX", msgs)
	host, port, _ := net.SplitHostPort(srv.Addr())
	pn, _ := strconv.Atoi(port)
	defer mail.CloseScanPools()
	defer mail.SetScanSlow(time.Hour)()
	shapes := []struct {
		name  string
		conns int
		acct  *mail.Account
		times []time.Duration
	}{{name: "whole", conns: 1}, {name: "pieces", conns: 3}}
	field := 0
	search := func(i int) time.Duration {
		field++
		q := &mail.Query{Header: []mail.HeaderTest{{Name: fmt.Sprintf("X-Bench-%d", field), Value: "x"}}}
		start := time.Now()
		set, err := shapes[i].acct.Mailbox("INBOX").Search(q)
		if err != nil {
			b.Fatal(err)
		}
		if set.Len() != 0 {
			b.Fatalf("%s found %d messages, want none", shapes[i].name, set.Len())
		}
		return time.Since(start)
	}
	for i := range shapes {
		cfg := mail.Config{Host: host, Port: pn, TLS: mail.TLSNone, User: "alice", Password: srv.Users["alice"], ScanConnections: shapes[i].conns}
		acct, err := mail.NewAccount(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer acct.Close()
		shapes[i].acct = acct
		search(i) // connections open, the pool's too
	}
	b.ResetTimer()
	for range b.N {
		for i := range shapes {
			shapes[i].times = append(shapes[i].times, search(i))
		}
	}
	b.StopTimer()
	reportMedians(b, []string{shapes[0].name, shapes[1].name}, [][]time.Duration{shapes[0].times, shapes[1].times})
}

// TestUIDPivots: the UIDs that cut a mailbox into pieces of about the
// same size, also when the size the caller knows is stale because
// messages went since its SELECT.
func TestUIDPivots(t *testing.T) {
	srv := dovecottest.Start(t)
	splitSeed(t, srv, 120)
	m := dial(t, srv, "alice")
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	ranges := func(p []uint32) string {
		var out []string
		for _, r := range mail.UIDRanges(p) {
			out = append(out, r.String())
		}
		return strings.Join(out, " ")
	}
	pivots, size, _ := mail.UIDPivots(m, 120, 4, time.Hour)
	if got := fmt.Sprint(pivots, size); got != "[30 60 90] 120" {
		t.Fatalf("UIDPivots(120, 4) = %s", got)
	}
	if got := ranges(pivots); got != "1:30 31:60 61:90 91:*" {
		t.Fatalf("UIDRanges = %s", got)
	}
	// 40 messages go; the caller still believes in 120.
	var gone imaplib.SeqSet
	gone.AddRange(1, 40)
	if _, err := m.UIDStore(gone, imaplib.AddFlags, []string{`\Deleted`}, true); err != nil {
		t.Fatal(err)
	}
	if err := m.UIDExpunge(gone); err != nil {
		t.Fatal(err)
	}
	pivots, size, _ = mail.UIDPivots(m, 120, 4, time.Hour)
	if got := fmt.Sprint(pivots, size); got != "[60 80 100] 80" {
		t.Fatalf("UIDPivots(stale 120, 4) after 40 expunged = %s", got)
	}
}
