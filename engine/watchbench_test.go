//go:build bench

package engine_test

// The daemon's footprint: one process watching N accounts × 3 mailboxes
// on Dovecot. Run with
//
//	go test -tags bench ./engine -run TestWatchFootprint -v -timeout 30m
//
// (MAILSCRIPT_BENCH_ACCOUNTS="10 200" sets the account counts; each run
// starts a Dovecot of its own with the users generated and its process
// limits raised.) It reports the IMAP connections open, the resident
// memory, goroutines and CPU of the process at idle, and the time from a
// message's APPEND completing to the callback that gets it, p50 and p99.
// That latency includes the half second Dovecot waits before it tells
// IDLE sessions of a change (NOTIFY_DELAY_MSECS, 500 ms, in its
// index-mailbox-check.c), and up to mailbox_idle_check_interval where it
// has no inotify instance left. So it also reports EXISTS-to-callback: from
// the trigger reading "* N EXISTS" to the start of the callback, which is
// what mailscript adds (MAILSCRIPT_BENCH_COALESCE sets the coalescing
// window, to compare).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

var benchBoxes = []string{"INBOX", "Work", "Lists"}

func TestWatchFootprint(t *testing.T) {
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
	for _, n := range counts {
		t.Run(fmt.Sprintf("accounts=%d", n), func(t *testing.T) { footprint(t, n, idle) })
	}
}

