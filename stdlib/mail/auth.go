package mail

import (
	"crypto/tls"

	"github.com/mailscript/mailscript/imaplib"
)

// startTLS upgrades m with STARTTLS; the caller closes m on error. A
// server that does not offer STARTTLS is refused: an account that asks for
// STARTTLS never goes on in plaintext.
func startTLS(m *imaplib.IMAP4, cfg *tls.Config) error {
	_, _, err := m.StartTLS(cfg)
	return err
}

// loginOAuth2 authenticates with a bearer token: OAUTHBEARER (RFC 7628)
// when the server offers it, else XOAUTH2 (Gmail, Office 365).
func loginOAuth2(m *imaplib.IMAP4, user, token string) error {
	var err error
	if m.HasCapability("AUTH=OAUTHBEARER") {
		_, _, err = m.LoginOAuthBearer(user, token, m.Host, m.Port)
	} else {
		_, _, err = m.LoginXOAuth2(user, token)
	}
	return err
}
