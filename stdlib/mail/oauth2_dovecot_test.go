package mail_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/oauth2"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// oauthSetup starts an authorization server, a Dovecot that validates
// bearer tokens against it, and signs alice in under "work" (device flow,
// the test approving the code) in a fresh state folder.
func oauthSetup(t *testing.T, opts ...authserver.Option) (*authserver.Server, *dovecottest.Server, string) {
	t.Helper()
	as := authserver.Start(t, opts...)
	srv := dovecottest.Start(t, dovecottest.WithOAuth2(as.IntrospectURL()))
	state := t.TempDir()
	signIn(t, as, state, "work")
	return as, srv, state
}

func signIn(t *testing.T, as *authserver.Server, state, name string) *oauth2.Record {
	t.Helper()
	l := &oauth2.Login{Name: name, ClientID: authserver.ClientID,
		Provider: oauth2.Generic(as.AuthURL(), as.TokenURL(), as.DeviceURL(), "imap")}
	rec, err := oauth2.DeviceLogin(context.Background(), l, func(oauth2.DevicePrompt) { as.Approve(<-as.Pending(), "") })
	if err != nil {
		t.Fatal(err)
	}
	if err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Save(rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// runOAuth runs a rule with the state folder and MAILSCRIPT_ACCOUNT set to
// alice's account using the sign-in "work"; it returns output, log, error.
func runOAuth(t *testing.T, srv *dovecottest.Server, state, src string, perms host.Permissions) (string, string, error) {
	t.Helper()
	env := map[string]string{"MAILSCRIPT_ACCOUNT": fmt.Sprintf("imap://alice@%s?tls=none&oauth2=work", srv.Addr())}
	var logs logBuf
	var trace logBuf
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		engine.WithDebug(&trace),
		engine.WithStateDir(state),
		engine.WithPermissions(perms),
		engine.WithTimeout(time.Minute),
	)
	res, err := e.RunString(context.Background(), "rule.lua", src)
	return string(res.Output), logs.String() + trace.String(), err
}

// noTokens fails when any token the server issued appears in texts, as is
// or base64-encoded in a SASL message.
func noTokens(t *testing.T, as *authserver.Server, texts ...string) {
	t.Helper()
	for _, tok := range as.Issued() {
		b64 := base64.StdEncoding.EncodeToString([]byte("auth=Bearer " + tok))
		for _, s := range texts {
			if strings.Contains(s, tok) || strings.Contains(s, b64[:len(b64)-4]) {
				t.Fatalf("a token leaked into:\n%s", s)
			}
		}
	}
}

func TestOAuth2AccountDovecot(t *testing.T) {
	as, srv, state := oauthSetup(t)
	tests := []struct{ name, src string }{
		{"url", `local mail = require("mail")
print(mail.account():mailbox("INBOX"):status().messages)`},
		{"table", fmt.Sprintf(`local mail = require("mail")
local a = mail.account{host = "127.0.0.1", port = %s, tls = "none", user = "alice", oauth2 = "work"}
print(a:mailbox("INBOX"):status().messages)`, strings.Split(srv.Addr(), ":")[1])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := as.Counts().ActiveIntrospections
			out, log, err := runOAuth(t, srv, state, tc.src, host.Permissions{})
			if err != nil || strings.TrimSpace(out) != "0" {
				t.Fatalf("rule: %v\n%s\n%s", err, out, log)
			}
			if !strings.Contains(log, "AUTHENTICATE OAUTHBEARER") {
				t.Errorf("Dovecot offers OAUTHBEARER but it was not used:\n%s", log)
			}
			if as.Counts().ActiveIntrospections <= before {
				t.Error("Dovecot did not ask the authorization server about the token")
			}
			noTokens(t, as, out, log)
		})
	}
}

func TestOAuth2ImaplibXOAuth2Dovecot(t *testing.T) {
	as, srv, state := oauthSetup(t)
	h, p, _ := strings.Cut(srv.Addr(), ":")
	src := fmt.Sprintf(`local imaplib, oauth2 = require("imaplib"), require("oauth2")
local M = imaplib.IMAP4(%q, %s)
local token = oauth2.token("work")
print(M:authenticate("XOAUTH2", function() return "user=alice\1auth=Bearer " .. token .. "\1\1" end))
print(M:select("INBOX"))
M:logout()
-- A refused token is an authentication failure, not a crash.
local N = imaplib.IMAP4(%q, %s)
print(pcall(N.authenticate, N, "XOAUTH2", function() return "user=alice\1auth=Bearer nope\1\1" end))`, h, p, h, p)
	out, log, err := runOAuth(t, srv, state, src, host.Permissions{})
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, log)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "OK") || !strings.HasPrefix(lines[1], "OK") || !strings.HasPrefix(lines[2], "false") {
		t.Fatalf("output:\n%s\nlog:\n%s", out, log)
	}
	noTokens(t, as, out, log)
}

