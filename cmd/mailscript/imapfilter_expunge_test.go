package main

// Tests of the deferred expunge of "mailscript imapfilter": moves and
// deletes send their STORE of \Deleted and their UID EXPUNGE for many
// messages at once, at the points where the difference could be seen.
// Each config runs under imapfilter and under mailscript (through a
// proxy that counts the commands) from the same starting Maildir; the
// final state of every mailbox and the printed output must be the same.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// expungeHead starts the configs of these tests: plain IMAP (so that the
// proxy sees the commands), an account, the INBOX without the message
// another client had flagged \Deleted, and a function moving the
// messages of a result one at a time, as configs looping with ipairs do.
const expungeHead = `options.starttls = false
options.info = false
acct = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }
inbox = acct.INBOX
-- imapfilter's bare EXPUNGE would destroy the message another client
-- flagged \\Deleted, where mailscript keeps it: take the flag off first,
-- so that both count the same messages.
inbox:unmark_deleted(inbox:is_deleted())
function one_by_one(result, dest)
    local n = 0
    for _, mesg in ipairs(result) do
        local mbox, uid = table.unpack(mesg)
        mbox:move_messages(dest, { mesg })
        n = n + 1
    end
    return n
end
`

// proxied returns a counting proxy in front of the test bed's plain port.
func (b *bed) proxied(t *testing.T) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(b.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// withPort is the config with {PORT} set to port and the rest of the
// test bed's placeholders expanded.
func (b *bed) withPort(config string, port int) string {
	return b.expand(strings.ReplaceAll(config, "{PORT}", strconv.Itoa(port)))
}

func TestIMAPFilterDeferredExpunge(t *testing.T) {
	bin := needIMAPFilter(t)
	tests := []struct {
		name   string
		config string
		// moves is how many messages the config moves or deletes one at
		// a time; maxExpunges how many UID EXPUNGE mailscript may send
		// for them.
		moves, maxExpunges int
	}{
		{
			// Searches after the moves must not see the moved messages;
			// check_status must count without them.
			name: "searches and status",
			config: `n = one_by_one(inbox:contain_from('penguin.land') + inbox:contain_from('amazon'), acct['Later'])
print('moved', n)
print('all', #inbox:select_all(), 'deleted', #inbox:is_deleted(), 'unseen', #inbox:is_unseen())
print('tux left', #inbox:contain_from('penguin.land'))
options.info = true
print(inbox:check_status())
options.info = false
n = one_by_one(inbox:contain_subject('news'), acct['Later'])
print('moved', n, 'all', #inbox:select_all())
`,
			moves: 6, maxExpunges: 2,
		},
		{
			// The config fails after some moves: the moved messages are
			// gone from the INBOX, as under imapfilter.
			name: "error after moves",
			config: `n = one_by_one(inbox:contain_from('spam.example'), acct['Junk'])
print('moved', n)
error('giving up here')
`,
			moves: 2, maxExpunges: 1,
		},
		{
			// A second connection to the same mailbox sees it as
			// imapfilter leaves it.
			name: "another connection",
			config: `other = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }
n = one_by_one(inbox:contain_from('example.org'), acct['Orgs'])
print('moved', n, 'seen by the other', #other.INBOX:select_all(), #other.INBOX:contain_from('example.org'))
n = one_by_one(inbox:contain_from('example.com'), acct['Coms'])
print('moved', n, 'seen by the other', #other.INBOX:select_all(), #other.INBOX:contain_from('example.com'))
`,
			moves: 20, maxExpunges: 3,
		},
		{
			// Acting on messages already moved: a fetch finds nothing, a
			// flag change or copy acts on nothing, a move elsewhere
			// copies nothing.
			name: "acting on moved messages",
			config: `tux = inbox:contain_from('penguin.land')
one_by_one(tux, acct['Penguins'])
for _, m in ipairs(tux) do
    local mbox, uid = table.unpack(m)
    print('subject', mbox[uid]:fetch_field('Subject'))
end
print('flags', #(inbox:fetch_flags(tux) or {}))
inbox:unmark_deleted(tux)
inbox:copy_messages(acct['Copies'], tux)
inbox:move_messages(acct['Elsewhere'], tux)
print('all', #inbox:select_all())
`,
			moves: 2, maxExpunges: 3,
		},
		{
			// Deleting one at a time, then a mailbox elsewhere is
			// selected, then the first again.
			name: "delete and come back",
			config: `for _, m in ipairs(inbox:contain_from('example.com')) do inbox:delete_messages({ m }) end
print('devel', #acct['lists/devel']:select_all())
print('left', #inbox:select_all())
for _, m in ipairs(acct['lists/devel']:contain_subject('patch')) do acct['lists/devel']:delete_messages({ m }) end
print('devel left', #acct['lists/devel']:select_all())
`,
			moves: 12, maxExpunges: 2,
		},
	}
	b := newBed(t)
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			b.reset(t)
			realOut, realErr := b.runReal(t, bin, b.expand(expungeHead+tt.config))
			realState := b.state(t)

			b.reset(t)
			proxy := b.proxied(t)
			ourOut, ourErr := b.runOurs(t, b.withPort(expungeHead+tt.config, proxy.Port()))
			ourState := b.state(t)
			if d := diffLines(realState, ourState); d != "" {
				t.Errorf("final mailbox state differs (- imapfilter, + mailscript):\n%s", d)
			}
			if d := diffLines(lines(realOut), lines(ourOut)); d != "" {
				t.Errorf("printed output differs (- imapfilter, + mailscript):\n%s\nimapfilter stderr:\n%s\nmailscript stderr:\n%s",
					d, realErr, ourErr)
			}
			st := proxy.Stats()
			if n := st.Commands["UID EXPUNGE"]; n > tt.maxExpunges {
				t.Errorf("mailscript sent %d UID EXPUNGE for %d messages moved one at a time, want at most %d\ncommands: %v",
					n, tt.moves, tt.maxExpunges, st.Commands)
			}
			if st.Commands["EXPUNGE"] > 0 {
				t.Errorf("mailscript sent a bare EXPUNGE: %v", st.Commands)
			}
			if testing.Verbose() {
				t.Logf("output:\n%s\ncommands: %v", ourOut, st.Commands)
			}
		})
	}
}

