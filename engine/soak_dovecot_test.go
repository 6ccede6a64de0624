package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// settle waits (bounded) until the number of goroutines is at most n,
// and returns the last count.
func settle(n int) int {
	deadline := time.Now().Add(15 * time.Second)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		runtime.GC()
		g := runtime.NumGoroutine()
		if g <= n || time.Now().After(deadline) {
			return g
		}
		<-t.C
	}
}

func goroutineDump() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// connections returns how many IMAP sessions user has, by doveadm who.
func connections(t testing.TB, srv *dovecottest.Server, user string) int {
	t.Helper()
	out, err := srv.Doveadm("who", user)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == user && f[2] == "imap" {
			c, _ := strconv.Atoi(f[1])
			n += c
		}
	}
	return n
}

// waitConnections waits (bounded) until user has want sessions.
func waitConnections(t testing.TB, srv *dovecottest.Server, user string, want int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tk := time.NewTicker(50 * time.Millisecond)
	defer tk.Stop()
	for {
		n := connections(t, srv, user)
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			out, _ := srv.Doveadm("who")
			t.Fatalf("%s has %d sessions, want %d:\n%s", user, n, want, out)
		}
		<-tk.C
	}
}

// TestRuleRestartLeavesNothing: editing a watched rule with a trigger
// stops the old version (its IDLE connection logged out) and starts the
// new one; deleting it stops it; when Watch ends, no goroutine is left.
func TestRuleRestartLeavesNothing(t *testing.T) {
	srv := dovecottest.Start(t)
	dir := t.TempDir()
	rule := func(label string) string {
		return strings.Replace(onNewRule(srv.Addr(), "INBOX"), `probe.send("INBOX" .. ":"`, `probe.send("`+label+`" .. ":"`, 1)
	}
	base := runtime.NumGoroutine()
	ch := make(chan string, 100)
	e := engine.New(probe(ch), engine.WithTuning(fastTuning))
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	path := writeFile(t, dir, "react.lua", rule("v1"))
	go func() { watched <- e.Watch(ctx, dir, engine.WithDebounce(20*time.Millisecond)) }()
	waitState(t, e, 1, "idle")
	waitConnections(t, srv, "alice", 1)

	m := dialAlice(t, srv.Addr())
	uid := appendMsg(t, m, "INBOX", "to v1", time.Time{})
	if c := nextCall(t, ch); c.mbox != "v1" || len(c.uids) != 1 || c.uids[0] != uid {
		t.Fatalf("call %+v", c)
	}
	m.Logout()
	waitConnections(t, srv, "alice", 0+1)

	for round := 2; round <= 4; round++ {
		label := fmt.Sprintf("v%d", round)
		old := e.Status()
		writeFile(t, dir, "react.lua", rule(label))
		// The new version is active when its status entry is not the old one.
		waitFor(t, func() bool {
			st := e.Status()
			return len(st) == 1 && len(old) == 1 && st[0].Since.After(old[0].Since) && strings.HasPrefix(st[0].Triggers[0].State, "idle")
		}, e.StatusChanged)
		waitConnections(t, srv, "alice", 1)
		m := dialAlice(t, srv.Addr())
		uid := appendMsg(t, m, "INBOX", "to "+label, time.Time{})
		if c := nextCall(t, ch); c.mbox != label || len(c.uids) != 1 || c.uids[0] != uid {
			t.Fatalf("round %d: call %+v, want %s:%d (the progress carries over to the new version)", round, c, label, uid)
		}
		m.Logout()
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(e.Status()) == 0 }, e.StatusChanged)
	waitConnections(t, srv, "alice", 0)
	cancel()
	if err := <-watched; err != nil {
		t.Fatal(err)
	}
	if g := settle(base); g > base {
		t.Errorf("%d goroutines after Watch, %d before:\n%s", g, base, goroutineDump())
	}
	select {
	case s := <-ch:
		t.Errorf("extra call %q", s)
	default:
	}
}

// readingRule is a rule whose callbacks read every message they get and
// report each as "MBOX:uid" (the UID that was read).
func readingRule(addr string, mailboxes ...string) string {
	host, port, _ := net.SplitHostPort(addr)
	var b strings.Builder
	fmt.Fprintf(&b, `local mail, probe = require("mail"), require("probe")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", password = "secret"}
`, host, port)
	for _, mb := range mailboxes {
		fmt.Fprintf(&b, `mail.on_new(acct:mailbox(%q), function(set)
  local read = {}
  for msg in set:messages() do
    assert(msg.subject:match("^soak "), "unexpected subject " .. msg.subject)
    read[#read + 1] = msg.uid
  end
  for _, uid in ipairs(read) do probe.send(%q .. ":" .. uid) end
end)
`, mb, mb)
	}
	return b.String()
}

