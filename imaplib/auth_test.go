package imaplib

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// greetingAuth is a server offering SASL-IR and several mechanisms.
const greetingAuth = `S: * OK ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=XOAUTH2 AUTH=OAUTHBEARER
S: A0 OK done`

// greetingNoIR offers the same mechanisms without SASL-IR.
const greetingNoIR = `S: * OK ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=XOAUTH2 AUTH=OAUTHBEARER
S: A0 OK done`

func wantErrorKind(t *testing.T, what string, err error, kind Kind, message string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind || e.Message != message {
		t.Fatalf("%s: error %v, want %s %q", what, err, kind, message)
	}
}

// Python's test vectors for authenticate(): the authobject's bytes are
// sent base64-encoded, None cancels with "*", a refusal is an error with
// the server's text.
func TestAuthenticatePythonVectors(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE MYAUTH
S: +
C: ZmFrZQ==
S: A1 OK FAKEAUTH successful`, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]byte
		typ, dat, err := m.Authenticate("myauth", func(ch []byte) ([]byte, bool) {
			got = append(got, ch)
			return []byte("fake"), true
		})
		wantResult(t, "authenticate", typ, dat, err, "OK", items("FAKEAUTH successful"))
		if len(got) != 1 || got[0] == nil || len(got[0]) != 0 {
			t.Fatalf("authobject saw challenges %q, want one empty", got)
		}
		if m.State() != "AUTH" {
			t.Fatalf("state %s", m.State())
		}
		tr.check()
	})
	t.Run("invalid", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE MYAUTH
S: +
C: ZmFrZQ==
S: A1 NO [AUTHENTICATIONFAILED] invalid
C: A2 NOOP
S: A2 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Authenticate("MYAUTH", func([]byte) ([]byte, bool) { return []byte("fake"), true })
		wantErrorKind(t, "authenticate", err, KindError, "[AUTHENTICATIONFAILED] invalid")
		if m.State() != "NONAUTH" {
			t.Fatalf("state %s", m.State())
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("cancelled", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE MYAUTH
S: +
C: *
S: A1 NO [AUTHENTICATIONFAILED] aborted`, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Authenticate("MYAUTH", func([]byte) ([]byte, bool) { return nil, false })
		wantErrorKind(t, "authenticate", err, KindError, "[AUTHENTICATIONFAILED] aborted")
		tr.check()
	})
	t.Run("cancelled, BAD", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE MYAUTH
S: + Y2hhbGxlbmdl
C: *
S: A1 BAD Authentication aborted by client`, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		_, _, err = m.Authenticate("MYAUTH", func(ch []byte) ([]byte, bool) { got = ch; return nil, false })
		wantErrorKind(t, "authenticate", err, KindError, "AUTHENTICATE command error: BAD [b'Authentication aborted by client']")
		if string(got) != "challenge" {
			t.Fatalf("challenge %q", got)
		}
		tr.check()
	})
	t.Run("CRAM-MD5", func(t *testing.T) {
		// RFC 2195's example, as in Python's test_login_cram_md5.
		m, tr, err := play(t, `S: * OK ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=CRAM-MD5
S: A0 OK done
C: A1 AUTHENTICATE CRAM-MD5
S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ=
C: dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy
S: A1 OK CRAM-MD5 successful`, nil)
		if err != nil {
			t.Fatal(err)
		}
		typ, dat, err := m.LoginCramMD5("tim", "tanstaaftanstaaf")
		wantResult(t, "login_cram_md5", typ, dat, err, "OK", items("CRAM-MD5 successful"))
		tr.check()
	})
	t.Run("long response on one line", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE X-LONG
S: + 
C: QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB
S: + 
C: 
S: A1 OK done`, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		typ, _, err := m.Authenticate("X-LONG", func([]byte) ([]byte, bool) {
			n++
			if n == 1 {
				return bytes.Repeat([]byte("A"), 60), true
			}
			return []byte{}, true
		})
		if err != nil || typ != "OK" {
			t.Fatalf("authenticate: %s %v", typ, err)
		}
		tr.check()
	})
	t.Run("wrong state", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 LOGIN u "p"
S: A1 OK ok`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Login("u", "p"); err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Authenticate("PLAIN", func([]byte) ([]byte, bool) { return nil, true })
		wantErrorKind(t, "authenticate", err, KindError, "command AUTHENTICATE illegal in state AUTH, only allowed in states NONAUTH")
		tr.check()
	})
}

// The built-in mechanisms, with and without SASL-IR.
func TestAuthenticateSASL(t *testing.T) {
	const oauthJSON = `{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`
	tests := []struct {
		name   string
		script string
		login  func(m *IMAP4) (string, []Item, error)
		// err is the expected error message; "" means success.
		err string
	}{{
		name: "PLAIN with SASL-IR",
		script: greetingAuth + `
C: A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
S: A1 OK Logged in`,
		login: func(m *IMAP4) (string, []Item, error) { return m.LoginPlain("tim", "tanstaaftanstaaf") },
	}, {
		name: "PLAIN without SASL-IR",
		script: greetingNoIR + `
C: A1 AUTHENTICATE PLAIN
S: + 
C: AHRpbQB0YW5zdGFhZnRhbnN0YWFm
S: A1 OK Logged in`,
		login: func(m *IMAP4) (string, []Item, error) { return m.LoginPlain("tim", "tanstaaftanstaaf") },
	}, {
		name: "PLAIN refused",
		script: greetingAuth + `
C: A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
S: A1 NO [AUTHENTICATIONFAILED] Authentication failed.`,
		login: func(m *IMAP4) (string, []Item, error) { return m.LoginPlain("tim", "tanstaaftanstaaf") },
		err:   "[AUTHENTICATIONFAILED] Authentication failed.",
	}, {
		name: "PLAIN with an unexpected challenge is cancelled",
		script: greetingAuth + `
C: A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
S: + bW9yZT8=
C: *
S: A1 BAD Authentication aborted`,
		login: func(m *IMAP4) (string, []Item, error) { return m.LoginPlain("tim", "tanstaaftanstaaf") },
		err:   "PLAIN authentication cancelled: unexpected server challenge",
	}, {
		name: "PLAIN with NUL refused before sending",
		script: greetingAuth + `
C: A1 NOOP
S: A1 OK`,
		login: func(m *IMAP4) (string, []Item, error) {
			if _, _, err := m.LoginPlain("tim", "a\x00b"); err != nil {
				return "", nil, err
			}
			return "", nil, errors.New("no error")
		},
		err: "PLAIN: NUL not allowed in user name or password",
	}, {
		name: "LOGIN",
		script: greetingAuth + `
C: A1 AUTHENTICATE LOGIN
S: + VXNlcm5hbWU6
C: dGlt
S: + UGFzc3dvcmQ6
C: dGFuc3RhYWZ0YW5zdGFhZg==
S: A1 OK Logged in`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.AuthenticateSASL(LoginMechanism("tim", "tanstaaftanstaaf"))
		},
	}, {
		name: "CRAM-MD5 as a mechanism",
		script: greetingAuth + `
C: A1 AUTHENTICATE CRAM-MD5
S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ=
C: dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy
S: A1 OK Logged in`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.AuthenticateSASL(CramMD5Mechanism("tim", "tanstaaftanstaaf"))
		},
	}, {
		name: "XOAUTH2 with SASL-IR",
		script: greetingAuth + `
C: A1 AUTHENTICATE XOAUTH2 dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==
S: A1 OK Success`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.LoginXOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
		},
	}, {
		name: "XOAUTH2 refused: empty response to the error challenge",
		script: greetingNoIR + `
C: A1 AUTHENTICATE XOAUTH2
S: + 
C: dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==
S: + eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
C: 
S: A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.LoginXOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
		},
		err: "[AUTHENTICATIONFAILED] Invalid credentials (Failure) (server error: " + oauthJSON + ")",
	}, {
		// RFC 7628, section 4.1.
		name: "OAUTHBEARER with SASL-IR",
		script: greetingAuth + `
C: A1 AUTHENTICATE OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB
S: A1 OK Success`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.LoginOAuthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143)
		},
	}, {
		// RFC 7628, section 4.3: the client answers the error with 0x01.
		name: "OAUTHBEARER refused: dummy response",
		script: greetingAuth + `
C: A1 AUTHENTICATE OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB
S: + eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIn0=
C: AQ==
S: A1 NO SASL authentication failed`,
		login: func(m *IMAP4) (string, []Item, error) {
			return m.LoginOAuthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143)
		},
		err: `SASL authentication failed (server error: {"status":"invalid_token","scope":"example_scope"})`,
	}, {
		name: "empty initial response is =",
		script: greetingAuth + `
C: A1 AUTHENTICATE EXTERNAL =
S: A1 OK Welcome`,
		login: func(m *IMAP4) (string, []Item, error) { return m.AuthenticateSASL(externalMech{}) },
	}, {
		name: "empty initial response without SASL-IR",
		script: greetingNoIR + `
C: A1 AUTHENTICATE EXTERNAL
S: + 
C: 
S: A1 OK Welcome`,
		login: func(m *IMAP4) (string, []Item, error) { return m.AuthenticateSASL(externalMech{}) },
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, tr, err := play(t, tc.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			typ, dat, err := tc.login(m)
			if tc.err != "" {
				var e *Error
				if !errors.As(err, &e) || e.Message != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				if m.State() != "NONAUTH" {
					t.Fatalf("state %s after a failure", m.State())
				}
				if strings.HasPrefix(tc.name, "PLAIN with NUL") {
					if _, _, err := m.Noop(); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				if err != nil || typ != "OK" || len(dat) != 1 {
					t.Fatalf("authenticate: %s %v %v", typ, dat, err)
				}
				if m.State() != "AUTH" {
					t.Fatalf("state %s", m.State())
				}
			}
			tr.check()
		})
	}
}

