package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/postfixtest"
	"github.com/mailscript/mailscript/oauth2"
)

// sendRule sends one message from alice to bob with acct:send through
// Postfix's submission port, the account logging in with the sign-in
// "work" both at IMAP (the copy in Sent) and at SMTP.
func sendRule(pf *postfixtest.Server, subject string) string {
	h, p, _ := strings.Cut(pf.Dovecot.Addr(), ":")
	return fmt.Sprintf(`local mail, email = require("mail"), require("email")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice", oauth2 = "work", ca_file = %q,
  smtp = {host = "127.0.0.1", port = %d, tls = "starttls", from = %q}}
local msg = email.message.EmailMessage()
msg["From"] = %q
msg["To"] = %q
msg["Subject"] = %q
msg:set_content("Sent with an OAuth2 token.\n")
local id, refused = acct:send(msg, {sent_mailbox = "Sent"})
print("sent", next(refused) == nil)
`, h, p, pf.Dovecot.CertFile(), pf.SubmissionPort(), pf.Address("alice"),
		pf.Address("alice"), pf.Address("bob"), subject)
}

// TestOAuth2SendPostfix sends with acct:send from an account signed in
// with OAuth2, through Postfix's submission port, which authenticates
// AUTH XOAUTH2 and OAUTHBEARER through Dovecot's SASL socket, where the
// oauth2 passdb validates the token at the authorization server. The
// message reaches bob's INBOX (read back over IMAP) and the sent copy
// alice's Sent. The second message is sent with an access token the
// server has expired early: the refused login is refreshed once and
// retried. After the grant is revoked, sending fails with a message that
// names the command to run. No token appears in the run's output (--debug, -v).
func TestOAuth2SendPostfix(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			as := authserver.Start(t)
			pf := postfixtest.Start(t, postfixtest.WithDovecot(dovecottest.WithOAuth2(as.IntrospectURL())),
				// Offer only mech (and the password mechanisms), so that
				// each is tried.
				postfixtest.WithMainCF("smtpd_sasl_mechanism_filter = plain, login, "+strings.ToLower(mech)))
			bin := buildMailscript(t)
			state, rules := t.TempDir(), t.TempDir()
			outputs := map[string]string{"login": binLogin(t, bin, as, state, "work", "alice")}
			bob := dialPassword(t, pf.Dovecot, "bob")
			alice := dialPassword(t, pf.Dovecot, "alice")
			if _, _, err := alice.Create("Sent"); err != nil {
				t.Fatal(err)
			}

			from := pf.LogOffset()
			for i, subject := range []string{"oauth2 send " + mech, "oauth2 send after expiry " + mech} {
				if i == 1 {
					rec, err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("work")
					if err != nil {
						t.Fatal(err)
					}
					as.Expire(rec.Secrets.AccessToken)
				}
				rule := writeFile(t, rules, fmt.Sprintf("send%d.lua", i), sendRule(pf, subject))
				out, err := runBin(t, bin, "--state-dir", state, "--allow-read="+pf.Dovecot.CertFile(), "--debug", "-v", "--log-format=text", "run", rule)
				outputs[subject] = out
				if err != nil || !strings.Contains(out, "sent\ttrue") {
					t.Fatalf("send %q: %v\n%s", subject, err, out)
				}
				if n := pf.WaitDelivered("bob", "INBOX", i+1, 30*time.Second); n != i+1 {
					t.Fatalf("bob's INBOX has %d messages, want %d", n, i+1)
				}
				for user, m := range map[string]*imaplib.IMAP4{"bob": bob, "alice": alice} {
					box := map[string]string{"bob": "INBOX", "alice": "Sent"}[user]
					if got := subjects(t, m, box); len(got) != i+1 || got[i] != subject {
						t.Errorf("%s's %s holds %q, want %q last", user, box, got, subject)
					}
				}
			}
			// Revoked: sending fails with a message that says what to
			// run, and nothing is sent.
			as.Revoke("alice")
			rule := writeFile(t, rules, "revoked.lua", sendRule(pf, "after revocation "+mech))
			out, err := runBin(t, bin, "--state-dir", state, "--allow-read="+pf.Dovecot.CertFile(), "--debug", "-v", "--log-format=text", "run", rule)
			outputs["revoked"] = out
			if err == nil || !strings.Contains(out, "mailscript auth login work") {
				t.Errorf("send with a revoked grant: %v\n%s", err, out)
			}
			log := pf.LogTail(1 << 20)
			if n := strings.Count(log, "sasl_method="+mech+", sasl_username=alice"); n != 2 {
				t.Errorf("Postfix logged %d submissions authenticated with %s, want 2:\n%s", n, mech, grepLines(log, "sasl"))
			}
			if !strings.Contains(grepLines(log, "authentication failed"), mech) {
				t.Errorf("the expired token was not refused at SMTP (the retry is not tested):\n%s", grepLines(log, "sasl"))
			}
			sessions, err := pf.Sessions(from, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			outputs["postfix sessions"] = strings.Join(sessions, "\n")
			noTokenIn(t, as, outputs)
		})
	}
}

// dialPassword logs user in to srv with the password, for checks.
func dialPassword(t *testing.T, srv *dovecottest.Server, user string) *imaplib.IMAP4 {
	t.Helper()
	h, p, _ := strings.Cut(srv.Addr(), ":")
	var port int
	fmt.Sscan(p, &port)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(user, srv.Users[user]); err != nil {
		t.Fatal(err)
	}
	return m
}

// subjects returns the subjects in mailbox, in UID order, read through m.
func subjects(t *testing.T, m *imaplib.IMAP4, mailbox string) []string {
	t.Helper()
	if _, err := m.SelectMailboxWith(mailbox, imaplib.SelectOptions{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	typ, data, err := m.UID("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	if err != nil || typ != "OK" {
		t.Fatalf("fetch: %s %v", typ, err)
	}
	var out []string
	for _, d := range data {
		if d.IsPair {
			s := strings.TrimSpace(string(d.Literal))
			out = append(out, strings.TrimSpace(strings.TrimPrefix(s, "Subject:")))
		}
	}
	return out
}
