package mail_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
	"github.com/mailscript/mailscript/stdlib/email"
)

// sendBed is an in-process IMAP server (alice, with INBOX and Sent) and
// an in-process SMTP server that wants alice's password.
type sendBed struct {
	imap     *memserver.Server
	smtp     *smtpmem.Server
	caFile   string
	stateDir string
}

const alicePW = "alice-pw"

func newSendBed(t *testing.T, smtpTLS bool) *sendBed {
	t.Helper()
	b := &sendBed{stateDir: t.TempDir()}
	im, err := memserver.New(memserver.Options{Users: map[string]string{"alice": alicePW}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { im.Close() })
	if err := im.CreateMailbox("alice", "Sent"); err != nil {
		t.Fatal(err)
	}
	b.imap = im
	opts := smtpmem.Options{Users: map[string]string{"alice": alicePW}}
	if smtpTLS {
		cert, err := testcert.Generate(testcert.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
		if err != nil {
			t.Fatal(err)
		}
		opts.TLS = &tls.Config{Certificates: []tls.Certificate{*cert.TLS}}
		b.caFile = filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(b.caFile, cert.CertPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sm, err := smtpmem.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sm.Close() })
	b.smtp = sm
	return b
}

// url is alice's account URL with the SMTP server as its outgoing server.
func (b *sendBed) url(smtpTLS string) string {
	q := url.Values{"tls": {"none"}, "smtp": {b.smtp.Addr}, "smtp_tls": {smtpTLS}, "smtp_from": {"Alice <alice@example.org>"}}
	if b.caFile != "" {
		q.Set("ca_file", b.caFile)
	}
	u := url.URL{Scheme: "imap", User: url.UserPassword("alice", alicePW), Host: b.imap.Addr(), RawQuery: q.Encode()}
	return u.String()
}

func (b *sendBed) run(t *testing.T, src string, dryRun bool, smtpTLS string) (string, string) {
	t.Helper()
	return b.runWith(t, src, dryRun, b.url(smtpTLS))
}

// runEnv runs src with MAILSCRIPT_ACCOUNT set to account.
func (b *sendBed) runEnv(t *testing.T, src, account string) (string, string) {
	t.Helper()
	return b.runWith(t, src, false, account)
}

func (b *sendBed) runWith(t *testing.T, src string, dryRun bool, account string) (string, string) {
	t.Helper()
	env := map[string]string{"MAILSCRIPT_ACCOUNT": account}
	var logs logBuf
	opts := []engine.Option{
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		engine.WithDryRun(dryRun),
		engine.WithTimeout(2 * time.Minute),
		engine.WithStateDir(b.stateDir),
	}
	if b.caFile != "" {
		opts = append(opts, engine.WithPermissions(host.Permissions{Read: []string{b.caFile}}))
	}
	res, err := engine.New(opts...).RunString(context.Background(), "rule.lua", src)
	if err != nil {
		t.Fatalf("rule failed: %v\noutput:\n%s\nlog:\n%s", err, res.Output, logs.String())
	}
	return string(res.Output), logs.String()
}

// mailbox reads the raw messages of a mailbox through a new connection.
func (b *sendBed) mailbox(t *testing.T, name string) []string {
	t.Helper()
	host, port, _ := net.SplitHostPort(b.imap.Addr())
	pn, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, pn, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login("alice", alicePW); err != nil {
		t.Fatal(err)
	}
	info, err := m.SelectMailbox(name, true)
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
	var out []string
	for _, f := range fd {
		out = append(out, string(f.Body("")))
	}
	return out
}

func header(raw, name string) string {
	v, _ := email.Parse([]byte(raw)).Get(name)
	return v
}

// TestSendStoresSentCopy sends an EmailMessage with a Bcc through the
// in-process SMTP server (AUTH, and STARTTLS with a verified certificate),
// then checks the transaction the server saw and the copy in Sent.
func TestSendStoresSentCopy(t *testing.T) {
	for _, mode := range []string{"none", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			b := newSendBed(t, mode == "starttls")
			out, log := b.run(t, `
				local mail, email = require("mail"), require("email")
				local acct = mail.account()
				local m = email.message.EmailMessage()
				m["From"] = "Alice <alice@example.org>"
				m["To"] = "Bob <bob@example.net>, carol@example.net"
				m["Bcc"] = "dave@example.net"
				m["Subject"] = "Grüße"
				m:set_content("Hello Bob\n")
				local id, refused = acct:send(m, {sent_mailbox = "Sent"})
				print(id ~= nil and #id > 0, next(refused) == nil)
			`, false, mode)
			if out != "true\ttrue\n" {
				t.Fatalf("output %q", out)
			}
			got := b.smtp.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages sent, want 1", len(got))
			}
			if got[0].From != "alice@example.org" || strings.Join(got[0].To, ",") != "bob@example.net,carol@example.net,dave@example.net" {
				t.Errorf("envelope %q -> %q", got[0].From, got[0].To)
			}
			if got[0].User != "alice" {
				t.Errorf("authenticated as %q", got[0].User)
			}
			data := string(got[0].Data)
			if strings.Contains(data, "dave@") || header(data, "Message-ID") == "" || header(data, "Date") == "" {
				t.Errorf("transmitted message:\n%s", data)
			}
			sent := b.mailbox(t, "Sent")
			if len(sent) != 1 || header(sent[0], "Message-ID") != header(data, "Message-ID") || header(sent[0], "Bcc") != "dave@example.net" {
				t.Fatalf("Sent holds %d messages: %q", len(sent), sent)
			}
			if n := strings.Count(log, `msg="mail: send"`); n != 1 {
				t.Errorf("%d send log lines:\n%s", n, log)
			}
		})
	}
}

