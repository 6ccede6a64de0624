package smtplib

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// A Mechanism is the client side of a SASL mechanism (RFC 4422) for Auth;
// one value serves one exchange.
// The package provides PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER;
// callers may bring their own.
type Mechanism interface {
	// Name is the mechanism's registered name, e.g. "PLAIN".
	Name() string
	// Start returns the initial response; ok is false for a mechanism in
	// which the server speaks first (CRAM-MD5).
	Start() (ir []byte, ok bool, err error)
	// Next answers one server challenge, given decoded from base64. An
	// error cancels the exchange (the client sends "*").
	Next(challenge []byte) (response []byte, err error)
}

// PlainMechanism returns PLAIN (RFC 4616), as Python's auth_plain.
func PlainMechanism(user, password string) Mechanism {
	return &plainMech{user: user, password: password}
}

type plainMech struct{ user, password string }

func (p *plainMech) Name() string { return "PLAIN" }
func (p *plainMech) Start() ([]byte, bool, error) {
	return []byte("\x00" + p.user + "\x00" + p.password), true, nil
}
func (p *plainMech) Next([]byte) ([]byte, error) {
	// Python's auth_plain answers every challenge the same way.
	ir, _, _ := p.Start()
	return ir, nil
}

// LoginMechanism returns LOGIN, as Python's auth_login: the user name as
// the initial response (or the first challenge's answer), then the
// password.
func LoginMechanism(user, password string) Mechanism {
	return &loginMech{user: user, password: password}
}

type loginMech struct {
	user, password string
	sent           int
}

func (l *loginMech) Name() string { return "LOGIN" }
func (l *loginMech) Start() ([]byte, bool, error) {
	l.sent = 1
	return []byte(l.user), true, nil
}
func (l *loginMech) Next([]byte) ([]byte, error) {
	l.sent++
	if l.sent < 2 {
		return []byte(l.user), nil
	}
	return []byte(l.password), nil
}

// CramMD5Mechanism returns CRAM-MD5 (RFC 2195), as Python's
// auth_cram_md5.
func CramMD5Mechanism(user, password string) Mechanism {
	return &cramMech{user: user, password: password}
}

type cramMech struct{ user, password string }

func (c *cramMech) Name() string                 { return "CRAM-MD5" }
func (c *cramMech) Start() ([]byte, bool, error) { return nil, false, nil }
func (c *cramMech) Next(challenge []byte) ([]byte, error) {
	h := hmac.New(md5.New, []byte(c.password))
	h.Write(challenge)
	return []byte(c.user + " " + hex.EncodeToString(h.Sum(nil))), nil
}

// XOAuth2Mechanism returns XOAUTH2 (Google's and Microsoft's OAuth2
// login). After a refusal the server sends a JSON challenge; the answer is
// empty, and the server's final reply is the error.
func XOAuth2Mechanism(user, token string) Mechanism {
	return &xoauth2Mech{user: user, token: token}
}

type xoauth2Mech struct{ user, token string }

func (x *xoauth2Mech) Name() string { return "XOAUTH2" }
func (x *xoauth2Mech) Start() ([]byte, bool, error) {
	return []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), true, nil
}
func (x *xoauth2Mech) Next([]byte) ([]byte, error) { return []byte{}, nil }

// OAuthBearerMechanism returns OAUTHBEARER (RFC 7628).
func OAuthBearerMechanism(user, token, host string, port int) Mechanism {
	return &oauthBearerMech{user: user, token: token, host: host, port: port}
}

type oauthBearerMech struct {
	user, token, host string
	port              int
}

func (o *oauthBearerMech) Name() string { return "OAUTHBEARER" }
func (o *oauthBearerMech) Start() ([]byte, bool, error) {
	gs2 := "n,a=" + strings.NewReplacer("=", "=3D", ",", "=2C").Replace(o.user) + ","
	return fmt.Appendf(nil, "%s\x01host=%s\x01port=%d\x01auth=Bearer %s\x01\x01", gs2, o.host, o.port, o.token), true, nil
}
func (o *oauthBearerMech) Next([]byte) ([]byte, error) { return []byte("\x01"), nil }