func footprint(t *testing.T, accounts int, idle time.Duration) {
	opts := []dovecottest.Option{dovecottest.WithConfig(
		"default_process_limit = 3000\ndefault_client_limit = 6000\ndefault_vsz_limit = 0\n" +
			// Beyond fs.inotify.max_user_instances (128 by default) IDLE
			// sessions, Dovecot stops using inotify and looks for changes
			// every mailbox_idle_check_interval (30 s by default).
			"mailbox_idle_check_interval = 1 secs\n")}
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
	probe := engine.WithModule("probe", func(L *lua.LState) int {
		L.Push(L.NewFunction(func(L *lua.LState) int {
			got <- L.CheckString(1)
			return 0
		}))
		return 1
	})
	news := &newsRecorder{}
	e := engine.New(probe, engine.WithMetrics(), engine.WithTuning(benchTuning(t)), engine.WithNewsHook(news.record))
	src := fmt.Sprintf(`
local mail, probe = require("mail"), require("probe")
for _, u in ipairs{%s} do
  local acct = mail.account("imap://" .. u .. ":pw@%s?tls=none")
  for _, box in ipairs{"INBOX", "Work", "Lists"} do
    mail.on_new(acct:mailbox(box), function(new)
      for _ = 1, #new do probe(u .. "/" .. box) end
    end)
  end
end
`, `"`+strings.Join(users, `", "`)+`"`, srv.Addr())
	runtime.GC()
	rssBase := rss(t)
	ctx, cancel := context.WithCancel(context.Background())
	started := time.Now()
	done := runAsync(ctx, e, "footprint.lua", src)
	defer func() {
		cancel()
		<-done
	}()
	waitStateLong(t, e, accounts*len(benchBoxes), "idle", 10*time.Minute)
	ready := time.Since(started)

	// At idle.
	runtime.GC()
	cpu0, wall0 := cpuTime(t), time.Now()
	time.Sleep(idle) // measuring idle: the wait is the measurement
	cpu := cpuTime(t) - cpu0
	wall := time.Since(wall0)
	mem := rss(t)
	gor := runtime.NumGoroutine()
	web := httptest.NewServer(e.Handler())
	defer web.Close()
	fams := scrape(t, web.URL)
	conns := 0.0
	for _, m := range fams["mailscript_imap_connections_open"].GetMetric() {
		conns += m.GetGauge().GetValue()
	}

	// Latency: a message to a random watched mailbox, one at a time.
	conn := map[string]*imaplib.IMAP4{}
	defer func() {
		for _, m := range conn {
			m.Logout()
		}
	}()
	news.reset()
	var lat []time.Duration
	const deliveries = 100
	for i := range deliveries {
		u := users[rand.IntN(len(users))]
		box := benchBoxes[rand.IntN(len(benchBoxes))]
		raw := fmt.Sprintf("From: x@example.org\r\nSubject: %d\r\n\r\nbody\r\n", i)
		am := conn[u]
		if am == nil {
			am = benchLogin(t, srv.Addr(), u)
			conn[u] = am
		}
		if _, err := am.AppendMessage(box, nil, time.Time{}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		appended := time.Now()
		select {
		case w := <-got:
			if w != u+"/"+box {
				t.Fatalf("callback for %s, want %s/%s", w, u, box)
			}
		case <-time.After(time.Minute):
			t.Fatalf("no callback for %s/%s", u, box)
		}
		lat = append(lat, time.Since(appended))
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(time.Millisecond) }
	t.Logf("accounts=%d mailboxes=%d: ready in %s; IMAP connections %.0f; at idle over %s (load average %s): RSS %.1f MB (%.1f MB before the rule), goroutines %d, CPU %.2f%% of a core (%.2fs per minute); APPEND-to-callback latency p50 %s p99 %s max %s (%d deliveries)",
		accounts, accounts*len(benchBoxes), ready.Round(time.Second), conns, wall.Round(time.Second), loadAvg(),
		float64(mem)/1e6, float64(rssBase)/1e6, gor, 100*cpu.Seconds()/wall.Seconds(), cpu.Seconds()*60/wall.Seconds(),
		p(0.5), p(0.99), lat[len(lat)-1].Round(time.Millisecond), deliveries)
	news.report(t, accounts)
}

// benchTuning is the engine's tuning for the benchmark: the defaults,
// but a quick reconnect, and MAILSCRIPT_BENCH_COALESCE (a duration) as
// the coalescing window when set, to compare windows.
func benchTuning(t *testing.T) host.Tuning {
	tun := host.Tuning{BackoffMin: 200 * time.Millisecond}
	if v := os.Getenv("MAILSCRIPT_BENCH_COALESCE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		tun.Coalesce = d
	}
	return tun
}

// newsRecorder keeps the EXISTS-to-callback latencies the engine reports
// (the time from the trigger reading the server's "* N EXISTS" to the
// start of the callback), without the server's own delay before it
// tells an IDLE session.
type newsRecorder struct {
	mu  sync.Mutex
	lat []time.Duration
}

func (n *newsRecorder) record(_, _ string, d time.Duration) {
	n.mu.Lock()
	n.lat = append(n.lat, d)
	n.mu.Unlock()
}

func (n *newsRecorder) reset() {
	n.mu.Lock()
	n.lat = nil
	n.mu.Unlock()
}

// report logs p50, p99 and max of the latencies recorded since reset.
func (n *newsRecorder) report(t *testing.T, accounts int) {
	n.mu.Lock()
	lat := slices.Clone(n.lat)
	n.mu.Unlock()
	if len(lat) == 0 {
		t.Errorf("accounts=%d: no EXISTS-to-callback latency recorded", accounts)
		return
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(time.Millisecond) }
	t.Logf("accounts=%d mailboxes=%d: EXISTS-to-callback latency p50 %s p99 %s max %s (%d callbacks; coalescing window %s)",
		accounts, accounts*len(benchBoxes), p(0.5), p(0.99), lat[len(lat)-1].Round(time.Millisecond), len(lat),
		host.Tuning{Coalesce: benchTuning(t).Coalesce}.WithDefaults().Coalesce)
}

func benchLogin(t *testing.T, addr, user string) *imaplib.IMAP4 {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	pn, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, pn, &imaplib.Options{Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login(user, "pw"); err != nil {
		t.Fatal(err)
	}
	return m
}

// rss is the resident memory of the process, in bytes.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// cpuTime is the CPU time the process used (user and system).
func cpuTime(t *testing.T) time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

func waitStateLong(t *testing.T, e *engine.Engine, n int, prefix string, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		ch := e.StatusChanged()
		k := 0
		for _, r := range e.Status() {
			for _, tr := range r.Triggers {
				if strings.HasPrefix(tr.State, prefix) {
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
			t.Fatalf("%d of %d triggers %q after %s", k, n, prefix, limit)
		}
	}
}

// loadAvg is the machine's load average over a minute, for context.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