// TestSendDryRun checks that a dry run prints the message and sends and
// stores nothing.
func TestSendDryRun(t *testing.T) {
	b := newSendBed(t, false)
	out, log := b.run(t, `
		local mail, email = require("mail"), require("email")
		local m = email.message.EmailMessage()
		m["From"] = "alice@example.org"
		m["To"] = "bob@example.net"
		m["Subject"] = "Dry"
		m:set_content("line 1\nline 2\n")
		mail.account():send(m, {sent_mailbox = "Sent"})
	`, true, "none")
	for _, want := range []string{"dry-run: would send from <alice@example.org> to bob@example.net:", "Subject: Dry", "line 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if len(b.smtp.Messages()) != 0 || b.smtp.Sessions() != 0 || len(b.mailbox(t, "Sent")) != 0 {
		t.Error("the dry run sent or stored something")
	}
	if !strings.Contains(log, `msg="mail: dry-run: would send"`) {
		t.Errorf("log:\n%s", log)
	}
}

// TestSendRefusesInjection checks that a header value with a line break,
// and an envelope address that would start a second command, are refused
// before anything is sent.
func TestSendRefusesInjection(t *testing.T) {
	b := newSendBed(t, false)
	out, _ := b.run(t, `
		local mail, email = require("mail"), require("email")
		local m = email.message.EmailMessage()
		local ok, err = pcall(function() m["Subject"] = "hi\r\nBcc: evil@example.net" end)
		print(ok, tostring(err):match("ValueError") ~= nil)
		local ok2 = pcall(function() mail.account():send("From: a@example.org\r\nTo: b@example.net\r\n\r\nx\r\n",
			{to = {"b@example.net>\r\nRCPT TO:<evil@example.net"}}) end)
		print(ok2)
	`, false, "none")
	if out != "false\ttrue\nfalse\n" {
		t.Errorf("output %q", out)
	}
	if len(b.smtp.Messages()) != 0 {
		t.Error("something was sent")
	}
}

// TestSendOptionErrors checks that a bad option of send is a
// mail.ArgumentError a script can tell apart, with its message.
func TestSendOptionErrors(t *testing.T) {
	b := newSendBed(t, false)
	out, _ := b.run(t, `
		local mail = require("mail")
		local ok, err = pcall(function() mail.account():send("From: a@example.org\r\nTo: b@example.net\r\n\r\nx\r\n",
			{to = {"b@example.net"}, sav_sent = true}) end)
		print(ok, mail.ArgumentError:is(err), tostring(err))
	`, false, "none")
	if want := "false\ttrue\tmail: send: unknown option \"sav_sent\" (save_sent, sent_mailbox, from, to)\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if len(b.smtp.Messages()) != 0 {
		t.Error("something was sent")
	}
}

