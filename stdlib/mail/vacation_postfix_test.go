package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/postfixtest"
	"github.com/mailscript/mailscript/smtplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// eventHandler turns the log records a test waits for into events:
// "ready" when the trigger is first idle, "skip MESSAGE-ID REASON" for a message
// the vacation did not answer, "sent TO" for a notice sent, "error MSG"
// for an error record.
type eventHandler struct {
	ch    chan string
	ready bool
	mu    sync.Mutex
	all   []string // every record, for failure reports
}

func (h *eventHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *eventHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *eventHandler) WithGroup(string) slog.Handler            { return h }
func (h *eventHandler) Handle(_ context.Context, r slog.Record) error {
	at := map[string]string{}
	r.Attrs(func(a slog.Attr) bool { at[a.Key] = a.Value.String(); return true })
	h.mu.Lock()
	h.all = append(h.all, fmt.Sprintf("%s %s %v", r.Level, r.Message, at))
	h.mu.Unlock()
	var ev string
	switch {
	case r.Message == "trigger" && strings.HasPrefix(at["state"], "idle"):
		if h.ready {
			return nil
		}
		h.ready = true
		ev = "ready"
	case r.Message == "mail: vacation: no notice":
		ev = "skip " + at["message_id"] + " " + at["reason"]
	case r.Message == "mail: vacation":
		ev = "sent " + at["to"]
	case r.Level >= slog.LevelError:
		ev = "error " + r.Message + " " + at["err"]
	default:
		return nil
	}
	h.ch <- ev
	return nil
}

// vacationRule is the rule each user runs under watch.
func vacationRule(pf *postfixtest.Server, user string) string {
	host, port, _ := net.SplitHostPort(pf.Dovecot.Addr())
	return fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none", user = %q, password = %q, ca_file = %q,
  smtp = {host = "127.0.0.1", port = %d, tls = "starttls", from = %q}}
mail.vacation{mbox = acct:mailbox("INBOX"), text = "I am away.", subject = "Away", days = 7,
  addresses = {%q}}
