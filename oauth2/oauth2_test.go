package oauth2_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/oauth2"
)

func login(srv *authserver.Server, name string) *oauth2.Login {
	return &oauth2.Login{
		Name:     name,
		Provider: oauth2.Generic(srv.AuthURL(), srv.TokenURL(), srv.DeviceURL(), "imap", "smtp"),
		ClientID: authserver.ClientID,
		Client:   srv.Client(),
	}
}

// approve plays the user: it waits for the device request and approves it.
func approve(t *testing.T, srv *authserver.Server) func(oauth2.DevicePrompt) {
	return func(p oauth2.DevicePrompt) {
		if p.URL != srv.VerificationURL() || p.Code == "" {
			t.Errorf("prompt %+v", p)
		}
		code := <-srv.Pending()
		if code != p.Code {
			t.Errorf("prompted code %q, server has %q", p.Code, code)
		}
		srv.Approve(code, "")
	}
}

func deviceSignIn(t *testing.T, srv *authserver.Server, store *oauth2.Store, name string) *oauth2.Record {
	t.Helper()
	rec, err := oauth2.DeviceLogin(context.Background(), login(srv, name), approve(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestDeviceLogin(t *testing.T) {
	srv := authserver.Start(t)
	store := oauth2.NewStore(t.TempDir(), "")
	rec := deviceSignIn(t, srv, store, "work")
	if !srv.Active(rec.Secrets.AccessToken) {
		t.Fatal("the access token is not active at the server")
	}
	fi, err := os.Stat(store.Path("work"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store file mode %v, want 0600", fi.Mode().Perm())
	}
	back, err := store.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if back.Secrets != rec.Secrets || back.TokenURL != srv.TokenURL() || back.ClientID != authserver.ClientID {
		t.Errorf("loaded %+v, saved %+v", back, rec)
	}
}

func TestDeviceLoginErrors(t *testing.T) {
	tests := []struct {
		name   string
		opts   []authserver.Option
		answer func(srv *authserver.Server, code string)
		want   error
	}{
		{"denied", nil, func(srv *authserver.Server, code string) { srv.Deny(code) }, oauth2.ErrDenied},
		{"expired", []authserver.Option{authserver.DeviceTTL(1500 * time.Millisecond)}, func(*authserver.Server, string) {}, oauth2.ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := authserver.Start(t, tc.opts...)
			_, err := oauth2.DeviceLogin(context.Background(), login(srv, "x"), func(p oauth2.DevicePrompt) {
				tc.answer(srv, <-srv.Pending())
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDeviceLoginSlowDown(t *testing.T) {
	if testing.Short() {
		t.Skip("slow_down adds 5 s to the polling interval")
	}
	srv := authserver.Start(t)
	srv.SlowDown(1)
	store := oauth2.NewStore(t.TempDir(), "")
	deviceSignIn(t, srv, store, "slow")
	c := srv.Counts()
	if c.SlowDowns != 1 || c.DevicePolls != 2 {
		t.Errorf("counts %+v: want one slow_down, then one successful poll", c)
	}
}

// browser follows the authorization URL as a browser would (the server
// approves at once and redirects to the loopback listener).
//
// The sign-in may finish (and its listener close) before the browser has
// read the redirect's answer, so the browser's own error is only logged:
// the test checks what the sign-in returned. The test waits for the
// browser before it ends.
func browser(t *testing.T) func(string) {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return func(u string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(u)
			if err != nil {
				t.Logf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
	}
}

func TestBrowserLoginPKCE(t *testing.T) {
	srv := authserver.Start(t)
	var seen string
	rec, err := oauth2.BrowserLogin(context.Background(), login(srv, "web"), func(u string) {
		seen = u
		browser(t)(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seen, "code_challenge_method=S256") || !strings.Contains(seen, "redirect_uri=http%3A%2F%2F127.0.0.1%3A") {
		t.Errorf("authorization URL %s", seen)
	}
	if !srv.Active(rec.Secrets.AccessToken) {
		t.Fatal("the access token is not active")
	}
}

func TestRefreshRotation(t *testing.T) {
	srv := authserver.Start(t, authserver.AccessTTL(2*time.Second))
	store := oauth2.NewStore(t.TempDir(), "")
	rec := deviceSignIn(t, srv, store, "rot")
	now := time.Now()
	src := oauth2.NewSource(store, "rot")
	src.Client = srv.Client()
	src.Now = func() time.Time { return now }
	tok, err := src.Token(context.Background())
	if err != nil || tok != rec.Secrets.AccessToken {
		t.Fatalf("fresh token: %v (same: %v)", err, tok == rec.Secrets.AccessToken)
	}
	prevRT := rec.Secrets.RefreshToken
	for i := range 3 {
		now = now.Add(2 * time.Second) // past expiry on the client's clock
		tok2, err := src.Token(context.Background())
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if tok2 == tok || !srv.Active(tok2) {
			t.Fatalf("refresh %d: no new active token", i)
		}
		tok = tok2
		saved, err := store.Load("rot")
		if err != nil {
			t.Fatal(err)
		}
		live := srv.RefreshTokens()
		if len(live) != 1 || saved.Secrets.RefreshToken != live[0] || saved.Secrets.RefreshToken == prevRT {
			t.Fatalf("refresh %d: store does not hold the one refresh token the server accepts", i)
		}
		if saved.Secrets.AccessToken != tok2 || saved.RefreshUsed.IsZero() {
			t.Fatalf("refresh %d: store not updated", i)
		}
		prevRT = saved.Secrets.RefreshToken
	}
	if c := srv.Counts(); c.Refreshes != 3 || c.RefusedRefreshes != 0 {
		t.Errorf("counts %+v", c)
	}
}

func TestInvalidGrantAndNewSignIn(t *testing.T) {
	srv := authserver.Start(t, authserver.AccessTTL(time.Second))
	store := oauth2.NewStore(t.TempDir(), "")
	deviceSignIn(t, srv, store, "gone")
	src := oauth2.NewSource(store, "gone")
	src.Client = srv.Client()
	now := time.Now().Add(time.Hour)
	src.Now = func() time.Time { return now }
	srv.Revoke(srv.User)
	_, err := src.Token(context.Background())
	var se *oauth2.SignInError
	if !errors.As(err, &se) || !errors.Is(err, oauth2.ErrSignIn) {
		t.Fatalf("err = %v, want a SignInError", err)
	}
	if !strings.Contains(err.Error(), "mailscript auth login gone") {
		t.Errorf("error does not say what to run: %v", err)
	}
	refused := srv.Counts().RefusedRefreshes
	if _, err := src.Token(context.Background()); !errors.Is(err, oauth2.ErrSignIn) {
		t.Fatalf("second call: %v", err)
	}
	if srv.Counts().RefusedRefreshes != refused {
		t.Error("a dead source asked the provider again before a new sign-in")
	}
	if !src.Report() || src.Report() {
		t.Error("Report must say true exactly once per dead period")
	}
	if st := src.Status(); st.State != "sign-in needed" || st.Command != "mailscript auth login gone" {
		t.Errorf("status %+v", st)
	}
	// A new sign-in (as the CLI does) brings it back.
	done := make(chan error, 1)
	go func() { done <- src.WaitSignIn(context.Background(), 10*time.Millisecond) }()
	rec := deviceSignIn(t, srv, store, "gone")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	now = time.Now()
	tok, err := src.Token(context.Background())
	if err != nil || tok != rec.Secrets.AccessToken {
		t.Fatalf("after a new sign-in: %v", err)
	}
}

func TestRefreshAfterRefusedLogin(t *testing.T) {
	srv := authserver.Start(t)
	store := oauth2.NewStore(t.TempDir(), "")
	rec := deviceSignIn(t, srv, store, "r")
	src := oauth2.NewSource(store, "r")
	src.Client = srv.Client()
	tok, err := src.Refresh(context.Background(), rec.Secrets.AccessToken)
	if err != nil || tok == rec.Secrets.AccessToken {
		t.Fatalf("forced refresh: %v", err)
	}
	// A stale token from before does not refresh again.
	tok2, err := src.Refresh(context.Background(), rec.Secrets.AccessToken)
	if err != nil || tok2 != tok {
		t.Fatalf("second forced refresh with the old token: %v", err)
	}
	if c := srv.Counts(); c.Refreshes != 1 {
		t.Errorf("refreshes = %d, want 1", c.Refreshes)
	}
}

func TestEncryptedStore(t *testing.T) {
	srv := authserver.Start(t)
	dir := t.TempDir()
	store := oauth2.NewStore(dir, "correct horse")
	rec := deviceSignIn(t, srv, store, "enc")
	raw, err := os.ReadFile(store.Path("enc"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), rec.Secrets.AccessToken) || strings.Contains(string(raw), rec.Secrets.RefreshToken) {
		t.Fatal("a token is in clear in the encrypted store")
	}
	if back, err := oauth2.NewStore(dir, "correct horse").Load("enc"); err != nil || back.Secrets != rec.Secrets {
		t.Fatalf("reload with the passphrase: %v", err)
	}
	for _, pass := range []string{"", "wrong"} {
		_, err := oauth2.NewStore(dir, pass).Load("enc")
		if err == nil || !strings.Contains(err.Error(), oauth2.KeyEnv) {
			t.Errorf("passphrase %q: err = %v", pass, err)
		}
	}
	info, sealed, err := oauth2.NewStore(dir, "").LoadInfo("enc")
	if err != nil || !sealed || info.ClientID != authserver.ClientID {
		t.Errorf("LoadInfo without the passphrase: %v %v", sealed, err)
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"work", true}, {"me@gmail.com", true}, {"a_b-c.d+e", true},
		{"", false}, {".hidden", false}, {"a/b", false}, {"../x", false}, {"x.lock", false}, {"sp ace", false},
		{"9x", true}, {"-x", false}, {"é", false}, {"a\x00", false}, {"a\n", false},
		{strings.Repeat("a", 128), true}, {strings.Repeat("a", 129), false},
	} {
		if err := oauth2.CheckName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v", tc.name, err)
		}
	}
}

func TestStoreKeepsGooglePreset(t *testing.T) {
	store := oauth2.NewStore(t.TempDir(), "")
	rec := &oauth2.Record{Name: "g", Provider: oauth2.Google(), ClientID: "c", Secrets: oauth2.Secrets{RefreshToken: "r"}}
	if err := store.Save(rec); err != nil {
		t.Fatal(err)
	}
	back, err := store.Load("g")
	if err != nil {
		t.Fatal(err)
	}
	if !back.NoDeviceMail || back.AuthParams["access_type"] != "offline" || back.AuthURL != oauth2.Google().AuthURL {
		t.Errorf("a signed-in Google provider lost its preset: %+v", back.Provider)
	}
}
