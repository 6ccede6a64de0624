package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/stdlib"
	"github.com/mailscript/mailscript/types"
)

// requireMail stops a test that needs the mail module when it is not part
// of the build yet: a skip on a developer's machine, a failure under CI.
func requireMail(t *testing.T) {
	t.Helper()
	for _, m := range stdlib.Modules() {
		if m.Name == "mail" {
			return
		}
	}
	t.Fatal("the mail module is not registered in stdlib")
}

// runCLI runs the command line in-process as main does.
func runCLI(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(ctx, args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestDemo(t *testing.T) {
	requireMail(t)
	out, stderr, err := runCLI(t, context.Background(), "demo")
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	for _, s := range []string{
		"Demo IMAP server on 127.0.0.1:",
		"sample messages.",
		"Rules run (4):",
		"scripts/10-junk.lua  Junk mail",
		"- move 10 messages from INBOX to Junk",
		"scripts/20-newsletters.lua",
		"scripts/30-vip.lua",
		"scripts/40-archive.lua",
		"\nMailbox ",
		"\nINBOX ",
		"\nGopher Weekly ",
		"mailscript demo --serve",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("demo report lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "FAILED") || stderr != "" {
		t.Errorf("a rule failed:\n%s\nstderr:\n%s", out, stderr)
	}
}

func TestDemoDryRunChangesNothing(t *testing.T) {
	requireMail(t)
	out, _, err := runCLI(t, context.Background(), "--dry-run", "demo")
	if err != nil {
		t.Fatalf("demo --dry-run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "would move 10 messages from INBOX to Junk") {
		t.Errorf("dry run report lacks the would-be move:\n%s", out)
	}
	inbox := len(mailgen.ByMailbox(mailgen.Demo(mailgen.DefaultNow))["INBOX"])
	want := "INBOX       " + strconv.Itoa(inbox) + " -> " + strconv.Itoa(inbox) + " "
	if !strings.Contains(out, want) {
		t.Errorf("dry run report lacks %q:\n%s", want, out)
	}
}

func TestDemoOwnRules(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b.lua", "-- Second.\nprint('b ran')\n")
	writeFile(t, dir, "a.lua", "-- First.\nprint('a ran', os.getenv('MAILSCRIPT_ACCOUNT') ~= nil)\n")
	writeFile(t, dir, "c.lua", "-- Fails.\nassert(io.open(arg[0]:gsub('c.lua$', 'out.txt'), 'w')):close()\n")
	out, _, err := runCLI(t, context.Background(), "demo", "--rules", dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d (%v), want 1 for a failing rule\n%s", exitCode(err), err, out)
	}
	a := strings.Index(out, dir+"/a.lua  First.\n    > a ran\ttrue\n")
	b := strings.Index(out, dir+"/b.lua  Second.\n    > b ran\n")
	c := strings.Index(out, dir+"/c.lua  Fails.\n    FAILED: ")
	if a < 0 || b < a || c < b {
		t.Errorf("rules not reported in name order with their output:\n%s", out)
	}
	if !strings.Contains(out, "needs --allow-write") || !strings.Contains(out, "1 of 3 rules failed.") {
		t.Errorf("the refused write is not reported:\n%s", out)
	}
	// The permission flags of run apply to the rules.
	out, _, err = runCLI(t, context.Background(), "demo", "--allow-write="+dir, "--rules", dir)
	if err != nil || strings.Contains(out, "FAILED") {
		t.Errorf("with --allow-write: %v\n%s", err, out)
	}
}

func TestDemoUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "extra"}, "demo takes no arguments"},
		{[]string{"demo", "--addr", "192.0.2.1:1143"}, "loopback addresses only"},
		{[]string{"demo", "--addr", "nonsense"}, "--addr"},
		{[]string{"demo", "--rules", filepath.Join(t.TempDir(), "none")}, "no rules"},
		{[]string{"run", "--demo"}, "run needs a FILE"},
	} {
		_, stderr, err := runCLI(t, context.Background(), tc.args...)
		if err == nil || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: err %v, stderr %q, want %q", tc.args, err, stderr, tc.want)
		}
	}
	out, _, err := runCLI(t, context.Background(), "help", "demo")
	if err != nil || !strings.Contains(out, "MAILSCRIPT_ACCOUNT") || !strings.Contains(out, "--serve") {
		t.Errorf("help demo: %v\n%s", err, out)
	}
}