`, host, port, user, pf.Dovecot.Users[user], pf.Dovecot.CertFile(), pf.SubmissionPort(), pf.Address(user), pf.Address(user))
}

type watchedRule struct {
	h      *eventHandler
	events chan string
	cancel context.CancelFunc
	done   chan error
}

func startRule(t *testing.T, pf *postfixtest.Server, user string) *watchedRule {
	t.Helper()
	w := &watchedRule{events: make(chan string, 100), done: make(chan error, 1)}
	w.h = &eventHandler{ch: w.events}
	e := engine.New(
		engine.WithLogger(slog.New(w.h)),
		engine.WithStateDir(t.TempDir()),
		engine.WithPermissions(host.Permissions{Read: []string{pf.Dovecot.CertFile()}}),
		engine.WithTuning(host.Tuning{Poll: time.Second, BackoffMin: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond}),
	)
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go func() {
		_, err := e.RunString(ctx, user+".lua", vacationRule(pf, user))
		w.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(30 * time.Second):
			t.Error("the rule did not stop")
		}
	})
	return w
}

// next waits for the next event of the rule (errors fail the test).
func (w *watchedRule) next(t *testing.T) string {
	t.Helper()
	select {
	case ev := <-w.events:
		if strings.HasPrefix(ev, "error") {
			t.Fatalf("rule: %s", ev)
		}
		return ev
	case <-time.After(60 * time.Second):
		w.h.mu.Lock()
		defer w.h.mu.Unlock()
		t.Fatalf("no event from the rule within 60s; its log:\n%s", strings.Join(w.h.all, "\n"))
	}
	return ""
}

// inject delivers a message through Postfix's MX port with the given
// envelope sender ("" for the null sender).
func inject(t *testing.T, pf *postfixtest.Server, from, to, raw string) {
	t.Helper()
	c, err := smtplib.Dial(pf.Host(), pf.SMTPPort(), &smtplib.Options{Timeout: 30 * time.Second, LocalHostname: "client.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Sendmail(from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")), nil, nil); err != nil {
		t.Fatalf("inject: %v", err)
	}
	c.Quit()
}

func readMailbox(t *testing.T, pf *postfixtest.Server, user string) []*email.Message {
	t.Helper()
	h, p, _ := net.SplitHostPort(pf.Dovecot.Addr())
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login(user, pf.Dovecot.Users[user]); err != nil {
		t.Fatal(err)
	}
	info, err := m.SelectMailbox("INBOX", true)
	if err != nil {
		t.Fatal(err)
	}
	if info.Exists == 0 {
		return nil
	}
	all := imaplib.SeqSet{}
	all.AddRange(1, imaplib.Star)
	fd, err := m.UIDFetch(all, "(UID BODY.PEEK[])")
	if err != nil {
		t.Fatal(err)
	}
	var out []*email.Message
	for _, f := range fd {
		out = append(out, email.Parse(f.Body("")))
	}
	return out
}

// TestVacationPostfix runs mail.vacation under watch for alice and for
// bob against Postfix and Dovecot: a person's message gets exactly one
// notice (read back from the sender's mailbox), a second one within the
// days none, automatic and list mail none, and the two vacations never
// answer each other's notices.
func TestVacationPostfix(t *testing.T) {
	pf := postfixtest.Start(t)
	alice, bob := startRule(t, pf, "alice"), startRule(t, pf, "bob")
	for _, r := range []*watchedRule{alice, bob} {
		if ev := r.next(t); ev != "ready" {
			t.Fatalf("first event %q, want ready", ev)
		}
	}
	aliceAddr, bobAddr := pf.Address("alice"), pf.Address("bob")
	msg := func(from, id, extra string) string {
		return fmt.Sprintf("From: %s\nTo: Alice <%s>\nSubject: %s\nMessage-ID: <%s@example.test>\n%s\nHello.\n", from, aliceAddr, id, id, extra)
	}

	// A person writes: one notice, which bob's vacation leaves alone.
	inject(t, pf, bobAddr, aliceAddr, msg("Bob <"+bobAddr+">", "first", ""))
	if ev := alice.next(t); ev != "sent "+bobAddr {
		t.Fatalf("alice: %q, want a notice to bob", ev)
	}
	if ev := bob.next(t); !strings.HasSuffix(ev, "auto-submitted") {
		t.Fatalf("bob, on alice's notice: %q", ev)
	}

	// The same person again, and automatic mail: no notice.
	cases := []struct{ envFrom, id, extra, reason string }{
		{bobAddr, "second", "", "already answered"},
		{"robot@example.net", "generated", "Auto-Submitted: auto-generated\n", "auto-submitted"},
		{"news@example.net", "prec", "Precedence: list\n", "precedence"},
		{"news@example.net", "listid", "List-Id: <news.example.net>\n", "mailing list"},
		{"", "bounce", "", "empty sender"},
		{"MAILER-DAEMON@example.net", "daemon", "", "automatic sender"},
	}
	for i, c := range cases {
		from := "Someone <someone@example.net>"
		if c.envFrom == bobAddr {
			from = "Bob <" + bobAddr + ">"
		}
		inject(t, pf, c.envFrom, aliceAddr, msg(from, c.id, c.extra))
		if n := pf.WaitDelivered("alice", "INBOX", i+2, 30*time.Second); n != i+2 {
			t.Fatalf("alice's INBOX holds %d messages, want %d\n%s", n, i+2, pf.LogTail(30))
		}
		want := fmt.Sprintf("skip <%s@example.test> %s", c.id, c.reason)
		if ev := alice.next(t); ev != want {
			t.Errorf("%s: %q, want %q", c.id, ev, want)
		}
	}

	// Alice writes to bob: bob's vacation answers once, alice's leaves
	// the notice alone.
	inject(t, pf, aliceAddr, bobAddr, strings.Replace(msg("Alice <"+aliceAddr+">", "tobob", ""), "To: Alice <"+aliceAddr+">", "To: <"+bobAddr+">", 1))
	if ev := bob.next(t); ev != "sent "+aliceAddr {
		t.Fatalf("bob: %q, want a notice to alice", ev)
	}
	if ev := alice.next(t); !strings.HasSuffix(ev, "auto-submitted") {
		t.Fatalf("alice, on bob's notice: %q", ev)
	}

	// Bob's mailbox: alice's notice and alice's message, nothing else.
	if n := pf.WaitDelivered("bob", "INBOX", 2, 30*time.Second); n != 2 {
		t.Fatalf("bob's INBOX holds %d messages, want 2\n%s", n, pf.LogTail(20))
	}
	var notices []*email.Message
	for _, m := range readMailbox(t, pf, "bob") {
		if v, _ := m.Get("Auto-Submitted"); v != "" {
			notices = append(notices, m)
		}
	}
	if len(notices) != 1 {
		t.Fatalf("bob got %d notices, want 1", len(notices))
	}
	n := notices[0]
	for name, want := range map[string]string{
		"Auto-Submitted": "auto-replied", "Subject": "Away", "From": aliceAddr, "To": bobAddr,
		"In-Reply-To": "<first@example.test>", "Return-Path": "<>",
	} {
		if got, _ := n.Get(name); got != want {
			t.Errorf("notice %s: %q, want %q", name, got, want)
		}
	}
	if text, _ := n.Text(); !strings.Contains(text, "I am away.") {
		t.Errorf("notice text %q", text)
	}
	// Nothing else was sent by either rule.
	for name, r := range map[string]*watchedRule{"alice": alice, "bob": bob} {
		select {
		case ev := <-r.events:
			t.Errorf("%s: unexpected event %q", name, ev)
		default:
		}
	}
}

// TestSendPostfix sends with acct:send through Postfix's submission port
// (STARTTLS, AUTH): the message reaches bob's INBOX through LMTP, and the
// copy lands in alice's Sent, the \Sent special-use mailbox Dovecot
// announces; bob's reply, built with msg:reply, reaches alice threaded.
func TestSendPostfix(t *testing.T) {
	pf := postfixtest.Start(t)
	h, p, _ := net.SplitHostPort(pf.Dovecot.Addr())
	account := func(user string) string {
		return fmt.Sprintf(`mail.account{host = %q, port = %s, tls = "none", user = %q, password = %q, ca_file = %q,
			smtp = {host = "127.0.0.1", port = %d, tls = "starttls", from = %q}}`,
			h, p, user, pf.Dovecot.Users[user], pf.Dovecot.CertFile(), pf.SubmissionPort(), pf.Address(user))
	}
	run := func(name, src string) string {
		t.Helper()
		var out strings.Builder
		e := engine.New(engine.WithStdout(&out), engine.WithPermissions(host.Permissions{Read: []string{pf.Dovecot.CertFile()}}))
		if _, err := e.RunString(context.Background(), name, src); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, pf.LogTail(20))
		}
		return out.String()
	}
	run("alice.lua", `local mail, email = require("mail"), require("email")
