package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/stdlib/email"
	"github.com/mailscript/mailscript/stdlib/mail"
)

func vacationFor(t *testing.T) *mail.Vacation {
	t.Helper()
	a, err := mail.NewAccount(mail.Config{Host: "imap.example.org", User: "me@example.org", Password: "x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &mail.Vacation{Account: a, Text: "away", Addresses: []string{"me@example.org", "alias@example.org"}}
}

// TestVacationDecide checks each RFC 3834 / RFC 5230 rule on a message
// that differs from a plain personal one by that one field.
func TestVacationDecide(t *testing.T) {
	base := "From: Ann <ann@example.net>\nTo: me@example.org\nSubject: hi\nMessage-ID: <1@example.net>\n"
	cases := []struct {
		name, header, skip, sender string
	}{
		{"person", "", "", "ann@example.net"},
		{"return path wins", "Return-Path: <ann.bounces@example.net>\n", "", "ann.bounces@example.net"},
		{"alias", "Cc: alias@example.org\n", "", "ann@example.net"},
		{"auto-submitted no", "Auto-Submitted: no\n", "", "ann@example.net"},
		{"auto-generated", "Auto-Submitted: auto-generated\n", mail.SkipAutoSubmitted, ""},
		{"auto-replied", "Auto-Submitted: auto-replied; owner=x\n", mail.SkipAutoSubmitted, ""},
		{"precedence bulk", "Precedence: bulk\n", mail.SkipPrecedence, ""},
		{"precedence list", "Precedence: list\n", mail.SkipPrecedence, ""},
		{"precedence junk", "Precedence: Junk\n", mail.SkipPrecedence, ""},
		{"list-id", "List-Id: <news.example.net>\n", mail.SkipList, ""},
		{"list-unsubscribe", "List-Unsubscribe: <mailto:u@example.net>\n", mail.SkipList, ""},
		{"suppressed", "X-Auto-Response-Suppress: OOF, AutoReply\n", mail.SkipSuppressed, ""},
		{"empty return path", "Return-Path: <>\n", mail.SkipNoSender, ""},
		{"mailer-daemon", "Return-Path: <MAILER-DAEMON@example.net>\n", mail.SkipRobot, ""},
		{"no-reply", "Return-Path: <no-reply@example.net>\n", mail.SkipRobot, ""},
		{"list owner", "Return-Path: <owner-news@example.net>\n", mail.SkipRobot, ""},
		{"own mail", "Return-Path: <me@example.org>\n", mail.SkipOwnMail, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := vacationFor(t)
			sender, _, skip := v.Decide(email.Parse([]byte(c.header + base + "\nbody\n")))
			if skip != c.skip || sender != c.sender {
				t.Errorf("got (%q, %q), want (%q, %q)", sender, skip, c.sender, c.skip)
			}
		})
	}
	t.Run("not addressed to me", func(t *testing.T) {
		v := vacationFor(t)
		m := email.Parse([]byte("From: ann@example.net\nTo: someone@example.org\n\nx\n"))
		if _, _, skip := v.Decide(m); skip != mail.SkipNotAddressed {
			t.Errorf("skip %q", skip)
		}
	})
	t.Run("dates", func(t *testing.T) {
		v := vacationFor(t)
		day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
		v.FirstDay, v.LastDay = day("2026-12-20"), day("2027-01-06")
		m := email.Parse([]byte(base + "\nx\n"))
		for now, want := range map[string]string{
			"2026-12-19T23:59:59Z": mail.SkipOutsideDates, "2026-12-20T00:00:00Z": "",
			"2027-01-06T23:59:59Z": "", "2027-01-07T00:00:00Z": mail.SkipOutsideDates,
		} {
			at, _ := time.Parse(time.RFC3339, now)
			v.Now = func() time.Time { return at }
			if _, _, skip := v.Decide(m); skip != want {
				t.Errorf("at %s: skip %q, want %q", now, skip, want)
			}
		}
	})
}

// TestVacationNotice checks the notice's fields.
func TestVacationNotice(t *testing.T) {
	v := vacationFor(t)
	orig := email.Parse([]byte("From: Ann <ann@example.net>\nTo: Me <alias@example.org>\nSubject: Grüße\nMessage-ID: <1@example.net>\nReferences: <0@example.net>\n\nx\n"))
	sender, rcpt, skip := v.Decide(orig)
	if skip != "" {
		t.Fatal(skip)
	}
	n, err := v.Notice(orig, sender, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	out := email.Parse([]byte(n.Generate(false)))
	for name, want := range map[string]string{
		"From": "alias@example.org", "To": "ann@example.net", "Auto-Submitted": "auto-replied",
		"In-Reply-To": "<1@example.net>", "References": "<0@example.net> <1@example.net>",
		"Subject": "Auto: =?utf-8?q?Gr=C3=BC=C3=9Fe?=",
	} {
		if got, _ := out.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if text, _ := out.Text(); !strings.Contains(text, "away") {
		t.Errorf("text %q", text)
	}
}
