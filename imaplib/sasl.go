package imaplib

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// A Mechanism is the client side of a SASL mechanism (RFC 4422), for
// AuthenticateSASL. The package provides PLAIN, LOGIN, CRAM-MD5, XOAUTH2
// and OAUTHBEARER; callers may bring their own.
type Mechanism interface {
	// Name is the mechanism's registered name, e.g. "PLAIN".
	Name() string
	// Start returns the initial response; ok is false for a mechanism in
	// which the server speaks first (LOGIN, CRAM-MD5). An error stops the
	// exchange before anything is sent.
	Start() (ir []byte, ok bool, err error)
	// Next answers one server challenge, given decoded from base64. An
	// error cancels the exchange (the client sends "*").
	Next(challenge []byte) (response []byte, err error)
}

// errUnexpectedChallenge is returned by mechanisms that have nothing more
// to say.
var errUnexpectedChallenge = errors.New("unexpected server challenge")

// PlainMechanism returns the PLAIN mechanism (RFC 4616): identity is the
// authorisation identity, usually "" (act as user itself).
func PlainMechanism(identity, user, password string) Mechanism {
	return &plainMech{identity: identity, user: user, password: password}
}

type plainMech struct{ identity, user, password string }

func (p *plainMech) Name() string { return "PLAIN" }

func (p *plainMech) Start() ([]byte, bool, error) {
	if strings.ContainsRune(p.identity+p.user+p.password, 0) {
		return nil, false, newError(KindValue, nil, "PLAIN: NUL not allowed in user name or password")
	}
	ir := make([]byte, 0, len(p.identity)+len(p.user)+len(p.password)+2)
	ir = append(ir, p.identity...)
	ir = append(ir, 0)
	ir = append(ir, p.user...)
	ir = append(ir, 0)
	ir = append(ir, p.password...)
	return ir, true, nil
}

func (p *plainMech) Next([]byte) ([]byte, error) { return nil, errUnexpectedChallenge }

// LoginMechanism returns the obsolete but common LOGIN mechanism: the
// server prompts for the user name, then for the password.
func LoginMechanism(user, password string) Mechanism {
	return &loginMech{user: user, password: password}
}

type loginMech struct {
	user, password string
	step           int
}

func (l *loginMech) Name() string                 { return "LOGIN" }
func (l *loginMech) Start() ([]byte, bool, error) { return nil, false, nil }

func (l *loginMech) Next([]byte) ([]byte, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte(l.user), nil
	case 2:
		return []byte(l.password), nil
	}
	return nil, errUnexpectedChallenge
}

// CramMD5Mechanism returns the CRAM-MD5 mechanism (RFC 2195), as Python's
// login_cram_md5 speaks it: the answer to the server's challenge is the
// user name, a space and the hex HMAC-MD5 of the challenge keyed with the
// password.
func CramMD5Mechanism(user, password string) Mechanism {
	return &cramMech{user: user, password: password}
}

type cramMech struct {
	user, password string
	done           bool
}

func (c *cramMech) Name() string                 { return "CRAM-MD5" }
func (c *cramMech) Start() ([]byte, bool, error) { return nil, false, nil }

func (c *cramMech) Next(challenge []byte) ([]byte, error) {
	if c.done {
		return nil, errUnexpectedChallenge
	}
	c.done = true
	return cramMD5(c.user, c.password, challenge), nil
}

func cramMD5(user, password string, challenge []byte) []byte {
	h := hmac.New(md5.New, []byte(password))
	h.Write(challenge)
	out := make([]byte, 0, len(user)+1+2*md5.Size)
	out = append(out, user...)
	out = append(out, ' ')
	return hex.AppendEncode(out, h.Sum(nil))
}

// XOAuth2Mechanism returns Google's and Microsoft's XOAUTH2 mechanism with
// an OAuth 2.0 access token the caller obtained. When the server refuses
// the token it sends a JSON error as a challenge; the mechanism answers
// with an empty response, as the protocol requires, and the JSON becomes
// part of the error AuthenticateSASL returns.
func XOAuth2Mechanism(user, token string) Mechanism {
	return &xoauth2Mech{user: user, token: token}
}

type xoauth2Mech struct {
	user, token string
	detail      []byte
}

func (x *xoauth2Mech) Name() string { return "XOAUTH2" }

func (x *xoauth2Mech) Start() ([]byte, bool, error) {
	if strings.ContainsRune(x.user+x.token, 1) {
		return nil, false, newError(KindValue, nil, "XOAUTH2: \\x01 not allowed in user name or token")
	}
	return []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), true, nil
}

func (x *xoauth2Mech) Next(challenge []byte) ([]byte, error) {
	if x.detail != nil {
		return nil, errUnexpectedChallenge
	}
	x.detail = append([]byte{}, challenge...)
	return []byte{}, nil
}

func (x *xoauth2Mech) errorDetail() []byte { return x.detail }

// OAuthBearerMechanism returns the OAUTHBEARER mechanism (RFC 7628) with an
// OAuth 2.0 bearer token the caller obtained. host and port name the
// server as the client reached it ("" and 0 leave them out). When the
// server refuses the token it sends a JSON error as a challenge; the
// mechanism answers with the dummy response "\x01" (RFC 7628, section
// 3.2.3) and the JSON becomes part of the error AuthenticateSASL returns.
func OAuthBearerMechanism(user, token, host string, port int) Mechanism {
	return &oauthBearerMech{user: user, token: token, host: host, port: port}
}

type oauthBearerMech struct {
	user, token, host string
	port              int
	detail            []byte
}

func (o *oauthBearerMech) Name() string { return "OAUTHBEARER" }

func (o *oauthBearerMech) Start() ([]byte, bool, error) {
	if strings.ContainsRune(o.user+o.token+o.host, 1) {
		return nil, false, newError(KindValue, nil, "OAUTHBEARER: \\x01 not allowed in user name, token or host")
	}
	var b bytes.Buffer
	b.WriteString("n,")
	if o.user != "" {
		// RFC 5801 saslname: "=" and "," are escaped.
		b.WriteString("a=")
		b.WriteString(strings.NewReplacer("=", "=3D", ",", "=2C").Replace(o.user))
	}
	b.WriteString(",\x01")
	if o.host != "" {
		b.WriteString("host=" + o.host + "\x01")
	}
	if o.port != 0 {
		b.WriteString("port=" + strconv.Itoa(o.port) + "\x01")
	}
	b.WriteString("auth=Bearer " + o.token + "\x01\x01")
	return b.Bytes(), true, nil
}

func (o *oauthBearerMech) Next(challenge []byte) ([]byte, error) {
	if o.detail != nil {
		return nil, errUnexpectedChallenge
	}
	o.detail = append([]byte{}, challenge...)
	return []byte{0x01}, nil
}

func (o *oauthBearerMech) errorDetail() []byte { return o.detail }

// errorDetailer is a mechanism that keeps the server's error challenge.
type errorDetailer interface{ errorDetail() []byte }