// TestDemoServe starts the server as a user would, reads the account URL
// it prints, and logs in there with the Go client.
func TestDemoServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"demo", "--serve"}, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	var account, printed string
	for sc.Scan() {
		line := sc.Text()
		printed += line + "\n"
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "export MAILSCRIPT_ACCOUNT="); ok {
			account = strings.Trim(v, "'")
		}
		if strings.HasPrefix(line, "Stop with Ctrl-C") {
			break
		}
	}
	u, err := url.Parse(account)
	if err != nil || u.Host == "" {
		t.Fatalf("no account URL in:\n%s", printed)
	}
	for _, s := range []string{"user      demo", "password  demo", "mailscript run scripts/20-newsletters.lua"} {
		if !strings.Contains(printed, s) {
			t.Errorf("--serve output lacks %q:\n%s", s, printed)
		}
	}
	pass, _ := u.User.Password()
	port, _ := strconv.Atoi(u.Port())
	m, err := imaplib.Dial(u.Hostname(), port, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login(u.User.Username(), pass); err != nil {
		t.Fatal(err)
	}
	st, err := m.MailboxStatus("INBOX", "MESSAGES")
	if err != nil {
		t.Fatal(err)
	}
	want := len(mailgen.ByMailbox(mailgen.Demo(mailgen.DefaultNow))["INBOX"])
	if st.Messages == nil || int(*st.Messages) != want {
		t.Errorf("INBOX status %+v, want %d messages", st, want)
	}
	m.Logout()

	if hasMail() {
		// A script finds the server through MAILSCRIPT_ACCOUNT.
		t.Setenv("MAILSCRIPT_ACCOUNT", account)
		script := writeFile(t, t.TempDir(), "count.lua",
			`print(#require("mail").account():mailbox("INBOX"):all())`)
		out, stderr, err := runCLI(t, context.Background(), "run", script)
		if err != nil || strings.TrimSpace(out) != strconv.Itoa(want) {
			t.Errorf("script against the served demo: %v, printed %q, want %d\n%s", err, out, want, stderr)
		}
	}

	cancel()
	go io.Copy(io.Discard, pr)
	if err := <-done; err != nil {
		t.Errorf("demo --serve after cancel: %v", err)
	}
}

func hasMail() bool {
	for _, m := range stdlib.Modules() {
		if m.Name == "mail" {
			return true
		}
	}
	return false
}

func TestRunDemo(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "where.lua", `print(os.getenv("MAILSCRIPT_ACCOUNT"), ...)`)
	t.Setenv("MAILSCRIPT_ACCOUNT", "imaps://someone@example.org")
	out, stderr, err := runCLI(t, context.Background(), "run", "--demo", script, "x")
	if err != nil {
		t.Fatalf("run --demo: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(out, "imap://demo:demo@127.0.0.1:") || !strings.HasSuffix(out, "?tls=none&create=true\tx\n") {
		t.Errorf("the script saw %q, want the demo account URL and its argument", out)
	}
	// Without --demo the environment is the process's.
	out, _, _ = runCLI(t, context.Background(), "run", script)
	if out != "imaps://someone@example.org\n" {
		t.Errorf("without --demo the script saw %q", out)
	}
}

func TestRunDemoWithMail(t *testing.T) {
	requireMail(t)
	script := writeFile(t, t.TempDir(), "unseen.lua", `
local inbox = require("mail").account():mailbox("INBOX")
print(inbox:status().unseen)`)
	out, stderr, err := runCLI(t, context.Background(), "run", "--demo", script)
	unseen := 0
	for _, m := range mailgen.ByMailbox(mailgen.Demo(mailgen.DefaultNow))["INBOX"] {
		if !m.Seen() {
			unseen++
		}
	}
	if err != nil || strings.TrimSpace(out) != strconv.Itoa(unseen) {
		t.Errorf("run --demo: %v, printed %q, want %d\n%s", err, out, unseen, stderr)
	}
}

func TestTypesCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "types")
	out, _, err := runCLI(t, context.Background(), "types", dir)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(types.FS, "*.lua")
	if len(names) == 0 || !strings.Contains(out, "wrote "+strconv.Itoa(len(names))+" annotation files to "+dir) {
		t.Errorf("types printed %q for %d files", out, len(names))
	}
	for _, n := range names {
		want, _ := fs.ReadFile(types.FS, n)
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not written as embedded (%v)", n, err)
		}
	}
	if _, stderr, err := runCLI(t, context.Background(), "types", "a", "b"); exitCode(err) != 2 || !strings.Contains(stderr, "one folder") {
		t.Errorf("types a b: exit %d, %q", exitCode(err), stderr)
	}
}
