package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"mailscript": main})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		// Each script gets an in-process IMAP server holding three
		// messages, reachable through $IMAP_HOST, $IMAP_PORT, $IMAP_USER
		// and $IMAP_PASS.
		Setup: func(env *testscript.Env) error {
			srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
			if err != nil {
				return err
			}
			env.Defer(func() { srv.Close() })
			for i := 1; i <= 3; i++ {
				raw := fmt.Sprintf("From: bob@example.org\r\nSubject: note %d\r\n\r\nhello %d\r\n", i, i)
				if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Date(2025, 1, i, 9, 0, 0, 0, time.UTC)); err != nil {
					return err
				}
			}
			host, port, _ := net.SplitHostPort(srv.Addr())
			env.Setenv("IMAP_HOST", host)
			env.Setenv("IMAP_PORT", port)
			env.Setenv("IMAP_USER", "alice")
			env.Setenv("IMAP_PASS", "secret")
			return nil
		},
	})
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	writeFile(t, other, "data.txt", "outside data")
	hello := writeFile(t, dir, "hello.lua", `print("hello", ...)`)
	fail := writeFile(t, dir, "fail.lua", "local x = 1\nerror('boom')\n")
	exit3 := writeFile(t, dir, "exit3.lua", `os.exit(3)`)
	execLua := writeFile(t, dir, "exec.lua", `os.execute("echo from-shell")`)
	readLua := writeFile(t, dir, "read.lua", `print(io.open(`+"\""+filepath.Join(other, "data.txt")+"\""+`):read("*a"))`)
	hang := writeFile(t, dir, "hang.lua", `while true do end`)
	syntax := writeFile(t, dir, "syntax.lua", "print(\n")

	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring
		stderr     string // substring
		emptyError bool   // nothing on stderr
	}{
		{"no command", nil, 2, "", "no command", false},
		{"unknown command", []string{"frob"}, 2, "", `unknown command "frob"`, false},
		{"help", []string{"help"}, 0, "Usage:", "", true},
		{"-h", []string{"-h"}, 0, "Usage:", "", true},
		{"help run", []string{"help", "run"}, 0, "mailscript [flags] run FILE", "", true},
		{"run -h", []string{"run", "-h"}, 0, "mailscript [flags] run FILE", "", true},
		{"help unknown", []string{"help", "frob"}, 2, "", `no help on "frob"`, false},
		{"version", []string{"version"}, 0, "mailscript ", "", true},
		{"version args", []string{"version", "x"}, 2, "", "takes no arguments", false},
		{"bad flag", []string{"--frob", "run", hello}, 2, "", "flag provided but not defined: -frob", false},
		{"bad log format", []string{"--log-format", "xml", "run", hello}, 2, "", "must be text or json", false},
		{"bad timeout", []string{"run", "--timeout", "soon", hello}, 2, "", "invalid value", false},
		{"run without file", []string{"run"}, 2, "", "run needs a FILE", false},
		{"run", []string{"run", hello, "a", "--b"}, 0, "hello\ta\t--b\n", "", true},
		{"flags before the command", []string{"-v", "--log-format=json", "run", hello}, 0, "hello\n", "", false},
		{"script error", []string{"run", fail}, 1, "", fail + ":2: boom\nstack traceback:", false},
		{"syntax error", []string{"run", syntax}, 1, "", syntax + ":", false},
		{"os.exit", []string{"run", exit3}, 3, "", "", true},
		{"missing file", []string{"run", filepath.Join(dir, "nope.lua")}, 1, "", "no such file", false},
		{"run refused", []string{"run", execLua}, 1, "", "needs --allow-run", false},
		{"run allowed", []string{"run", "--allow-run", execLua}, 0, "from-shell", "", true},
		{"read refused", []string{"run", readLua}, 1, "", "needs --allow-read", false},
		{"read listed", []string{"run", "--allow-read=" + other, readLua}, 0, "outside data", "", true},
		{"read all", []string{"run", "--allow-read", readLua}, 0, "outside data", "", true},
		{"allow all", []string{"--allow-all", "run", readLua}, 0, "outside data", "", true},
		{"timeout", []string{"run", "--timeout=50ms", hang}, 1, "", "run timed out after 50ms", false},
		{"negative timeout", []string{"run", "--timeout=-1s", hang}, 2, "", "must not be negative", false},
		{"check", []string{"check", hello, fail}, 0, hello + ": ok\n" + fail + ": ok\n", "", true},
		{"check failing", []string{"check", hello, syntax}, 1, hello + ": ok", syntax + ":", false},
		{"check nothing", []string{"check"}, 2, "", "at least one FILE", false},
		{"watch missing folder", []string{"watch", filepath.Join(dir, "nope")}, 1, "", "no such file", false},
		{"watch two folders", []string{"watch", dir, dir}, 2, "", "one folder", false},
		{"watch bad parallel", []string{"watch", "--parallel=0", dir}, 2, "", "at least 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d (err %v)\nstderr: %s", got, tt.code, err, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
			if tt.emptyError && stderr.Len() > 0 {
				t.Errorf("stderr %q, want nothing", stderr.String())
			}
		})
	}
}

