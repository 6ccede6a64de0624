package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// fastTuning makes reconnections quick in tests.
var fastTuning = host.Tuning{Poll: time.Second, BackoffMin: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond, AuthBackoff: time.Hour}

// onNewRule is a rule that reports each on_new call as "MBOX:uid,uid".
func onNewRule(addr string, mailboxes ...string) string {
	host, port, _ := net.SplitHostPort(addr)
	var b strings.Builder
	fmt.Fprintf(&b, `local mail, probe = require("mail"), require("probe")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", password = "secret"}
`, host, port)
	for _, mb := range mailboxes {
		fmt.Fprintf(&b, `mail.on_new(acct:mailbox(%q), function(set)
  probe.send(%q .. ":" .. table.concat(set:uids(), ","))
end)
`, mb, mb)
	}
	return b.String()
}

// dialAlice returns a logged-in connection to addr, the test's "second
// connection" that delivers mail.
func dialAlice(t testing.TB, addr string) *imaplib.IMAP4 {
	t.Helper()
	h, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login("alice", "secret"); err != nil {
		t.Fatal(err)
	}
	return m
}

func appendMsg(t testing.TB, m *imaplib.IMAP4, mbox, subject string, date time.Time) uint32 {
	t.Helper()
	raw := fmt.Sprintf("From: a@example.org\r\nTo: alice@example.org\r\nSubject: %s\r\nMessage-ID: <%s@test>\r\n\r\nbody\r\n", subject, strings.ReplaceAll(subject, " ", "."))
	au, err := m.AppendMessage(mbox, nil, date, []byte(raw))
	if err != nil {
		t.Fatalf("append %q: %v", subject, err)
	}
	if au == nil || au.UID == 0 {
		t.Fatal("no APPENDUID")
	}
	return au.UID
}

// call is one callback: its mailbox and UIDs.
type call struct {
	mbox string
	uids []uint32
}

func parseCall(t testing.TB, s string) call {
	t.Helper()
	mb, list, ok := strings.Cut(s, ":")
	if !ok {
		t.Fatalf("bad report %q", s)
	}
	c := call{mbox: mb}
	for _, f := range strings.Split(list, ",") {
		if f == "" {
			continue
		}
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			t.Fatalf("bad report %q", s)
		}
		c.uids = append(c.uids, uint32(n))
	}
	return c
}

// nextCall waits for the next callback (bounded).
func nextCall(t testing.TB, ch <-chan string) call {
	t.Helper()
	select {
	case s := <-ch:
		return parseCall(t, s)
	case <-time.After(60 * time.Second):
		t.Fatal("no callback within 60s")
	}
	return call{}
}

// waitState waits until every trigger of the engine's rules is in a
// state starting with prefix.
func waitState(t testing.TB, e *engine.Engine, triggers int, prefix string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		ch := e.StatusChanged()
		st := e.Status()
		n := 0
		for _, r := range st {
			for _, tr := range r.Triggers {
				if strings.HasPrefix(tr.State, prefix) {
					n++
				}
			}
		}
		if n >= triggers {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("triggers not %q within 60s: %+v", prefix, st)
		}
	}
}

