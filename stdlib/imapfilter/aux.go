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

// daemon_failed(err) ends the run of a daemon whose pass failed with err
// with exit status 2: imapfilter's daemon ends with its error
// (ERROR_CONFIG). The error is logged, as a failed pass of a schedule is;
// os.exit is the one way a scheduled pass can end the run.
func (c *core) daemonFailed(L *lua.LState) int {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		// The run is ending already: os.exit, a signal.
		L.Error(L.Get(1), 0)
	}
	c.logger().Error("imapfilter: become_daemon: a pass failed; the run ends, as imapfilter's daemon does",
		"err", L.ToStringMeta(L.Get(1)).String())
	c.exit(L, 2, L.ToStringMeta(L.Get(1)).String())
	return 0
}

// exit ends the run with status, as imapfilter's fatal() does: through
// the script's os.exit, so that the host expunges what the config moved
// (imapfilter expunged it at once) and no recover() or pcall catches it.
// Without an os table, the error msg is raised instead.
func (c *core) exit(L *lua.LState, status int, msg string) {
	osTable, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		L.RaiseError("%s", msg)
	}
	L.Push(L.GetField(osTable, "exit"))
	L.Push(lua.LNumber(status))
	L.Call(1, 0)
}

// daemon(interval) logs that the config becomes a rule run on a schedule.
func (c *core) daemon(L *lua.LState) int {
	c.logger().Info("imapfilter: become_daemon: running on a schedule until stopped", "every", time.Duration(float64(L.CheckNumber(1))*float64(time.Second)))
	return 0
}
