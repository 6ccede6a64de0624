package oauth2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	xoauth2 "golang.org/x/oauth2"
)

// ErrSignIn matches (errors.Is) every *SignInError.
var ErrSignIn = errors.New("oauth2: sign-in needed")

// SignInError says that the stored grant is no longer accepted (the
// provider answered invalid_grant: revoked, expired, or a refresh token
// already used) and the user must sign in again.
type SignInError struct {
	// Name is the sign-in's name.
	Name string
	// Reason is the provider's error code and description.
	Reason string
}

// Error says what happened and which command to run.
func (e *SignInError) Error() string {
	return fmt.Sprintf("oauth2: %s: the provider refused the stored sign-in (%s); sign in again with: mailscript auth login %s", e.Name, e.Reason, e.Name)
}

// Is reports whether target is ErrSignIn.
func (e *SignInError) Is(target error) bool { return target == ErrSignIn }

// Command returns the command that signs in again.
func (e *SignInError) Command() string { return "mailscript auth login " + e.Name }

// Source hands out current access tokens of one sign-in, refreshing them
// ahead of expiry. Its methods may be called from several goroutines; the
// Sources of one process are shared through Shared.
type Source struct {
	store *Store
	name  string

	// Client, when set, makes the HTTP requests (tests use it).
	Client *http.Client
	// Now, when set, is the clock.
	Now func() time.Time

	mu     sync.Mutex
	rec    *Record
	ver    version
	dead   *SignInError
	deadV  version
	told   bool // the dead state was reported (Report)
	lastOK time.Time
	lastEr error
}

// NewSource returns a Source for name in store. Prefer Shared in
// long-running programs, so that one refresh serves every user.
func NewSource(store *Store, name string) *Source {
	return &Source{store: store, name: name}
}

var shared struct {
	mu sync.Mutex
	m  map[string]*Source
}

// Shared returns the process's Source for name in the store folder dir,
// creating it with passphrase on first use.
func Shared(dir, passphrase, name string) (*Source, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.m == nil {
		shared.m = make(map[string]*Source)
	}
	k := dir + "\x00" + passphrase + "\x00" + name
	if s, ok := shared.m[k]; ok {
		return s, nil
	}
	s := NewSource(NewStore(dir, passphrase), name)
	shared.m[k] = s
	return s, nil
}

// SharedSources returns the Sources Shared has made, sorted by name.
func SharedSources() []*Source {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	out := make([]*Source, 0, len(shared.m))
	for _, s := range shared.m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Source) int { return strings.Compare(a.name, b.name) })
	return out
}

// Name returns the sign-in's name.
func (s *Source) Name() string { return s.name }

// Store returns the store the Source reads.
func (s *Source) Store() *Store { return s.store }

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// margin is how long before expiry a token is refreshed: a quarter of its
// lifetime, at most a minute.
func margin(rec *Record) time.Duration {
	life := rec.Expiry.Sub(rec.Obtained)
	if rec.Obtained.IsZero() || life <= 0 {
		return time.Minute
	}
	return min(time.Minute, life/4)
}

// fresh reports whether rec's access token is good for longer than the
// refresh margin.
func (s *Source) fresh(rec *Record) bool {
	if rec.Secrets.AccessToken == "" {
		return false
	}
	if rec.Expiry.IsZero() {
		return true
	}
	return s.now().Add(margin(rec)).Before(rec.Expiry)
}

// reloadLocked reads the file again when it changed since it was read.
func (s *Source) reloadLocked() error {
	v, ok := s.store.version(s.name)
	if s.rec != nil && ok && v == s.ver {
		return nil
	}
	rec, err := s.store.Load(s.name)
	if err != nil {
		return err
	}
	s.rec, s.ver = rec, v
	if s.dead != nil && v != s.deadV {
		s.dead, s.told = nil, false // signed in again
	}
	return nil
}

// Token returns a current access token, refreshing it (and saving a
// rotated refresh token) when it expires within the refresh margin.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, err := s.tokenLocked(ctx, false)
	s.lastEr = err
	if err == nil {
		s.lastOK = s.now()
	}
	return tok, err
}

// Refresh refreshes the access token now, unless one newer than stale was
// saved meanwhile, and returns the current one. A login that the server
// refused with a token calls it with that token.
func (s *Source) Refresh(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return "", err
	}
	force := s.rec.Secrets.AccessToken == stale
	tok, err := s.tokenLocked(ctx, force)
	s.lastEr = err
	return tok, err
}

