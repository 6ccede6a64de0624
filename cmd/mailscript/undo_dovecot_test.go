package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/rulecheck"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// undoBed is a Dovecot user holding the generated corpus in INBOX, every
// 37th message already flagged \Deleted by someone else.
func undoBed(t *testing.T) *dovecottest.Server {
	t.Helper()
	srv := dovecottest.Start(t)
	msgs, err := mailgen.Generate(mailgen.Options{Seed: 18, Count: 2400, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var seed []dovecottest.Message
	for i, m := range msgs {
		flags := append([]string(nil), m.Flags...)
		if i%37 == 5 {
			flags = append(flags, `\Deleted`)
		}
		seed = append(seed, dovecottest.Message{Raw: m.Raw, Flags: flags, Date: m.Date})
	}
	srv.Seed(t, srv.User, "INBOX", seed)
	return srv
}

// mailState reads where every message is, with its flags and content,
// through a connection of its own.
func mailState(t *testing.T, addr, user, pass string) rulecheck.Snapshot {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(user, pass); err != nil {
		t.Fatal(err)
	}
	snap, err := rulecheck.ReadAll(m)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func diffState(a, b rulecheck.Snapshot) []string {
	var out []string
	for k, pa := range a {
		if fmt.Sprint(pa) != fmt.Sprint(b[k]) {
			out = append(out, fmt.Sprintf("%v -> %v", pa, b[k]))
		}
	}
	for k, pb := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("new: %v", pb))
		}
	}
	return out
}

// runStarterRules runs each starter rule as a user does, with the
// account URL in MAILSCRIPT_ACCOUNT, and returns the outputs.
func runStarterRules(t *testing.T, stateDir string) string {
	t.Helper()
	rules, _ := filepath.Glob("../../scripts/*.lua")
	var all strings.Builder
	for _, r := range rules {
		out, stderr, err := runCLI(t, context.Background(), "--state-dir", stateDir, "--log-format", "text", "run", r)
		all.WriteString(out)
		if err != nil {
			all.WriteString(fmt.Sprintf("%s failed: %v\n%s", r, err, stderr))
		}
	}
	return all.String()
}

func undoAll(t *testing.T, stateDir string) string {
	t.Helper()
	ids, _, err := runCLI(t, context.Background(), "--state-dir", stateDir, "runs", "--ids")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--state-dir", stateDir, "undo"}, strings.Fields(ids)...)
	out, stderr, err := runCLI(t, context.Background(), args...)
	if err != nil {
		t.Fatalf("undo: %v\n%s%s", err, out, stderr)
	}
	return out
}

// TestUndoStarterRules runs the starter rules over 2,400 messages on
// Dovecot, then undoes every run: every message is back in its mailbox
// with its flags and content (mail already flagged \Deleted included).
func TestUndoStarterRules(t *testing.T) {
	requireMail(t)
	srv := undoBed(t)
	u := url.URL{Scheme: "imap", User: url.UserPassword(srv.User, srv.Password), Host: srv.Addr(), RawQuery: "tls=none&create=true"}
	t.Setenv("MAILSCRIPT_ACCOUNT", u.String())
	before := mailState(t, srv.Addr(), srv.User, srv.Password)
	state := t.TempDir()
	out := runStarterRules(t, state)
	if strings.Contains(out, "failed") {
		t.Fatalf("a rule failed:\n%s", out)
	}
	after := mailState(t, srv.Addr(), srv.User, srv.Password)
	changed := diffState(before, after)
	if len(changed) < 100 {
		t.Fatalf("the rules changed only %d messages: the test shows nothing\n%s", len(changed), out)
	}
	t.Logf("the starter rules changed %d of 2,400 messages", len(changed))
	undone := undoAll(t, state)
	if d := diffState(before, mailState(t, srv.Addr(), srv.User, srv.Password)); len(d) > 0 {
		t.Errorf("%d messages differ after undo (of %d the rules changed), e.g. %q\nundo said:\n%s", len(d), len(changed), d[:min(5, len(d))], undone)
	}
	if !strings.Contains(undone, "delete Junk") || !strings.Contains(undone, "move INBOX -> Archive") {
		t.Errorf("undo output lacks the rules' actions:\n%s", undone)
	}
}

// TestUndoCutMove cuts the rule's connection after the server got the
// second MOVE of the newsletters rule (it moves the messages, the client
// never hears of it; the rule reconnects and goes on), then undoes the run:
// every message is back where it was.
func TestUndoCutMove(t *testing.T) {
	requireMail(t)
	srv := undoBed(t)
	p, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cut := p.Add(faultproxy.Rule{Conn: 1, Command: "UID MOVE", Match: regexp.MustCompile(`^\S+ UID MOVE `), Nth: 2, When: faultproxy.AfterCommand, Action: faultproxy.Cut})
	u := url.URL{Scheme: "imap", User: url.UserPassword(srv.User, srv.Password), Host: p.Addr(), RawQuery: "tls=none&create=true"}
	t.Setenv("MAILSCRIPT_ACCOUNT", u.String())
	before := mailState(t, srv.Addr(), srv.User, srv.Password)
	state := t.TempDir()
	out, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "--log-format", "text", "run", "../../scripts/20-newsletters.lua")
	select {
	case <-cut.Fired():
	default:
		t.Fatalf("the cut did not happen: %v\n%s%s", err, out, stderr)
	}
	if len(diffState(before, mailState(t, srv.Addr(), srv.User, srv.Password))) == 0 {
		t.Fatal("the cut run moved nothing")
	}
	undone := undoAll(t, state)
	if d := diffState(before, mailState(t, srv.Addr(), srv.User, srv.Password)); len(d) > 0 {
		t.Errorf("%d messages differ after undo, e.g. %q\nundo said:\n%s", len(d), d[:min(5, len(d))], undone)
	}
}
