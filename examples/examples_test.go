package examples

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/stdlib"
)

// tested lists the Lua examples of this folder and the test that runs each;
// TestEveryExampleIsTested keeps it complete.
var tested = map[string]string{
	"stats-per-sender.lua":    "TestStatsPerSender",
	"daily-digest.lua":        "TestDailyDigest",
	"save-attachments.lua":    "TestSaveAttachments",
	"cross-account-move.lua":  "TestCrossAccountMove",
	"oauth2-token.lua":        "TestOAuth2Token",
	"idle-notify.lua":         "TestIdleNotify",
	"new-mail-rule.lua":       "TestNewMailRule",
	"imaplib-from-python.lua": "TestImaplibFromPython",
}

func TestEveryExampleIsTested(t *testing.T) {
	files, _ := filepath.Glob("*.lua")
	if len(files) < len(tested) {
		t.Errorf("%d examples, %d expected", len(files), len(tested))
	}
	for _, f := range files {
		if tested[f] == "" {
			t.Errorf("%s: no test runs it; add one and list it in tested", f)
		}
		b, _ := os.ReadFile(f)
		if !bytes.HasPrefix(b, []byte("-- ")) {
			t.Errorf("%s: no header comment saying what it shows", f)
		}
	}
}

// requireModules stops a test whose modules are not part of the build yet:
// a skip on a developer's machine, a failure under CI.
func requireModules(t *testing.T, names ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, m := range stdlib.Modules() {
		have[m.Name] = true
	}
	for _, n := range names {
		if !have[n] {
			t.Fatalf("the %s module is not registered in stdlib", n)
		}
	}
}

func start(t *testing.T, opts demo.Options) *demo.Server {
	t.Helper()
	srv, err := demo.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// script runs an example as `mailscript run --demo` does: the server's
// environment (MAILSCRIPT_ACCOUNT, IMAP_*) plus env, with perms.
type script struct {
	file   string
	args   []string
	env    map[string]string
	perms  host.Permissions
	stdout io.Writer // nil: captured
	ctx    context.Context
}

func (s script) run(t *testing.T, srv *demo.Server) (string, string, error) {
	t.Helper()
	var logs bytes.Buffer
	var mu sync.Mutex
	opts := []engine.Option{
		engine.WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))),
		engine.WithPermissions(s.perms),
		engine.WithTimeout(time.Minute),
		engine.WithEnv(func(name string) (string, bool) {
			if v, ok := s.env[name]; ok {
				return v, true
			}
			return srv.LookupEnv(name)
		}),
	}
	if s.stdout != nil {
		opts = append(opts, engine.WithStdout(s.stdout))
	} else {
		opts = append(opts, engine.WithCapture())
	}
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := engine.New(opts...).Run(ctx, s.file, s.args...)
	mu.Lock()
	defer mu.Unlock()
	if res == nil {
		return "", logs.String(), err
	}
	return string(res.Output), logs.String(), err
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// inbox returns the sample messages of INBOX; their UIDs are 1, 2, ...
func inbox(srv *demo.Server) []mailgen.Message {
	return mailgen.ByMailbox(srv.Messages())["INBOX"]
}

func TestStatsPerSender(t *testing.T) {
	requireModules(t, "mail")
	srv := start(t, demo.Options{})
	out, logs, err := script{file: "stats-per-sender.lua", args: []string{"INBOX", "5"}}.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	type stat struct {
		addr                 string
		count, unread, bytes int
	}
	by := map[string]*stat{}
	msgs := inbox(srv)
	for _, m := range msgs {
		s := by[m.From]
		if s == nil {
			s = &stat{addr: m.From}
			by[m.From] = s
		}
		s.count++
		s.bytes += m.Size
		if !m.Seen() {
			s.unread++
		}
	}
	var list []*stat
	for _, s := range by {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].count != list[j].count {
			return list[i].count > list[j].count
		}
		return list[i].addr < list[j].addr
	})
	want := fmt.Sprintf("%d messages from %d senders in INBOX\n%5s %6s %8s  %s\n", len(msgs), len(list), "count", "unread", "KiB", "sender")
	for _, s := range list[:5] {
		want += fmt.Sprintf("%5d %6d %8.1f  %s\n", s.count, s.unread, float64(s.bytes)/1024, s.addr)
	}
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
}