// startRule runs src with an engine reporting to ch and returns the
// engine and a stop function that waits for the end of the rule.
func startRule(t testing.TB, src string, opts ...engine.Option) (*engine.Engine, chan string, func() *engine.Result) {
	if os.Getenv("MAILSCRIPT_TEST_TRACE") != "" {
		opts = append(opts, engine.WithDebug(os.Stderr))
	}
	t.Helper()
	ch := make(chan string, 1000)
	if os.Getenv("MAILSCRIPT_TEST_TRACE") != "" {
		opts = append(opts, engine.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))
	}
	e := engine.New(append([]engine.Option{probe(ch), engine.WithTuning(fastTuning)}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(ctx, e, "rule.lua", src)
	var once sync.Once
	var res *engine.Result
	stop := func() *engine.Result {
		once.Do(func() {
			cancel()
			select {
			case res = <-done:
			case <-time.After(30 * time.Second):
				t.Error("rule did not stop within 30s")
			}
		})
		return res
	}
	t.Cleanup(func() { stop() })
	return e, ch, stop
}

func TestOnNewDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, "alice", "INBOX", []dovecottest.Message{{Raw: []byte("Subject: old\r\n\r\nx\r\n")}})
	e, ch, stop := startRule(t, onNewRule(srv.Addr(), "INBOX"))
	waitState(t, e, 1, "idle")
	m := dialAlice(t, srv.Addr())

	// One message: one call with exactly it (the old one is not new).
	uid := appendMsg(t, m, "INBOX", "first", time.Time{})
	if c := nextCall(t, ch); c.mbox != "INBOX" || len(c.uids) != 1 || c.uids[0] != uid {
		t.Fatalf("call %+v, want INBOX:%d", c, uid)
	}
	// The next call holds only the next message: nothing twice.
	uid2 := appendMsg(t, m, "INBOX", "second", time.Time{})
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != uid2 {
		t.Fatalf("call %+v, want INBOX:%d", c, uid2)
	}

	// A burst of 50: a few coalesced calls, none missed or repeated.
	want := map[uint32]bool{}
	for i := range 50 {
		want[appendMsg(t, m, "INBOX", fmt.Sprintf("burst %d", i), time.Time{})] = true
	}
	seen := map[uint32]bool{}
	calls := 0
	for len(seen) < 50 {
		c := nextCall(t, ch)
		calls++
		for _, u := range c.uids {
			if seen[u] || !want[u] {
				t.Fatalf("UID %d handled twice or unexpected (call %+v)", u, c)
			}
			seen[u] = true
		}
	}
	t.Logf("50 messages in %d calls", calls)
	if calls > 10 {
		t.Errorf("50 messages in a burst took %d calls; want a few", calls)
	}
	if res := stop(); res.Err != nil {
		t.Fatal(res.Err)
	}
	select {
	case s := <-ch:
		t.Fatalf("extra call %q", s)
	default:
	}
}

// TestOnNewSurvivesRestart: the server stops while the rule idles; mail
// delivered while it is down is handled once when it is back.
func TestOnNewSurvivesRestart(t *testing.T) {
	srv := dovecottest.Start(t)
	var logs lockedLog
	e, ch, _ := startRule(t, onNewRule(srv.Addr(), "INBOX"), engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	waitState(t, e, 1, "idle")
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	waitState(t, e, 1, "reconnecting")
	// Delivered while the server is down, as a delivery agent does:
	// a file in the Maildir's new folder.
	deliverOffline(t, srv, "INBOX", "Subject: while down\r\n\r\nx\r\n")
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	c := nextCall(t, ch)
	if len(c.uids) != 1 || c.uids[0] != 1 {
		t.Fatalf("call %+v, want INBOX:1", c)
	}
	waitState(t, e, 1, "idle")
	m := dialAlice(t, srv.Addr())
	uid := appendMsg(t, m, "INBOX", "after", time.Time{})
	if c := nextCall(t, ch); len(c.uids) != 1 || c.uids[0] != uid {
		t.Fatalf("call %+v, want INBOX:%d", c, uid)
	}
	if !strings.Contains(logs.String(), "reconnecting in") {
		t.Errorf("the log does not say it reconnects:\n%s", logs.String())
	}
}

type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// deliverOffline puts a message into a mailbox's Maildir folder "new",
// owned by the mail user as Dovecot wants; Dovecot finds it at the next
// session.
func deliverOffline(t testing.TB, srv *dovecottest.Server, mbox, raw string) {
	t.Helper()
	u, err := user.Lookup("mail")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	name := filepath.Join(srv.MailDir("alice"), mbox, "new", fmt.Sprintf("%d.offline%d.test", time.Now().Unix(), time.Now().UnixNano()))
	if err := os.WriteFile(name, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(name, uid, gid); err != nil {
		t.Fatal(err)
	}
}