// messageIDs lists the Message-IDs of a mailbox of the default user with
// whether each is flagged \Deleted.
func (b *bed) messageIDs(t *testing.T, mailbox string) map[string]bool {
	t.Helper()
	m := b.dialAs(t, dovecottest.DefaultUser)
	defer m.Logout()
	out := map[string]bool{}
	if _, err := m.SelectMailbox(mailbox, true); err != nil {
		return out
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	fds, err := m.UIDFetch(all, "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		id := ""
		if len(fd.Sections) > 0 {
			_, v, _ := strings.Cut(string(fd.Sections[0].Data), ":")
			id = strings.TrimSpace(v)
		}
		out[id] = slices.ContainsFunc(fd.Flags, func(f string) bool { return strings.EqualFold(f, `\Deleted`) })
	}
	return out
}

// TestIMAPFilterDeferredExpungeCut breaks the connection where the
// deferred work goes out: nothing may be lost, the run must fail, and
// what a reconnection can finish is finished.
func TestIMAPFilterDeferredExpungeCut(t *testing.T) {
	needIMAPFilter(t)
	const config = expungeHead + `n = one_by_one(inbox:contain_from('penguin.land') + inbox:contain_from('amazon'), acct['Later'])
print('moved', n)
`
	moved := []string{"<tux1@corpus.test>", "<tux2@corpus.test>", "<amz1@corpus.test>", "<amz2@corpus.test>"}
	tests := []struct {
		name string
		rule faultproxy.Rule
		// deleted tells how the moved messages must end in the INBOX:
		// "flagged" (still there, \Deleted), "unflagged" (still there,
		// not \Deleted) or "gone".
		inInbox string
		failed  bool
	}{
		{name: "cut before the expunge", rule: faultproxy.Rule{Command: "UID EXPUNGE", When: faultproxy.BeforeCommand, Action: faultproxy.Cut},
			inInbox: "flagged", failed: true},
		// (The first UID STORE is expungeHead's unmark_deleted.)
		{name: "cut before the store", rule: faultproxy.Rule{Command: "UID STORE", Nth: 2, When: faultproxy.BeforeCommand, Action: faultproxy.Cut},
			inInbox: "unflagged", failed: true},
		// The expunge is done but its answer lost: the messages are gone
		// and nothing is moved twice.
		{name: "cut after the expunge", rule: faultproxy.Rule{Command: "UID EXPUNGE", When: faultproxy.AfterCommand, Action: faultproxy.Cut},
			inInbox: "gone", failed: true},
		// The connection breaks at the second copy; the run fails there,
		// and the end of the run logs in again to expunge the first
		// message moved.
		{name: "cut at a later copy", rule: faultproxy.Rule{Command: "UID COPY", Nth: 3, When: faultproxy.BeforeCommand, Action: faultproxy.Cut, Conn: 1},
			inInbox: "partly", failed: true},
	}
	b := newBed(t)
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			b.reset(t)
			before := b.messageIDs(t, "INBOX")
			proxy := b.proxied(t)
			fault := proxy.Add(tt.rule)
			out, stderr := b.runOurs(t, b.withPort(config, proxy.Port()))
			select {
			case <-fault.Fired():
			default:
				t.Fatalf("the fault %v never fired; output %q\n%s", tt.rule, out, stderr)
			}
			if failed := strings.Contains(stderr, "failed"); failed != tt.failed {
				t.Errorf("run failed: %v, want %v\n%s", failed, tt.failed, stderr)
			}
			inbox, later := b.messageIDs(t, "INBOX"), b.messageIDs(t, "Later")
			fully := 0
			for id := range before {
				if _, ok := inbox[id]; !ok && !slices.Contains(moved, id) {
					t.Errorf("%s left the INBOX, and it was not to be moved", id)
				}
			}
			for _, id := range moved {
				_, copied := later[id]
				flagged, there := inbox[id]
				if !copied && !there {
					t.Errorf("%s is lost: neither in the INBOX nor in Later", id)
				}
				switch tt.inInbox {
				case "flagged", "unflagged":
					if !copied || !there || flagged != (tt.inInbox == "flagged") {
						t.Errorf("%s: copied %v, in the INBOX %v, flagged \\Deleted %v; want a copy and the original %s",
							id, copied, there, flagged, tt.inInbox)
					}
				case "gone":
					if !copied || there {
						t.Errorf("%s: copied %v, in the INBOX %v; want it moved", id, copied, there)
					}
				case "partly":
					// One message was moved (its COPY is the second,
					// after TRYCREATE's refusal); the third COPY was cut.
					switch {
					case copied && !there:
						fully++
					case !copied && there && !flagged:
					default:
						t.Errorf("%s: copied %v, in the INBOX %v (\\Deleted %v); want it moved or untouched", id, copied, there, flagged)
					}
				}
			}
			if tt.inInbox == "partly" && fully != 1 {
				t.Errorf("%d messages moved before the cut, want 1", fully)
			}
		})
	}
}

