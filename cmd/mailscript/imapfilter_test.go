package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
)

// TestIMAPFilterRefusedBeforeRun runs configs that mailscript cannot run
// as they are: each must fail with its line named, and before a single
// connection to the server.
func TestIMAPFilterRefusedBeforeRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"re2-lookahead.lua", []string{"re2-lookahead.lua:5:", `"^(?!Re:).*VIAGRA"`, "lookaround is PCRE only"}},
		{"lua53-syntax.lua", []string{"lua53-syntax.lua:5:", `"//" is integer division`, "math.floor(a / b)"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "imapfilter", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			config := strings.ReplaceAll(string(src), "server = 'imap.example.org'", "server = '127.0.0.1', port = "+port)
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			err = run(context.Background(), []string{"imapfilter", "-c", path}, &stdout, &stderr)
			if err == nil {
				t.Fatalf("the config ran; stdout:\n%s", stdout.String())
			}
			// imapfilter exits 2 for a config it cannot load.
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("%d connections made to the server before failing", n)
			}
		})
	}
}

func TestIMAPFilterUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
		out  string // a part of standard output
	}{
		{args: []string{"imapfilter", "extra"}, code: 2, want: "imapfilter takes no arguments"},
		{args: []string{"imapfilter", "-x"}, code: 2, want: "flag provided but not defined: -x"},
		{args: []string{"imapfilter", "-c", filepath.Join(t.TempDir(), "missing.lua")}, code: 2, want: "no such file"},
		{args: []string{"imapfilter", "-e", "print(1 + 1)"}, out: "2\n"},
		{args: []string{"imapfilter", "-e", "x = 1 // 2"}, code: 2, want: `(-e):1: "//" is integer division`},
		// -V answers before anything else is looked at, as imapfilter's.
		{args: []string{"imapfilter", "-V", "-c", filepath.Join(t.TempDir(), "missing.lua")}, out: "(imapfilter 2.8 compatible)\n"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		if got := exitCode(err); got != tc.code {
			t.Errorf("%v: exit code %d, want %d (stderr %s)", tc.args, got, tc.code, stderr.String())
		}
		if tc.want != "" && !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, stderr.String(), tc.want)
		}
		if !strings.Contains(stdout.String(), tc.out) {
			t.Errorf("%v: stdout %q lacks %q", tc.args, stdout.String(), tc.out)
		}
	}
}

// TestIMAPFilterDefaultConfig checks where the config is looked for, as
// imapfilter does: $IMAPFILTER_CONFIG, then $IMAPFILTER_HOME/config.lua,
// then ~/.imapfilter/config.lua.
func TestIMAPFilterDefaultConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("IMAPFILTER_CONFIG", "")
	t.Setenv("IMAPFILTER_HOME", "")
	writeFile(t, home, ".imapfilter/config.lua", "print('home config', options.expunge, #Set{})\n")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"imapfilter"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got := stdout.String(); got != "home config\ttrue\t0\n" {
		t.Errorf("stdout %q", got)
	}
	other := writeFile(t, t.TempDir(), "c.lua", "print('env config')\n")
	t.Setenv("IMAPFILTER_CONFIG", other)
	stdout.Reset()
	if err := run(context.Background(), []string{"imapfilter"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got := stdout.String(); got != "env config\n" {
		t.Errorf("stdout %q", got)
	}
}

// lineWriter signals each line written.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			break
		}
		w.lines <- strings.TrimSuffix(line, "\n")
	}
	return len(p), nil
}

// TestIMAPFilterBecomeDaemon checks that become_daemon runs the function
// at once, then on the engine's schedule until the run is stopped.
func TestIMAPFilterBecomeDaemon(t *testing.T) {
	out := &lineWriter{lines: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	var stderr bytes.Buffer
	go func() {
		errc <- run(ctx, []string{"--state-dir", t.TempDir(), "imapfilter", "-e",
			"n = 0 become_daemon(1, function() n = n + 1 print('pass ' .. n) end) print('main chunk done')"}, out, &stderr)
	}()
	for _, want := range []string{"pass 1", "main chunk done", "pass 2"} {
		if got := <-out.lines; got != want {
			t.Fatalf("printed %q, want %q", got, want)
		}
	}
	cancel()
	if err := <-errc; err != nil && exitCode(err) != 0 {
		t.Errorf("stopping the daemon: %v\n%s", err, stderr.String())
	}
}

// TestIMAPFilterTraceAndLogFiles runs a config against an in-process
// server with -d and -l: the trace has the traffic without the password,
// the log has the actions, and -n changes nothing.
func TestIMAPFilterTraceAndLogFiles(t *testing.T) {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "s3cr3t-pw"}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.Append("alice", "INBOX", []byte("From: bob@example.org\r\nSubject: hi\r\n\r\nhi\r\n"), nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.Addr())
	dir := t.TempDir()
	trace, logFile := filepath.Join(dir, "trace"), filepath.Join(dir, "log")
	config := "options.starttls = false\n" +
		"a = IMAP { server = '127.0.0.1', port = " + port + ", username = 'alice', password = 's3cr3t-pw' }\n" +
		"a.INBOX:contain_from('bob'):move_messages(a['Elsewhere'])\n"
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"--log-format", "json", "imapfilter", "-n", "-e", config, "-d", trace, "-l", logFile}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got := stdout.String(); got != "1 messages moved from alice@127.0.0.1/INBOX to alice@127.0.0.1/Elsewhere.\n" {
		t.Errorf("stdout %q", got)
	}
	tr, _ := os.ReadFile(trace)
	if !strings.Contains(string(tr), "SEARCH") || strings.Contains(string(tr), "s3cr3t-pw") {
		t.Errorf("trace without SEARCH or with the password:\n%s", tr)
	}
	lg, _ := os.ReadFile(logFile)
	if !strings.Contains(string(lg), `"msg":"imapfilter: dry-run: would copy"`) {
		t.Errorf("log file:\n%s", lg)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr has %q: the log belongs in the -l file", stderr.String())
	}
}
