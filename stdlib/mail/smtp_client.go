package mail

import (
	"context"
	"fmt"

	"github.com/mailscript/mailscript/smtplib"
)

// smtpSubmit delivers a message through the account's outgoing server
// with the Go smtplib: implicit TLS or STARTTLS (required, never a plain
// text fall-back) as configured, certificates verified as for IMAP, AUTH
// with the account's password or OAuth2 token when the server offers AUTH,
// then one mail transaction.
func smtpSubmit(ctx context.Context, a *Account, s SMTPConfig, from string, to []string, data []byte) (map[string]string, error) {
	secret, oauth, err := a.secret()
	if err != nil {
		return nil, err
	}
	tcfg, err := a.tlsConfig()
	if err != nil {
		return nil, err
	}
	tcfg.ServerName = s.Host
	opts := &smtplib.Options{Timeout: a.cfg.timeout(), Context: ctx, TLSConfig: tcfg, Debug: a.h.Debug}
	if oauth {
		opts.TokenSource = func(context.Context) (string, error) { return secret, nil }
	}
	var c *smtplib.SMTP
	if s.TLS == TLSImplicit {
		c, err = smtplib.DialTLS(s.Host, s.Port, opts)
	} else {
		c, err = smtplib.Dial(s.Host, s.Port, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp %s:%d: %w", s.Host, s.Port, err)
	}
	defer c.Close()
	if s.TLS == TLSStartTLS {
		if _, _, err := c.StartTLS(nil); err != nil {
			return nil, fmt.Errorf("smtp %s:%d: starttls: %w", s.Host, s.Port, err)
		}
	}
	if err := c.EhloOrHeloIfNeeded(); err != nil {
		return nil, fmt.Errorf("smtp %s:%d: %w", s.Host, s.Port, err)
	}
	if c.HasExtn("auth") {
		if err := smtpLogin(c, a, s.User, secret, oauth); err != nil {
			return nil, fmt.Errorf("smtp %s:%d: login: %w", s.Host, s.Port, err)
		}
	}
	refused, err := c.Sendmail(from, to, data, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("smtp %s:%d: %w", s.Host, s.Port, err)
	}
	_, _, _ = c.Quit()
	out := map[string]string{}
	for k, r := range refused {
		out[k] = fmt.Sprintf("%d %s", r.Code, r.Msg)
	}
	return out, nil
}

// smtpLogin logs in with the password or the OAuth2 token secret. A
// stored sign-in's token that the server refuses (it may have expired
// between the check and the login, or been revoked) is refreshed once and
// the login tried again, as for IMAP.
func smtpLogin(c *smtplib.SMTP, a *Account, user, secret string, oauth bool) error {
	_, _, err := c.Login(user, secret)
	if err == nil || !oauth || !smtplib.KindIs(err, smtplib.KindAuthentication) {
		return err
	}
	if src, serr := a.source(); src == nil || serr != nil {
		return err
	}
	fresh, rerr := a.RefreshOAuth2(secret)
	if rerr != nil {
		return fmt.Errorf("%w; refreshing the token: %w", err, rerr)
	}
	a.logger().Debug("mail: SMTP login refused; retrying once with a refreshed token", "account", a.Name())
	c.SetTokenSource(func(context.Context) (string, error) { return fresh, nil })
	_, _, err = c.Login(user, fresh)
	return err
}

// NotSent reports whether a Send error means the server certainly did
// not accept the message (refused before or at the end of the data, or
// never reached), as opposed to a connection lost while the server may
// have accepted it.
func NotSent(err error) bool {
	k, ok := smtplib.KindOf(err)
	if !ok {
		// Errors before any connection (secrets, TLS settings, bad
		// addresses) are ours: nothing was sent.
		return true
	}
	return k != smtplib.KindServerDisconnected && k != smtplib.KindException
}