// seed puts messages into alice's INBOX.
func (b *sendBed) seed(t *testing.T, raws ...string) {
	t.Helper()
	for _, r := range raws {
		if _, err := b.imap.Append("alice", "INBOX", []byte(strings.ReplaceAll(r, "\n", "\r\n")), nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
}

const personal = "From: Bob <bob@example.net>\nTo: Alice <alice@example.org>\nCc: carol@example.net\nSubject: Lunch?\nDate: Sat, 05 Dec 2026 12:00:00 +0000\nMessage-ID: <lunch@example.net>\n\nShall we meet at noon?\n"

// TestReplyAndForward replies (to all, quoting) and forwards (attached and
// inline) a message read from the INBOX, and checks what the SMTP server
// received.
func TestReplyAndForward(t *testing.T) {
	b := newSendBed(t, false)
	b.seed(t, personal)
	out, log := b.run(t, `
		local mail = require("mail")
		local inbox = mail.account():mailbox("INBOX")
		for msg in inbox:all():messages() do
			msg:reply{text = "Yes!", all = true, save_sent = false}
			msg:forward{to = "dave@example.net", note = "FYI", save_sent = false}
			msg:forward{to = {"erin@example.net"}, inline = true, save_sent = false}
		end
		print(inbox:all():forward_each{to = "frank@example.net", save_sent = false})
	`, false, "none")
	if out != "1\n" {
		t.Errorf("output %q", out)
	}
	got := b.smtp.Messages()
	if len(got) != 4 {
		t.Fatalf("%d messages sent, want 4", len(got))
	}
	reply := string(got[0].Data)
	for name, want := range map[string]string{
		"To": "Bob <bob@example.net>", "Cc": "carol@example.net", "Subject": "Re: Lunch?",
		"In-Reply-To": "<lunch@example.net>", "References": "<lunch@example.net>", "From": "Alice <alice@example.org>",
	} {
		if h := header(reply, name); h != want {
			t.Errorf("reply %s: %q, want %q", name, h, want)
		}
	}
	if !strings.Contains(reply, "Yes!\r\n\r\nOn Sat, 5 Dec 2026 12:00, Bob <bob@example.net> wrote:\r\n> Shall we meet at noon?") {
		t.Errorf("reply body:\n%s", reply)
	}
	if strings.Join(got[0].To, ",") != "bob@example.net,carol@example.net" {
		t.Errorf("reply recipients %q", got[0].To)
	}
	fwd := email.Parse(got[1].Data)
	if s, _ := fwd.Get("Subject"); s != "Fwd: Lunch?" || len(fwd.Parts) != 2 || fwd.Parts[1].ContentType() != "message/rfc822" {
		t.Errorf("forward:\n%s", got[1].Data)
	} else if inner, _ := fwd.Parts[1].Parts[0].Get("Message-ID"); inner != "<lunch@example.net>" {
		t.Errorf("the attached message is %q", inner)
	}
	if inl := string(got[2].Data); !strings.Contains(inl, "---------- Forwarded message ----------") || !strings.Contains(inl, "Shall we meet") {
		t.Errorf("inline forward:\n%s", inl)
	}
	if strings.Join(got[3].To, ",") != "frank@example.net" {
		t.Errorf("forward_each went to %q", got[3].To)
	}
	if n := strings.Count(log, `msg="mail: reply"`) + strings.Count(log, `msg="mail: forward"`); n != 4 {
		t.Errorf("%d send lines:\n%s", n, log)
	}
}

// TestVacationInProcess answers a mailbox with mail.vacation: the person
// gets one notice, the automatic and list mail none, and a second run
// (the state kept in the state folder) sends nothing more.
func TestVacationInProcess(t *testing.T) {
	b := newSendBed(t, false)
	b.seed(t,
		personal,
		"From: list@example.net\nTo: alice@example.org\nList-Id: <l.example.net>\nSubject: news\n\nx\n",
		"From: robot@example.net\nTo: alice@example.org\nAuto-Submitted: auto-generated\nSubject: robot\n\nx\n",
		"From: Bob <bob@example.net>\nTo: alice@example.org\nSubject: again\nMessage-ID: <again@example.net>\n\nx\n",
	)
	rule := `
		local mail = require("mail")
		local inbox = mail.account():mailbox("INBOX")
		local v = mail.vacation{mbox = inbox, text = "I am away until Monday.", days = 7,
			addresses = {"alice@example.org"}, subject = "Away", watch = false}
		print(v:answer(inbox:all()))
	`
	out, log := b.run(t, rule, false, "none")
	if out != "1\n" {
		t.Errorf("first run: %q\n%s", out, log)
	}
	out, _ = b.run(t, rule, false, "none")
	if out != "0\n" {
		t.Errorf("second run: %q", out)
	}
	got := b.smtp.Messages()
	if len(got) != 1 {
		t.Fatalf("%d notices, want 1", len(got))
	}
	n := string(got[0].Data)
	if got[0].From != "" || strings.Join(got[0].To, ",") != "bob@example.net" || header(n, "Auto-Submitted") != "auto-replied" ||
		header(n, "Subject") != "Away" || header(n, "In-Reply-To") != "<lunch@example.net>" {
		t.Errorf("notice <%s> -> %v:\n%s", got[0].From, got[0].To, n)
	}
	for _, reason := range []string{"mailing list", "auto-submitted", "already answered"} {
		if !strings.Contains(log, fmt.Sprintf("reason=%q", reason)) && !strings.Contains(log, "reason="+reason) {
			t.Errorf("log lacks reason %q:\n%s", reason, log)
		}
	}
}
