package mail

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/oauth2"
)

// OAuth2 sign-ins kept in the token store ("mailscript auth login NAME"):
// an account with oauth2 = "NAME" asks the process's shared
// oauth2.Source for a current access token at each login, so one refresh
// serves every connection and rotated refresh tokens are saved once. A
// login the server refuses is retried once with a freshly refreshed token
// (the token may have expired between the check and the login).
//
// A watching trigger keeps the token fresh ahead of expiry while its
// session lasts. When the provider refuses the grant (invalid_grant), the
// triggers of that account stop, say "sign-in needed" in their state, and
// one log line names the command to run; they resume by themselves once
// the store file changes (the user signed in again).

// signInPoll is how often a stopped trigger looks at the store file.
const signInPoll = time.Second

func (o *OAuth2) check(acct string) error {
	n := 0
	for _, s := range []string{o.Token, o.TokenCmd, o.Name} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("mail: account %s: oauth2 needs exactly one of a sign-in name, token and token_cmd", acct)
	}
	if o.Name != "" {
		if err := oauth2.CheckName(o.Name); err != nil {
			return fmt.Errorf("mail: account %s: %w", acct, err)
		}
	}
	return nil
}

// tokenSource returns the shared source of a sign-in name for the host h.
func tokenSource(h *host.Host, name string) (*oauth2.Source, error) {
	if h.StateDir == "" {
		return nil, fmt.Errorf("mail: oauth2 %q: there is no state folder to find the sign-in in", name)
	}
	key, _ := h.Getenv(oauth2.KeyEnv)
	return oauth2.Shared(filepath.Join(h.StateDir, "oauth2"), key, name)
}

// TokenSource returns the shared source of the sign-in name in the state
// folder of h (the Lua oauth2 module uses it).
func TokenSource(h *host.Host, name string) (*oauth2.Source, error) { return tokenSource(h, name) }

// source returns the account's token source, nil when it does not use a
// stored sign-in.
func (a *Account) source() (*oauth2.Source, error) {
	if a.cfg.OAuth2 == nil || a.cfg.OAuth2.Name == "" {
		return nil, nil
	}
	return tokenSource(a.h, a.cfg.OAuth2.Name)
}

// storedToken returns a current access token of the account's sign-in.
func (a *Account) storedToken() (string, error) {
	src, err := a.source()
	if err != nil {
		return "", err
	}
	tok, err := src.Token(a.ctx())
	if err != nil {
		return "", fmt.Errorf("mail: %s: %w", a.Name(), err)
	}
	return tok, nil
}

// loginOAuth2 logs in with token; with a stored sign-in, a refused login
// is retried once with a refreshed token.
func (a *Account) loginOAuth2(m *imaplib.IMAP4, token string) error {
	err := loginOAuth2(m, a.cfg.User, token)
	if err == nil || !errors.Is(err, imaplib.ErrError) || errors.Is(err, imaplib.ErrAbort) {
		return err
	}
	src, serr := a.source()
	if src == nil || serr != nil {
		return err
	}
	fresh, rerr := src.Refresh(a.ctx(), token)
	if rerr != nil {
		return fmt.Errorf("%w; refreshing the token: %w", err, rerr)
	}
	a.logger().Debug("mail: login refused; retrying once with a refreshed token", "account", a.Name())
	return loginOAuth2(m, a.cfg.User, fresh)
}

// watchSource returns the token source of a watcher's account, or nil.
func (w *watcher) watchSource() *oauth2.Source {
	if w.cfg.OAuth2 == nil || w.cfg.OAuth2.Name == "" {
		return nil
	}
	src, err := tokenSource(w.h, w.cfg.OAuth2.Name)
	if err != nil {
		return nil
	}
	return src
}

// guard returns a context for one session that is cancelled when the
// account's sign-in dies, and keeps the access token fresh ahead of its
// expiry meanwhile. end stops it and returns the *oauth2.SignInError that
// ended the session, if any.
func (w *watcher) guard(ctx context.Context) (sctx context.Context, end func() error) {
	src := w.watchSource()
	if src == nil {
		return ctx, func() error { return nil }
	}
	gctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var dead error
	go func() {
		defer close(done)
		for {
			wait := time.Minute
			if next := src.NextRefresh(); !next.IsZero() {
				wait = max(time.Until(next), 0)
			}
			if err := sleepCtx(gctx, wait); err != nil {
				return
			}
			_, err := src.Token(gctx)
			switch {
			case errors.Is(err, oauth2.ErrSignIn):
				dead = err
				cancel()
				return
			case err != nil && gctx.Err() == nil:
				w.logger().Warn("mail: "+w.desc+": refreshing the OAuth2 token failed; trying again", "err", err)
				if sleepCtx(gctx, jitter(5*time.Second)) != nil {
					return
				}
			}
		}
	}()
	return gctx, func() error {
		cancel()
		<-done
		return dead
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitSignIn handles a session that ended because the sign-in died: it
// sets the trigger's state, logs the command to run once per dead period
// (whatever the number of triggers), and waits until the user signed in
// again. It reports false when err is not about the sign-in.
func (w *watcher) waitSignIn(ctx context.Context, s host.Sink, err error) bool {
	var se *oauth2.SignInError
	if !errors.As(err, &se) {
		return false
	}
	src := w.watchSource()
	if src == nil {
		return false
	}
	s.SetState(fmt.Sprintf("sign-in needed: run %q (%s)", se.Command(), se.Reason))
	if src.Report() {
		w.logger().Error("mail: OAuth2 sign-in "+se.Name+" is no longer accepted; its account's triggers are stopped until you run: "+se.Command(),
			"account", w.cfg.name(), "reason", se.Reason)
	}
	if src.WaitSignIn(ctx, signInPoll) != nil {
		return true
	}
	w.logger().Info("mail: "+w.desc+": signed in again; resuming", "signin", se.Name)
	return true
}

// OAuth2Token returns a current bearer token of an account that logs in
// with OAuth2 (ok false for a password account): what an SMTP login of
// the same account needs (AUTH XOAUTH2 or OAUTHBEARER). For a stored
// sign-in it is refreshed as needed; when the server refuses it anyway,
// RefreshOAuth2 with the refused token gets a new one, once.
func (a *Account) OAuth2Token() (token string, ok bool, err error) {
	if a.cfg.OAuth2 == nil {
		return "", false, nil
	}
	tok, _, err := a.secret()
	return tok, true, err
}

// RefreshOAuth2 returns a token newer than stale, refreshing the stored
// sign-in unless another login already did. Accounts without a stored
// sign-in return an error.
func (a *Account) RefreshOAuth2(stale string) (string, error) {
	src, err := a.source()
	if err != nil {
		return "", err
	}
	if src == nil {
		return "", fmt.Errorf("mail: %s: no stored OAuth2 sign-in to refresh", a.Name())
	}
	tok, err := src.Refresh(a.ctx(), stale)
	if err != nil {
		return "", fmt.Errorf("mail: %s: %w", a.Name(), err)
	}
	return tok, nil
}
