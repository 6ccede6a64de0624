package mail_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// scanMessages returns n messages, every seventh with a subject starting
// "invoice", and the Message-IDs of those.
func scanMessages(prefix string, n int) ([]dovecottest.Message, map[string]bool) {
	msgs := make([]dovecottest.Message, n)
	want := map[string]bool{}
	for i := range n {
		subj := fmt.Sprintf("note %d", i)
		if i%7 == 3 {
			subj = fmt.Sprintf("invoice %d", i)
		}
		id := fmt.Sprintf("<%s%d@scan.test>", prefix, i)
		if strings.HasPrefix(subj, "invoice") {
			want[id] = true
		}
		raw := fmt.Sprintf("From: a@example.org\r\nSubject: %s\r\nMessage-ID: %s\r\n\r\nbody %d\r\n", subj, id, i)
		msgs[i] = dovecottest.Message{Raw: []byte(raw)}
	}
	return msgs, want
}

// connCounter follows a proxy's connections: how many were open at most
// at once.
type connCounter struct {
	mu        sync.Mutex
	open, max int
	closed    int
	change    chan struct{} // a connection closed
}

func countConns(p *faultproxy.Proxy) *connCounter {
	c := &connCounter{change: make(chan struct{}, 1)}
	go func() {
		for e := range p.Events() {
			c.mu.Lock()
			switch e.Kind {
			case faultproxy.Accepted:
				c.open++
				c.max = max(c.max, c.open)
			case faultproxy.Closed:
				c.open--
				c.closed++
				select {
				case c.change <- struct{}{}:
				default:
				}
			}
			c.mu.Unlock()
		}
	}()
	return c
}

// waitClosed waits until n connections have closed.
func (c *connCounter) waitClosed(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed >= n {
			return
		}
		select {
		case <-c.change:
		case <-timeout:
			t.Fatalf("only %d of %d connections closed", closed, n)
		}
	}
}