func TestDailyDigest(t *testing.T) {
	requireModules(t, "mail")
	now := time.Now()
	srv := start(t, demo.Options{Now: now})
	out, logs, err := script{file: "daily-digest.lua"}.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	// Threads repeat subjects: an old message is only known to be left
	// out when no recent one has its subject.
	recent := map[string]bool{}
	for _, m := range inbox(srv) {
		if now.Sub(m.Date) < 3*24*time.Hour {
			recent[m.Subject] = true
		}
	}
	for _, m := range inbox(srv) {
		age := now.Sub(m.Date)
		// Lines are "  * Name <addr>: Subject" (or "addr: Subject").
		shown := strings.Contains(out, m.From+">: "+m.Subject+"\n") || strings.Contains(out, " "+m.From+": "+m.Subject+"\n")
		switch {
		case age < 23*time.Hour && !shown:
			t.Errorf("digest lacks %q (%s old)", m.Subject, age)
		case age > 3*24*time.Hour && !recent[m.Subject] && shown:
			t.Errorf("digest shows %q, %s old", m.Subject, age)
		}
	}
	if !strings.Contains(out, "Personal and work (") || !strings.Contains(out, "Lists, newsletters and notifications (") {
		t.Errorf("digest without its sections:\n%s", out)
	}
	contents, err := srv.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := contents["Digests"]; len(d) != 1 || !strings.HasPrefix(d[0].Subject, "Digest of ") {
		t.Errorf("Digests holds %+v, want the digest", d)
	}
}

