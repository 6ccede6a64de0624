package mail

import (
	"crypto/tls"
	"errors"

	"github.com/mailscript/mailscript/imaplib"
)

// errNoAuthExt is returned until imaplib has STARTTLS and AUTHENTICATE.
var errNoAuthExt = errors.New("mail: this build's imaplib has no STARTTLS/AUTHENTICATE yet")

func startTLS(m *imaplib.IMAP4, cfg *tls.Config) error {
	_ = cfg
	m.Close()
	return errNoAuthExt
}

func loginOAuth2(m *imaplib.IMAP4, user, token string) error {
	_, _ = user, token
	_ = m
	return errNoAuthExt
}
