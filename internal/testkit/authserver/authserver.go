package authserver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ClientID is the client the server knows.
const ClientID = "mailscript-test"

// Scope is the scope the server grants.
const Scope = "imap smtp"

// Server is a running authorization server. Its methods may be called from
// several goroutines.
type Server struct {
	// URL is the server's base URL; the endpoints are URL+"/authorize",
	// "/token", "/device" and "/introspect".
	URL string
	// User is the user that Approve and the code flow sign in when none is
	// given.
	User string

	hs *httptest.Server

	conns atomic.Int64 // connections open on the server side

	mu        sync.Mutex
	accessTTL time.Duration
	interval  int
	deviceTTL time.Duration
	access    map[string]*grantToken // access token -> grant
	refresh   map[string]*grantToken // current refresh tokens
	used      map[string]bool        // refresh tokens already rotated away
	devices   map[string]*device     // device code -> request
	codes     map[string]*authCode
	slowDown  int
	pending   chan string // user codes of new device requests
	issued    []string    // every token ever issued
	grace     bool
	onRefresh func()            // called before a refresh is processed (SetRefreshHook)
	successor map[string]string // refresh token -> the one issued for it (RotationGrace)
	counts    Counts
}

// Counts counts the requests the server answered.
type Counts struct {
	Refreshes, RefusedRefreshes, Introspections, ActiveIntrospections, DevicePolls, SlowDowns int
	// GraceRefreshes counts refreshes with a predecessor token accepted
	// under RotationGrace.
	GraceRefreshes int
}

type grantToken struct {
	user   string
	expiry time.Time
	scope  string
	id     int // grant id (one per sign-in)
}

type device struct {
	user     string
	denied   bool
	userCode string
	expiry   time.Time
	scope    string
}

type authCode struct {
	user, challenge, redirect, scope string
	used                             bool
}

// Option configures Start.
type Option func(*Server)

// AccessTTL sets the lifetime of access tokens (default 1h).
func AccessTTL(d time.Duration) Option { return func(s *Server) { s.accessTTL = d } }

// Interval sets the polling interval, in seconds, that device requests are
// given (default 1).
func Interval(sec int) Option { return func(s *Server) { s.interval = sec } }

// DeviceTTL sets how long a device code lives (default 10 minutes).
func DeviceTTL(d time.Duration) Option { return func(s *Server) { s.deviceTTL = d } }

// RotationGrace keeps a rotated refresh token usable until its successor
// is first used, as providers that tolerate a client that lost the answer
// to a refresh do (a crash between the answer and saving it). Without it a
// rotated token is refused at once.
func RotationGrace() Option { return func(s *Server) { s.grace = true } }

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		User:      "alice",
		accessTTL: time.Hour,
		interval:  1,
		deviceTTL: 10 * time.Minute,
		access:    map[string]*grantToken{},
		refresh:   map[string]*grantToken{},
		used:      map[string]bool{},
		devices:   map[string]*device{},
		codes:     map[string]*authCode{},
		pending:   make(chan string, 16),
		successor: map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", s.handleDevice)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("GET /authorize", s.handleAuthorize)
	mux.HandleFunc("POST /introspect", s.handleIntrospect)
	s.hs = httptest.NewUnstartedServer(mux)
	s.hs.Config.ConnState = s.track
	s.hs.Start()
	s.URL = s.hs.URL
	t.Cleanup(s.hs.Close)
	return s
}

// AuthURL, TokenURL, DeviceURL and IntrospectURL return the endpoints.
func (s *Server) AuthURL() string { return s.URL + "/authorize" }

// TokenURL returns the token endpoint.
func (s *Server) TokenURL() string { return s.URL + "/token" }

// DeviceURL returns the device authorization endpoint.
func (s *Server) DeviceURL() string { return s.URL + "/device" }

// IntrospectURL returns the introspection endpoint.
func (s *Server) IntrospectURL() string { return s.URL + "/introspect" }

// VerificationURL is the page device-flow users are sent to.
func (s *Server) VerificationURL() string { return s.URL + "/activate" }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// track counts the connections the server holds open.
func (s *Server) track(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Add(-1)
	}
}

// OpenConns returns how many client connections the server holds open.
// After every client is gone (a killed process, Client's idle connections
// closed), it reaches 0 only once the server has read, and answered,
// every request those clients had sent.
func (s *Server) OpenConns() int64 { return s.conns.Load() }

