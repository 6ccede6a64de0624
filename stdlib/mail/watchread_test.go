package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// The watch tests run rules as `mailscript watch` does (the engine running
// rule files with triggers) and judge by what the callbacks read: every
// delivered subject printed exactly once.

// watchTuning makes reconnections quick in tests.
var watchTuning = host.Tuning{Poll: time.Second, BackoffMin: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond, AuthBackoff: time.Hour}

// readRule prints the subject of every new message of MBOX.
const readRule = `local mail = require("mail")
local acct = mail.account(os.getenv("ACCOUNT"))
local box = acct:mailbox(os.getenv("MBOX"))
mail.on_new(box, function(new)
  print("batch: " .. #new)
  for msg in new:messages() do print("subject: " .. msg.subject) end
end)
`

// flagRule acts on the same messages: it flags them and prints the count
// the server confirmed.
const flagRule = `local mail = require("mail")
local acct = mail.account(os.getenv("ACCOUNT"))
local box = acct:mailbox(os.getenv("MBOX"))
mail.on_new(box, function(new)
  print("flagged: " .. new:flag())
end)
`

// notifyBuf is an output buffer that tells when it grows.
type notifyBuf struct {
	logs    *logBuf // shown when a wait fails
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{}
}

func newNotifyBuf() *notifyBuf { return &notifyBuf{changed: make(chan struct{})} }

func (n *notifyBuf) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.b.Write(p)
	close(n.changed)
	n.changed = make(chan struct{})
	return len(p), nil
}

func (n *notifyBuf) snapshot() (string, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b.String(), n.changed
}

// waitOutput waits (bounded) until cond holds for the output.
func (n *notifyBuf) wait(t *testing.T, what string, cond func(string) bool) string {
	t.Helper()
	timeout := time.After(90 * time.Second)
	for {
		s, ch := n.snapshot()
		if cond(s) {
			return s
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("%s: not within 90s; output:\n%s\nlog:\n%s", what, s, n.logs.String())
		}
	}
}

// watchServer is a server the watch tests run against, with the rule's
// connections going through a fault proxy.
type watchServer struct {
	proxy *faultproxy.Proxy
	url   func(addr string) string
	// deliver appends a message with subject to mbox, as another client.
	deliver func(t *testing.T, mbox, subject string)
	// deliverAt appends a message with the given internal date.
	deliverAt func(t *testing.T, mbox, subject string, date time.Time)
	// deliverMany appends messages through one connection.
	deliverMany func(t *testing.T, mbox string, subjects []string)
	// dial opens a connection of the test's own, not through the proxy.
	dial func(t *testing.T) *imaplib.IMAP4
	// create creates a mailbox.
	create func(t *testing.T, mbox string)
	// kick drops every connection of the rule.
	kick func(t *testing.T)
	// down stops the server; up starts it again; deliverDown puts mail
	// into mbox while it is down.
	down, up    func(t *testing.T)
	deliverDown func(t *testing.T, mbox, subject string)
	// recreate deletes mbox and creates it again, and returns its new
	// UIDVALIDITY.
	recreate func(t *testing.T, mbox string) uint32
}

func rawMsg(subject string) []byte {
	return []byte(fmt.Sprintf("From: a@example.org\r\nTo: alice@example.org\r\nSubject: %s\r\nMessage-ID: <%s@test>\r\n\r\nbody\r\n", subject, strings.ReplaceAll(subject, " ", ".")))
}

func dialAddr(t *testing.T, addr, user, pass string) *imaplib.IMAP4 {
	t.Helper()
	h, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login(user, pass); err != nil {
		t.Fatal(err)
	}
	return m
}

func appendDirect(t *testing.T, addr, pass, mbox string, subjects ...string) {
	t.Helper()
	appendDated(t, addr, pass, mbox, time.Time{}, subjects...)
}

func appendDated(t *testing.T, addr, pass, mbox string, date time.Time, subjects ...string) {
	t.Helper()
	m := dialAddr(t, addr, "alice", pass)
	defer m.Logout()
	for _, subject := range subjects {
		if _, err := m.AppendMessage(mbox, nil, date, rawMsg(subject)); err != nil {
			t.Errorf("append %q: %v", subject, err)
		}
	}
}