func (s *Source) tokenLocked(ctx context.Context, force bool) (string, error) {
	if err := s.reloadLocked(); err != nil {
		return "", err
	}
	if s.dead != nil {
		return "", s.dead
	}
	if !force && s.fresh(s.rec) {
		return s.rec.Secrets.AccessToken, nil
	}
	stale := s.rec.Secrets.AccessToken
	// Serialise with other processes, and look again: one of them may
	// have refreshed while we waited.
	unlock, err := lockFile(s.store.dir, s.name)
	if err != nil {
		return "", fmt.Errorf("oauth2: %s: lock: %w", s.name, err)
	}
	defer unlock()
	s.rec = nil
	if err := s.reloadLocked(); err != nil {
		return "", err
	}
	if s.dead != nil {
		return "", s.dead
	}
	if s.rec.Secrets.AccessToken != stale && s.fresh(s.rec) {
		return s.rec.Secrets.AccessToken, nil
	}
	if !force && s.fresh(s.rec) {
		return s.rec.Secrets.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

// config is the x/oauth2 configuration of rec.
func config(rec *Record) *xoauth2.Config {
	return &xoauth2.Config{
		ClientID:     rec.ClientID,
		ClientSecret: rec.Secrets.ClientSecret,
		Scopes:       rec.Scopes,
		Endpoint: xoauth2.Endpoint{
			AuthURL:       rec.AuthURL,
			TokenURL:      rec.TokenURL,
			DeviceAuthURL: rec.DeviceURL,
			AuthStyle:     xoauth2.AuthStyleInParams,
		},
	}
}

func (s *Source) refreshLocked(ctx context.Context) (string, error) {
	rec := s.rec
	if rec.Secrets.RefreshToken == "" {
		if rec.Secrets.AccessToken != "" && !rec.Expiry.IsZero() && s.now().Before(rec.Expiry) {
			return rec.Secrets.AccessToken, nil
		}
		return "", s.die("no refresh token stored")
	}
	if s.Client != nil {
		ctx = context.WithValue(ctx, xoauth2.HTTPClient, s.Client)
	}
	old := &xoauth2.Token{RefreshToken: rec.Secrets.RefreshToken, Expiry: time.Unix(1, 0)}
	start := s.now()
	tok, err := config(rec).TokenSource(ctx, old).Token()
	if err != nil {
		var re *xoauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			reason := "invalid_grant"
			if re.ErrorDescription != "" {
				reason += ": " + re.ErrorDescription
			}
			return "", s.die(reason)
		}
		return "", fmt.Errorf("oauth2: %s: refresh: %w", s.name, cleanError(err))
	}
	next := *rec
	next.Secrets.AccessToken = tok.AccessToken
	next.Secrets.TokenType = tok.TokenType
	if tok.RefreshToken != "" && tok.RefreshToken != rec.Secrets.RefreshToken {
		next.Secrets.RefreshToken = tok.RefreshToken
		next.Rotations++
	}
	next.Obtained, next.Expiry, next.RefreshUsed = start, tok.Expiry, start
	// Saved before the token is handed out: the provider may already
	// refuse the old refresh token.
	if err := s.store.Save(&next); err != nil {
		return "", err
	}
	s.rec = &next
	s.ver, _ = s.store.version(s.name)
	return next.Secrets.AccessToken, nil
}

func (s *Source) die(reason string) error {
	s.dead = &SignInError{Name: s.name, Reason: reason}
	s.deadV = s.ver
	s.told = false
	return s.dead
}

// cleanError returns err without a token endpoint's response body (which
// x/oauth2 puts into RetrieveError's text).
func cleanError(err error) error {
	var re *xoauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	msg := "the token endpoint answered"
	if re.Response != nil {
		msg += " " + re.Response.Status
	}
	if re.ErrorCode != "" {
		msg += ": " + re.ErrorCode
		if re.ErrorDescription != "" {
			msg += ": " + re.ErrorDescription
		}
	}
	return errors.New(strings.TrimSpace(msg))
}

// NextRefresh returns when the access token enters its refresh margin
// (zero when it is unknown or the sign-in is dead).
func (s *Source) NextRefresh() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reloadLocked() != nil || s.dead != nil || s.rec.Expiry.IsZero() {
		return time.Time{}
	}
	return s.rec.Expiry.Add(-margin(s.rec))
}

// Dead returns the *SignInError the Source is stuck on, or nil. It looks at
// the store file first: a new sign-in clears it.
func (s *Source) Dead() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead == nil {
		return nil
	}
	if v, ok := s.store.version(s.name); ok && v != s.deadV {
		s.rec = nil
		if s.reloadLocked() == nil && s.dead == nil {
			return nil
		}
	}
	if s.dead == nil {
		return nil
	}
	return s.dead
}

// Report returns true once per dead period: callers log the sign-in error
// only when it does, so it appears in the log once.
func (s *Source) Report() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead == nil || s.told {
		return false
	}
	s.told = true
	return true
}

// WaitSignIn returns nil when the Source is not dead, or once the store
// file changed after it died (the user signed in again), polling every
// interval; or ctx's error.
func (s *Source) WaitSignIn(ctx context.Context, interval time.Duration) error {
	for {
		if s.Dead() == nil {
			return nil
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Status is what can be shown of a sign-in: never a secret.
type Status struct {
	// Name is the sign-in's name.
	Name string `json:"name"`
	// State is "ok", "sign-in needed" or "error".
	State string `json:"state"`
	// Error explains State when it is not "ok".
	Error string `json:"error,omitempty"`
	// Command is what to run when State is "sign-in needed".
	Command string `json:"command,omitempty"`
	// Expiry is when the current access token expires; RefreshUsed when
	// the refresh token was last used.
	Expiry      time.Time `json:"access_token_expiry,omitzero"`
	RefreshUsed time.Time `json:"refresh_token_used,omitzero"`
}

// Status returns the Source's state.
func (s *Source) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Name: s.name, State: "ok"}
	if s.rec != nil {
		st.Expiry, st.RefreshUsed = s.rec.Expiry, s.rec.RefreshUsed
	}
	switch {
	case s.dead != nil:
		st.State, st.Error, st.Command = "sign-in needed", s.dead.Error(), s.dead.Command()
	case s.lastEr != nil:
		st.State, st.Error = "error", s.lastEr.Error()
	}
	return st
}