// SetAccessTTL changes the lifetime of the access tokens issued from now on.
func (s *Server) SetAccessTTL(d time.Duration) {
	s.mu.Lock()
	s.accessTTL = d
	s.mu.Unlock()
}

// Pending returns the user codes of device requests as they arrive.
func (s *Server) Pending() <-chan string { return s.pending }

// Approve signs user ("" for s.User) in on the device request with
// userCode; it reports whether there is such a request.
func (s *Server) Approve(userCode, user string) bool {
	if user == "" {
		user = s.User
	}
	return s.answer(userCode, func(d *device) { d.user = user })
}

// Deny refuses the device request with userCode.
func (s *Server) Deny(userCode string) bool {
	return s.answer(userCode, func(d *device) { d.denied = true })
}

func (s *Server) answer(userCode string, f func(*device)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == userCode {
			f(d)
			return true
		}
	}
	return false
}

// SlowDown makes the next n device polls answer slow_down.
func (s *Server) SlowDown(n int) {
	s.mu.Lock()
	s.slowDown += n
	s.mu.Unlock()
}

// Revoke drops every grant of user: its refresh and access tokens stop
// working.
func (s *Server) Revoke(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, g := range s.refresh {
		if g.user == user {
			delete(s.refresh, k)
			s.used[k] = true
		}
	}
	for k, g := range s.access {
		if g.user == user {
			delete(s.access, k)
		}
	}
}

// RefreshTokens returns the refresh tokens the server accepts now.
func (s *Server) RefreshTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var l []string
	for k := range s.refresh {
		l = append(l, k)
	}
	return l
}

// Active reports whether the server accepts the access token now.
func (s *Server) Active(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.access[token]
	return ok && time.Now().Before(g.expiry)
}

// Counts returns the request counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Issued returns every token the server has issued (access and refresh,
// current and past), for tests that look for leaks.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func random(prefix string) string {
	var b [24]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, code, desc string) {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) clientOK(r *http.Request) bool {
	id := r.PostForm.Get("client_id")
	if u, _, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(u)
	}
	return id == ClientID
}

func (s *Server) handleDevice(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if !s.clientOK(r) {
		oauthError(w, "invalid_client", "unknown client")
		return
	}
	s.mu.Lock()
	code := random("dc-")
	var b [4]byte
	rand.Read(b[:])
	userCode := fmt.Sprintf("%04X-%04X", uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3]))
	d := &device{userCode: userCode, expiry: time.Now().Add(s.deviceTTL), scope: r.PostForm.Get("scope")}
	s.devices[code] = d
	resp := map[string]any{
		"device_code": code, "user_code": userCode,
		"verification_uri": s.VerificationURL(), "verification_uri_complete": s.VerificationURL() + "?code=" + userCode,
		"expires_in": int(s.deviceTTL.Seconds()), "interval": s.interval,
	}
	s.mu.Unlock()
	select {
	case s.pending <- userCode:
	default:
	}
	writeJSON(w, http.StatusOK, resp)
}