// Auth authenticates with a SASL mechanism (Python's auth): AUTH with the
// initial response when the mechanism has one and initialResponseOK, then
// one answer per 334 challenge (at most 5). 235 and 503 (already
// authenticated) are returned; another reply is an
// SMTPAuthenticationError. Nothing of the exchange shows in the trace.
func (s *SMTP) Auth(mech Mechanism, initialResponseOK bool) (int, string, error) {
	name := strings.ToUpper(mech.Name())
	var ir []byte
	hasIR := false
	if initialResponseOK {
		var err error
		ir, hasIR, err = mech.Start()
		if err != nil {
			return 0, "", newError(KindException, err, "authentication: %v", err)
		}
	}
	var code int
	var resp string
	var err error
	if hasIR {
		code, resp, err = s.DoCmd("AUTH", name+" "+base64.StdEncoding.EncodeToString(ir))
		s.authChallenges = 1
	} else {
		code, resp, err = s.DoCmd("AUTH", name)
		s.authChallenges = 0
	}
	if err != nil {
		return 0, "", err
	}
	for code == 334 {
		s.authChallenges++
		challenge, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(resp))
		if derr != nil {
			challenge = nil
		}
		var answer []byte
		var merr error
		if derr != nil {
			merr = fmt.Errorf("challenge is not base64: %w", derr)
		} else {
			answer, merr = mech.Next(challenge)
		}
		s.redactNext = true
		if merr != nil {
			code, resp, err = s.DoCmd("*", "")
			s.redactNext = false
			if err != nil {
				return 0, "", err
			}
			return 0, "", &Error{Kind: KindAuthentication, Code: code, Msg: resp, Err: merr}
		}
		code, resp, err = s.DoCmd(base64.StdEncoding.EncodeToString(answer), "")
		s.redactNext = false
		if err != nil {
			return 0, "", err
		}
		if s.authChallenges > maxChallenges {
			return 0, "", newError(KindException, nil, "Server AUTH mechanism infinite loop. Last response: (%d, %s)", code, pyBytes(resp))
		}
	}
	if code == 235 || code == 503 {
		return code, resp, nil
	}
	return 0, "", respError(KindAuthentication, code, resp)
}

// preferredAuths is Python's login order.
var preferredAuths = []string{"CRAM-MD5", "PLAIN", "LOGIN"}

// Login authenticates (Python's login): EHLO if needed; then each of
// CRAM-MD5, PLAIN and LOGIN that the server offers, in that order, until
// one succeeds; the last SMTPAuthenticationError otherwise. No AUTH
// extension is SMTPNotSupportedError; no common mechanism is
// SMTPException. With Options.TokenSource set, Login asks it for a token
// and uses XOAUTH2 (or else OAUTHBEARER) instead of the password.
func (s *SMTP) Login(user, password string) (int, string, error) {
	return s.login(user, password, true)
}

// LoginNoInitialResponse is Login with Python's initial_response_ok=False:
// every mechanism waits for the server's first challenge.
func (s *SMTP) LoginNoInitialResponse(user, password string) (int, string, error) {
	return s.login(user, password, false)
}

func (s *SMTP) login(user, password string, initialResponseOK bool) (int, string, error) {
	if err := s.EhloOrHeloIfNeeded(); err != nil {
		return 0, "", err
	}
	if !s.HasExtn("auth") {
		return 0, "", newError(KindNotSupported, nil, "SMTP AUTH extension not supported by server.")
	}
	advertised := strings.Fields(strings.ToUpper(s.esmtpFeatures["auth"]))
	if s.opts.TokenSource != nil {
		return s.loginOAuth2(user, advertised, initialResponseOK)
	}
	var last error
	found := false
	for _, m := range preferredAuths {
		if !contains(advertised, m) {
			continue
		}
		found = true
		var mech Mechanism
		switch m {
		case "CRAM-MD5":
			mech = CramMD5Mechanism(user, password)
		case "PLAIN":
			mech = PlainMechanism(user, password)
		default:
			mech = LoginMechanism(user, password)
		}
		code, resp, err := s.Auth(mech, initialResponseOK)
		if err == nil {
			return code, resp, nil
		}
		if !KindIs(err, KindAuthentication) {
			return 0, "", err
		}
		last = err
	}
	if !found {
		return 0, "", newError(KindException, nil, "No suitable authentication method found.")
	}
	return 0, "", last
}

func (s *SMTP) loginOAuth2(user string, advertised []string, initialResponseOK bool) (int, string, error) {
	ctx := s.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	var mech func(token string) Mechanism
	switch {
	case contains(advertised, "XOAUTH2"):
		mech = func(t string) Mechanism { return XOAuth2Mechanism(user, t) }
	case contains(advertised, "OAUTHBEARER"):
		mech = func(t string) Mechanism { return OAuthBearerMechanism(user, t, s.Host, s.Port) }
	default:
		return 0, "", newError(KindException, nil, "No suitable authentication method found.")
	}
	token, err := s.opts.TokenSource(ctx)
	if err != nil {
		return 0, "", newError(KindException, err, "oauth2 token: %v", err)
	}
	if err := checkArg(token); err != nil {
		return 0, "", err
	}
	return s.Auth(mech(token), initialResponseOK)
}

// SetTokenSource sets (or, with nil, clears) the OAuth2 token source
// Login uses; see Options.TokenSource.
func (s *SMTP) SetTokenSource(ts TokenSource) { s.opts.TokenSource = ts }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
