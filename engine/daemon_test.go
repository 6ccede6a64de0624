package engine_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// get returns the status and body of an HTTP GET.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape reads /metrics with Prometheus' text parser.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// value returns the value of the metric of family name whose labels
// include want; ok false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		match := true
		for k, w := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == w {
					found = true
				}
			}
			match = match && found
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// sum adds the values of every metric of family name whose labels
// include want.
func sum(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	total := 0.0
	for _, m := range f.Metric {
		match := true
		for k, w := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == w {
					found = true
				}
			}
			match = match && found
		}
		if match && m.Counter != nil {
			total += m.Counter.GetValue()
		}
	}
	return total
}

// waitHealth waits until the engine's health is ok (or not) and returns
// how long it took.
func waitHealth(t *testing.T, e *engine.Engine, ok bool, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	timeout := time.After(limit)
	for {
		ch := e.StatusChanged()
		if e.Health(0).OK == ok && e.Health(0).Triggers > 0 {
			return time.Since(start)
		}
		select {
		case <-ch:
		case <-time.After(100 * time.Millisecond):
			// Health also changes with time (connecting too long).
		case <-timeout:
			t.Fatalf("health not %v within %s: %+v %+v", ok, limit, e.Health(0), e.Status())
		}
	}
}

func demoLogin(t *testing.T, addr string) *imaplib.IMAP4 {
	t.Helper()
	h, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(demo.User, demo.Password); err != nil {
		t.Fatal(err)
	}
	return m
}

