package engine_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/oauth2"
)

// oauthSoak is how long the watch runs with expiring tokens: 20 s by
// default (CI), MAILSCRIPT_OAUTH2_SOAK (a Go duration, e.g. "2m") for the
// long run; oauthTTL the access tokens' lifetime: 3 s, or
// MAILSCRIPT_OAUTH2_TTL.
func oauthSoak(t *testing.T) time.Duration {
	return envDuration(t, "MAILSCRIPT_OAUTH2_SOAK", 20*time.Second)
}

func oauthTTL(t *testing.T) time.Duration {
	return envDuration(t, "MAILSCRIPT_OAUTH2_TTL", 3*time.Second)
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("%s=%q: not a duration", name, v)
		}
		return d
	}
	return def
}

// deviceSignIn signs user in under name as "mailscript auth login" does,
// the test playing the user who approves the code.
func deviceSignIn(t *testing.T, as *authserver.Server, state, name, user string) {
	t.Helper()
	l := &oauth2.Login{Name: name, ClientID: authserver.ClientID,
		Provider: oauth2.Generic(as.AuthURL(), as.TokenURL(), as.DeviceURL(), "imap")}
	rec, err := oauth2.DeviceLogin(context.Background(), l, func(p oauth2.DevicePrompt) {
		if !as.Approve(<-as.Pending(), user) {
			t.Error("no device request to approve")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Save(rec); err != nil {
		t.Fatal(err)
	}
}

// oauthRule watches alice's INBOX with the sign-in "work" and bob's with a
// password, reporting "alice:uids" and "bob:uids".
func oauthRule(srv *dovecottest.Server) string {
	h, p, _ := strings.Cut(srv.Addr(), ":")
	return fmt.Sprintf(`local mail, probe = require("mail"), require("probe")
local alice = mail.account{host = %[1]q, port = %[2]s, tls = "none", user = "alice", oauth2 = "work"}
local bob = mail.account{host = %[1]q, port = %[2]s, tls = "none", user = "bob", password = "secret2"}
mail.on_new(alice:mailbox("INBOX"), function(set)
  probe.send("alice:" .. table.concat(set:uids(), ","))
end)
mail.on_new(bob:mailbox("INBOX"), function(set)
  probe.send("bob:" .. table.concat(set:uids(), ","))
end)
`, h, p)
}

// deliver appends a message to user's INBOX through a connection of its
// own, as a delivery agent does, and returns its UID.
func deliver(t *testing.T, srv *dovecottest.Server, user, subject string) uint32 {
	t.Helper()
	m := dialUser(t, srv.Addr(), user, srv.Users[user])
	defer m.Logout()
	return appendMsg(t, m, "INBOX", subject, time.Time{})
}

func dialUser(t testing.TB, addr, user, password string) *imaplib.IMAP4 {
	t.Helper()
	h, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOAuth2WatchDovecot(t *testing.T) {
	ttl := oauthTTL(t)
	as := authserver.Start(t, authserver.AccessTTL(ttl))
	srv := dovecottest.Start(t, dovecottest.WithOAuth2(as.IntrospectURL()))
	state := t.TempDir()
	deviceSignIn(t, as, state, "work", "alice")

	var logs lockedLog
	var trace lockedLog
	e, ch, stop := startRule(t, oauthRule(srv), engine.WithStateDir(state),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		engine.WithDebug(&trace))
	waitState(t, e, 2, "idle")

	// The soak: mail arrives every second; every few seconds the server
	// drops alice's connections, so the trigger logs in again with
	// whatever token is current. Access tokens live ttl (3 s).
	got := map[uint32]int{}
	want := map[uint32]bool{}
	collect := func(wait bool) {
		for {
			var s string
			if wait {
				select {
				case s = <-ch:
				case <-time.After(60 * time.Second):
					t.Fatalf("no callback within 60s; have %d of %d", len(got), len(want))
				}
			} else {
				select {
				case s = <-ch:
				default:
					return
				}
			}
			c := parseCall(t, strings.Replace(s, "alice:", "INBOX:", 1))
			if !strings.HasPrefix(s, "alice:") {
				t.Fatalf("unexpected call %q", s)
			}
			for _, u := range c.uids {
				got[u]++
			}
			if wait {
				return
			}
		}
	}
	deadline := time.Now().Add(oauthSoak(t))
	pace := time.NewTicker(time.Second) // the pace of arrivals
	defer pace.Stop()
	for i := 0; time.Now().Before(deadline); i++ {
		want[deliver(t, srv, "alice", fmt.Sprintf("soak %d", i))] = true
		if i%4 == 3 {
			if err := srv.Kick("alice"); err != nil {
				t.Fatal(err)
			}
		}
		collect(false)
		<-pace.C
	}
	for len(got) < len(want) {
		collect(true)
	}
	for u := range want {
		if got[u] != 1 {
			t.Errorf("message %d handled %d times", u, got[u])
		}
	}
	c := as.Counts()
	t.Logf("%d messages, %d refreshes, %d refused refreshes, %d introspections (%d active)",
		len(want), c.Refreshes, c.RefusedRefreshes, c.Introspections, c.ActiveIntrospections)
	if min := int(oauthSoak(t) / ttl / 2); c.Refreshes < min {
		t.Errorf("%d refreshes in %s with %s tokens; want at least %d", c.Refreshes, oauthSoak(t), ttl, min)
	}
	if c.RefusedRefreshes != 0 {
		t.Errorf("%d refreshes refused", c.RefusedRefreshes)
	}
	if strings.Contains(logs.String(), "login refused") {
		t.Errorf("a login was refused:\n%s", logs.String())
	}
	if tail := srv.LogTail(1 << 20); strings.Contains(tail, "auth failed") || !strings.Contains(tail, "method=OAUTHBEARER") {
		t.Errorf("Dovecot refused a login, or saw no OAUTHBEARER login:\n%s", tail)
	}
	// The store holds the one refresh token the server accepts.
	rec, err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if live := as.RefreshTokens(); len(live) != 1 || live[0] != rec.Secrets.RefreshToken {
		t.Fatalf("the store does not hold the current refresh token (server has %d)", len(live))
	}

	// Revoked: alice's trigger stops within one refresh, says why, bob's
	// carries on.
	as.Revoke("alice")
	waitState(t, e, 1, "sign-in needed")
	uidBob := deliver(t, srv, "bob", "for bob")
	if s := <-ch; s != fmt.Sprintf("bob:%d", uidBob) {
		t.Fatalf("bob's call %q, want bob:%d", s, uidBob)
	}
	uidWhileDead := deliver(t, srv, "alice", "while signed out")
	for _, r := range e.Status() {
		for _, tr := range r.Triggers {
			if strings.Contains(tr.Trigger, "alice") && !strings.Contains(tr.State, "mailscript auth login work") {
				t.Errorf("alice's trigger state does not say what to run: %q", tr.State)
			}
		}
	}
	if n := strings.Count(logs.String(), "until you run: mailscript auth login work"); n != 1 {
		t.Errorf("the sign-in error was logged %d times, want once:\n%s", n, logs.String())
	}
	// A new sign-in: the trigger resumes without a restart and hands the
	// message that came meanwhile.
	deviceSignIn(t, as, state, "work", "alice")
	if s := <-ch; s != fmt.Sprintf("alice:%d", uidWhileDead) {
		t.Fatalf("after the new sign-in: call %q, want alice:%d", s, uidWhileDead)
	}
	waitState(t, e, 2, "idle")
	if res := stop(); res.Err != nil {
		t.Fatal(res.Err)
	}

	// What a restart after a crash finds: a token the server accepts.
	src := oauth2.NewSource(oauth2.NewStore(filepath.Join(state, "oauth2"), ""), "work")
	rec, _ = oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("work")
	if _, err := src.Refresh(context.Background(), rec.Secrets.AccessToken); err != nil {
		t.Fatalf("refresh from the stored token after the stop: %v", err)
	}

	// No token in any output.
	for _, tok := range as.Issued() {
		b64 := base64.StdEncoding.EncodeToString([]byte("auth=Bearer " + tok))
		for what, s := range map[string]string{"log": logs.String(), "trace": trace.String(), "status": fmt.Sprint(e.Status())} {
			if strings.Contains(s, tok) || strings.Contains(s, b64[:len(b64)-4]) {
				t.Fatalf("a token appears in the %s", what)
			}
		}
	}
	if !strings.Contains(trace.String(), "AUTHENTICATE OAUTHBEARER") {
		t.Error("the trace shows no OAUTHBEARER login: is the trace checked at all?")
	}
}
