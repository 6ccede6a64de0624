package examples

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// lineWriter hands each line written to it to a channel.
type lineWriter struct {
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSuffix(line, "\n")
	}
}

// TestNewMailRule runs new-mail-rule.lua against Dovecot: a message from
// the boss delivered by a second connection is reported and flagged.
func TestNewMailRule(t *testing.T) {
	srv := dovecottest.Start(t)
	account := (&url.URL{Scheme: "imap", User: url.UserPassword(srv.User, srv.Password), Host: srv.Addr(), RawQuery: "tls=none"}).String()
	out := &lineWriter{lines: make(chan string, 100)}
	e := engine.New(
		engine.WithStdout(out),
		engine.WithEnv(func(k string) (string, bool) {
			if k == "MAILSCRIPT_ACCOUNT" {
				return account, true
			}
			return "", false
		}),
		engine.WithStateDir(t.TempDir()),
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Run(ctx, "new-mail-rule.lua")
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

	// Wait until the rule watches INBOX, then deliver.
	deadline := time.After(60 * time.Second)
	for watching := false; !watching; {
		ch := e.StatusChanged()
		for _, r := range e.Status() {
			for _, tr := range r.Triggers {
				watching = watching || strings.HasPrefix(tr.State, "idle")
			}
		}
		if watching {
			break
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the rule never started watching: %+v", e.Status())
		}
	}
	host, port := srv.Addr(), 0
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		fmt.Sscan(host[i+1:], &port)
		host = host[:i]
	}
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	raw := "From: Diane Keller <boss@example.com>\r\nSubject: Q3 numbers\r\nMessage-ID: <q3@example.com>\r\n\r\nby Friday\r\n"
	if _, err := m.AppendMessage("INBOX", nil, time.Now(), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	select {
	case line := <-out.lines:
		if line != "1 new, 1 from the boss (1 flagged so far)" {
			t.Fatalf("the rule printed %q", line)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the rule did not react to the new message")
	}
	if _, err := m.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	flagged, err := m.UIDSearch("FLAGGED")
	if err != nil || flagged.Len() != 1 {
		t.Fatalf("flagged messages: %v, %v", flagged, err)
	}
}
