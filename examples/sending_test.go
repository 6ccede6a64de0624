package examples

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/stdlib/email"
)

// myAddress is the demo account's address in these tests.
const myAddress = "me@example.org"

// startSMTP starts an in-process SMTP server; each accepted message is
// also handed to the returned channel.
func startSMTP(t *testing.T) (*smtpmem.Server, chan smtpmem.Message) {
	t.Helper()
	ch := make(chan smtpmem.Message, 100)
	s, err := smtpmem.Start(smtpmem.Options{Deliver: func(m smtpmem.Message) error { ch <- m; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, ch
}

// sendingEnv is the demo account with the SMTP server as its outgoing
// server.
func sendingEnv(srv *demo.Server, s *smtpmem.Server) map[string]string {
	q := url.Values{"smtp": {s.Addr}, "smtp_tls": {"none"}, "smtp_from": {myAddress}}
	return map[string]string{"MAILSCRIPT_ACCOUNT": srv.URL() + "&" + q.Encode()}
}

func demoConn(t *testing.T, srv *demo.Server) *imaplib.IMAP4 {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr())
	pn, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, pn, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(demo.User, demo.Password); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestForwardInvoices runs forward-invoices.lua twice on the demo
// mailbox: the first run forwards every invoice, attached whole, and marks
// it; the second forwards nothing.
func TestForwardInvoices(t *testing.T) {
	requireModules(t, "mail")
	srv := start(t, demo.Options{})
	s, _ := startSMTP(t)
	var want []string
	for _, m := range inbox(srv) {
		if strings.Contains(strings.ToLower(m.Subject), "invoice") {
			want = append(want, m.Subject)
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo mailbox has no invoice")
	}
	sc := script{file: "forward-invoices.lua", args: []string{"accountant@example.net"}, env: sendingEnv(srv, s)}
	out, logs, err := sc.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if wantOut := strconv.Itoa(len(want)) + " invoice(s) forwarded to accountant@example.net\n"; out != wantOut {
		t.Errorf("output %q, want %q", out, wantOut)
	}
	got := s.Messages()
	if len(got) != len(want) {
		t.Fatalf("%d forwards sent, want %d", len(got), len(want))
	}
	for i, g := range got {
		f := email.Parse(g.Data)
		subj, _ := f.Get("Subject")
		if strings.Join(g.To, ",") != "accountant@example.net" || len(f.Parts) != 2 || f.Parts[1].ContentType() != "message/rfc822" {
			t.Errorf("forward %d to %v:\n%s", i, g.To, g.Data)
			continue
		}
		inner, _ := f.Parts[1].Parts[0].Get("Subject")
		if subj != "Fwd: "+inner || !strings.Contains(strings.ToLower(inner), "invoice") {
			t.Errorf("forward %d: subject %q, attached %q", i, subj, inner)
		}
	}
	if n := strings.Count(logs, `msg="mail: forward`); n != len(want) {
		t.Errorf("%d forward log lines, want %d", n, len(want))
	}
	m := demoConn(t, srv)
	if _, err := m.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	if marked, err := m.UIDSearch("KEYWORD", "$Forwarded"); err != nil || marked.Len() != len(want) {
		t.Errorf("%v messages marked $Forwarded (%v), want %d", marked, err, len(want))
	}
	out, logs, err = sc.run(t, srv)
	if err != nil || out != "0 invoice(s) forwarded to accountant@example.net\n" || len(s.Messages()) != len(want) {
		t.Errorf("second run: %q, %d sent, %v\n%s", out, len(s.Messages()), err, logs)
	}
}

// TestAutoReply runs auto-reply.lua under watch with a period around
// today: a person's message gets one notice, a list message none.
func TestAutoReply(t *testing.T) {
	requireModules(t, "mail")
	watch := &idleWatch{idling: make(chan struct{})}
	srv := start(t, demo.Options{Debug: watch})
	s, sent := startSMTP(t)
	env := sendingEnv(srv, s)
	today := time.Now()
	var logs bytes.Buffer
	var mu sync.Mutex
	e := engine.New(
		engine.WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))),
		engine.WithEnv(func(k string) (string, bool) {
			if v, ok := env[k]; ok {
				return v, true
			}
			return srv.LookupEnv(k)
		}),
		engine.WithCapture(),
		engine.WithStateDir(t.TempDir()),
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Run(ctx, "auto-reply.lua", today.AddDate(0, 0, -1).Format("2006-01-02"), today.AddDate(0, 0, 1).Format("2006-01-02"))
		done <- err
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the rule did not stop")
		}
	}()
	// The trigger's connection is in IDLE (the server has answered the
	// command): mail appended now is announced to it.
	select {
	case <-watch.idling:
	case err := <-done:
		t.Fatalf("the rule ended before IDLE: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatalf("the rule never started watching: %+v", e.Status())
	}
	m := demoConn(t, srv)
	for _, raw := range []string{
		"From: news@example.net\r\nTo: " + myAddress + "\r\nList-Id: <news.example.net>\r\nSubject: Weekly news\r\nMessage-ID: <news@example.net>\r\n\r\nnews\r\n",
		"From: Ann <ann@example.net>\r\nTo: Me <" + myAddress + ">\r\nSubject: Dinner?\r\nMessage-ID: <dinner@example.net>\r\n\r\nAre you free?\r\n",
	} {
		if _, err := m.AppendMessage("INBOX", nil, time.Now(), []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case g := <-sent:
		n := email.Parse(g.Data)
		if strings.Join(g.To, ",") != "ann@example.net" || g.From != "" {
			t.Errorf("notice <%s> -> %v", g.From, g.To)
		}
		for name, want := range map[string]string{"Auto-Submitted": "auto-replied", "In-Reply-To": "<dinner@example.net>",
			"Subject": "Away until " + today.AddDate(0, 0, 1).Format("2006-01-02")} {
			if v, _ := n.Get(name); v != want {
				t.Errorf("notice %s: %q, want %q", name, v, want)
			}
		}
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no notice within 60s; log:\n%s", logs.String())
	}
	// The list message came first (a lower UID, answered in order): a
	// notice to it would have come before Ann's. (The channel, not
	// s.Messages(): the server records a message after handing it over.)
	select {
	case g := <-sent:
		t.Errorf("a second notice, to %v", g.To)
	default:
	}
}
