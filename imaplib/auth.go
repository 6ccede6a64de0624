package imaplib

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// An AuthFunc is Python's authobject: it gets each server challenge,
// decoded from base64, and returns the response, which the client encodes
// in base64. Returning ok false is Python's None: the client sends "*" to
// cancel the exchange.
type AuthFunc func(challenge []byte) (response []byte, ok bool)

// Authenticate authenticates with a SASL mechanism driven by authobject
// (AUTHENTICATE), byte for byte as Python's authenticate: the mechanism
// name is upper-cased and sent alone (no SASL-IR initial response: the
// server's first challenge, usually empty, is answered), every response
// goes base64-encoded on one line. A refused authentication is an error of
// kind error with the server's text; success moves to state AUTH.
//
// AuthenticateSASL and the Login* helpers do the same with the built-in
// mechanisms, using SASL-IR when the server offers it.
func (m *IMAP4) Authenticate(mechanism string, authobject AuthFunc) (string, []Item, error) {
	mech := strings.ToUpper(mechanism)
	return m.authenticate(&command{
		name: "AUTHENTICATE",
		args: []any{mech},
		literator: func(challenge []byte) ([]byte, error) {
			resp, ok := authobject(challenge)
			if !ok {
				return []byte("*"), nil
			}
			return encodeAuth(resp), nil
		},
	}, nil)
}

// LoginCramMD5 authenticates with CRAM-MD5 (Python's login_cram_md5).
func (m *IMAP4) LoginCramMD5(user, password string) (string, []Item, error) {
	return m.Authenticate("CRAM-MD5", func(challenge []byte) ([]byte, bool) {
		return cramMD5(user, password, challenge), true
	})
}

// AuthenticateSASL authenticates with mech (AUTHENTICATE). When the
// mechanism has an initial response and the server advertises SASL-IR (RFC
// 4959), the response goes on the command line ("=" when empty), saving a
// round trip; otherwise it answers the server's first, empty challenge.
// The exchange never appears in the debug trace. A refused authentication
// is an error of kind error with the server's text (and, for XOAUTH2 and
// OAUTHBEARER, the server's JSON error); an error of the mechanism cancels
// the exchange and is returned wrapped.
func (m *IMAP4) AuthenticateSASL(mech Mechanism) (string, []Item, error) {
	name := strings.ToUpper(mech.Name())
	ir, hasIR, err := mech.Start()
	if err != nil {
		return "", nil, authWrap(name, err)
	}
	cmd := &command{name: "AUTHENTICATE", args: []any{name}}
	if hasIR && m.HasCapability("SASL-IR") {
		arg := "="
		if len(ir) > 0 {
			arg = string(encodeAuth(ir))
		}
		cmd.args = append(cmd.args, arg)
		cmd.redact, cmd.redactFrom = true, 1
		hasIR = false
	}
	cmd.literator = func(challenge []byte) ([]byte, error) {
		if hasIR {
			hasIR = false
			return encodeAuth(ir), nil
		}
		resp, err := mech.Next(challenge)
		if err != nil {
			return nil, authWrap(name, err)
		}
		return encodeAuth(resp), nil
	}
	return m.authenticate(cmd, mech)
}

func authWrap(name string, err error) error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return newError(KindError, err, "%s authentication cancelled: %v", name, err)
}

// LoginPlain authenticates with AUTHENTICATE PLAIN (RFC 4616), using
// SASL-IR when the server offers it.
func (m *IMAP4) LoginPlain(user, password string) (string, []Item, error) {
	return m.AuthenticateSASL(PlainMechanism("", user, password))
}

// LoginXOAuth2 authenticates with AUTHENTICATE XOAUTH2 and an OAuth 2.0
// access token (Gmail, Outlook), using SASL-IR when the server offers it.
func (m *IMAP4) LoginXOAuth2(user, token string) (string, []Item, error) {
	return m.AuthenticateSASL(XOAuth2Mechanism(user, token))
}

// LoginOAuthBearer authenticates with AUTHENTICATE OAUTHBEARER (RFC 7628)
// and an OAuth 2.0 bearer token, using SASL-IR when the server offers it.
// host and port are those the client connected to; empty host and port 0
// use the connection's Host and Port.
func (m *IMAP4) LoginOAuthBearer(user, token, host string, port int) (string, []Item, error) {
	if host == "" {
		host = m.Host
	}
	if port == 0 {
		port = m.Port
	}
	return m.AuthenticateSASL(OAuthBearerMechanism(user, token, host, port))
}

// authenticate runs an AUTHENTICATE command and applies Python's verdict.
func (m *IMAP4) authenticate(cmd *command, mech Mechanism) (string, []Item, error) {
	typ, dat, err := m.run(cmd)
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		msg := decodeReplace(lastLine(dat))
		if d, ok := mech.(errorDetailer); ok && len(d.errorDetail()) > 0 {
			msg += " (server error: " + decodeReplace(d.errorDetail()) + ")"
		}
		return "", nil, newError(KindError, nil, "%s", msg)
	}
	m.state = "AUTH"
	return typ, dat, nil
}

// encodeAuth encodes a response as Python's _Authenticator.encode does:
// standard base64 on one line, nothing for an empty response.
func encodeAuth(b []byte) []byte {
	out := make([]byte, base64.StdEncoding.EncodedLen(len(b)))
	base64.StdEncoding.Encode(out, b)
	return out
}

// decodeReplace is Python's bytes.decode('utf-8', 'replace').
func decodeReplace(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}