// signalWriter collects what is written and closes seen once want was
// written.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return len(p), nil
}

// A startedRun is a "mailscript imapfilter" run going on in the
// background.
type startedRun struct {
	cancel context.CancelFunc // stops it, as SIGTERM does
	done   chan error         // its end
	stdout *signalWriter
	stderr *bytes.Buffer
}

// startUntil starts "mailscript imapfilter" on config and returns once it
// has printed want; the run is stopped when the test ends.
func (b *bed) startUntil(t *testing.T, config, want string) *startedRun {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.lua")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &startedRun{cancel: cancel, done: make(chan error, 1),
		stdout: &signalWriter{want: want, seen: make(chan struct{})}, stderr: &bytes.Buffer{}}
	seen := r.stdout.seen
	go func() {
		r.done <- run(ctx, []string{"--log-format", "text", "--state-dir", filepath.Join(dir, "state"),
			"imapfilter", "-c", path, "-t", b.srv.CertFile()}, r.stdout, r.stderr)
	}()
	select {
	case <-seen:
	case err := <-r.done:
		t.Fatalf("the run ended before printing %q: %v\n%s", want, err, r.stderr.String())
	case <-time.After(time.Minute):
		t.Fatalf("%q not printed within a minute", want)
	}
	return r
}

// TestIMAPFilterDeferredExpungeInterrupted stops a run (as SIGTERM or
// Ctrl-C do) while moved messages wait for their expunge: the run ends at
// once, as imapfilter does, and nothing is lost; the messages moved are in
// both mailboxes.
func TestIMAPFilterDeferredExpungeInterrupted(t *testing.T) {
	needIMAPFilter(t)
	b := newBed(t)
	b.reset(t)
	before := b.messageIDs(t, "INBOX")
	r := b.startUntil(t, b.expand(expungeHead+`n = one_by_one(inbox:contain_from('penguin.land'), acct['Later'])
print('moved', n)
while true do end
`), "moved\t2\n")
	r.cancel()
	stderr := r.stderr
	if err := <-r.done; err == nil {
		t.Error("an interrupted run reported success")
	}
	if !strings.Contains(stderr.String(), "stopped before the expunge") {
		t.Errorf("no warning about the expunge not sent:\n%s", stderr.String())
	}
	inbox, later := b.messageIDs(t, "INBOX"), b.messageIDs(t, "Later")
	for _, id := range []string{"<tux1@corpus.test>", "<tux2@corpus.test>"} {
		if _, ok := later[id]; !ok {
			t.Errorf("%s was not copied to Later", id)
		}
		if _, ok := inbox[id]; !ok {
			t.Errorf("%s left the INBOX though its expunge was interrupted", id)
		}
	}
	if len(inbox) != len(before) {
		t.Errorf("the INBOX holds %d messages, want all %d", len(inbox), len(before))
	}
}

// TestIMAPFilterDeferredExpungeDaemonPass checks that each scheduled pass
// of become_daemon ends with its expunge: while the daemon waits for its
// next pass, another client finds the moved messages gone.
func TestIMAPFilterDeferredExpungeDaemonPass(t *testing.T) {
	needIMAPFilter(t)
	b := newBed(t)
	b.reset(t)
	r := b.startUntil(t, b.expand(expungeHead+`passes = 0
become_daemon(1, function()
    passes = passes + 1
    if passes == 2 then
        print('moved', one_by_one(inbox:contain_from('penguin.land'), acct['Later']))
    else
        print('pass', passes)
    end
end)
`), "pass\t3\n")
	// The third pass has begun: the second one's expunge is done (the
	// first pass runs in the main chunk, whose end expunges anyway).
	inbox, later := b.messageIDs(t, "INBOX"), b.messageIDs(t, "Later")
	r.cancel()
	<-r.done
	for _, id := range []string{"<tux1@corpus.test>", "<tux2@corpus.test>"} {
		if _, ok := later[id]; !ok {
			t.Errorf("%s was not copied to Later", id)
		}
		if _, ok := inbox[id]; ok {
			t.Errorf("%s is still in the INBOX after the pass that moved it", id)
		}
	}
}