func TestSaveAttachments(t *testing.T) {
	requireModules(t, "mail")
	srv := start(t, demo.Options{})
	dir := t.TempDir()

	// Without the permission the sandbox refuses the first write.
	_, _, err := script{file: "save-attachments.lua", args: []string{dir}}.run(t, srv)
	if err == nil || !strings.Contains(err.Error(), "writing") || !strings.Contains(err.Error(), "needs --allow-write") {
		t.Fatalf("without --allow-write: %v, want a permission error naming the flag", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written without permission: %v", entries)
	}

	out, logs, err := script{file: "save-attachments.lua", args: []string{dir}, perms: host.Permissions{Write: []string{dir}}}.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	want := map[string]int{}
	for i, m := range inbox(srv) {
		if m.Size <= 10*1024 || m.SpamFlag {
			continue
		}
		for _, a := range m.Attachments {
			want[strconv.Itoa(i+1)+"-"+strings.ReplaceAll(a.Filename, "/", "_")] = a.Size
		}
	}
	if len(want) == 0 {
		t.Fatal("the sample has no attachments in messages over 20 KB")
	}
	entries, _ := os.ReadDir(dir)
	got := map[string]int{}
	for _, e := range entries {
		info, _ := e.Info()
		got[e.Name()] = int(info.Size())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("saved %v\nwant  %v", got, want)
	}
	if !strings.Contains(out, fmt.Sprintf("%d attachments saved", len(want))) {
		t.Errorf("output:\n%s", out)
	}
}

func TestCrossAccountMove(t *testing.T) {
	requireModules(t, "mail")
	now := time.Now()
	src := start(t, demo.Options{Now: now})
	dst := start(t, demo.Options{Now: now})
	before, err := dst.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, logs, err := script{file: "cross-account-move.lua", env: map[string]string{"ARCHIVE_ACCOUNT": dst.URL()}}.run(t, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	var moved, kept []string
	for _, m := range inbox(src) {
		if m.Seen() && !m.Flagged() && m.Date.Before(now.Add(-21*24*time.Hour)) {
			moved = append(moved, m.MessageID)
		} else {
			kept = append(kept, m.MessageID)
		}
	}
	if len(moved) == 0 {
		t.Fatal("the sample has nothing for the rule to move")
	}
	srcAfter, err := src.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dstAfter, err := dst.Contents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	folder := "Archive " + strconv.Itoa(now.Year())
	if len(before[folder]) != 0 {
		t.Fatalf("%s exists before the move", folder)
	}
	if got := ids(dstAfter[folder]); !slices.Equal(got, sorted(moved)) {
		t.Errorf("%s holds %v\nwant %v", folder, got, sorted(moved))
	}
	for _, s := range dstAfter[folder] {
		if !slices.ContainsFunc(s.Flags, func(f string) bool { return strings.EqualFold(f, `\Seen`) }) {
			t.Errorf("%s lost its \\Seen flag in the move: %v", s.MessageID, s.Flags)
		}
	}
	if got := ids(srcAfter["INBOX"]); !slices.Equal(got, sorted(kept)) {
		t.Errorf("source INBOX holds %d messages, want %d", len(got), len(kept))
	}
	if !strings.Contains(out, fmt.Sprintf("%d moved; %s now holds %d messages", len(moved), folder, len(moved))) {
		t.Errorf("output:\n%s", out)
	}
}

func ids(ss []demo.Stored) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.MessageID)
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// xoauth2Proxy is an IMAP front for the demo server that offers only
// AUTHENTICATE XOAUTH2, as Gmail and Office 365 do. It checks the SASL
// message (RFC 7628 style: user=..^Aauth=Bearer ..^A^A), logs in to the
// demo server with its own password, and from then on relays bytes both
// ways. The in-process server has no XOAUTH2 of its own; this is the test's
// stand-in for one.
type xoauth2Proxy struct {
	ln      net.Listener
	backend string
	user    string
	token   string

	mu       sync.Mutex
	attempts []string // decoded SASL messages
}

func newXOAUTH2Proxy(t *testing.T, backend, user, token string) *xoauth2Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &xoauth2Proxy{ln: ln, backend: backend, user: user, token: token}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *xoauth2Proxy) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	const caps = "IMAP4rev1 AUTH=XOAUTH2 SASL-IR"
	fmt.Fprintf(c, "* OK [CAPABILITY %s] fake OAuth2 front ready\r\n", caps)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			fmt.Fprintf(c, "* BAD what?\r\n")
			continue
		}
		tag, cmd := f[0], strings.ToUpper(f[1])
		switch {
		case cmd == "CAPABILITY":
			fmt.Fprintf(c, "* CAPABILITY %s\r\n%s OK done\r\n", caps, tag)
		case cmd == "LOGOUT":
			fmt.Fprintf(c, "* BYE\r\n%s OK bye\r\n", tag)
			return
		case cmd == "AUTHENTICATE" && len(f) >= 3 && strings.EqualFold(f[2], "XOAUTH2"):
			ir := ""
			if len(f) >= 4 {
				ir = f[3]
			} else {
				fmt.Fprintf(c, "+ \r\n")
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				ir = strings.TrimSpace(l)
			}
			msg, _ := base64.StdEncoding.DecodeString(ir)
			p.mu.Lock()
			p.attempts = append(p.attempts, string(msg))
			p.mu.Unlock()
			if string(msg) != "user="+p.user+"\x01auth=Bearer "+p.token+"\x01\x01" {
				fmt.Fprintf(c, "%s NO [AUTHENTICATIONFAILED] invalid credentials\r\n", tag)
				continue
			}
			b, err := net.Dial("tcp", p.backend)
			if err != nil {
				return
			}
			defer b.Close()
			br := bufio.NewReader(b)
			if _, err := br.ReadString('\n'); err != nil { // greeting
				return
			}
			fmt.Fprintf(b, "x1 LOGIN %s %s\r\n", demo.User, demo.Password)
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if strings.HasPrefix(l, "x1 ") {
					if !strings.HasPrefix(l, "x1 OK") {
						return
					}
					break
				}
			}
			fmt.Fprintf(c, "%s OK authenticated\r\n", tag)
			go func() { io.Copy(b, r); b.Close() }()
			io.Copy(c, br)
			return
		default:
			fmt.Fprintf(c, "%s BAD not before authentication\r\n", tag)
		}
	}
}

func (p *xoauth2Proxy) Attempts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.attempts)
}