// TestSoak delivers messages at random intervals to three watched
// mailboxes while a proxy cuts the rule's connections at random and in
// the middle of callbacks; every message must be read by a callback
// exactly once, and goroutines and memory must
// not grow. The short form (300 messages) runs by default; set
// MAILSCRIPT_SOAK=1 for the long form (2,000 messages).
func TestSoak(t *testing.T) {
	total := 300
	if os.Getenv("MAILSCRIPT_SOAK") != "" {
		total = 2000
	}
	if testing.Short() {
		total = 60
	}
	srv := dovecottest.Start(t)
	boxes := []string{"INBOX", "Lists", "Work"}
	setup := dialAlice(t, srv.Addr())
	for _, b := range boxes[1:] {
		if err := setup.CreateMailbox(b); err != nil {
			t.Fatal(err)
		}
	}
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })

	// Every rule connection is cut at its third fetch of envelopes: in
	// the middle of a callback reading its messages.
	p.Add(faultproxy.Rule{Name: "during a callback", Match: regexp.MustCompile(`ENVELOPE`), Nth: 3, When: faultproxy.BeforeCommand, Action: faultproxy.Cut})

	base := runtime.NumGoroutine()
	e, ch, stop := startRule(t, readingRule(p.Addr(), boxes...))
	waitState(t, e, 3, "idle")
	// A first message opens the rule's own connection (the callbacks read
	// through it) before the baseline is taken.
	warm := appendMsg(t, setup, "INBOX", "soak warm-up", time.Time{})
	if c := nextCall(t, ch); c.mbox != "INBOX" || len(c.uids) != 1 || c.uids[0] != warm {
		t.Fatalf("warm-up: %+v", c)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse
	active := runtime.NumGoroutine()

	// Collect the calls.
	seen := map[string]int{}
	var mu sync.Mutex
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for s := range ch {
			c := parseCall(t, s)
			mu.Lock()
			for _, u := range c.uids {
				seen[fmt.Sprintf("%s:%d", c.mbox, u)]++
			}
			n := len(seen)
			mu.Unlock()
			if n >= total {
				return
			}
		}
	}()

	// Cut at random while delivering.
	done := make(chan struct{})
	cuts := 0
	var cutWG sync.WaitGroup
	cutWG.Add(1)
	go func() {
		defer cutWG.Done()
		for {
			tm := time.NewTimer(time.Duration(20+rand.IntN(200)) * time.Millisecond)
			select {
			case <-done:
				tm.Stop()
				return
			case <-tm.C:
				cuts += min(p.CutAll(), 1)
			}
		}
	}()
	want := map[string]bool{}
	m := dialAlice(t, srv.Addr())
	for i := range total {
		b := boxes[rand.IntN(len(boxes))]
		uid := appendMsg(t, m, b, fmt.Sprintf("soak %d", i), time.Time{})
		want[fmt.Sprintf("%s:%d", b, uid)] = true
		if d := rand.IntN(4); d > 0 {
			time.Sleep(time.Duration(d) * time.Millisecond) // the delivery pattern, not synchronisation
		}
	}
	close(done)
	cutWG.Wait()
	select {
	case <-collected:
	case <-time.After(3 * time.Minute):
		mu.Lock()
		t.Fatalf("after 3 minutes %d of %d messages handled", len(seen), total)
	}
	mu.Lock()
	for k, n := range seen {
		if n != 1 || !want[k] {
			t.Errorf("message %s handled %d times (expected: %v)", k, n, want[k])
		}
	}
	for k := range want {
		if seen[k] == 0 {
			t.Errorf("message %s never handled", k)
		}
	}
	mu.Unlock()
	t.Logf("%d messages, %d cuts, %d proxy connections", total, cuts, p.Stats().Conns)
	waitState(t, e, 3, "idle")
	// Nothing more comes: a late repeat would show here.
	for drained := false; !drained; {
		select {
		case s := <-ch:
			t.Errorf("call after every message was handled: %q", s)
		default:
			drained = true
		}
	}
	if g := settle(active); g > active {
		t.Errorf("goroutines grew from %d to %d while the rule ran:\n%s", active, g, goroutineDump())
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > heapBefore+16<<20 {
		t.Errorf("heap grew from %d to %d bytes", heapBefore, ms.HeapInuse)
	}
	if res := stop(); res == nil || res.Err != nil {
		t.Fatalf("rule ended with %+v", res)
	}
	if g := settle(base); g > base {
		t.Errorf("%d goroutines after the rule, %d before:\n%s", g, base, goroutineDump())
	}
}
