//go:build bench

package engine_test

// The daemon's connections: one process watching N accounts × 3
// mailboxes on Dovecot, in each way the mail module can watch them:
//
//   - notify: Dovecot as it is, with NOTIFY: one connection per account;
//   - idle: NOTIFY hidden from the capabilities, the default budget (10):
//     one IDLE connection per mailbox;
//   - budget=2: NOTIFY hidden, connections=2: one mailbox idles on a
//     connection of its own, one on the shared connection, which polls
//     the third with STATUS.
//
// Run with the footprint benchmark (watchbench_test.go):
//
//	MAILSCRIPT_BENCH_ACCOUNTS="10 200" go test -tags bench ./engine -run TestWatchFootprint -v -timeout 60m
//
// It reports the IMAP connections the server counts (doveadm who) and
// /metrics counts, the resident memory, goroutines and CPU of the process
// at idle, and checks that a message delivered to a few random watched
// mailboxes (polled ones included) is read once.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

func TestWatchFootprintConnections(t *testing.T) {
	counts := []int{10, 200}
	if v := os.Getenv("MAILSCRIPT_BENCH_ACCOUNTS"); v != "" {
		counts = nil
		for _, f := range strings.Fields(v) {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, n)
		}
	}
	idle := 30 * time.Second
	if v := os.Getenv("MAILSCRIPT_BENCH_IDLE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		idle = d
	}
	for _, mode := range []struct {
		name   string
		notify bool
		budget int // 0: the default
	}{{"notify", true, 0}, {"idle", false, 0}, {"budget=2", false, 2}} {
		for _, n := range counts {
			t.Run(fmt.Sprintf("%s/accounts=%d", mode.name, n), func(t *testing.T) {
				connFootprint(t, n, idle, mode.notify, mode.budget)
			})
		}
	}
}

func connFootprint(t *testing.T, accounts int, idle time.Duration, notify bool, budget int) {
	opts := []dovecottest.Option{dovecottest.WithConfig(
		"default_process_limit = 3000\ndefault_client_limit = 6000\ndefault_vsz_limit = 0\n" +
			"mailbox_idle_check_interval = 1 secs\n")}
	if !notify {
		opts = append(opts, dovecottest.WithoutNotify())
	}
	var users []string
	for i := range accounts {
		u := fmt.Sprintf("u%03d", i)
		users = append(users, u)
		opts = append(opts, dovecottest.WithUser(u, "pw"))
	}
	srv := dovecottest.Start(t, opts...)
	for _, u := range users {
		m := benchLogin(t, srv.Addr(), u)
		for _, b := range benchBoxes[1:] {
			if err := m.CreateMailbox(b); err != nil {
				t.Fatal(err)
			}
		}
		m.Logout()
	}

	got := make(chan string, 1000)
	query := "tls=none"
	if budget > 0 {
		query += "&connections=" + strconv.Itoa(budget)
	}
	e := engine.New(probe(got), engine.WithMetrics(),
		engine.WithTuning(host.Tuning{BackoffMin: 200 * time.Millisecond, Poll: 5 * time.Second}))
	src := fmt.Sprintf(`
local mail, probe = require("mail"), require("probe")
for _, u in ipairs{%s} do
  local acct = mail.account("imap://" .. u .. ":pw@%s?%s")
  for _, box in ipairs{"INBOX", "Work", "Lists"} do
    mail.on_new(acct:mailbox(box), function(new)
      for msg in new:messages() do probe.send(u .. "/" .. box .. "/" .. msg.subject) end
    end)
  end
end
`, `"`+strings.Join(users, `", "`)+`"`, srv.Addr(), query)
	runtime.GC()
	rssBase := rss(t)
	ctx, cancel := context.WithCancel(context.Background())
	started := time.Now()
	done := runAsync(ctx, e, "footprint.lua", src)
	defer func() {
		cancel()
		<-done
	}()
	waitSteady(t, e, accounts*len(benchBoxes), 10*time.Minute)
	ready := time.Since(started)

	runtime.GC()
	cpu0, wall0 := cpuTime(t), time.Now()
	time.Sleep(idle) // measuring idle: the wait is the measurement
	cpu := cpuTime(t) - cpu0
	wall := time.Since(wall0)
	mem := rss(t)
	gor := runtime.NumGoroutine()
	server, err := srv.Connections()
	if err != nil {
		t.Fatal(err)
	}
	total, most := 0, 0
	for _, n := range server {
		total += n
		most = max(most, n)
	}
	web := httptest.NewServer(e.Handler())
	defer web.Close()
	metric := 0.0
	for _, m := range scrape(t, web.URL)["mailscript_imap_account_connections_open"].GetMetric() {
		metric += m.GetGauge().GetValue()
	}
	modes := map[string]int{}
	for _, r := range e.Status() {
		for _, tr := range r.Triggers {
			w, _, _ := strings.Cut(tr.State, " (")
			modes[w]++
		}
	}
	t.Logf("accounts=%d mailboxes=%d notify=%v budget=%d: ready in %s; IMAP connections on the server %d (at most %d per account), /metrics %.0f; modes %v; at idle over %s (load average %s): RSS %.1f MB (%.1f MB before the rule), goroutines %d, CPU %.2f%% of a core (%.2fs per minute)",
		accounts, accounts*len(benchBoxes), notify, budget, ready.Round(time.Second), total, most, metric, modes,
		wall.Round(time.Second), loadAvg(), float64(mem)/1e6, float64(rssBase)/1e6, gor,
		100*cpu.Seconds()/wall.Seconds(), cpu.Seconds()*60/wall.Seconds())

	// A few deliveries to random watched mailboxes: each read once.
	want := map[string]bool{}
	for i := range 5 {
		u := users[rand.IntN(len(users))]
		box := benchBoxes[rand.IntN(len(benchBoxes))]
		m := benchLogin(t, srv.Addr(), u)
		subj := fmt.Sprintf("d%d", i)
		if _, err := m.AppendMessage(box, nil, time.Time{}, []byte("Subject: "+subj+"\r\n\r\nx\r\n")); err != nil {
			t.Fatal(err)
		}
		m.Logout()
		want[u+"/"+box+"/"+subj] = true
	}
	for len(want) > 0 {
		select {
		case s := <-got:
			if !want[s] {
				t.Fatalf("read %q: not delivered, or read twice", s)
			}
			delete(want, s)
		case <-time.After(2 * time.Minute):
			t.Fatalf("not read: %v", want)
		}
	}
}

// waitSteady waits until n triggers are connected and waiting (idle or
// polling).
func waitSteady(t *testing.T, e *engine.Engine, n int, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		ch := e.StatusChanged()
		k := 0
		for _, r := range e.Status() {
			for _, tr := range r.Triggers {
				if strings.HasPrefix(tr.State, "idle") || strings.HasPrefix(tr.State, "polling") {
					k++
				}
			}
		}
		if k >= n {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("%d of %d triggers waiting after %s", k, n, limit)
		}
	}
}
