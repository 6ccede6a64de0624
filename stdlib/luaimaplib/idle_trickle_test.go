package luaimaplib_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
)

// trickleServer answers IDLE with a continuation request and the first
// part of an EXISTS response, and sends the rest only after DONE: a
// response that starts within the idler's duration and ends after it.
func trickleServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			tag, cmd, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch {
			case cmd == "IDLE":
				io.WriteString(c, "+ idling\r\n* 7 EXI")
				if _, err := br.ReadString('\n'); err != nil { // DONE
					return
				}
				io.WriteString(c, "STS\r\n"+tag+" OK idle done\r\n")
			case cmd == "LOGOUT":
				io.WriteString(c, "* BYE bye\r\n"+tag+" OK done\r\n")
				return
			default:
				io.WriteString(c, tag+" OK done\r\n")
			}
		}
	}()
	return ln.Addr().String()
}

// M:idle(0.5) stops at its duration although a response has started to
// arrive; the response is read when the IDLE ends and is then available
// through M:response().
func TestIdleDurationWithTricklingServer(t *testing.T) {
	addr := trickleServer(t)
	h, p, _ := net.SplitHostPort(addr)
	script := `
local imaplib = require("imaplib")
local M = imaplib.IMAP4("` + h + `", ` + p + `, 10)
M:login("u", "p")
local n = 0
for typ, data in M:idle(0.5):iter() do n = n + 1 end
print("during idle", n, M.state)
local typ, data = M:response("EXISTS")
print(typ, data[1])
M:logout()
`
	start := time.Now()
	res, err := engine.New(engine.WithCapture(), engine.WithPermissions(host.All())).RunString(context.Background(), "trickle.lua", script)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if want := "during idle\t0\tAUTH\nEXISTS\t7\n"; string(res.Output) != want {
		t.Errorf("output %q, want %q", res.Output, want)
	}
	if elapsed > 2*time.Second {
		t.Errorf("the run took %v: the idler waited for the trickling response", elapsed)
	}
}

// A read timeout raises TimeoutError, an OSError, as Python's socket
// does; the connection is then closed, and the next command is an abort
// ("connection closed after: ...").
func TestReadTimeoutThenAbort(t *testing.T) {
	addr := trickleServer(t)
	h, p, _ := net.SplitHostPort(addr)
	script := `
local imaplib = require("imaplib")
local M = imaplib.IMAP4("` + h + `", ` + p + `, 0.3)
M:login("u", "p")
local ok, e = pcall(M.readline, M)
print(imaplib.TimeoutError:is(e), imaplib.OSError:is(e), M.abort:is(e), e.message)
ok, e = pcall(M.noop, M)
print(M.abort:is(e), imaplib.OSError:is(e), e.message)
`
	res, err := engine.New(engine.WithCapture(), engine.WithPermissions(host.All())).RunString(context.Background(), "timeout.lua", script)
	if err != nil {
		t.Fatal(err)
	}
	want := "true\ttrue\tfalse\ttimed out\ntrue\tfalse\tconnection closed after: socket error: timed out\n"
	if string(res.Output) != want {
		t.Errorf("output %q, want %q", res.Output, want)
	}
}
