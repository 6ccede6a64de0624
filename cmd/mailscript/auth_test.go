package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/oauth2"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// authLogin runs "mailscript auth login" with the device flow against srv
// and plays the user who approves the code the command printed.
func authLogin(t *testing.T, srv *authserver.Server, stateDir, name string, extra ...string) string {
	t.Helper()
	var out, errb syncBuffer
	done := make(chan error, 1)
	args := append([]string{"--state-dir", stateDir, "auth", "login", name}, extra...)
	if len(extra) == 0 {
		args = append(args, "--provider", "generic", "--client-id", authserver.ClientID,
			"--token-url", srv.TokenURL(), "--device-url", srv.DeviceURL(), "--scope", "imap smtp")
	}
	go func() { done <- run(context.Background(), args, &out, &errb) }()
	code := <-srv.Pending()
	if !srv.Approve(code, "") {
		t.Fatalf("no device request with the code %s", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("auth login: %v\n%s%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "enter the code "+code) || !strings.Contains(out.String(), srv.VerificationURL()) {
		t.Errorf("auth login did not show the URL and the code:\n%s", out.String())
	}
	return out.String() + errb.String()
}

func authRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

func TestAuthCommands(t *testing.T) {
	srv := authserver.Start(t)
	state := t.TempDir()
	var outputs []string
	outputs = append(outputs, authLogin(t, srv, state, "work"))
	store := oauth2.NewStore(filepath.Join(state, "oauth2"), "")
	rec, err := store.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if !srv.Active(rec.Secrets.AccessToken) {
		t.Fatal("stored access token is not active")
	}
	fi, _ := os.Stat(store.Path("work"))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}

	// Signing in again under the same name needs no flags: it is what the
	// error of a revoked grant tells the user to run.
	srv.Revoke(srv.User)
	outputs = append(outputs, authLogin(t, srv, state, "work", "--state-dir", state))
	rec2, err := store.Load("work")
	if err != nil || rec2.Secrets.RefreshToken == rec.Secrets.RefreshToken || rec2.TokenURL != srv.TokenURL() {
		t.Fatalf("second sign-in did not replace the tokens: %v", err)
	}

	out, err := authRun(t, "--state-dir", state, "auth", "list")
	if err != nil || !strings.Contains(out, "work") || !strings.Contains(out, "generic") {
		t.Errorf("auth list: %v\n%s", err, out)
	}
	outputs = append(outputs, out)
	out, err = authRun(t, "--state-dir", state, "auth", "show", "work")
	for _, want := range []string{"provider:", "generic", "access token expires:", "refresh token last used:", "scopes:", "imap smtp"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("auth show lacks %q: %v\n%s", want, err, out)
		}
	}
	outputs = append(outputs, out)
	for _, tok := range srv.Issued() {
		for _, o := range outputs {
			if strings.Contains(o, tok) {
				t.Errorf("a token appears in the output of auth:\n%s", o)
			}
		}
	}
	out, err = authRun(t, "--state-dir", state, "auth", "logout", "work")
	if err != nil {
		t.Fatalf("logout: %v %s", err, out)
	}
	if _, err := os.Stat(store.Path("work")); !os.IsNotExist(err) {
		t.Error("logout left the file")
	}
	if out, err := authRun(t, "--state-dir", state, "auth", "show", "work"); err == nil {
		t.Errorf("show after logout: %s", out)
	}
}

func TestAuthBrowser(t *testing.T) {
	srv := authserver.Start(t)
	state := t.TempDir()
	old := openBrowser
	t.Cleanup(func() { openBrowser = old })
	openBrowser = func(u string) {
		go func() {
			if resp, err := http.Get(u); err == nil {
				resp.Body.Close()
			}
		}()
	}
	out, err := authRun(t, "--state-dir", state, "auth", "login", "web", "--browser", "--provider", "generic",
		"--client-id", authserver.ClientID, "--auth-url", srv.AuthURL(), "--token-url", srv.TokenURL())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "code_challenge_method=S256") || !strings.Contains(out, "Signed in") {
		t.Errorf("output:\n%s", out)
	}
	rec, err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("web")
	if err != nil || !srv.Active(rec.Secrets.AccessToken) {
		t.Fatalf("stored token: %v", err)
	}
}

func TestAuthUsage(t *testing.T) {
	state := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"auth"}, "needs a subcommand"},
		{[]string{"auth", "frob"}, "unknown auth subcommand"},
		{[]string{"auth", "show"}, "needs a NAME"},
		{[]string{"auth", "login", "../x", "--provider", "google"}, "cannot name a sign-in"},
		{[]string{"auth", "login", "x"}, "--provider is needed"},
		{[]string{"auth", "login", "x", "--provider", "yahoo"}, "unknown provider"},
		{[]string{"auth", "login", "x", "--provider", "microsoft"}, "--client-id is needed"},
		{[]string{"auth", "login", "x", "--provider", "google", "--tenant", "t"}, "tenant"},
		{[]string{"auth", "login", "x", "--provider", "generic", "--client-id", "c"}, "no token URL"},
	} {
		out, err := authRun(t, append([]string{"--state-dir", state}, tc.args...)...)
		if exitCode(err) != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, output %q; want usage error with %q", tc.args, exitCode(err), out, tc.want)
		}
	}
}

func TestAuthEncryptedStore(t *testing.T) {
	t.Setenv(oauth2.KeyEnv, "correct horse battery staple")
	srv := authserver.Start(t)
	state := t.TempDir()
	authLogin(t, srv, state, "enc")
	store := oauth2.NewStore(filepath.Join(state, "oauth2"), "correct horse battery staple")
	raw, err := os.ReadFile(store.Path("enc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range srv.Issued() {
		if strings.Contains(string(raw), tok) {
			t.Fatal("a token is in clear in the encrypted store")
		}
	}
	if _, err := store.Load("enc"); err != nil {
		t.Fatalf("the passphrase does not open the store: %v", err)
	}
	t.Setenv(oauth2.KeyEnv, "")
	out, err := authRun(t, "--state-dir", state, "auth", "show", "enc")
	if err != nil || !strings.Contains(out, "encrypted with "+oauth2.KeyEnv) {
		t.Errorf("auth show without the passphrase: %v\n%s", err, out)
	}
}

// TestTokenLeakFinds checks the leak check of the OAuth2 tests: it finds
// a token as it is and inside the base64 of XOAUTH2 and OAUTHBEARER
// initial responses, whatever the length of what comes before it.
func TestTokenLeakFinds(t *testing.T) {
	tok := "at-Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"
	for _, user := range []string{"a", "al", "ali", "alice"} {
		for name, resp := range map[string]string{
			"XOAUTH2":     "user=" + user + "\x01auth=Bearer " + tok + "\x01\x01",
			"OAUTHBEARER": "n,a=" + user + ",\x01host=127.0.0.1\x01port=587\x01auth=Bearer " + tok + "\x01\x01",
		} {
			out := "C: AUTHENTICATE " + name + " " + base64.StdEncoding.EncodeToString([]byte(resp))
			if _, ok := tokenLeak([]string{tok}, map[string]string{"trace": out}); !ok {
				t.Errorf("%s for %q: the token in base64 is not found", name, user)
			}
		}
	}
	if _, ok := tokenLeak([]string{tok}, map[string]string{"log": "token " + tok[:10] + "..."}); ok {
		t.Error("a harmless output is reported")
	}
	if what, ok := tokenLeak([]string{tok}, map[string]string{"log": "x", "status": "refresh " + tok}); !ok || what != "status" {
		t.Errorf("tokenLeak = %q, %v; want status", what, ok)
	}
}
