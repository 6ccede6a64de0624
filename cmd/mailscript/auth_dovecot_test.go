package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// waitStatus runs "mailscript status" until its output contains want.
func waitStatus(t *testing.T, state, want string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond) // polling another process's file
	defer tick.Stop()
	for {
		out, err := authRun(t, "--state-dir", state, "status")
		if err == nil && strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never showed %q: %v\n%s", want, err, out)
		}
		<-tick.C
	}
}

// TestOAuth2NoTokenInOutput signs in with "mailscript auth login", runs a
// watch with --debug and -v against Dovecot validating the tokens, reads
// its status, revokes the grant, runs a script that fails for it, and
// looks for the tokens in everything the user could see: standard output
// and error (logs, IMAP traces), status, the status file, error messages.
func TestOAuth2NoTokenInOutput(t *testing.T) {
	as := authserver.Start(t, authserver.AccessTTL(2*time.Second))
	srv := dovecottest.Start(t, dovecottest.WithOAuth2(as.IntrospectURL()))
	state := t.TempDir()
	var outputs []string
	outputs = append(outputs, authLogin(t, as, state, "work"))

	h, p, _ := net.SplitHostPort(srv.Addr())
	rules := t.TempDir()
	writeFile(t, rules, "alice.lua", fmt.Sprintf(`local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", oauth2 = "work"}
mail.on_new(acct:mailbox("INBOX"), function(set)
  for msg in set:messages() do print("new: " .. msg.subject) end
end)
`, h, p))
	ctx, cancel := context.WithCancel(context.Background())
	var wout, werr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--state-dir", state, "--debug", "-v", "--log-format=text", "watch", rules}, &wout, &werr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	outputs = append(outputs, waitStatus(t, state, "idle"))

	// A message: the callback reads it through the rule's account.
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login("alice", srv.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte("Subject: hello oauth\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	m.Logout()
	waitFor(t, &wout, "new: hello oauth")
	outputs = append(outputs, waitStatus(t, state, "sign-in work: ok"))

	// Let the watch refresh (and rotate) a few times.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.Now().Add(60 * time.Second); as.Counts().Refreshes < 2; <-tick.C {
		if time.Now().After(deadline) {
			t.Fatal("the watch does not refresh the token")
		}
	}

	// Revoked: status says what to run, the log says it once.
	as.Revoke(as.User)
	outputs = append(outputs, waitStatus(t, state, "SIGN-IN NEEDED, run: mailscript auth login work"))
	raw, _ := os.ReadFile(filepath.Join(state, statusFile))
	outputs = append(outputs, string(raw))
	waitFor(t, &werr, "until you run: mailscript auth login work")

	// A script run with the revoked sign-in fails with a clear message.
	script := writeFile(t, rules, "_once.lua", fmt.Sprintf(`local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", oauth2 = "work"}
print(acct:mailbox("INBOX"):status().messages)`, h, p))
	out, err := authRun(t, "--state-dir", state, "--debug", "run", script)
	if err == nil || !strings.Contains(out, "mailscript auth login work") {
		t.Errorf("run with a revoked sign-in: %v\n%s", err, out)
	}
	outputs = append(outputs, out, fmt.Sprint(err))
	out, _ = authRun(t, "--state-dir", state, "auth", "show", "work")
	outputs = append(outputs, out)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("watch: %v", err)
	}
	done <- nil
	outputs = append(outputs, wout.String(), werr.String())
	if os.Getenv("SHOWLOG") != "" {
		t.Log(werr.String())
	}
	if !strings.Contains(werr.String(), "AUTHENTICATE OAUTHBEARER") {
		t.Fatalf("the --debug trace shows no OAUTHBEARER login:\n%s", werr.String())
	}

	issued := as.Issued()
	if len(issued) < 4 {
		t.Fatalf("only %d tokens issued: the test checks too little", len(issued))
	}
	for _, tok := range issued {
		b64 := base64.StdEncoding.EncodeToString([]byte("auth=Bearer " + tok))
		for _, o := range outputs {
			if strings.Contains(o, tok) || strings.Contains(o, b64[:len(b64)-4]) || strings.Contains(o, tok[3:15]) {
				t.Fatalf("a token appears in an output:\n%s", o)
			}
		}
	}
}

// waitFor waits until b contains s.
func waitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared in:\n%s", s, b.String())
		}
		<-tick.C
	}
}