func TestOAuth2ExpiredTokenRefreshedOnce(t *testing.T) {
	as, srv, state := oauthSetup(t)
	store := oauth2.NewStore(filepath.Join(state, "oauth2"), "")
	rec, err := store.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	// The server lets the token expire early; the store still believes it.
	as.Expire(rec.Secrets.AccessToken)
	out, log, err := runOAuth(t, srv, state, `local mail = require("mail")
print(mail.account():mailbox("INBOX"):status().messages)`, host.Permissions{})
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, log)
	}
	if c := as.Counts(); c.Refreshes != 1 {
		t.Errorf("refreshes = %d, want 1 (refresh once after the refused login)", c.Refreshes)
	}
	back, _ := store.Load("work")
	if back.Secrets.RefreshToken == rec.Secrets.RefreshToken || back.Secrets.AccessToken == rec.Secrets.AccessToken {
		t.Error("the store does not hold the rotated tokens")
	}
	noTokens(t, as, out, log)
}

func TestOAuth2RevokedGrantDovecot(t *testing.T) {
	as, srv, state := oauthSetup(t, authserver.AccessTTL(time.Second))
	as.Revoke(as.User)
	out, log, err := runOAuth(t, srv, state, `local mail = require("mail")
print(mail.account():mailbox("INBOX"):status().messages)`, host.Permissions{})
	if err == nil {
		t.Fatalf("a revoked grant logged in:\n%s", out)
	}
	if !strings.Contains(err.Error(), "mailscript auth login work") {
		t.Errorf("the error does not say what to run: %v", err)
	}
	noTokens(t, as, out, log, err.Error())
}

func TestOAuth2TokenCmdStillWorks(t *testing.T) {
	as, srv, state := oauthSetup(t)
	rec, _ := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("work")
	h, p, _ := strings.Cut(srv.Addr(), ":")
	src := fmt.Sprintf(`local mail = require("mail")
local a = mail.account{host = %q, port = %s, tls = "none", user = "alice", oauth2 = {token_cmd = "cat token.txt"}}
print(a:mailbox("INBOX"):status().messages)`, h, p)
	dir := t.TempDir()
	writeToken := filepath.Join(dir, "token.txt")
	if err := writeFileT(writeToken, rec.Secrets.AccessToken+"\n"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out, log, err := runOAuth(t, srv, state, src, host.Permissions{Run: true})
	if err != nil || strings.TrimSpace(out) != "0" {
		t.Fatalf("%v\n%s\n%s", err, out, log)
	}
	_ = as
}

func writeFileT(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// TestOAuth2TokenForOtherLogins: what an SMTP login of the account asks
// for, a current token, and a new one after a refusal.
func TestOAuth2TokenForOtherLogins(t *testing.T) {
	as := authserver.Start(t)
	state := t.TempDir()
	rec := signIn(t, as, state, "work")
	h := &host.Host{Context: context.Background(), StateDir: state}
	a, err := mail.NewAccount(mail.Config{Host: "127.0.0.1", User: "alice", OAuth2: &mail.OAuth2{Name: "work"}}, h)
	if err != nil {
		t.Fatal(err)
	}
	tok, ok, err := a.OAuth2Token()
	if err != nil || !ok || tok != rec.Secrets.AccessToken {
		t.Fatalf("OAuth2Token: %v %v", ok, err)
	}
	fresh, err := a.RefreshOAuth2(tok)
	if err != nil || fresh == tok || !as.Active(fresh) {
		t.Fatalf("RefreshOAuth2: %v", err)
	}
	pw, err := mail.NewAccount(mail.Config{Host: "127.0.0.1", User: "alice", Password: "x"}, h)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := pw.OAuth2Token(); ok {
		t.Error("a password account has an OAuth2 token")
	}
}