// A server that stops answering turns /healthz to 503 within the IDLE
// heartbeat plus the command deadline, and back to 200 once it answers
// again; /metrics counts what happened.
func TestHealthAndMetrics(t *testing.T) {
	srv, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	const deadline, renew = time.Second, 300 * time.Millisecond
	lines := make(chan string, 100)
	e := engine.New(engine.WithMetrics(), engine.WithStdout(lineWriter{lines}),
		engine.WithTuning(host.Tuning{CommandTimeout: deadline, IdleRenew: renew, BackoffMin: time.Second, BackoffMax: time.Second, Poll: time.Second}))
	web := httptest.NewServer(e.Handler())
	defer web.Close()

	if code, body := get(t, web.URL+"/healthz"); code != 200 {
		t.Fatalf("/healthz with no rule: %d %s", code, body)
	}
	src := fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account("imap://demo:demo@%s?tls=none")
mail.on_new(acct:mailbox("INBOX"), function(new)
  print(#new)
end)
`, p.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(ctx, e, "health.lua", src)
	defer func() {
		p.ReleaseAll()
		cancel()
		<-done
	}()
	waitState(t, e, 1, "idle")
	if code, body := get(t, web.URL+"/healthz"); code != 200 {
		t.Fatalf("/healthz while idle: %d %s", code, body)
	}

	// Three messages, handed to the callback in one call or more.
	m := demoLogin(t, srv.Addr())
	for i := range 3 {
		if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte(fmt.Sprintf("Subject: m%d\r\n\r\nx\r\n", i))); err != nil {
			t.Fatal(err)
		}
	}
	got, calls := 0, 0
	for got < 3 {
		select {
		case l := <-lines:
			n, _ := strconv.Atoi(strings.TrimSpace(l))
			got += n
			calls++
		case <-time.After(30 * time.Second):
			t.Fatalf("callbacks handed %d of 3 messages", got)
		}
	}
	waitState(t, e, 1, "idle")
	fams := scrape(t, web.URL)
	trig := map[string]string{"rule": "health.lua", "trigger": "on_new INBOX (demo@127.0.0.1)"}
	checks := []struct {
		name string
		want float64
	}{
		{"mailscript_trigger_messages_total", 3},
		{"mailscript_trigger_callbacks_total", float64(calls)},
		{"mailscript_trigger_callback_errors_total", 0},
		{"mailscript_callback_duration_seconds", float64(calls)},
		{"mailscript_imap_connections_open", 1},
		{"mailscript_trigger_healthy", 1},
		{"mailscript_trigger_reconnects_total", 0},
	}
	for _, c := range checks {
		if v, ok := value(fams, c.name, trig); !ok || v != c.want {
			t.Errorf("%s = %v (found %v), want %v", c.name, v, ok, c.want)
		}
	}
	// Callbacks woken by IDLE's news have their latency timed (mail
	// noticed by a command's responses has none).
	if v, ok := value(fams, "mailscript_trigger_news_latency_seconds", trig); !ok || v < 1 || v > float64(calls) {
		t.Errorf("news latencies timed: %v (found %v), want 1 to %d", v, ok, calls)
	}
	if v, _ := value(fams, "mailscript_trigger_state", map[string]string{"rule": "health.lua", "state": "idle"}); v != 1 {
		t.Errorf("state idle = %v, want 1", v)
	}
	if v := sum(fams, "mailscript_imap_commands_total", map[string]string{"trigger": trig["trigger"], "command": "IDLE"}); v < 1 {
		t.Errorf("IDLE commands counted: %v", v)
	}
	if v := sum(fams, "mailscript_imap_commands_total", map[string]string{"trigger": trig["trigger"], "command": "LOGIN", "status": "OK"}); v != 1 {
		t.Errorf("trigger logins counted: %v, want 1", v)
	}
	if v, _ := value(fams, "mailscript_imap_command_duration_seconds", trig); v < 3 {
		t.Errorf("round trips timed: %v", v)
	}
	if v, _ := value(fams, "mailscript_trigger_last_check_timestamp_seconds", trig); time.Since(time.Unix(int64(v), 0)) > time.Minute {
		t.Errorf("last check at %v", v)
	}

	// The server stops answering: every byte towards the client stalls.
	stall := p.Add(faultproxy.Rule{Name: "server silent", Dir: faultproxy.Downstream, Offset: 0, Action: faultproxy.Stall})
	took := waitHealth(t, e, false, 30*time.Second)
	if limit := renew + deadline + 2*time.Second; took > limit {
		t.Errorf("503 after %s, want within the heartbeat and the deadline (%s, with slack)", took, limit)
	}
	code, body := get(t, web.URL+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "health.lua: on_new INBOX") {
		t.Fatalf("/healthz while stalled: %d %q", code, body)
	}
	t.Logf("503 after %s: %s", took.Round(time.Millisecond), strings.TrimSpace(body))

	stall.Release()
	waitHealth(t, e, true, 30*time.Second)
	waitState(t, e, 1, "idle")
	if code, body := get(t, web.URL+"/healthz"); code != 200 {
		t.Fatalf("/healthz after the server answers again: %d %s", code, body)
	}
	fams = scrape(t, web.URL)
	if v, _ := value(fams, "mailscript_trigger_reconnects_total", trig); v < 1 {
		t.Errorf("reconnects = %v after the stall", v)
	}
	if v, _ := value(fams, "mailscript_imap_connections_open", trig); v != 1 {
		t.Errorf("connections open = %v after recovering, want 1", v)
	}
}

// A rule stuck on an account that stopped answering does not delay a
// rule of another account: its callback runs while the first one waits
// for its server.
func TestStuckAccountDoesNotDelayOthers(t *testing.T) {
	slow, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	p, err := faultproxy.New(slow.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, fastPort, _ := net.SplitHostPort(fast.Addr())

	dir := t.TempDir()
	rule := `
local mail = require("mail")
local acct = mail.account("imap://demo:demo@%s?tls=none")
local inbox = acct:mailbox("INBOX")
mail.on_new(inbox, function(new)
  print("%s start")
  local n = #inbox:search{unseen = true}
  print("%s end")
end)
`
	// Two names for one loopback host: two accounts.
	writeFile(t, dir, "a-slow.lua", fmt.Sprintf(rule, p.Addr(), "slow", "slow"))
	writeFile(t, dir, "b-fast.lua", fmt.Sprintf(rule, "localhost:"+fastPort, "fast", "fast"))
	lines := make(chan string, 100)
	e := engine.New(engine.WithStdout(lineWriter{lines}), engine.WithEnv(fast.LookupEnv),
		engine.WithTuning(host.Tuning{CommandTimeout: 20 * time.Second}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Watch(ctx, dir, engine.WithDebounce(10*time.Millisecond)) }()
	defer func() {
		p.ReleaseAll()
		cancel()
		<-done
	}()
	waitState(t, e, 2, "idle")

	// The slow account's server stops answering searches.
	stuck := p.Add(faultproxy.Rule{Name: "no answer to searches", Match: regexp.MustCompile(`(?i)SEARCH`), Action: faultproxy.Stall})
	appendTo(t, slow.Addr(), "for the slow rule")
	expect := func(want string) {
		t.Helper()
		select {
		case l := <-lines:
			if l != want {
				t.Fatalf("got %q, want %q", l, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
	expect("slow start")
	select {
	case <-stuck.Fired():
	case <-time.After(30 * time.Second):
		t.Fatal("the slow rule's search did not reach the proxy")
	}
	// While the slow rule waits for its server, the fast one works.
	appendTo(t, fast.Addr(), "for the fast rule")
	expect("fast start")
	expect("fast end")
	stuck.Release()
	expect("slow end")
}

// appendTo appends a message to the demo INBOX at addr.
func appendTo(t *testing.T, addr, subject string) {
	t.Helper()
	m := demoLogin(t, addr)
	if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte("Subject: "+subject+"\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	m.Logout()
}
