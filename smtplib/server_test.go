package smtplib_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/internal/testcert"
	"github.com/mailscript/mailscript/smtplib"
)

func startServer(t *testing.T, opts smtpmem.Options) *smtpmem.Server {
	t.Helper()
	srv, err := smtpmem.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func cert(t *testing.T) *testcert.Cert {
	t.Helper()
	c, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const testMessage = "From: Alice <alice@example.org>\r\n" +
	"To: Bob <bob@example.org>\r\n" +
	"Cc: carol@example.org\r\n" +
	"Bcc: dave@example.org,\r\n eve@example.org\r\n" +
	"Subject: hello\r\n" +
	"\r\n" +
	"Hello Bob.\r\n" +
	".a line starting with a dot\r\n" +
	"..and two\r\n"

// TestSubmission is the user's path to a submission server: STARTTLS with
// a verified certificate, LOGIN, send_message with Bcc, QUIT.
func TestSubmission(t *testing.T) {
	c := cert(t)
	srv := startServer(t, smtpmem.Options{TLS: c.ServerConfig(), Users: map[string]string{"alice": "secret"}})
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second, TLSConfig: c.ClientConfig("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if code, _, err := s.StartTLS(nil); err != nil || code != 220 {
		t.Fatalf("StartTLS = %d, %v", code, err)
	}
	if !s.TLS() {
		t.Fatal("not encrypted after StartTLS")
	}
	if code, _, err := s.Login("alice", "secret"); err != nil || code != 235 {
		t.Fatalf("Login = %d, %v", code, err)
	}
	refused, err := s.SendMessage([]byte(testMessage), "", nil, nil, nil)
	if err != nil || len(refused) != 0 {
		t.Fatalf("SendMessage = %v, %v", refused, err)
	}
	if code, _, err := s.Quit(); err != nil || code != 221 {
		t.Fatalf("Quit = %d, %v", code, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server has %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "alice@example.org" || strings.Join(m.To, ",") != "bob@example.org,dave@example.org,eve@example.org,carol@example.org" {
		t.Errorf("envelope = %s -> %v", m.From, m.To)
	}
	if m.User != "alice" {
		t.Errorf("user = %q", m.User)
	}
	want := strings.Replace(testMessage, "Bcc: dave@example.org,\r\n eve@example.org\r\n", "", 1)
	if string(m.Data) != want {
		t.Errorf("server received:\n%q\nwant:\n%q", m.Data, want)
	}
	if m.Size != int64(len(want)) {
		t.Errorf("SIZE = %d, want %d", m.Size, len(want))
	}
}

func TestImplicitTLS(t *testing.T) {
	c := cert(t)
	srv := startServer(t, smtpmem.Options{TLS: c.ServerConfig(), ImplicitTLS: true})
	s, err := smtplib.DialTLS("localhost", srv.Port, &smtplib.Options{Timeout: 10 * time.Second, TLSConfig: &tls.Config{RootCAs: c.Pool}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("Subject: x\r\n\r\nbody\r\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("server has %d messages", n)
	}
}

// TestCertificateVerified: a certificate the client does not trust, or
// for another name, stops the session; nothing is sent in plain text.
func TestCertificateVerified(t *testing.T) {
	c := cert(t)
	other := cert(t)
	srv := startServer(t, smtpmem.Options{TLS: c.ServerConfig(), Users: map[string]string{"alice": "secret"}})
	for name, cfg := range map[string]*tls.Config{
		"untrusted":  {RootCAs: other.Pool},
		"wrong name": {RootCAs: c.Pool, ServerName: "mail.example.org"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second, TLSConfig: cfg})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, _, err = s.StartTLS(nil)
			if !errors.Is(err, smtplib.ErrOSError) || errors.Is(err, smtplib.ErrSMTPException) {
				t.Fatalf("StartTLS = %v, want an OSError", err)
			}
			if s.Connected() {
				t.Error("connection still open after a failed handshake")
			}
			if _, _, err := s.Login("alice", "secret"); !errors.Is(err, smtplib.ErrServerDisconnected) {
				t.Errorf("Login after failed STARTTLS = %v, want SMTPServerDisconnected", err)
			}
		})
	}
}

func TestLoginRefused(t *testing.T) {
	srv := startServer(t, smtpmem.Options{Users: map[string]string{"alice": "secret"}})
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, err = s.Login("alice", "wrong")
	var e *smtplib.Error
	if !errors.As(err, &e) || e.Kind != smtplib.KindAuthentication || e.Code != 535 {
		t.Fatalf("Login = %v, want SMTPAuthenticationError 535", err)
	}
	if !errors.Is(err, smtplib.ErrResponseException) {
		t.Error("an SMTPAuthenticationError is an SMTPResponseException")
	}
	// Still usable, as Python's.
	if code, _, err := s.Login("alice", "secret"); err != nil || code != 235 {
		t.Fatalf("second Login = %d, %v", code, err)
	}
}

func TestLoginTokenSource(t *testing.T) {
	srv := startServer(t, smtpmem.Options{Tokens: map[string]string{"alice": "tok-2"}})
	calls := 0
	ts := func(ctx context.Context) (string, error) {
		calls++
		return "tok-" + string(rune('0'+calls)), nil
	}
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second, TokenSource: ts})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Login("alice", ""); !errors.Is(err, smtplib.ErrAuthenticationError) {
		t.Fatalf("Login with a stale token = %v, want SMTPAuthenticationError", err)
	}
	if code, _, err := s.Login("alice", ""); err != nil || code != 235 {
		t.Fatalf("Login with a fresh token = %d, %v", code, err)
	}
	if _, err := s.Sendmail("alice@example.org", []string{"b@example.org"}, []byte("x\r\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].User != "alice" {
		t.Fatalf("messages = %+v", m)
	}
}

func TestRefusals(t *testing.T) {
	srv := startServer(t, smtpmem.Options{
		RefuseRcpt: func(addr string) *smtpmem.Refusal {
			if strings.HasPrefix(addr, "nobody") {
				return &smtpmem.Refusal{Code: 550, Enhanced: "5.1.1", Text: "no such user"}
			}
			return nil
		},
		RefuseData: func(m smtpmem.Message, _ string) *smtpmem.Refusal {
			if strings.Contains(string(m.Data), "VIRUS") {
				return &smtpmem.Refusal{Code: 554, Enhanced: "5.7.1", Text: "infected"}
			}
			return nil
		},
	})
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refused, err := s.Sendmail("a@example.org", []string{"nobody@example.org", "b@example.org"}, []byte("x\r\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := refused["nobody@example.org"]; len(refused) != 1 || r.Code != 550 || r.Msg != "5.1.1 no such user" {
		t.Errorf("refused = %v", refused)
	}
	_, err = s.Sendmail("a@example.org", []string{"nobody@example.org", "nobody2@example.org"}, []byte("x\r\n"), nil, nil)
	var e *smtplib.Error
	if !errors.As(err, &e) || e.Kind != smtplib.KindRecipientsRefused || len(e.Recipients) != 2 {
		t.Fatalf("all refused = %v", err)
	}
	_, err = s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("VIRUS\r\n"), nil, nil)
	if !errors.As(err, &e) || e.Kind != smtplib.KindData || e.Code != 554 || e.Msg != "5.7.1 infected" {
		t.Fatalf("data refused = %v", err)
	}
	// The session goes on after RSET.
	if _, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("clean\r\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server accepted %d messages, want 2", n)
	}
}

func TestSMTPUTF8(t *testing.T) {
	srv := startServer(t, smtpmem.Options{})
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := "From: José <josé@example.org>\r\nTo: 山田 <yamada@例え.jp>\r\nSubject: olá\r\n\r\nçà\r\n"
	if _, err := s.SendMessage([]byte(msg), "", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	if !m.UTF8 || m.Body != "8BITMIME" || m.From != "josé@example.org" || m.To[0] != "yamada@例え.jp" {
		t.Errorf("message = %+v", m)
	}
	// As Python's, the SMTPUTF8 transaction lasts until RSET; after it, a
	// non-ASCII address cannot be sent.
	if _, _, err := s.Rset(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DoCmd("mail", "FROM:<josé@example.org>"); !errors.Is(err, smtplib.ErrValue) {
		t.Errorf("non-ASCII MAIL without SMTPUTF8 = %v, want ValueError", err)
	}
}

func TestLMTPServer(t *testing.T) {
	srv := startServer(t, smtpmem.Options{LMTP: true, RefuseData: func(m smtpmem.Message, rcpt string) *smtpmem.Refusal {
		if rcpt == "full@example.org" {
			return &smtpmem.Refusal{Code: 552, Enhanced: "5.2.2", Text: "mailbox full"}
		}
		return nil
	}})
	s, err := smtplib.DialLMTP(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refused, err := s.Sendmail("a@example.org", []string{"b@example.org", "full@example.org"}, []byte("x\r\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 1 || refused["full@example.org"].Code != 552 {
		t.Errorf("refused = %v", refused)
	}
	if m := srv.Messages(); len(m) != 1 || strings.Join(m[0].To, ",") != "b@example.org" {
		t.Errorf("delivered = %+v", m)
	}
	_, err = s.Sendmail("a@example.org", []string{"full@example.org"}, []byte("x\r\n"), nil, nil)
	if !errors.Is(err, smtplib.ErrDataError) {
		t.Errorf("every delivery failed = %v, want SMTPDataError", err)
	}
}

func TestDebugRedactsPassword(t *testing.T) {
	srv := startServer(t, smtpmem.Options{Users: map[string]string{"alice": "s3cr3t-pw"}})
	var trace strings.Builder
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second, Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.LoginNoInitialResponse("alice", "s3cr3t-pw"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login("alice", "s3cr3t-pw"); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	for _, secret := range []string{"s3cr3t-pw", "czNjcjN0LXB3", "AGFsaWNlAHMzY3IzdC1wdw=="} {
		if strings.Contains(out, secret) {
			t.Errorf("trace shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "send: 'AUTH PLAIN ****\\r\\n'") || !strings.Contains(out, "reply: b'235") {
		t.Errorf("trace lacks the redacted AUTH:\n%s", out)
	}
}

// TestDialStartTLS: the submission helper upgrades, or fails closed when
// the server offers no STARTTLS.
func TestDialStartTLS(t *testing.T) {
	c := cert(t)
	withTLS := startServer(t, smtpmem.Options{TLS: c.ServerConfig()})
	s, err := smtplib.DialStartTLS(withTLS.Host, withTLS.Port, &smtplib.Options{Timeout: 10 * time.Second, TLSConfig: c.ClientConfig("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	if !s.TLS() {
		t.Error("DialStartTLS returned a plain connection")
	}
	if _, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("x\r\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	s.Quit()
	plain := startServer(t, smtpmem.Options{})
	if _, err := smtplib.DialStartTLS(plain.Host, plain.Port, &smtplib.Options{Timeout: 10 * time.Second}); !errors.Is(err, smtplib.ErrNotSupported) {
		t.Fatalf("DialStartTLS to a server without STARTTLS = %v, want SMTPNotSupportedError", err)
	}
	if n := len(plain.Messages()); n != 0 {
		t.Errorf("the plain server got %d messages", n)
	}
}
