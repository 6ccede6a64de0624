package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const backfillDemo = `
local mail = require("mail")
local n = mail.account():mailbox("INBOX"):backfill("p", {batch = 10}, function(set) end)
print(n)
`

// openPTY returns a new pseudo-terminal's controlling side and its
// terminal side, as a terminal emulator or tmux holds them.
func openPTY(t *testing.T) (ctl, term *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	ctl = os.NewFile(uintptr(fd), "/dev/ptmx")
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctl.Close(); term.Close() })
	return ctl, term
}

// TestProgressTerminal runs a backfill with stderr on a terminal: a bar
// is drawn in place, ending at 87/87 on its own line.
func TestProgressTerminal(t *testing.T) {
	requireMail(t)
	ctl, term := openPTY(t)
	rule := filepath.Join(t.TempDir(), "bf.lua")
	os.WriteFile(rule, []byte(backfillDemo), 0o644)
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(ctl) // ends when the terminal side is closed
		got <- string(b)
	}()
	var out bytes.Buffer
	err := run(context.Background(), []string{"--state-dir", t.TempDir(), "run", "--demo", rule}, &out, term)
	term.Close()
	screen := <-got
	if err != nil {
		t.Fatalf("run: %v\n%s", err, screen)
	}
	if out.String() != "87\n" {
		t.Errorf("stdout %q", out.String())
	}
	if !strings.Contains(screen, "\rbackfill INBOX [") || !strings.Contains(screen, "] 87/87 100%") {
		t.Errorf("no progress bar on the terminal:\n%q", screen)
	}
	if strings.Contains(screen, `"msg":"progress"`) || strings.Contains(screen, "msg=progress") {
		t.Errorf("progress logged as records on a terminal:\n%q", screen)
	}
}

// TestProgressPipe runs the same with stderr in a pipe: no bar, progress
// log records instead.
func TestProgressPipe(t *testing.T) {
	requireMail(t)
	rule := filepath.Join(t.TempDir(), "bf.lua")
	os.WriteFile(rule, []byte(backfillDemo), 0o644)
	out, stderr, err := runCLI(t, context.Background(), "--state-dir", t.TempDir(), "run", "--demo", rule)
	if err != nil || out != "87\n" {
		t.Fatalf("run: %v %q\n%s", err, out, stderr)
	}
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "[#") {
		t.Errorf("a progress bar in a pipe:\n%q", stderr)
	}
	if !strings.Contains(stderr, `"msg":"progress"`) || !strings.Contains(stderr, `"done":87,"total":87`) {
		t.Errorf("no progress record:\n%s", stderr)
	}
}

// TestProgressThrottle checks that a terminal bar is redrawn at most every
// drawEvery and that the log records come every logEvery, the last always.
func TestProgressThrottle(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := &progress{w: &buf, logger: slog.New(slog.NewTextHandler(&buf, nil)), now: func() time.Time { return now }, tasks: map[string]*task{}}
	for i := 1; i <= 100; i++ {
		now = now.Add(time.Second)
		p.report("r.lua", "backfill INBOX", i, 100)
	}
	if n := strings.Count(buf.String(), "msg=progress"); n != 11 {
		t.Errorf("%d log records for 100 s of progress, want 11 (every 10 s and the last):\n%s", n, buf.String())
	}
}
