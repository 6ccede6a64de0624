package imapfilter

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/term"
)

// sleep(seconds): waits, or until the run ends (SIGTERM, Ctrl-C, timeout).
func (c *core) sleep(L *lua.LState) int {
	c.flushAllOrFail(L)
	c.sleepFor(L, time.Duration(float64(L.CheckNumber(1))*float64(time.Second)))
	L.Push(lua.LNumber(0))
	return 1
}

func (c *core) sleepFor(L *lua.LState, d time.Duration) {
	ctx := c.h.Context
	if ctx == nil {
		ctx = context.Background()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		L.RaiseError("sleep interrupted: %v", ctx.Err())
	}
}

// getpass(prompt) -> password read from the terminal without echo.
func (c *core) getpass(L *lua.LState) int {
	prompt := L.OptString(1, "Enter password: ")
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		L.RaiseError("get_pass: no terminal to read the password from (%v); give the password in the config or with os.getenv", err)
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	p, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		// Not a terminal that can hide input: read a plain line.
		line, rerr := bufio.NewReader(tty).ReadString('\n')
		if rerr != nil && line == "" {
			L.RaiseError("get_pass: %v", err)
		}
		p = []byte(strings.TrimRight(line, "\r\n"))
	}
	L.Push(lua.LString(p))
	return 1
}

// command makes the shell command of pipe_to/pipe_from, once the run
// permission is granted (--allow-run).
func (c *core) command(L *lua.LState, fn, cmdline string) *exec.Cmd {
	if err := c.h.CheckRun(fmt.Sprintf("running %q", cmdline)); err != nil {
		L.RaiseError("%s: %v", fn, err)
	}
	ctx := c.h.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", cmdline)
	cmd.Stderr = os.Stderr
	return cmd
}

func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// pipe_to(command, data) -> exit status
func (c *core) pipeTo(L *lua.LState) int {
	cmdline, data := L.CheckString(1), L.CheckString(2)
	cmd := c.command(L, "pipe_to", cmdline)
	c.flushAllOrFail(L)
	cmd.Stdin = strings.NewReader(data)
	out := c.h.Stdout
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout = out
	L.Push(lua.LNumber(exitStatus(cmd.Run())))
	return 1
}

// pipe_from(command) -> exit status, output
func (c *core) pipeFrom(L *lua.LState) int {
	cmd := c.command(L, "pipe_from", L.CheckString(1))
	c.flushAllOrFail(L)
	var buf bytes.Buffer
	cmd.Stdout = &buf
	L.Push(lua.LNumber(exitStatus(cmd.Run())))
	L.Push(lua.LString(buf.String()))
	return 2
}

// daemon(interval) logs that the config becomes a rule run on a schedule.
func (c *core) daemon(L *lua.LState) int {
	c.logger().Info("imapfilter: become_daemon: running on a schedule until stopped", "every", time.Duration(float64(L.CheckNumber(1))*float64(time.Second)))
	return 0
}

// pcallBody is the function a protected call runs in its coroutine: it
// calls f and returns how many values f returned, then the values in a
// table (nils included). An error that names its position as this
// function's (error('x', 2) in f, or error called by it) is one Lua gives
// no position, as pcall is a C function there: pcallWhere is taken off.
const (
	pcallBody  = `local function pack(...) return select('#', ...), { ... } end return function(f, ...) return pack(f(...)) end`
	pcallChunk = "imapfilter/pcall"
	pcallWhere = pcallChunk + ":1: "
)

// pcall(f, ...) -> true, results... | false, error
//
// Lua's pcall, with f run in a coroutine of its own. gopher-lua's pcall
// closes every open upvalue when the call fails, those of the frames
// below it too (yuin/gopher-lua#448): after a caught error, a function
// that counts its calls in a local of the config (as configs do around
// recover) counts in a copy the config no longer sees. An error in a
// coroutine closes the coroutine's upvalues only.
func (c *core) pcall(L *lua.LState) int {
	L.CheckFunction(1)
	if c.pcallBody == nil {
		chunk, err := L.Load(strings.NewReader(pcallBody), pcallChunk)
		if err != nil {
			L.RaiseError("%v", err)
		}
		L.Push(chunk)
		L.Call(0, 1)
		c.pcallBody = L.CheckFunction(-1)
		L.Pop(1)
	}
	args := make([]lua.LValue, 0, L.GetTop())
	for i := 1; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	co, cancel := L.NewThread()
	if cancel != nil {
		defer cancel()
	}
	switch st, err, values := L.Resume(co, c.pcallBody, args...); st {
	case lua.ResumeError:
		L.Push(lua.LFalse)
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			if msg, ok := ae.Object.(lua.LString); ok {
				L.Push(lua.LString(strings.TrimPrefix(string(msg), pcallWhere)))
			} else {
				L.Push(ae.Object)
			}
		} else {
			L.Push(lua.LString(err.Error()))
		}
		return 2
	case lua.ResumeYield:
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to yield across pcall"))
		return 2
	default:
		n := int(lua.LVAsNumber(values[0]))
		t, _ := values[1].(*lua.LTable)
		L.Push(lua.LTrue)
		for i := 1; i <= n; i++ {
			L.Push(t.RawGetInt(i))
		}
		return n + 1
	}
}
