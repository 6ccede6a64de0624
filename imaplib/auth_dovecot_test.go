package imaplib_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// PLAIN, LOGIN and CRAM-MD5 against Dovecot, with and without SASL-IR.
// XOAUTH2 and OAUTHBEARER are covered by transcripts only: Dovecot's oauth2
// passdb needs a token introspection service, too heavy for a test.
func TestDovecotAuthenticate(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithConfig("auth_mechanisms = plain login cram-md5"))
	host, port := splitAddr(t, srv.Addr())
	dial := func(t *testing.T) *imaplib.IMAP4 {
		t.Helper()
		m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	tests := []struct {
		name  string
		login func(m *imaplib.IMAP4, password string) (string, []imaplib.Item, error)
	}{
		{"PLAIN with SASL-IR", func(m *imaplib.IMAP4, pw string) (string, []imaplib.Item, error) {
			return m.LoginPlain(srv.User, pw)
		}},
		{"PLAIN through authobject", func(m *imaplib.IMAP4, pw string) (string, []imaplib.Item, error) {
			return m.Authenticate("plain", func([]byte) ([]byte, bool) {
				return []byte("\x00" + srv.User + "\x00" + pw), true
			})
		}},
		{"LOGIN", func(m *imaplib.IMAP4, pw string) (string, []imaplib.Item, error) {
			return m.AuthenticateSASL(imaplib.LoginMechanism(srv.User, pw))
		}},
		{"CRAM-MD5", func(m *imaplib.IMAP4, pw string) (string, []imaplib.Item, error) {
			return m.LoginCramMD5(srv.User, pw)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := dial(t)
			for _, mech := range []string{"AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "SASL-IR"} {
				if !m.HasCapability(mech) {
					t.Fatalf("server lacks %s: %v", mech, m.Capabilities())
				}
			}
			_, _, err := tc.login(m, "wrong")
			var e *imaplib.Error
			if !errors.As(err, &e) || e.Kind != imaplib.KindError || !strings.Contains(e.Message, "[AUTHENTICATIONFAILED]") {
				t.Fatalf("wrong password: %v", err)
			}
			if m.State() != "NONAUTH" {
				t.Fatalf("state %s after a failure", m.State())
			}
			typ, dat, err := tc.login(m, srv.Password)
			if err != nil || typ != "OK" || !strings.Contains(string(dat[0].Line), "Logged in") {
				t.Fatalf("authenticate: %s %v %v", typ, dat, err)
			}
			if m.State() != "AUTH" {
				t.Fatalf("state %s", m.State())
			}
			// Authenticated as the right user: INBOX opens.
			if typ, _, err := m.Select("INBOX", true); err != nil || typ != "OK" {
				t.Fatalf("select: %s %v", typ, err)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		m := dial(t)
		_, _, err := m.Authenticate("LOGIN", func([]byte) ([]byte, bool) { return nil, false })
		if !errors.Is(err, imaplib.ErrError) || errors.Is(err, imaplib.ErrAbort) {
			t.Fatalf("cancelled authenticate: %v", err)
		}
		// The session goes on.
		if _, _, err := m.LoginPlain(srv.User, srv.Password); err != nil {
			t.Fatal(err)
		}
	})
}
