package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTestStarterRules runs "mailscript test" on the starter rules and
// their fixtures, as a user's CI would.
func TestTestStarterRules(t *testing.T) {
	requireMail(t)
	out, stderr, err := runCLI(t, context.Background(), "test", "../../scripts")
	if err != nil {
		t.Fatalf("test: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	if out != "94 passed, 0 failed\n" {
		t.Errorf("stdout = %q", out)
	}
}

// TestTestFailure changes one expectation and one rule, and checks that
// "mailscript test" says which message differs, how, and which rule acted.
func TestTestFailure(t *testing.T) {
	requireMail(t)
	dir := t.TempDir()
	copyTree(t, "../../scripts", dir)

	// The archive rule moves "Feedback on your proposal" to Archive; say it
	// must stay in the inbox.
	expect := filepath.Join(dir, "testdata", "expect.txt")
	b, err := os.ReadFile(expect)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	line := "INBOX/0000014.eml\tArchive\t\\Seen"
	if !strings.Contains(text, line+"\n") {
		t.Fatalf("expect.txt has no line %q", line)
	}
	lineNo := strings.Count(text[:strings.Index(text, line)], "\n") + 1
	text = strings.Replace(text, line, "INBOX/0000014.eml\tINBOX\t\\Seen", 1)
	if err := os.WriteFile(expect, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// A VIP is forgotten: mail from mum is no longer flagged.
	vip := filepath.Join(dir, "30-vip.lua")
	b, err = os.ReadFile(vip)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vip, []byte(strings.Replace(string(b), `"mum@family.example",`, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	out, stderr, err := runCLI(t, context.Background(), "test", dir)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("test passed or exit %d, want 1: %v\nstdout:\n%s\nstderr:\n%s", exitCode(err), err, out, stderr)
	}
	want := []string{
		`FAIL INBOX/0000014.eml "Feedback on your proposal": expected INBOX \Seen, got Archive \Seen (changed by ` +
			filepath.ToSlash(filepath.Join(dir, "40-archive.lua")) + ") [" + expect + ":" + strconv.Itoa(lineNo) + "]",
		`FAIL INBOX/0000079.eml "Re: Sunday lunch?": expected INBOX \Flagged, got INBOX () (no rule changed it)`,
		"92 passed, 2 failed\n",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("%d lines, want one per failure and the summary:\n%s", n, out)
	}

	// --explain shows under the archived message why the rule chose it.
	out, _, _ = runCLI(t, context.Background(), "test", "--explain", dir)
	for _, w := range []string{
		filepath.ToSlash(filepath.Join(dir, "40-archive.lua")) + ":13 move 3 messages from INBOX to Archive",
		"  chosen by " + filepath.ToSlash(filepath.Join(dir, "40-archive.lua")) + ":12: SEARCH SEEN UNFLAGGED BEFORE ",
		"no rule acted on it",
		"92 passed, 2 failed\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("--explain output lacks %q:\n%s", w, out)
		}
	}
	if !strings.HasSuffix(out, "92 passed, 2 failed\n") {
		t.Errorf("the summary is not the last line:\n%s", out)
	}
}

func TestTestUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"test", "--mailbox", "INBOX"}, "--mailbox goes with --init"},
		{[]string{"test", "--init", "x", "scripts"}, "test --init takes no RULES"},
		{[]string{"test", "no-such-folder"}, "no-such-folder"},
	}
	for _, tt := range tests {
		_, stderr, err := runCLI(t, context.Background(), tt.args...)
		if err == nil || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: err %v, stderr %q, want %q", tt.args, err, stderr, tt.want)
		}
	}
}
