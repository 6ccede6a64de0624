package authserver_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/authserver"
)

func post(t *testing.T, srv *authserver.Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, v
}

// codeFor runs /authorize with the challenge of verifier and returns the
// code of the redirect.
func codeFor(t *testing.T, srv *authserver.Server, verifier, redirect string) string {
	t.Helper()
	h := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {authserver.ClientID}, "response_type": {"code"}, "redirect_uri": {redirect},
		"state": {"st"}, "code_challenge_method": {"S256"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(h[:])}}
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(srv.AuthURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("state") != "st" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %q", resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func TestCodeFlowChecksPKCE(t *testing.T) {
	srv := authserver.Start(t)
	const redirect = "http://127.0.0.1:9/"
	tests := []struct {
		name, verifier string
		ok             bool
	}{
		{"right verifier", "the-verifier-0123456789-0123456789-0123456789", true},
		{"wrong verifier", "another-verifier-0123456789-0123456789-012345", false},
		{"no verifier", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := codeFor(t, srv, "the-verifier-0123456789-0123456789-0123456789", redirect)
			status, v := post(t, srv, "/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {authserver.ClientID},
				"code": {code}, "redirect_uri": {redirect}, "code_verifier": {tc.verifier}})
			if ok := status == 200 && v["access_token"] != nil; ok != tc.ok {
				t.Fatalf("status %d %v, want ok=%v", status, v, tc.ok)
			}
		})
	}
}

func TestRotationAndIntrospection(t *testing.T) {
	srv := authserver.Start(t)
	code := codeFor(t, srv, "v-0123456789-0123456789-0123456789-0123456789", "http://127.0.0.1:9/")
	_, tok := post(t, srv, "/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {authserver.ClientID},
		"code": {code}, "redirect_uri": {"http://127.0.0.1:9/"}, "code_verifier": {"v-0123456789-0123456789-0123456789-0123456789"}})
	rt1, at1 := tok["refresh_token"].(string), tok["access_token"].(string)
	refresh := func(rt string) (int, map[string]any) {
		return post(t, srv, "/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {authserver.ClientID}, "refresh_token": {rt}})
	}
	status, tok2 := refresh(rt1)
	if status != 200 || tok2["refresh_token"] == rt1 {
		t.Fatalf("refresh: %d %v", status, tok2)
	}
	if status, v := refresh(rt1); status != 400 || v["error"] != "invalid_grant" {
		t.Fatalf("the rotated refresh token was accepted again: %d %v", status, v)
	}
	_, in := post(t, srv, "/introspect", url.Values{"token": {tok2["access_token"].(string)}})
	if in["active"] != true || in["username"] != "alice" {
		t.Errorf("introspection of a live token: %v", in)
	}
	srv.Expire(at1)
	_, in = post(t, srv, "/introspect", url.Values{"token": {at1}})
	if in["active"] != false || len(in) != 1 {
		t.Errorf("introspection of an expired token: %v", in)
	}
	srv.Revoke("alice")
	if status, _ := refresh(tok2["refresh_token"].(string)); status != 400 {
		t.Error("a revoked grant refreshed")
	}
	if _, in := post(t, srv, "/introspect", url.Values{"token": {tok2["access_token"].(string)}}); in["active"] != false {
		t.Error("a revoked grant's access token is active")
	}
	for _, s := range srv.Issued() {
		if !strings.HasPrefix(s, "at-") && !strings.HasPrefix(s, "rt-") {
			t.Errorf("issued %q", s)
		}
	}
}