// notifyWriter is a buffer that closes seen when it first holds want
// (and every string of also).
type notifyWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	also []string
	seen chan struct{}
}

func (w *notifyWriter) holdsAll() bool {
	if !strings.Contains(w.buf.String(), w.want) {
		return false
	}
	for _, a := range w.also {
		if !strings.Contains(w.buf.String(), a) {
			return false
		}
	}
	return true
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.seen != nil && w.holdsAll() {
		close(w.seen)
		w.seen = nil
	}
	return n, err
}

func (w *notifyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestWatchCommand(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rules/good.lua", `print("good rule ran")`)
	writeFile(t, dir, "rules/bad.lua", "\nerror('bad rule')")
	stdout := &notifyWriter{want: "good rule ran", seen: make(chan struct{})}
	// Wait for both rules' log records: the good rule prints before its
	// run ends and is logged.
	stderr := &notifyWriter{want: `"file":"` + filepath.Join(dir, "rules", "bad.lua") + `"`, also: []string{`"msg":"run ok"`}, seen: make(chan struct{})}
	seenOut, seenErr := stdout.seen, stderr.seen
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"watch", "--log-format=json", filepath.Join(dir, "rules")}, stdout, stderr)
	}()
	for _, ch := range []chan struct{}{seenOut, seenErr} {
		select {
		case <-ch:
		case <-time.After(20 * time.Second):
			t.Fatalf("no run; stdout %q stderr %q", stdout.String(), stderr.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("watch: %v", err)
	}
	log := stderr.String()
	for _, want := range []string{`"msg":"run failed"`, `bad.lua:2: bad rule`, `"traceback":"stack traceback:`, `"msg":"run ok"`, `"msg":"stopped watching"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

func TestSignals(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	var stderr notifyWriter
	ctx, stop := handleSignals(context.Background(), sigs, func(code int) { exited <- code }, &stderr)
	defer stop()
	sigs <- syscall.SIGTERM
	<-ctx.Done() // the first signal cancels the runs
	select {
	case code := <-exited:
		t.Fatalf("exited with %d after one signal", code)
	default:
	}
	sigs <- os.Interrupt
	if code := <-exited; code != 130 {
		t.Errorf("exit code %d after the second signal", code)
	}
	if !strings.Contains(stderr.String(), "stopping") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestSignalsStop(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	ctx, stop := handleSignals(context.Background(), sigs, func(int) { t.Error("exit called") }, &notifyWriter{})
	stop()
	<-ctx.Done()
	sigs <- os.Interrupt // nobody listens any more: no exit
}

// TestWatchStatus: a running watch publishes its rules' triggers, which
// "mailscript status" prints; the file goes when the watch ends.
func TestWatchStatus(t *testing.T) {
	rules := t.TempDir()
	state := t.TempDir()
	writeFile(t, rules, "tick.lua", `require("engine").every("1h", function() end)`)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	var werr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"--state-dir", state, "--log-format=text", "watch", rules}, io.Discard, &werr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond) // polling another process's file
	defer tick.Stop()
	var out bytes.Buffer
	for {
		out.Reset()
		var errb bytes.Buffer
		err := run(t.Context(), []string{"--state-dir", state, "status"}, &out, &errb)
		if err == nil && strings.Contains(out.String(), "every 1h0m0s: waiting") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status: %v\n%s%s", err, out.String(), errb.String())
		}
		<-tick.C
	}
	if !strings.Contains(out.String(), filepath.Join(rules, "tick.lua")) {
		t.Errorf("status does not name the rule:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(werr.String(), "rule active") {
		t.Errorf("the log does not report the rule's triggers:\n%s", werr.String())
	}
	var errb bytes.Buffer
	if err := run(t.Context(), []string{"--state-dir", state, "status"}, io.Discard, &errb); err == nil || !strings.Contains(err.Error(), "no mailscript watch is running") {
		t.Errorf("status after the end: %v", err)
	}
}