local acct = `+account("alice")+`
acct:create("Sent") -- Dovecot gives it the \\Sent attribute
local m = email.message.EmailMessage()
m["From"] = "Alice <`+pf.Address("alice")+`>"
m["To"] = "Bob <`+pf.Address("bob")+`>"
m["Subject"] = "Grüße aus Köln"
m:set_content("Hallo Bob!\n")
m:add_attachment("a,b\n", "text", "csv", {filename = "März.csv"})
print(acct:send(m))
`)
	if n := pf.WaitDelivered("bob", "INBOX", 1, 30*time.Second); n != 1 {
		t.Fatalf("bob's INBOX holds %d messages\n%s", n, pf.LogTail(20))
	}
	got := readMailbox(t, pf, "bob")[0]
	if s, _ := got.Get("Subject"); s != "=?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?=" {
		t.Errorf("bob got subject %q", s)
	}
	if atts := got.IterAttachments(); len(atts) != 1 {
		t.Errorf("bob got %d attachments", len(atts))
	} else if fn, _ := atts[0].Filename(); fn != "März.csv" {
		t.Errorf("attachment %q", fn)
	}
	out := run("sent.lua", `local mail = require("mail")
local acct = `+account("alice")+`
local sent = acct:special("\\Sent")
print(sent.name, #sent:all())
`)
	if out != "Sent\t1\n" {
		t.Errorf("alice's Sent: %q", out)
	}
	run("bob.lua", `local mail = require("mail")
local acct = `+account("bob")+`
for msg in acct:mailbox("INBOX"):all():messages() do
  msg:reply{text = "Danke!"}
end
`)
	if n := pf.WaitDelivered("alice", "INBOX", 1, 30*time.Second); n != 1 {
		t.Fatalf("alice's INBOX holds %d messages\n%s", n, pf.LogTail(20))
	}
	reply := readMailbox(t, pf, "alice")[0]
	orig, _ := got.Get("Message-ID")
	for name, want := range map[string]string{"In-Reply-To": orig, "References": orig, "To": "Alice <" + pf.Address("alice") + ">",
		"Subject": "Re: =?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?="} {
		if v, _ := reply.Get(name); v != want {
			t.Errorf("reply %s: %q, want %q", name, v, want)
		}
	}
	if text, _ := reply.Text(); !strings.Contains(text, "Danke!") || !strings.Contains(text, "> Hallo Bob!") {
		t.Errorf("reply text %q", text)
	}
}