// mailboxIDs reads the Message-IDs of a mailbox through a connection of
// its own.
func mailboxIDs(t *testing.T, m *imaplib.IMAP4, box string) map[string]bool {
	t.Helper()
	if _, err := m.SelectMailbox(box, true); err != nil {
		t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	got := map[string]bool{}
	err := m.UIDFetchStream(all, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", nil, func(f *imaplib.FetchData) error {
		for _, s := range f.Sections {
			_, v, _ := strings.Cut(string(s.Data), ":")
			got[strings.TrimSpace(v)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestScanPoolShared runs two rules at once, each scanning a mailbox of
// 5,000 messages with scan_connections = 3, through a proxy that counts
// the connections reaching Dovecot: the rules' own two and at most the
// pool's two, shared (two separate pools would make six). The rule that
// moves leaves exactly the matching messages in Archive, read through a
// second connection.
func TestScanPoolShared(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	defer mail.SetScanTuning(0, 0, 4000)() // the pool from 4,000 messages on
	srv := dovecottest.Start(t)
	inbox, _ := scanMessages("in", 5000)
	other, wantMoved := scanMessages("other", 5000)
	srv.Seed(t, "alice", "INBOX", inbox)
	srv.Seed(t, "alice", "Other", other)
	proxy := startProxy(t, srv.Addr())
	conns := countConns(proxy)

	rules := []string{
		`local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT") .. "&scan_connections=3"):mailbox("INBOX")
print(#box:all():match{subject = "^invoice"})`,
		`local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT") .. "&scan_connections=3"):mailbox("Other")
print(box:all():match{subject = "^invoice"}:move_to("Archive"))`,
	}
	outs := make([]string, len(rules))
	errs := make([]error, len(rules))
	var wg sync.WaitGroup
	for i, src := range rules {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var log string
			outs[i], log, errs[i] = runRuleErr(t, srv, proxy.Addr(), src, false)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("%w\n%s", errs[i], log)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	n := strconv.Itoa(len(wantMoved))
	if strings.TrimSpace(outs[0]) != n || strings.TrimSpace(outs[1]) != n {
		t.Fatalf("printed %q and %q, want %s each", outs[0], outs[1], n)
	}
	mail.CloseScanPools()
	accepted := proxy.Stats().Conns
	conns.waitClosed(t, accepted)
	if accepted < 3 || accepted > 4 || conns.max > 4 {
		t.Fatalf("%d connections, at most %d at once; want the rules' 2 and 1 or 2 of the pool", accepted, conns.max)
	}
	m := dial(t, srv, "alice")
	got := mailboxIDs(t, m, "Archive")
	if len(got) != len(wantMoved) {
		t.Fatalf("Archive holds %d messages, want %d", len(got), len(wantMoved))
	}
	for id := range wantMoved {
		if !got[id] {
			t.Fatalf("%s is not in Archive", id)
		}
	}
	if left := mailboxIDs(t, m, "Other"); len(left) != 5000-len(wantMoved) {
		t.Fatalf("Other holds %d messages, want %d", len(left), 5000-len(wantMoved))
	}
}

// TestScanPoolRefused: a server that allows one connection per user and
// address refuses the pool's; the scan falls back to the rule's own
// connection and finds the same messages.
func TestScanPoolRefused(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	defer mail.SetScanTuning(0, 0, 4000)() // the pool from 4,000 messages on
	srv := dovecottest.Start(t, dovecottest.WithConfig("mail_max_userip_connections = 1"))
	inbox, want := scanMessages("in", 5000)
	srv.Seed(t, "alice", "INBOX", inbox)
	src := `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT") .. "&scan_connections=3"):mailbox("INBOX")
print(#box:all():match{subject = "^invoice"})`
	out, log := runRule(t, srv, srv.Addr(), src, false)
	if strings.TrimSpace(out) != strconv.Itoa(len(want)) {
		t.Fatalf("printed %q, want %d\nlog:\n%s", out, len(want), log)
	}
	t.Logf("log:\n%s", log)
	if !strings.Contains(log, "scan pool") {
		t.Fatalf("the log does not say the pool was refused:\n%s", log)
	}
}

// TestScanOneBurst: on one connection, the batches of a scan go out in
// one burst, so a scan in five UID FETCH commands costs the client no
// more round trips (turns, counted by a proxy) than one UID FETCH of the
// whole set.
func TestScanOneBurst(t *testing.T) {
	srv := dovecottest.Start(t)
	inbox, want := scanMessages("in", 5000)
	srv.Seed(t, "alice", "INBOX", inbox)
	src := `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT") .. "&scan_connections=1"):mailbox("INBOX")
print(#box:all():match{subject = "^invoice"})`
	turns := map[string]int{}
	for _, shape := range []string{"one command", "batches"} {
		restore := func() {}
		if shape == "one command" {
			restore = mail.SetScanTuning(1<<20, 1, 0)
		}
		proxy := startProxy(t, srv.Addr())
		out, log := runRule(t, srv, proxy.Addr(), src, false)
		restore()
		if strings.TrimSpace(out) != strconv.Itoa(len(want)) {
			t.Fatalf("%s: printed %q, want %d\nlog:\n%s", shape, out, len(want), log)
		}
		st := proxy.Stats()
		turns[shape] = st.Turns
		wantFetch := 1
		if shape == "batches" {
			wantFetch = 5
		}
		if st.Commands["UID FETCH"] != wantFetch {
			t.Fatalf("%s: %d UID FETCH commands, want %d: %v", shape, st.Commands["UID FETCH"], wantFetch, st.Log)
		}
	}
	if turns["batches"] > turns["one command"] {
		t.Fatalf("the batches cost %d round trips, one command %d", turns["batches"], turns["one command"])
	}
}

// TestScanPoolCut: a pool connection cut in the middle of a batch gives
// its batches back and the scan still finds every message.
func TestScanPoolCut(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	defer mail.SetScanTuning(100, 0, 4000)() // the pool from 4,000 messages on
	srv := dovecottest.Start(t)
	inbox, want := scanMessages("in", 5000)
	srv.Seed(t, "alice", "INBOX", inbox)
	proxy := startProxy(t, srv.Addr())
	// Connection 1 is the rule's own: its answers stall until the
	// pool's connection, 2, has been cut in its first batch.
	stall := proxy.Add(faultproxy.Rule{Name: "stall own", Conn: 1, Command: "UID FETCH", When: faultproxy.AfterCommand, Action: faultproxy.Stall})
	cut := proxy.Add(faultproxy.Rule{Name: "cut helper", Conn: 2, Command: "UID FETCH", When: faultproxy.AfterCommand, Offset: 3000, Action: faultproxy.Cut})
	go func() {
		<-cut.Fired()
		stall.Release()
	}()
	src := `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT") .. "&scan_connections=2"):mailbox("INBOX")
print(#box:all():match{subject = "^invoice"})`
	out, log := runRule(t, srv, proxy.Addr(), src, false)
	if strings.TrimSpace(out) != strconv.Itoa(len(want)) {
		t.Fatalf("printed %q, want %d\nlog:\n%s", out, len(want), log)
	}
	select {
	case <-cut.Fired():
	default:
		t.Fatalf("the pool connection was not cut: %v", proxy.Stats().Log)
	}
	mail.CloseScanPools()
}
