package smtplib_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/luatest"
	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/stdlib"
	"github.com/mailscript/mailscript/stdlib/host"
)

func startServer(t *testing.T) *smtpmem.Server {
	t.Helper()
	srv, err := smtpmem.Start(smtpmem.Options{
		Users: map[string]string{"alice": "secret"},
		RefuseRcpt: func(addr string) *smtpmem.Refusal {
			if strings.HasPrefix(addr, "nobody") {
				return &smtpmem.Refusal{Code: 550, Enhanced: "5.1.1", Text: "no such user"}
			}
			return nil
		},
		RefuseData: func(m smtpmem.Message, _ string) *smtpmem.Refusal {
			if bytes.Contains(m.Data, []byte("VIRUS")) {
				return &smtpmem.Refusal{Code: 554, Enhanced: "5.7.1", Text: "infected"}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestBinding runs testdata/binding_test.lua against the in-process
// server.
func TestBinding(t *testing.T) {
	srv := startServer(t)
	luatest.Run(t, filepath.Join("testdata", "binding_test.lua"), func(L *lua.LState) {
		host.Set(L, &host.Host{Context: context.Background(), Stdout: io.Discard})
		stdlib.Preload(L)
		L.SetGlobal("HOST", lua.LString(srv.Host))
		L.SetGlobal("PORT", lua.LString(strconv.Itoa(srv.Port)))
		L.SetGlobal("USER", lua.LString("alice"))
		L.SetGlobal("PASSWORD", lua.LString("secret"))
	})
	// Bcc was not sent; the other messages were.
	for _, m := range srv.Messages() {
		if bytes.Contains(m.Data, []byte("Bcc:")) {
			t.Errorf("a Bcc field reached the server:\n%s", m.Data)
		}
	}
}

// TestRunEndSendsQuit: a script that leaves its connection open gets QUIT
// sent when the run ends, and the server sees the session end.
func TestRunEndSendsQuit(t *testing.T) {
	srv := startServer(t)
	script := `local s = require("smtplib").SMTP("` + srv.Host + `", ` + strconv.Itoa(srv.Port) + `)
s:login("alice", "secret")
s:sendmail("a@example.org", {"b@example.org"}, "x\r\n")`
	if _, err := engine.New().RunString(context.Background(), "left-open.lua", script); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("server has %d messages", n)
	}
	// A second run sees a server that still works: the first session was
	// ended cleanly, not left hanging.
	if _, err := engine.New().RunString(context.Background(), "again.lua", script); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 2 || srv.Sessions() != 2 {
		t.Fatalf("messages %d, sessions %d", n, srv.Sessions())
	}
}

// TestDryRunSendsNothing: in a dry run, sendmail and send_message log what
// they would send and send nothing.
func TestDryRunSendsNothing(t *testing.T) {
	srv := startServer(t)
	var logs bytes.Buffer
	en := engine.New(engine.WithDryRun(true), engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	script := `local s = require("smtplib").SMTP("` + srv.Host + `", ` + strconv.Itoa(srv.Port) + `)
s:login("alice", "secret")
local r = s:sendmail("a@example.org", {"b@example.org"}, "x\r\n")
assert(next(r) == nil)
s:send_message("From: a@example.org\r\nTo: c@example.org\r\n\r\nhi\r\n")
s:quit()`
	if _, err := en.RunString(context.Background(), "dry.lua", script); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("a dry run sent %d messages", n)
	}
	if got := logs.String(); strings.Count(got, "smtplib: dry run, nothing sent") != 2 || !strings.Contains(got, "c@example.org") {
		t.Errorf("dry-run log:\n%s", got)
	}
}