func TestOAuth2Token(t *testing.T) {
	requireModules(t, "mail")
	srv := start(t, demo.Options{})
	const user, token = "me@gmail.com", "ya29.test-token"
	proxy := newXOAUTH2Proxy(t, srv.Addr(), user, token)

	dir := t.TempDir()
	marker := filepath.Join(dir, "token-cmd-ran")
	tokenCmd := filepath.Join(dir, "oauth2-token")
	os.WriteFile(tokenCmd, []byte("#!/bin/sh\necho \"$1\" >> '"+marker+"'\necho "+token+"\necho second line is ignored\n"), 0o755)
	account := "imap://me%40gmail.com@" + proxy.ln.Addr().String() + "?tls=none"
	env := map[string]string{"OAUTH2_ACCOUNT": account, "OAUTH2_TOKEN_CMD": tokenCmd + " gmail"}

	// Running the token command needs the run permission.
	_, _, err := script{file: "oauth2-token.lua", env: env}.run(t, srv)
	if err == nil || !strings.Contains(err.Error(), "running the token_cmd") || !strings.Contains(err.Error(), "needs --allow-run") {
		t.Fatalf("without --allow-run: %v, want a permission error", err)
	}

	out, logs, err := script{file: "oauth2-token.lua", env: env, perms: host.Permissions{Run: true}}.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	ran, _ := os.ReadFile(marker)
	if string(ran) != "gmail\n" {
		t.Errorf("token command ran with %q, want once with gmail", ran)
	}
	if got := proxy.Attempts(); len(got) != 1 || got[0] != "user="+user+"\x01auth=Bearer "+token+"\x01\x01" {
		t.Errorf("XOAUTH2 exchanges %q", got)
	}
	unseen := 0
	for _, m := range inbox(srv) {
		if !m.Seen() {
			unseen++
		}
	}
	want := fmt.Sprintf("%s@%s: %d messages, %d unread\n", user, "127.0.0.1", len(inbox(srv)), unseen)
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}

	// A token the server refuses is an error, and nothing is relayed.
	os.WriteFile(tokenCmd, []byte("#!/bin/sh\necho expired\n"), 0o755)
	_, _, err = script{file: "oauth2-token.lua", env: env, perms: host.Permissions{Run: true}}.run(t, srv)
	if err == nil || !strings.Contains(err.Error(), "invalid credentials") {
		t.Errorf("refused token: %v", err)
	}
}

// idleWatch is the demo server's debug stream, watched for the moment the
// server accepts a client's IDLE.
type idleWatch struct {
	mu     sync.Mutex
	buf    []byte
	idling chan struct{}
	once   sync.Once
}

func (w *idleWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if i := bytes.Index(w.buf, []byte(" IDLE\r\n")); i >= 0 && bytes.Contains(w.buf[i:], []byte("\r\n+ ")) {
		w.once.Do(func() { close(w.idling) })
	}
	return len(p), nil
}

func TestIdleNotify(t *testing.T) {
	requireModules(t, "imaplib")
	watch := &idleWatch{idling: make(chan struct{})}
	srv := start(t, demo.Options{Debug: watch})
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, _, err := script{file: "idle-notify.lua", args: []string{"1"}, stdout: pw}.run(t, srv)
		pw.CloseWithError(err)
		done <- err
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || lines.Text() != fmt.Sprintf("watching INBOX (%d messages)", len(inbox(srv))) {
		t.Fatalf("first line %q (%v)", lines.Text(), lines.Err())
	}
	select {
	case <-watch.idling:
	case err := <-done:
		t.Fatalf("the script ended before IDLE: %v", err)
	}

	// A second connection delivers new mail.
	host, port, _ := net.SplitHostPort(srv.Addr())
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(demo.User, demo.Password); err != nil {
		t.Fatal(err)
	}
	raw := "From: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>\r\nSubject: Tea at five?\r\nMessage-ID: <tea@example.org>\r\n\r\nSee you!\r\n"
	if _, err := m.AppendMessage("INBOX", nil, time.Now(), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() || lines.Text() != "new mail from Zoë <zoe@example.org>: Tea at five?" {
		t.Errorf("notification %q (%v)", lines.Text(), lines.Err())
	}
	go io.Copy(io.Discard, pr)
	if err := <-done; err != nil {
		t.Errorf("the script failed: %v", err)
	}
}

// needPython returns python3, skipping when it is missing outside CI.
func needPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is required under CI=true: %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	return py
}

// TestImaplibFromPython runs the Python script and its Lua translation
// against the same server and compares their output byte for byte.
func TestImaplibFromPython(t *testing.T) {
	requireModules(t, "imaplib", "email")
	py := needPython(t)
	srv := start(t, demo.Options{})
	out, logs, err := script{file: "imaplib-from-python.lua"}.run(t, srv)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	cmd := exec.Command(py, "imaplib-from-python.py")
	cmd.Env = os.Environ()
	for _, k := range []string{"IMAP_HOST", "IMAP_PORT", "IMAP_USER", "IMAP_PASSWORD"} {
		v, _ := srv.LookupEnv(k)
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	if out != string(want) {
		t.Errorf("Lua printed\n%s\nPython printed\n%s", out, want)
	}
	unread := 0
	for _, m := range inbox(srv) {
		if !m.Seen() {
			unread++
		}
	}
	if !strings.Contains(out, fmt.Sprintf("\n%d unread\n", unread)) {
		t.Errorf("output lacks the unread count %d", unread)
	}
}
