package engine_test

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// budgetRule watches INBOX, Work and Lists of each user with a budget of
// 2 connections per account, and prints "user/mailbox/subject" for every
// message it reads in its callbacks.
func budgetRule(addr string, users []string) string {
	return fmt.Sprintf(`
local mail, probe = require("mail"), require("probe")
for _, u in ipairs{%s} do
  local acct = mail.account("imap://" .. u .. ":pw@%s?tls=none&connections=2")
  for _, box in ipairs{"INBOX", "Work", "Lists"} do
    mail.on_new(acct:mailbox(box), function(new)
      for msg in new:messages() do probe.send(u .. "/" .. box .. "/" .. msg.subject) end
    end, {poll = 1})
  end
end
`, `"`+strings.Join(users, `", "`)+`"`, addr)
}

// TestWatchConnectionBudget: one engine watches 4 accounts × 3
// mailboxes. With NOTIFY each account holds one connection on the server;
// without (NOTIFY hidden from the capabilities), its budget of 2: one
// mailbox idles on a connection of its own, one on the shared connection,
// which polls the third; without IDLE either, one connection polls all
// three. /metrics counts the same per account, and the
// states say each mailbox's mode. Every message delivered, to polled
// mailboxes too, is read exactly once by the rule.
func TestWatchConnectionBudget(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []dovecottest.Option
		conns  int
		states map[string]int // per account, by state prefix
	}{
		{"notify", nil, 1, map[string]int{"idle with NOTIFY": 3}},
		{"without notify", []dovecottest.Option{dovecottest.WithoutNotify()}, 2,
			map[string]int{"idle (uidvalidity": 1, "idle (on the account's shared connection": 1, "polling every 1s": 1}},
		{"without IDLE", []dovecottest.Option{dovecottest.WithConfig("imap_capability = IMAP4rev1 LITERAL+ ID ENABLE UIDPLUS MOVE CONDSTORE UNSELECT\n")}, 1,
			map[string]int{"polling every 1s (server without IDLE)": 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var users []string
			opts := tc.opts
			for i := range 4 {
				u := fmt.Sprintf("u%d", i)
				users = append(users, u)
				opts = append(opts, dovecottest.WithUser(u, "pw"))
			}
			srv := dovecottest.Start(t, opts...)
			delivery := map[string]*imaplib.IMAP4{}
			for _, u := range users {
				m := dialUser(t, srv.Addr(), u, "pw")
				delivery[u] = m
				for _, b := range []string{"Work", "Lists"} {
					if err := m.CreateMailbox(b); err != nil {
						t.Fatal(err)
					}
				}
			}
			e, ch, _ := startRule(t, budgetRule(srv.Addr(), users), engine.WithMetrics())
			want := map[string]int{}
			for p, n := range tc.states {
				want[p] = n * len(users)
			}
			waitStates(t, e, want)

			// Before any callback: only the watchers' connections.
			conns, err := srv.Connections()
			if err != nil {
				t.Fatal(err)
			}
			web := httptest.NewServer(e.Handler())
			defer web.Close()
			perAccount := map[string]float64{}
			for _, m := range scrape(t, web.URL)["mailscript_imap_account_connections_open"].GetMetric() {
				perAccount[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
			}
			for _, u := range users {
				// The delivery connection is one of the server's.
				if got := conns[u] - 1; got != tc.conns {
					t.Errorf("%s: %d watch connections on the server, want %d", u, got, tc.conns)
				}
				if got := perAccount[u+"@127.0.0.1"]; got != float64(tc.conns) {
					t.Errorf("%s: /metrics counts %v connections, want %d", u, got, tc.conns)
				}
			}

			// Two rounds of one message per mailbox: each subject once.
			for round := range 2 {
				var batch []string
				for _, u := range users {
					for _, b := range []string{"INBOX", "Work", "Lists"} {
						subj := fmt.Sprintf("r%d", round)
						appendMsg(t, delivery[u], b, subj, time.Time{})
						batch = append(batch, u+"/"+b+"/"+subj)
					}
				}
				got := collect(t, ch, len(batch))
				slices.Sort(got)
				slices.Sort(batch)
				if !slices.Equal(got, batch) {
					t.Fatalf("round %d: the rule read\n%v\nwant\n%v", round, got, batch)
				}
			}
			conns, err = srv.Connections()
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				// Now also the rule's own connection, which read the messages.
				if got := conns[u] - 1; got > tc.conns+1 {
					t.Errorf("%s: %d connections after the callbacks, want at most %d", u, got, tc.conns+1)
				}
			}
		})
	}
}

// collect takes n reports from ch (bounded).
func collect(t *testing.T, ch <-chan string, n int) []string {
	t.Helper()
	return collectWithin(t, ch, n, 60*time.Second)
}

// collectWithin takes n reports from ch within limit.
func collectWithin(t *testing.T, ch <-chan string, n int, limit time.Duration) []string {
	t.Helper()
	var got []string
	timeout := time.After(limit)
	for len(got) < n {
		select {
		case s := <-ch:
			got = append(got, s)
		case <-timeout:
			t.Fatalf("%d of %d reports within %s: %v", len(got), n, limit, got)
		}
	}
	return got
}

