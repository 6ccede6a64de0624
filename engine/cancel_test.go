package engine_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	lua "github.com/yuin/gopher-lua"
)

// silentServer accepts connections and never answers. Each accepted
// connection is sent on the returned channel.
func silentServer(t *testing.T) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

// netModule is a tiny Lua module like the imaplib binding will be: dial
// opens a connection tracked by the run's host; read blocks on it.
func netModule(L *lua.LState) int {
	mod := L.NewTable()
	L.SetField(mod, "dial", L.NewFunction(func(L *lua.LState) int {
		conn, err := net.Dial("tcp", L.CheckString(1))
		if err != nil {
			L.RaiseError("dial: %v", err)
		}
		release := host.Get(L).Track(conn)
		ud := L.NewUserData()
		ud.Value = conn
		L.SetField(mod, "_release", L.NewFunction(func(L *lua.LState) int { release(); return 0 }))
		L.Push(ud)
		return 1
	}))
	L.SetField(mod, "read", L.NewFunction(func(L *lua.LState) int {
		conn := L.CheckUserData(1).Value.(net.Conn)
		buf := make([]byte, 1)
		if _, err := conn.Read(buf); err != nil {
			L.RaiseError("read: %v", err)
		}
		L.Push(lua.LString(buf))
		return 1
	}))
	L.Push(mod)
	return 1
}

// waitClosed fails the test unless the server side of c sees the client
// close the connection.
func waitClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a safety net, not a measurement
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("server read: %v, want EOF (the run should have closed the connection)", err)
	}
}

func TestTimeoutClosesBlockedConnection(t *testing.T) {
	addr, accepted := silentServer(t)
	e := engine.New(engine.WithModule("net", netModule), engine.WithTimeout(100*time.Millisecond))
	res, err := e.RunString(context.Background(), "hang.lua", `
local net = require("net")
local c = net.dial("`+addr+`")
net.read(c)
print("unreachable")`)
	var se *engine.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want *ScriptError", err, err)
	}
	if !errors.Is(err, engine.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not a timeout", err)
	}
	if !strings.Contains(se.Message, "run timed out after 100ms") || se.Line != 4 {
		t.Errorf("error %q at line %d", se.Message, se.Line)
	}
	if res.Duration <= 0 {
		t.Errorf("duration %v", res.Duration)
	}
	waitClosed(t, <-accepted)
}

func TestCancelClosesBlockedConnection(t *testing.T) {
	addr, accepted := silentServer(t)
	e := engine.New(engine.WithModule("net", netModule))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.RunString(ctx, "hang.lua", `local net = require("net") net.read(net.dial("`+addr+`"))`)
		done <- err
	}()
	server := <-accepted // the script is now reading
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run cancelled") {
		t.Errorf("error %v, want a cancellation", err)
	}
	waitClosed(t, server)
}

func TestScriptErrorAndEndCloseConnections(t *testing.T) {
	addr, accepted := silentServer(t)
	e := engine.New(engine.WithModule("net", netModule))
	for _, src := range []string{
		`local net = require("net") local c = net.dial("` + addr + `") error("after dialing")`,
		`local net = require("net") local c = net.dial("` + addr + `")`, // forgot to close
	} {
		e.RunString(context.Background(), "leak.lua", src)
		waitClosed(t, <-accepted)
	}
}

func TestLoopStopsOnTimeout(t *testing.T) {
	e := engine.New(engine.WithTimeout(50 * time.Millisecond))
	_, err := e.RunString(context.Background(), "loop.lua", `
while true do
  pcall(function() end) -- a pcall cannot swallow the timeout
end`)
	if !errors.Is(err, engine.ErrTimeout) {
		t.Fatalf("error %v, want a timeout", err)
	}
}

func TestUninterruptibleRunIsAbandoned(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	e := engine.New(
		engine.WithTimeout(20*time.Millisecond),
		engine.WithGrace(20*time.Millisecond),
		engine.WithModule("stuck", func(L *lua.LState) int {
			L.Push(L.NewFunction(func(L *lua.LState) int { <-block; return 0 }))
			return 1
		}),
	)
	_, err := e.RunString(context.Background(), "stuck.lua", `require("stuck")()`)
	if !errors.Is(err, engine.ErrTimeout) || !strings.Contains(err.Error(), "abandoned") {
		t.Fatalf("error %v, want an abandoned timeout", err)
	}
}