// issueLocked makes a new access and refresh token for a grant and
// returns the refresh token.
func (s *Server) issueLocked(w http.ResponseWriter, user, scope string, id int) string {
	if id == 0 {
		id = len(s.used) + len(s.refresh) + 1
	}
	if scope == "" {
		scope = Scope
	}
	at, rt := random("at-"), random("rt-")
	s.issued = append(s.issued, at, rt)
	exp := time.Now().Add(s.accessTTL)
	s.access[at] = &grantToken{user: user, expiry: exp, scope: scope, id: id}
	s.refresh[rt] = &grantToken{user: user, scope: scope, id: id}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": at, "token_type": "Bearer", "refresh_token": rt,
		"expires_in": int(s.accessTTL.Round(time.Second).Seconds()), "scope": scope,
	})
	return rt
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if !s.clientOK(r) {
		oauthError(w, "invalid_client", "unknown client")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") == "refresh_token" {
		s.mu.Lock()
		hook := s.onRefresh
		s.mu.Unlock()
		if hook != nil {
			hook()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := s.devices[f.Get("device_code")]
		s.counts.DevicePolls++
		switch {
		case !ok:
			oauthError(w, "invalid_grant", "unknown device code")
		case time.Now().After(d.expiry):
			delete(s.devices, f.Get("device_code"))
			oauthError(w, "expired_token", "the device code expired")
		case s.slowDown > 0:
			s.slowDown--
			s.counts.SlowDowns++
			oauthError(w, "slow_down", "polling too fast")
		case d.denied:
			delete(s.devices, f.Get("device_code"))
			oauthError(w, "access_denied", "the user refused")
		case d.user == "":
			oauthError(w, "authorization_pending", "waiting for the user")
		default:
			delete(s.devices, f.Get("device_code"))
			s.issueLocked(w, d.user, d.scope, 0)
		}
	case "authorization_code":
		c, ok := s.codes[f.Get("code")]
		switch {
		case !ok || c.used:
			oauthError(w, "invalid_grant", "unknown or used code")
		case f.Get("redirect_uri") != c.redirect:
			oauthError(w, "invalid_grant", "redirect_uri mismatch")
		case f.Get("code_verifier") == "" || s256(f.Get("code_verifier")) != c.challenge:
			oauthError(w, "invalid_grant", "PKCE verification failed")
		default:
			c.used = true
			s.issueLocked(w, c.user, c.scope, 0)
		}
	case "refresh_token":
		rt := f.Get("refresh_token")
		g, ok := s.refresh[rt]
		if next, unused := s.refresh[s.successor[rt]]; !ok && s.grace && unused {
			// The client lost the answer: the successor was never used.
			delete(s.refresh, s.successor[rt])
			s.used[s.successor[rt]] = true
			s.counts.Refreshes++
			s.counts.GraceRefreshes++
			s.successor[rt] = s.issueLocked(w, next.user, next.scope, next.id)
			return
		}
		if !ok {
			s.counts.RefusedRefreshes++
			desc := "unknown refresh token"
			if s.used[rt] {
				desc = "refresh token already used or revoked"
			}
			oauthError(w, "invalid_grant", desc)
			return
		}
		s.counts.Refreshes++
		delete(s.refresh, rt)
		s.used[rt] = true
		s.successor[rt] = s.issueLocked(w, g.user, g.scope, g.id)
	default:
		oauthError(w, "unsupported_grant_type", "unsupported grant type")
	}
}

func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// handleAuthorize approves at once (the test plays a user who says yes)
// and redirects to the client with a code.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if err != nil || ru.Scheme != "http" || (ru.Hostname() != "127.0.0.1" && ru.Hostname() != "[::1]" && ru.Hostname() != "::1") {
		http.Error(w, "redirect_uri must be a loopback http URL", http.StatusBadRequest)
		return
	}
	back := ru.Query()
	back.Set("state", q.Get("state"))
	switch {
	case q.Get("client_id") != ClientID:
		back.Set("error", "unauthorized_client")
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE with S256 is required")
	default:
		code := random("code-")
		s.mu.Lock()
		s.codes[code] = &authCode{user: s.User, challenge: q.Get("code_challenge"), redirect: redirect, scope: q.Get("scope")}
		s.mu.Unlock()
		back.Set("code", code)
	}
	ru.RawQuery = back.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	tok := r.PostForm.Get("token")
	if tok == "" {
		// introspection_mode = auth sends it as a bearer token.
		tok, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Introspections++
	g, ok := s.access[tok]
	if !ok || time.Now().After(g.expiry) {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	s.counts.ActiveIntrospections++
	writeJSON(w, http.StatusOK, map[string]any{
		"active": true, "username": g.user, "email": g.user, "scope": g.scope,
		"client_id": ClientID, "token_type": "Bearer", "exp": g.expiry.Unix(),
	})
}

// SetRefreshHook makes the token endpoint call f when a refresh request
// arrives, before it rotates the tokens and answers (nil removes it). A
// test that kills its client in f makes the client lose the answer to a
// refresh the server carried out.
func (s *Server) SetRefreshHook(f func()) {
	s.mu.Lock()
	s.onRefresh = f
	s.mu.Unlock()
}

// Expire makes the access token expire now (a client that still thinks it
// valid then sees its login refused).
func (s *Server) Expire(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.access[token]; ok {
		g.expiry = time.Now().Add(-time.Second)
	}
}
