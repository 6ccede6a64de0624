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
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/mail"
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
	tests := []struct {
		src, want string
		classed   bool // raised as a mail.Error value, not a Lua argument error
	}{
		{`require("oauth2").token("nobody")`, "mailscript auth login nobody", true},
		{`require("oauth2").token("../x")`, "cannot name a sign-in", true},
		{`require("oauth2").token()`, "string expected", false},
	}
	for _, tc := range tests {
		msg, classed := raised(t, L, tc.src)
		if !strings.Contains(msg, tc.want) || classed != tc.classed {
			t.Errorf("%s: raised %q (mail.Error: %v), want %q (mail.Error: %v)", tc.src, msg, classed, tc.want, tc.classed)
		}
	}
	if msg, classed := raised(t, state(t, ""), `require("oauth2").token("w")`); !strings.Contains(msg, "no state folder") || !classed {
		t.Errorf("without a state folder: %q (mail.Error: %v)", msg, classed)
	}
}

// raised runs src in a pcall and returns tostring of what it raised and
// whether that is a mail.Error value, as a script would test it.
func raised(t *testing.T, L *lua.LState, src string) (string, bool) {
	t.Helper()
	if err := L.DoString(`ok, e = pcall(function() ` + src + ` end)`); err != nil {
		t.Fatal(err)
	}
	if lua.LVAsBool(L.GetGlobal("ok")) {
		t.Fatalf("%s: no error", src)
	}
	e := L.GetGlobal("e")
	return L.ToStringMeta(e).String(), luabind.IsError(L, e, mail.ClassError)
}
