package imaplib_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

func TestDovecotStartTLS(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	_, port := splitAddr(t, srv.Addr())

	t.Run("trusted", func(t *testing.T) {
		m, err := imaplib.Dial("localhost", port, &imaplib.Options{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if !m.HasCapability("STARTTLS") {
			t.Fatalf("no STARTTLS before TLS: %v", m.Capabilities())
		}
		typ, dat, err := m.StartTLS(&tls.Config{RootCAs: srv.CertPool()})
		if err != nil || typ != "OK" || len(dat) != 1 || !dat[0].IsNone {
			t.Fatalf("starttls: %s %v %v", typ, dat, err)
		}
		if _, ok := m.Conn().(*tls.Conn); !ok {
			t.Fatalf("connection is %T", m.Conn())
		}
		// Capabilities were read again: Dovecot no longer offers STARTTLS.
		if m.HasCapability("STARTTLS") {
			t.Fatalf("STARTTLS still advertised after TLS: %v", m.Capabilities())
		}
		if !m.HasCapability("IMAP4REV1") || !m.HasCapability("AUTH=PLAIN") {
			t.Fatalf("capabilities after TLS: %v", m.Capabilities())
		}
		_, _, err = m.StartTLS(nil)
		var e *imaplib.Error
		if !errors.As(err, &e) || e.Kind != imaplib.KindAbort || e.Message != "TLS session already established" {
			t.Fatalf("second starttls: %v", err)
		}
		exercise(t, m, true, srv.User, srv.Password)
	})
	t.Run("system roots", func(t *testing.T) {
		m, err := imaplib.Dial("localhost", port, &imaplib.Options{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		_, _, err = m.StartTLS(nil)
		var unknown x509.UnknownAuthorityError
		if !errors.Is(err, imaplib.ErrAbort) || !errors.As(err, &unknown) {
			t.Fatalf("starttls with the system roots: %v", err)
		}
		// Never on in plaintext: the connection is closed.
		if _, _, err := m.Login(srv.User, srv.Password); !errors.Is(err, imaplib.ErrAbort) {
			t.Fatalf("login after a failed handshake: %v", err)
		}
	})
	t.Run("DialStartTLS", func(t *testing.T) {
		m, err := imaplib.DialStartTLS("localhost", port, &imaplib.Options{
			Timeout:   10 * time.Second,
			TLSConfig: &tls.Config{RootCAs: srv.CertPool()},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, ok := m.Conn().(*tls.Conn); !ok {
			t.Fatalf("connection is %T", m.Conn())
		}
		exercise(t, m, true, srv.User, srv.Password)
	})
	t.Run("DialStartTLS untrusted", func(t *testing.T) {
		_, err := imaplib.DialStartTLS("localhost", port, &imaplib.Options{Timeout: 10 * time.Second})
		var unknown x509.UnknownAuthorityError
		if !errors.Is(err, imaplib.ErrAbort) || !errors.As(err, &unknown) {
			t.Fatalf("DialStartTLS with the system roots: %v", err)
		}
	})
}