// waitStates waits until the triggers' states match want: how many
// triggers have a state starting with each prefix.
func waitStates(t *testing.T, e *engine.Engine, want map[string]int) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		ch := e.StatusChanged()
		got := map[string]int{}
		var all []string
		for _, r := range e.Status() {
			for _, tr := range r.Triggers {
				all = append(all, tr.State)
				for p := range want {
					if strings.HasPrefix(tr.State, p) {
						got[p]++
					}
				}
			}
		}
		ok := true
		for p, n := range want {
			ok = ok && got[p] == n
		}
		if ok {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("states %v, want %v: %q", got, want, all)
		}
	}
}

// TestWatchNotifyUncovered: Dovecot 2.3 answers NOTIFY SET for a mailbox
// whose name is not ASCII without ever reporting it. Such a mailbox gets
// a connection of its own while the budget allows, else the shared
// connection polls it; either way a message delivered there is read once.
func TestWatchNotifyUncovered(t *testing.T) {
	for _, tc := range []struct {
		budget int
		state  string
	}{{0, "idle (uidvalidity"}, {1, "polling every 1s (NOTIFY does not report this mailbox)"}} {
		t.Run(fmt.Sprintf("budget=%d", tc.budget), func(t *testing.T) {
			srv := dovecottest.Start(t, dovecottest.WithUser("u0", "pw"))
			m := dialUser(t, srv.Addr(), "u0", "pw")
			if err := m.CreateMailbox("Ünï"); err != nil {
				t.Fatal(err)
			}
			query := "tls=none"
			if tc.budget > 0 {
				query += fmt.Sprintf("&connections=%d", tc.budget)
			}
			e, ch, _ := startRule(t, fmt.Sprintf(`
local mail, probe = require("mail"), require("probe")
local acct = mail.account("imap://u0:pw@%s?%s")
for _, box in ipairs{"INBOX", "Ünï"} do
  mail.on_new(acct:mailbox(box), function(new)
    for msg in new:messages() do probe.send(box .. "/" .. msg.subject) end
  end, {poll = 1})
end
`, srv.Addr(), query))
			waitStates(t, e, map[string]int{"idle with NOTIFY": 1, tc.state: 1})
			for round := range 2 {
				var batch []string
				for _, b := range []string{"INBOX", "Ünï"} {
					subj := fmt.Sprintf("r%d", round)
					appendMsg(t, m, b, subj, time.Time{})
					batch = append(batch, b+"/"+subj)
				}
				// Promptly: not at Dovecot's 30 s fallback check (a NOTIFY SET
				// replacing another without NOTIFY NONE waits for it).
				got := collectWithin(t, ch, len(batch), 20*time.Second)
				slices.Sort(got)
				if !slices.Equal(got, batch) {
					t.Fatalf("round %d: the rule read %v, want %v", round, got, batch)
				}
			}
		})
	}
}

// TestWatchBudgetFreed: when a rule stops, the connection of the budget
// it held goes to a mailbox that was polled. Two engines of one process
// watch one account (budget 2), so they share its connections: the first
// watches INBOX on a connection of its own; the second's Work and Lists
// share the other, one idling, one polled. Once the first stops, one of
// them gets a connection of its own, still 2 in all, and mail delivered
// to both is read once.
func TestWatchBudgetFreed(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithoutNotify(), dovecottest.WithUser("u0", "pw"))
	m := dialUser(t, srv.Addr(), "u0", "pw")
	for _, b := range []string{"Work", "Lists"} {
		if err := m.CreateMailbox(b); err != nil {
			t.Fatal(err)
		}
	}
	rule := func(boxes string) string {
		return fmt.Sprintf(`
local mail, probe = require("mail"), require("probe")
local acct = mail.account("imap://u0:pw@%s?tls=none&connections=2")
for _, box in ipairs{%s} do
  mail.on_new(acct:mailbox(box), function(new)
    for msg in new:messages() do probe.send(box .. "/" .. msg.subject) end
  end, {poll = 1})
end
`, srv.Addr(), boxes)
	}
	first, _, stopFirst := startRule(t, rule(`"INBOX"`))
	waitStates(t, first, map[string]int{"idle (uidvalidity": 1})
	second, ch, _ := startRule(t, rule(`"Work", "Lists"`))
	waitStates(t, second, map[string]int{"idle (on the account's shared connection": 1, "polling every 1s": 1})
	stopFirst()
	waitStates(t, second, map[string]int{"idle (uidvalidity": 1, "idle (on the account's shared connection, which also polls 0 mailboxes)": 1})
	conns, err := srv.Connections()
	if err != nil {
		t.Fatal(err)
	}
	if got := conns["u0"] - 1; got != 2 {
		t.Errorf("%d watch connections on the server, want 2", got)
	}
	var batch []string
	for _, b := range []string{"Work", "Lists"} {
		appendMsg(t, m, b, "after", time.Time{})
		batch = append(batch, b+"/after")
	}
	got := collect(t, ch, len(batch))
	slices.Sort(got)
	slices.Sort(batch)
	if !slices.Equal(got, batch) {
		t.Fatalf("the rule read %v, want %v", got, batch)
	}
}