func createDirect(t *testing.T, addr, pass, mbox string) {
	t.Helper()
	m := dialAddr(t, addr, "alice", pass)
	defer m.Logout()
	if err := m.CreateMailbox(mbox); err != nil {
		t.Fatal(err)
	}
}

// recreateDirect deletes mbox and creates it again, and returns its new
// UIDVALIDITY.
func recreateDirect(t *testing.T, addr, user, pass, mbox string) uint32 {
	t.Helper()
	m := dialAddr(t, addr, user, pass)
	defer m.Logout()
	validity := func() uint32 {
		st, err := m.MailboxStatus(mbox, "UIDVALIDITY")
		if err != nil || st.UIDValidity == nil {
			t.Fatalf("status of %q: %v", mbox, err)
		}
		return *st.UIDValidity
	}
	old := validity()
	if err := m.DeleteMailbox(mbox); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateMailbox(mbox); err != nil && !strings.Contains(err.Error(), "[ALREADYEXISTS]") {
		t.Fatal(err)
	}
	// Dovecot may have made the new mailbox itself already: a session
	// of the old one writing its index brings the folder back.
	v := validity()
	if v == old {
		t.Fatalf("%q still has UIDVALIDITY %d after it was deleted and created", mbox, v)
	}
	return v
}

func newProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// proxyDown makes the proxy refuse the server: existing connections are
// cut and new ones closed before the greeting, until the returned release.
func proxyDown(p *faultproxy.Proxy) func() {
	f := p.Add(faultproxy.Rule{Name: "down", Dir: faultproxy.Downstream, Offset: 0, Action: faultproxy.Cut})
	p.CutAll()
	return f.Release
}

// watchServers are the servers the watch tests run on: Dovecot, and the
// in-process server that tells of new mail only when asked (as Courier).
var watchServers = []struct {
	name  string
	start func(t *testing.T) *watchServer
}{{"dovecot", dovecotWatch}, {"lazy", lazyWatch}}

