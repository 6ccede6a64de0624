package luaimaplib_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib"
)

// TestBinding runs testdata/binding_test.lua against the in-process
// server: the Lua API's corners that the conformance pairs do not reach.
func TestBinding(t *testing.T) {
	srv := memservertest.Start(t, memserver.Options{})
	for i := 1; i <= 3; i++ {
		raw := fmt.Sprintf("From: a@example.org\r\nSubject: test %d\r\n\r\nbody %d\r\n", i, i)
		if _, err := srv.Append(memservertest.User, "INBOX", []byte(raw), nil, time.Date(2024, 1, i, 10, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	big := strings.Repeat("0123456789abcdef", 8192) // 128 KiB: handed over without a copy
	if _, err := srv.Append(memservertest.User, "Big", []byte("Subject: big\r\n\r\n"+big), nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	h, p, _ := net.SplitHostPort(srv.Addr())
	luatest.Run(t, filepath.Join("testdata", "binding_test.lua"), func(L *lua.LState) {
		host.Set(L, &host.Host{Context: context.Background(), Stdout: io.Discard, Perms: host.Permissions{}})
		stdlib.Preload(L)
		L.SetGlobal("HOST", lua.LString(h))
		L.SetGlobal("PORT", lua.LString(p))
		L.SetGlobal("USER", lua.LString(memservertest.User))
		L.SetGlobal("PASSWORD", lua.LString(memservertest.Password))
		L.SetGlobal("BIG", lua.LString(big))
	})
}

// TestStreamNeedsRunPermission: IMAP4_stream runs a program, which a run
// may only do with the run permission.
func TestStreamNeedsRunPermission(t *testing.T) {
	res, err := engine.New().RunString(context.Background(), "stream.lua", `require("imaplib").IMAP4_stream("true")`)
	if err == nil {
		t.Fatalf("IMAP4_stream ran without the run permission: %+v", res)
	}
	if !strings.Contains(err.Error(), "--allow-run") || !strings.Contains(err.Error(), "IMAP4_stream") {
		t.Errorf("error %q does not name IMAP4_stream and --allow-run", err)
	}
}

// fakeServer is a minimal IMAP server that records the lines it gets. It
// answers CAPABILITY, LOGIN, NOOP and LOGOUT; IDLE it accepts and never
// ends unless DONE comes.
type fakeServer struct {
	ln    net.Listener
	mu    sync.Mutex
	lines []string
	done  chan struct{}
	idle  chan struct{} // closed when IDLE arrives
}

func startFake(t *testing.T) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{ln: ln, done: make(chan struct{}), idle: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		defer close(f.done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		f.serve(c)
	}()
	return f
}

func (f *fakeServer) serve(c net.Conn) {
	r := bufio.NewReader(c)
	fmt.Fprintf(c, "* OK fake ready\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f.mu.Lock()
		f.lines = append(f.lines, line)
		f.mu.Unlock()
		tag, cmd, _ := strings.Cut(line, " ")
		cmd, _, _ = strings.Cut(cmd, " ")
		switch strings.ToUpper(cmd) {
		case "CAPABILITY":
			fmt.Fprintf(c, "* CAPABILITY IMAP4rev1 IDLE\r\n%s OK done\r\n", tag)
		case "LOGIN", "NOOP":
			fmt.Fprintf(c, "%s OK done\r\n", tag)
		case "IDLE":
			fmt.Fprintf(c, "+ idling\r\n")
			select {
			case <-f.idle:
			default:
				close(f.idle)
			}
			done, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f.mu.Lock()
			f.lines = append(f.lines, strings.TrimRight(done, "\r\n"))
			f.mu.Unlock()
			fmt.Fprintf(c, "%s OK idle done\r\n", tag)
		case "LOGOUT":
			fmt.Fprintf(c, "* BYE bye\r\n%s OK done\r\n", tag)
			return
		default:
			fmt.Fprintf(c, "%s BAD unknown\r\n", tag)
		}
	}
}

// commands returns the command names received, without tags.
func (f *fakeServer) commands() []string {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, l := range f.lines {
		if _, cmd, ok := strings.Cut(l, " "); ok {
			out = append(out, strings.Fields(cmd)[0])
		} else {
			out = append(out, l)
		}
	}
	return out
}

func runFake(t *testing.T, ctx context.Context, f *fakeServer, src string) error {
	t.Helper()
	_, port, _ := net.SplitHostPort(f.ln.Addr().String())
	_, err := engine.New().RunString(ctx, "fake.lua", `local imaplib = require("imaplib")
local M = imaplib.IMAP4("127.0.0.1", tonumber((...)))
`+src, port)
	return err
}

// A connection the script leaves open is logged out when the run ends,
// and an IDLE left open gets its DONE first.
func TestRunEndLogsOut(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
		fails     bool
	}{
		{"forgotten", `M:login("u", "p")`, "CAPABILITY LOGIN LOGOUT", false},
		{"failed", `M:login("u", "p") error("script failure")`, "CAPABILITY LOGIN LOGOUT", true},
		{"idle left open", `M:login("u", "p") local idler = M:idle()`, "CAPABILITY LOGIN IDLE DONE LOGOUT", false},
		{"idle loop fails", `M:login("u", "p") M:idle(30, function(idler) error("in the loop") end)`, "CAPABILITY LOGIN IDLE DONE LOGOUT", true},
		{"next command ends idle", `M:login("u", "p") local idler = M:idle() M:noop() M:logout()`, "CAPABILITY LOGIN IDLE DONE NOOP LOGOUT", false},
		{"with", `imaplib.with(M, function(M) M:login("u", "p") end)`, "CAPABILITY LOGIN LOGOUT", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t)
			err := runFake(t, context.Background(), f, tt.src)
			if (err != nil) != tt.fails {
				t.Fatalf("run error %v, want failure %v", err, tt.fails)
			}
			if got := strings.Join(f.commands(), " "); got != tt.want {
				t.Errorf("server got %q, want %q", got, tt.want)
			}
		})
	}
}

// A cancelled run stops a script blocked in IDLE, and the connection is
// closed.
func TestCancelStopsIdle(t *testing.T) {
	f := startFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- runFake(t, ctx, f, `M:login("u", "p") for typ, data in M:idle():iter() do end`)
	}()
	select {
	case <-f.idle:
	case err := <-errc:
		t.Fatalf("run ended before IDLE: %v", err)
	}
	cancel()
	err := <-errc
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("run error %v, want a cancellation", err)
	}
	<-f.done // the connection was closed
}

// An uncaught imaplib error reads as Python's traceback line would.
func TestUncaughtErrorMessage(t *testing.T) {
	f := startFake(t)
	err := runFake(t, context.Background(), f, `M:login("u", "p") M:fetch("1", "(FLAGS)")`)
	want := "imaplib.IMAP4.error: command FETCH illegal in state AUTH, only allowed in states SELECTED"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}
