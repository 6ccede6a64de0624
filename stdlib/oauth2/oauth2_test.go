package oauth2_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	xo "github.com/mailscript/mailscript/oauth2"
	"github.com/mailscript/mailscript/stdlib/oauth2"
)

func state(t *testing.T, stateDir string) *lua.LState {
	L := lua.NewState()
	t.Cleanup(L.Close)
	host.Set(L, &host.Host{Context: context.Background(), StateDir: stateDir, Env: func(string) (string, bool) { return "", false }})
	L.PreloadModule(oauth2.Name, oauth2.Loader)
	return L
}

func TestToken(t *testing.T) {
	srv := authserver.Start(t)
	dir := t.TempDir()
	l := &xo.Login{Name: "w", ClientID: authserver.ClientID, Client: srv.Client(),
		Provider: xo.Generic(srv.AuthURL(), srv.TokenURL(), srv.DeviceURL())}
	rec, err := xo.DeviceLogin(context.Background(), l, func(xo.DevicePrompt) { srv.Approve(<-srv.Pending(), "") })
	if err != nil {
		t.Fatal(err)
	}
	if err := xo.NewStore(filepath.Join(dir, "oauth2"), "").Save(rec); err != nil {
		t.Fatal(err)
	}
	L := state(t, dir)
	if err := L.DoString(`tok = require("oauth2").token("w")`); err != nil {
		t.Fatal(err)
	}
	if got := L.GetGlobal("tok").String(); got != rec.Secrets.AccessToken {
		t.Error("oauth2.token did not return the stored access token")
	}
	tests := []struct{ src, want string }{
		{`require("oauth2").token("nobody")`, "mailscript auth login nobody"},
		{`require("oauth2").token("../x")`, "cannot name a sign-in"},
		{`require("oauth2").token()`, "string expected"},
	}
	for _, tc := range tests {
		if err := L.DoString(tc.src); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.src, err, tc.want)
		}
	}
	if err := state(t, "").DoString(`require("oauth2").token("w")`); err == nil || !strings.Contains(err.Error(), "no state folder") {
		t.Errorf("without a state folder: %v", err)
	}
}