// externalMech is a mechanism with an empty initial response.
type externalMech struct{}

func (externalMech) Name() string                 { return "EXTERNAL" }
func (externalMech) Start() ([]byte, bool, error) { return []byte{}, true, nil }
func (externalMech) Next([]byte) ([]byte, error)  { return nil, errUnexpectedChallenge }

// No secret reaches the debug trace: not the SASL-IR argument, not the
// answers to challenges.
func TestAuthenticateRedacted(t *testing.T) {
	var trace bytes.Buffer
	m, tr, err := play(t, greetingAuth+`
C: A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
S: A1 NO try again
C: A2 AUTHENTICATE LOGIN
S: + VXNlcm5hbWU6
C: dGlt
S: + UGFzc3dvcmQ6
C: dGFuc3RhYWZ0YW5zdGFhZg==
S: A2 NO try again
C: A3 AUTHENTICATE CRAM-MD5
S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ=
C: dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy
S: A3 OK in`, &Options{Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.LoginPlain("tim", "tanstaaftanstaaf"); err == nil {
		t.Fatal("first attempt succeeded")
	}
	if _, _, err := m.AuthenticateSASL(LoginMechanism("tim", "tanstaaftanstaaf")); err == nil {
		t.Fatal("second attempt succeeded")
	}
	if _, _, err := m.LoginCramMD5("tim", "tanstaaftanstaaf"); err != nil {
		t.Fatal(err)
	}
	tr.check()
	out := trace.String()
	for _, secret := range []string{"AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "dGFuc3RhYWZ0YW5zdGFhZg==", "dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy", "tanstaaf"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"> b'A1 AUTHENTICATE PLAIN <redacted>'", "> b'A2 AUTHENTICATE LOGIN'", "> b'<redacted>'"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}
