package oauth2

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"time"

	xoauth2 "golang.org/x/oauth2"
)

// Errors of the sign-in flows, matched with errors.Is.
var (
	// ErrDenied is the user's refusal (access_denied).
	ErrDenied = errors.New("oauth2: the sign-in was refused")
	// ErrExpired is a device code that expired before the user approved
	// it (expired_token).
	ErrExpired = errors.New("oauth2: the code expired before the sign-in was approved")
)

// Login describes a sign-in to perform.
type Login struct {
	// Name is the sign-in's name in the store.
	Name string
	// Provider gives the endpoints and scopes.
	Provider Provider
	// ClientID and ClientSecret identify the application; the secret is
	// empty for public clients.
	ClientID     string
	ClientSecret string
	// Client, when set, makes the HTTP requests.
	Client *http.Client
}

func (l *Login) check() error {
	if err := CheckName(l.Name); err != nil {
		return err
	}
	if l.ClientID == "" {
		return fmt.Errorf("oauth2: %s: a client ID is needed (--client-id)", l.Name)
	}
	return l.Provider.Check()
}

func (l *Login) config() *xoauth2.Config {
	return config(&Record{Provider: l.Provider, ClientID: l.ClientID, Secrets: Secrets{ClientSecret: l.ClientSecret}})
}

func (l *Login) ctx(ctx context.Context) context.Context {
	if l.Client != nil {
		return context.WithValue(ctx, xoauth2.HTTPClient, l.Client)
	}
	return ctx
}

// record makes the record of a token just obtained.
func (l *Login) record(tok *xoauth2.Token, start time.Time) (*Record, error) {
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("oauth2: %s: the provider returned no access token", l.Name)
	}
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("oauth2: %s: the provider returned no refresh token (ask for offline access: the offline_access scope for Microsoft)", l.Name)
	}
	return &Record{
		Name: l.Name, Provider: l.Provider, ClientID: l.ClientID,
		SignedIn: start, Obtained: start, Expiry: tok.Expiry,
		Secrets: Secrets{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, ClientSecret: l.ClientSecret},
	}, nil
}

// DevicePrompt is what the user is shown during the device flow.
type DevicePrompt struct {
	// URL is where to go; Code is what to type there. CompleteURL, when the
	// provider gives one, carries the code already.
	URL, Code, CompleteURL string
	// Expires is when the code stops working.
	Expires time.Time
}

// DeviceLogin signs in with the device authorization grant (RFC 8628):
// it asks for a code, calls prompt so the user can be told where to enter
// it, and polls the token endpoint at the interval the provider asked for,
// slowing down when told (slow_down) and waiting while the user has not
// answered (authorization_pending). A refusal is ErrDenied, an expired code
// ErrExpired.
func DeviceLogin(ctx context.Context, l *Login, prompt func(DevicePrompt)) (*Record, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if l.Provider.DeviceURL == "" {
		return nil, fmt.Errorf("oauth2: %s: provider %s has no device flow: use the browser flow (--browser)", l.Name, l.Provider.Name)
	}
	cfg := l.config()
	hctx := l.ctx(ctx)
	da, err := cfg.DeviceAuth(hctx)
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: device authorization: %w", l.Name, cleanError(err))
	}
	prompt(DevicePrompt{URL: da.VerificationURI, Code: da.UserCode, CompleteURL: da.VerificationURIComplete, Expires: da.Expiry})
	start := time.Now()
	tok, err := cfg.DeviceAccessToken(hctx, da)
	if err != nil {
		var re *xoauth2.RetrieveError
		switch {
		case errors.As(err, &re) && re.ErrorCode == "access_denied":
			return nil, fmt.Errorf("%w (%s)", ErrDenied, l.Name)
		case errors.As(err, &re) && re.ErrorCode == "expired_token",
			errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			return nil, fmt.Errorf("%w (%s): run the command again", ErrExpired, l.Name)
		case ctx.Err() != nil:
			return nil, fmt.Errorf("oauth2: %s: %w", l.Name, ctx.Err())
		}
		return nil, fmt.Errorf("oauth2: %s: device flow: %w", l.Name, cleanError(err))
	}
	return l.record(tok, start)
}

// BrowserLogin signs in with the authorization-code grant and PKCE (S256)
// on a loopback redirect (RFC 8252): it listens on 127.0.0.1 on a free
// port, calls open with the URL the user must visit in a browser, and
// waits for the provider to redirect back with the code, which it checks
// against the state it sent and exchanges for tokens.
func BrowserLogin(ctx context.Context, l *Login, open func(url string)) (*Record, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if l.Provider.AuthURL == "" {
		return nil, fmt.Errorf("oauth2: %s: provider %s has no authorization URL: use the device flow", l.Name, l.Provider.Name)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: loopback redirect: %w", l.Name, err)
	}
	defer ln.Close()
	cfg := l.config()
	// No path: Microsoft matches a registered "http://127.0.0.1" with
	// any port only so.
	cfg.RedirectURL = fmt.Sprintf("http://127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
	verifier := xoauth2.GenerateVerifier()
	var sb [24]byte
	rand.Read(sb[:])
	state := base64.RawURLEncoding.EncodeToString(sb[:])

	type result struct {
		code string
		err  error
	}
	got := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/" || (q.Get("code") == "" && q.Get("error") == "") {
			http.NotFound(w, r)
			return
		}
		var res result
		switch {
		case q.Get("state") != state:
			res.err = fmt.Errorf("oauth2: %s: the redirect carried the wrong state", l.Name)
		case q.Get("error") == "access_denied":
			res.err = fmt.Errorf("%w (%s)", ErrDenied, l.Name)
		case q.Get("error") != "":
			res.err = fmt.Errorf("oauth2: %s: the provider said %s: %s", l.Name, q.Get("error"), q.Get("error_description"))
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			fmt.Fprintf(w, "<p>Sign-in failed: %s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<p>Signed in. You can close this window and go back to mailscript.</p>")
		}
		select {
		case got <- res:
		default:
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()

	opts := []xoauth2.AuthCodeOption{xoauth2.S256ChallengeOption(verifier)}
	for k, v := range l.Provider.AuthParams {
		opts = append(opts, xoauth2.SetAuthURLParam(k, v))
	}
	open(cfg.AuthCodeURL(state, opts...))
	var res result
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("oauth2: %s: %w", l.Name, ctx.Err())
	case res = <-got:
	}
	if res.err != nil {
		return nil, res.err
	}
	start := time.Now()
	tok, err := cfg.Exchange(l.ctx(ctx), res.code, xoauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: code exchange: %w", l.Name, cleanError(err))
	}
	return l.record(tok, start)
}
