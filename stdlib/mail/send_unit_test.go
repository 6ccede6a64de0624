package mail_test

import (
	"strings"
	"testing"

	"github.com/mailscript/mailscript/stdlib/mail"
)

// TestSMTPSettings reads the outgoing server from account URLs.
func TestSMTPSettings(t *testing.T) {
	cases := []struct {
		url, host, tls, user, from, err string
		port                            int
	}{
		{url: "imaps://me@imap.example.org"},
		{url: "imaps://me@imap.example.org?smtp=smtp.example.org", host: "smtp.example.org"},
		{url: "imaps://me@imap.example.org?smtp=smtp.example.org:2525&smtp_tls=none", host: "smtp.example.org", port: 2525, tls: "none"},
		{url: "imaps://me@imap.example.org?smtp=smtps://smtp.example.org", host: "smtp.example.org", tls: "implicit"},
		{url: "imaps://me@imap.example.org?smtp=smtp://sender@smtp.example.org:587", host: "smtp.example.org", port: 587, tls: "starttls", user: "sender"},
		{url: "imaps://me@imap.example.org?smtp_from=Me+%3Cme@example.org%3E", from: "Me <me@example.org>"},
		{url: "imaps://me@imap.example.org?smtp=ftp://x", err: "scheme must be smtp or smtps"},
		{url: "imaps://me@imap.example.org?smtp=x:99999", err: "bad port"},
		{url: "imaps://me@imap.example.org?smtp_tls=maybe", err: "tls must be"},
		{url: "imaps://me@imap.example.org?smtp_from=nobody", err: "is not an address"},
		{url: "imaps://me@imap.example.org?smtp_from=a@b%0D%0ABcc:+c@d", err: "is not an address"},
	}
	for _, c := range cases {
		cfg, err := mail.ParseURL(c.url)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.url, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		var got mail.SMTPConfig
		if cfg.SMTP != nil {
			got = *cfg.SMTP
		}
		want := mail.SMTPConfig{Host: c.host, Port: c.port, TLS: c.tls, User: c.user, From: c.from}
		if got != want {
			t.Errorf("%s: %+v, want %+v", c.url, got, want)
		}
	}
}

// TestFromAddress checks the default sending address.
func TestFromAddress(t *testing.T) {
	for user, want := range map[string]string{"me": "me@imap.example.org", "me@example.org": "me@example.org"} {
		a, err := mail.NewAccount(mail.Config{Host: "imap.example.org", User: user, Password: "x"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.FromAddress(); got != want {
			t.Errorf("user %q: from %q, want %q", user, got, want)
		}
	}
	a, _ := mail.NewAccount(mail.Config{Host: "imap.example.org", User: "me", Password: "x", SMTP: &mail.SMTPConfig{From: "Me <me@example.org>"}}, nil)
	if got := a.FromAddress(); got != "Me <me@example.org>" {
		t.Errorf("from %q", got)
	}
}
