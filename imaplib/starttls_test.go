package imaplib

import (
	"errors"
	"testing"
)

const greetingTLS = `S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED
S: A0 OK done`

func TestStartTLSRefused(t *testing.T) {
	t.Run("not advertised: nothing sent", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 NOOP
S: A1 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.StartTLS(nil)
		wantErrorKind(t, "starttls", err, KindAbort, "TLS not supported by server")
		if !errors.Is(err, ErrNoStartTLS) {
			t.Errorf("errors.Is(%v, ErrNoStartTLS) = false", err)
		}
		// The next bytes the server sees are the NOOP's: STARTTLS was
		// never sent, and the session is still usable.
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("server says NO", func(t *testing.T) {
		m, tr, err := play(t, greetingTLS+`
C: A1 STARTTLS
S: A1 NO not now
C: A2 NOOP
S: A2 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.StartTLS(nil)
		wantErrorKind(t, "starttls", err, KindError, "Couldn't establish TLS session")
		if errors.Is(err, ErrNoStartTLS) {
			t.Errorf("a refused STARTTLS is taken for one not offered: %v", err)
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("response injection", func(t *testing.T) {
		// The injected line arrives in the same packet as the OK: read
		// before the handshake, it would pass as a response sent
		// through TLS.
		m, tr, err := play(t, greetingTLS+`
C: A1 STARTTLS
S: A1 OK begin TLS\r\n* OK injected
H:`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.StartTLS(nil)
		wantErrorKind(t, "starttls", err, KindAbort,
			"STARTTLS: the server sent 15 bytes after its OK, before the TLS handshake (response injection)")
		// The connection is closed: the fake server sees EOF, and the
		// session refuses to go on.
		tr.check()
		if _, _, err := m.Noop(); !errors.Is(err, ErrAbort) {
			t.Fatalf("noop after injection: %v", err)
		}
	})
}

// DialStartTLS never goes on in plaintext: a server that does not offer
// STARTTLS (as when someone on the path strips it) or refuses it gets its
// connection closed.
func TestRequireTLSDowngrade(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		kind         Kind
		msg          string
	}{
		{"stripped", greeting + "\nH:", KindAbort, "TLS not supported by server"},
		{"refused", greetingTLS + "\nC: A1 STARTTLS\nS: A1 BAD no\nH:", KindError, "STARTTLS command error: BAD [b'no']"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, tr, err := play(t, tc.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = m.requireTLS()
			wantErrorKind(t, "requireTLS", err, tc.kind, tc.msg)
			tr.check() // the server saw the connection close
		})
	}
}