func dovecotWatch(t *testing.T) *watchServer {
	// IDLE wakes up through inotify; where the machine ran out of inotify
	// instances, Dovecot checks the mailbox every interval instead.
	srv := dovecottest.Start(t, dovecottest.WithConfig("mailbox_idle_check_interval = 1 secs\n"))
	ws := &watchServer{proxy: newProxy(t, srv.Addr())}
	pass := srv.Users["alice"]
	ws.url = func(addr string) string { return accountURL(srv, addr, "alice", "") }
	ws.deliver = func(t *testing.T, mbox, subject string) { appendDirect(t, srv.Addr(), pass, mbox, subject) }
	ws.deliverMany = func(t *testing.T, mbox string, subjects []string) {
		appendDirect(t, srv.Addr(), pass, mbox, subjects...)
	}
	ws.deliverAt = func(t *testing.T, mbox, subject string, date time.Time) {
		appendDated(t, srv.Addr(), pass, mbox, date, subject)
	}
	ws.create = func(t *testing.T, mbox string) { createDirect(t, srv.Addr(), pass, mbox) }
	ws.dial = func(t *testing.T) *imaplib.IMAP4 { return dialAddr(t, srv.Addr(), "alice", pass) }
	ws.kick = func(t *testing.T) {
		if err := srv.Kick("alice"); err != nil {
			t.Fatal(err)
		}
	}
	ws.down = func(t *testing.T) {
		if err := srv.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	ws.up = func(t *testing.T) {
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	}
	ws.deliverDown = func(t *testing.T, mbox, subject string) { deliverMaildir(t, srv, mbox, rawMsg(subject)) }
	ws.recreate = func(t *testing.T, mbox string) uint32 {
		return recreateDirect(t, srv.Addr(), "alice", pass, mbox)
	}
	return ws
}

// deliverMaildir puts a message into the Maildir folder "new" of alice's
// mbox, owned by the mail user as Dovecot wants, while Dovecot is down.
func deliverMaildir(t *testing.T, srv *dovecottest.Server, mbox string, raw []byte) {
	t.Helper()
	u, err := user.Lookup("mail")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := filepath.Join(srv.MailDir("alice"), mbox, "new")
	if mbox != "INBOX" {
		dir = filepath.Join(srv.MailDir("alice"), "."+mbox, "new")
		if _, err := os.Stat(dir); err != nil {
			dir = filepath.Join(srv.MailDir("alice"), mbox, "new")
		}
	}
	name := filepath.Join(dir, fmt.Sprintf("%d.offline%d.test", time.Now().Unix(), time.Now().UnixNano()))
	if err := os.WriteFile(name, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(name, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// lazyWatch is the in-process server with lazy views: it reports new mail
// only at SELECT, NOOP and IDLE, as Courier-IMAP does.
func lazyWatch(t *testing.T) *watchServer {
	srv := memservertest.Start(t, memserver.Options{LazyViews: true})
	ws := &watchServer{proxy: newProxy(t, srv.Addr())}
	ws.url = func(addr string) string {
		return fmt.Sprintf("imap://%s:%s@%s?tls=none", memservertest.User, memservertest.Password, addr)
	}
	ws.deliver = func(t *testing.T, mbox, subject string) {
		if _, err := srv.Append(memservertest.User, mbox, rawMsg(subject), nil, time.Time{}); err != nil {
			t.Errorf("append %q: %v", subject, err)
		}
	}
	ws.deliverMany = func(t *testing.T, mbox string, subjects []string) {
		appendDirect(t, srv.Addr(), memservertest.Password, mbox, subjects...)
	}
	ws.deliverAt = func(t *testing.T, mbox, subject string, date time.Time) {
		if _, err := srv.Append(memservertest.User, mbox, rawMsg(subject), nil, date); err != nil {
			t.Errorf("append %q: %v", subject, err)
		}
	}
	ws.create = func(t *testing.T, mbox string) { createDirect(t, srv.Addr(), memservertest.Password, mbox) }
	ws.dial = func(t *testing.T) *imaplib.IMAP4 {
		return dialAddr(t, srv.Addr(), memservertest.User, memservertest.Password)
	}
	ws.kick = func(t *testing.T) {
		if ws.proxy.CutAll() == 0 {
			t.Fatal("no connection to kick")
		}
	}
	var release func()
	ws.down = func(t *testing.T) { release = proxyDown(ws.proxy) }
	ws.up = func(t *testing.T) { release() }
	ws.deliverDown = ws.deliver
	ws.recreate = func(t *testing.T, mbox string) uint32 {
		v := recreateDirect(t, srv.Addr(), memservertest.User, memservertest.Password, mbox)
		// The in-process server leaves the sessions of a deleted mailbox
		// hanging where real servers end them (Dovecot says BYE): end them.
		ws.proxy.CutAll()
		return v
	}
	return ws
}

// watchRun is rules running under one engine, as watch runs a folder.
type watchRun struct {
	e    *engine.Engine
	out  *notifyBuf
	logs *logBuf
	stop func()
	// flagging says whether the flag rule runs beside the read rule.
	flagging bool
	// triggers is how many triggers the rules have.
	triggers int
}

func startWatch(t *testing.T, ws *watchServer, mbox, stateDir string, rules map[string]string) *watchRun {
	t.Helper()
	env := map[string]string{"ACCOUNT": ws.url(ws.proxy.Addr()), "MBOX": mbox}
	out, logs := newNotifyBuf(), &logBuf{}
	out.logs = logs
	opts := []engine.Option{}
	if os.Getenv("MAILSCRIPT_TEST_TRACE") != "" {
		opts = append(opts, engine.WithDebug(os.Stderr))
	}
	e := engine.New(append(opts,
		engine.WithStdout(out),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		engine.WithTuning(watchTuning),
		engine.WithStateDir(stateDir),
	)...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for name, src := range rules {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.RunString(ctx, name, src)
		}()
	}
	var once sync.Once
	r := &watchRun{e: e, out: out, logs: logs, flagging: rules["20-flag.lua"] != "", triggers: len(rules)}
	r.stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(r.stop)
	r.waitState(t, len(rules), "idle")
	return r
}

// waitState waits until n triggers are in a state starting with prefix.
func (r *watchRun) waitState(t *testing.T, n int, prefix string) {
	t.Helper()
	r.waitStateFunc(t, n, prefix, func(state string) bool { return strings.HasPrefix(state, prefix) })
}

// waitStateFunc waits until n triggers are in a state that match accepts;
// want says which, for the failure message.
func (r *watchRun) waitStateFunc(t *testing.T, n int, want string, match func(string) bool) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		ch := r.e.StatusChanged()
		st := r.e.Status()
		got := 0
		for _, rs := range st {
			for _, tr := range rs.Triggers {
				if match(tr.State) {
					got++
				}
			}
		}
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("triggers not %q within 60s: %+v\nlog:\n%s", want, st, r.logs.String())
		}
	}
}

var subjectLine = regexp.MustCompile(`(?m)^subject: (.*)$`)
var flaggedLine = regexp.MustCompile(`(?m)^flagged: (\d+)$`)
var batchLine = regexp.MustCompile(`(?m)^batch: \d+$`)

// expectOnce waits until every subject was printed, then delivers a last
// message and waits for it too (so that a late repetition shows), and
// checks that each was printed exactly once and, with the flag rule, that
// the flags confirmed add up.
func (r *watchRun) expectOnce(t *testing.T, ws *watchServer, mbox string, subjects []string, flagging bool) {
	t.Helper()
	last := fmt.Sprintf("last %d", time.Now().UnixNano())
	want := append(append([]string(nil), subjects...), last)
	seenAll := func(s string) bool {
		got := map[string]bool{}
		for _, m := range subjectLine.FindAllStringSubmatch(s, -1) {
			got[m[1]] = true
		}
		for _, w := range subjects {
			if !got[w] {
				return false
			}
		}
		return true
	}
	r.out.wait(t, "every subject printed", seenAll)
	ws.deliver(t, mbox, last)
	out := r.out.wait(t, "the last subject printed", func(s string) bool {
		return strings.Contains(s, "subject: "+last+"\n")
	})
	count := map[string]int{}
	for _, m := range subjectLine.FindAllStringSubmatch(out, -1) {
		count[m[1]]++
	}
	for _, w := range want {
		if count[w] != 1 {
			t.Errorf("%q printed %d times", w, count[w])
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s\nlog:\n%s", out, r.logs.String())
		return
	}
	if flagging {
		out = r.out.wait(t, "every message flagged", func(s string) bool { return flaggedTotal(s) >= len(want) })
		if n := flaggedTotal(out); n != len(want) {
			t.Errorf("the flag rule reports %d flagged, want %d\n%s", n, len(want), out)
		}
	}
}

// flaggedTotal adds up the counts the flag rule printed.
func flaggedTotal(s string) int {
	n := 0
	for _, m := range flaggedLine.FindAllStringSubmatch(s, -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

func subjectsN(prefix string, n int) []string {
	var l []string
	for i := range n {
		l = append(l, fmt.Sprintf("%s %d", prefix, i))
	}
	return l
}

// TestWatchReadsEveryMessage: the scenarios of a watched mailbox, on
// Dovecot and on a server with lazy views, with one rule reading and
// optionally a second one flagging the same messages.
func TestWatchReadsEveryMessage(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string
	}{
		{"one", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			ws.deliver(t, mbox, "single")
			return []string{"single"}
		}},
		{"burst of 20", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			subj := subjectsN("burst", 20)
			ws.deliverMany(t, mbox, subj)
			// Coalesced: a few callbacks, not one per message.
			out := r.out.wait(t, "the burst read", func(s string) bool { return strings.Contains(s, "subject: burst 19\n") })
			if calls := len(batchLine.FindAllString(out, -1)); calls > 10 {
				t.Errorf("20 messages appended at once took %d callbacks; want a few", calls)
			} else {
				t.Logf("20 messages appended at once: %d callbacks", calls)
			}
			return subj
		}},
		{"50 from 5 clients", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			var all []string
			var wg sync.WaitGroup
			for c := range 5 {
				subj := subjectsN(fmt.Sprintf("client%d", c), 10)
				all = append(all, subj...)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, s := range subj {
						ws.deliver(t, mbox, s)
					}
				}()
			}
			wg.Wait()
			return all
		}},
		{"kick during IDLE", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			ws.deliver(t, mbox, "before the kick")
			r.out.wait(t, "first", func(s string) bool { return strings.Contains(s, "before the kick") })
			ws.kick(t)
			ws.deliver(t, mbox, "after the kick")
			return []string{"before the kick", "after the kick"}
		}},
		{"cut while the callback fetches", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			f := ws.proxy.Add(faultproxy.Rule{Name: "callback fetch", Match: regexp.MustCompile(`(?i)ENVELOPE`), When: faultproxy.BeforeCommand, Action: faultproxy.Cut})
			go func() { <-f.Fired(); f.Release() }()
			subj := subjectsN("cut", 3)
			for _, s := range subj {
				ws.deliver(t, mbox, s)
			}
			<-f.Fired()
			return subj
		}},
		{"kick while the callback fetches", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			// The callback's fetch is held at the proxy while the
			// server drops every connection of the user.
			f := ws.proxy.Add(faultproxy.Rule{Name: "held fetch", Match: regexp.MustCompile(`(?i)ENVELOPE`), When: faultproxy.BeforeCommand, Action: faultproxy.Stall})
			subj := subjectsN("kicked", 3)
			ws.deliverMany(t, mbox, subj)
			select {
			case <-f.Fired():
			case <-time.After(30 * time.Second):
				t.Fatal("the callback did not fetch")
			}
			ws.kick(t)
			f.Release()
			return subj
		}},
		{"server down", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			ws.deliver(t, mbox, "before down")
			r.out.wait(t, "first", func(s string) bool { return strings.Contains(s, "before down") })
			ws.down(t)
			subj := subjectsN("while down", 3)
			for _, s := range subj {
				ws.deliverDown(t, mbox, s)
			}
			ws.up(t)
			return append([]string{"before down"}, subj...)
		}},
		{"UIDVALIDITY change", func(t *testing.T, ws *watchServer, r *watchRun, mbox string) []string {
			// Mail handled before the change is older than what arrives
			// after it (the reset goes by arrival time, to the second).
			// Every rule handles it before the mailbox goes: a rule that
			// came to it only after the change would find it deleted,
			// and its set of the old UIDVALIDITY would (rightly) fail.
			ws.deliverAt(t, mbox, "before the change", time.Now().Add(-time.Minute))
			r.out.wait(t, "first handled", func(s string) bool {
				return strings.Contains(s, "subject: before the change\n") && (!r.flagging || flaggedTotal(s) >= 1)
			})
			v := ws.recreate(t, mbox)
			// Mail is delivered once every trigger watches the new
			// mailbox: Dovecot may refuse an APPEND ("Mailbox was deleted
			// under us") while sessions of the old one are still open.
			r.waitStateFunc(t, r.triggers, fmt.Sprintf("idle on uidvalidity %d", v), func(state string) bool {
				// A connection of its own, or the account's NOTIFY one.
				return strings.HasPrefix(state, fmt.Sprintf("idle (uidvalidity %d)", v)) ||
					strings.HasPrefix(state, fmt.Sprintf("idle with NOTIFY (uidvalidity %d;", v))
			})
			subj := subjectsN("after the change", 3)
			for _, s := range subj {
				ws.deliver(t, mbox, s)
			}
			return append([]string{"before the change"}, subj...)
		}},
	}
	for _, sv := range watchServers {
		t.Run(sv.name, func(t *testing.T) {
			for _, two := range []bool{false, true} {
				name := "one rule"
				if two {
					name = "two rules"
				}
				t.Run(name, func(t *testing.T) {
					for _, sc := range scenarios {
						t.Run(sc.name, func(t *testing.T) {
							ws := sv.start(t)
							mbox := "INBOX"
							if sc.name == "UIDVALIDITY change" {
								mbox = "Lists"
								ws.create(t, mbox)
							}
							rules := map[string]string{"10-read.lua": readRule}
							if two {
								rules["20-flag.lua"] = flagRule
							}
							r := startWatch(t, ws, mbox, t.TempDir(), rules)
							subj := sc.run(t, ws, r, mbox)
							r.expectOnce(t, ws, mbox, subj, two)
						})
					}
				})
			}
		})
	}
}
