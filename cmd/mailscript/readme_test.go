package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/stdlib"
	luaparse "github.com/yuin/gopher-lua/parse"
)

// block is a fenced code block of the README.
type block struct {
	lang string
	line int // of the opening fence
	text string
}

func readmeBlocks(t *testing.T) []block {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []block
	var cur *block
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```"), line: i + 1}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unclosed code block", cur.line)
	}
	return blocks
}

// repoDir is a scratch copy of what the README's commands use: the rules
// and the examples, so that commands writing files write there.
func repoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"scripts", "examples"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(filepath.Join("..", "..", sub))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// root is the repository's folder, absolute (TestReadme runs elsewhere).
var root string

var portRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// TestReadme follows the README literally: every shell command it shows
// runs (in-process, as `go run ./cmd/mailscript` would), every output it
// shows is checked against what the command printed, every Lua snippet
// runs against the demo server, the Go snippet is part of a program that
// is built and tested, and every row of the Python-to-Lua table compiles in
// both languages.
func TestReadme(t *testing.T) {
	requireMail(t)
	blocks := readmeBlocks(t)
	var err error
	if root, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		t.Fatal(err)
	}
	dir := repoDir(t)
	t.Chdir(dir)
	counts := map[string]int{}
	var lastOut string
	for _, b := range blocks {
		counts[b.lang]++
		switch b.lang {
		case "sh":
			lastOut = readmeShell(t, b)
		case "text":
			readmeOutput(t, b, lastOut)
		case "lua":
			readmeLua(t, b)
		case "go":
			readmeGo(t, b)
		default:
			t.Errorf("README.md:%d: a %q block the test does not know how to check", b.line, b.lang)
		}
	}
	for _, lang := range []string{"sh", "text", "lua", "go"} {
		if counts[lang] == 0 {
			t.Errorf("README has no %s block: the parser lost them?", lang)
		}
	}
}

func readmeShell(t *testing.T, b block) string {
	t.Helper()
	var out bytes.Buffer
	for i, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
		at := b.line + 1 + i
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if v, ok := strings.CutPrefix(line, "export MAILSCRIPT_ACCOUNT="); ok {
			readmeAccountURL(t, at, strings.Trim(v, "'"))
			continue
		}
		switch line {
		case "go test -race ./...":
			// What CI runs: the CI script must run exactly this (with -count=1).
			ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
			if err == nil && !strings.Contains(string(ci), "go test -race") {
				t.Errorf("README.md:%d: the CI script does not run %q", at, line)
			}
			continue
		case "go install github.com/mailscript/mailscript/cmd/mailscript@latest":
			mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
			if err != nil || !strings.HasPrefix(string(mod), "module github.com/mailscript/mailscript\n") {
				t.Errorf("README.md:%d: go install names a module other than go.mod's", at)
			}
			continue
		}
		args, ok := cliArgs(line)
		if !ok {
			t.Errorf("README.md:%d: %q is a command the test cannot run", at, line)
			continue
		}
		out.Reset()
		ctx, cancel := context.WithCancel(context.Background())
		var err error
		if len(args) > 1 && args[0] == "demo" && args[1] == "--serve" {
			err = runUntil(ctx, cancel, args, &out, "Stop with Ctrl-C.")
		} else if len(args) > 1 && args[0] == "auth" && args[1] == "login" {
			err = readmeAuthLogin(t, args, &out)
		} else {
			var stderr bytes.Buffer
			err = run(ctx, args, &out, &stderr)
			if err != nil {
				t.Errorf("README.md:%d: %s: %v\n%s%s", at, line, err, out.String(), stderr.String())
			}
		}
		cancel()
		if err != nil {
			t.Errorf("README.md:%d: %s: %v", at, line, err)
		}
	}
	return out.String()
}

// cliArgs turns "mailscript ARGS" and "go run ./cmd/mailscript ARGS" into
// the arguments of run.
func cliArgs(line string) ([]string, bool) {
	for _, prefix := range []string{"go run ./cmd/mailscript ", "mailscript "} {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			if strings.ContainsAny(rest, "'\"$|;&<>`\\") {
				return nil, false
			}
			return strings.Fields(rest), true
		}
	}
	return nil, false
}

// runUntil runs a command that serves until interrupted: it is stopped
// once it has printed the line stop.
func runUntil(ctx context.Context, cancel func(), args []string, out *bytes.Buffer, stop string) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if sc.Text() == stop {
			cancel()
		}
	}
	return <-done
}

// readmeOutput checks that every line of an output block is a line of what
// the command before it printed, in order ("..." skips; ports differ).
func readmeOutput(t *testing.T, b block, got string) {
	t.Helper()
	if got == "" {
		t.Errorf("README.md:%d: output shown after no command", b.line)
		return
	}
	lines := strings.Split(portRE.ReplaceAllString(got, "127.0.0.1:PORT"), "\n")
	pos := 0
	for i, want := range strings.Split(strings.TrimRight(b.text, "\n"), "\n") {
		want = portRE.ReplaceAllString(strings.TrimRight(want, " "), "127.0.0.1:PORT")
		if want == "..." {
			continue
		}
		found := false
		for pos < len(lines) {
			pos++
			if strings.TrimRight(lines[pos-1], " ") == want {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md:%d: the command did not print %q (in this order); it printed:\n%s", b.line+1+i, want, got)
			return
		}
	}
}

// requireModulesOf stops when a snippet requires a module the build does
// not have yet (a skip outside CI).
func modulesMissing(src string) []string {
	have := map[string]bool{}
	for _, m := range stdlib.Modules() {
		have[m.Name] = true
	}
	var missing []string
	for _, m := range regexp.MustCompile(`require\("([^"]+)"\)`).FindAllStringSubmatch(src, -1) {
		if !have[m[1]] {
			missing = append(missing, m[1])
		}
	}
	return missing
}

func readmeLua(t *testing.T, b block) {
	t.Helper()
	if missing := modulesMissing(b.text); len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Errorf("README.md:%d: modules %v are not registered in stdlib", b.line, missing)
		} else {
			t.Logf("README.md:%d: not run: modules %v are not registered in stdlib yet", b.line, missing)
		}
		return
	}
	// A rule with triggers runs until stopped: the snippet must be part of
	// an example, whose own test delivers mail and checks the reaction.
	if strings.Contains(b.text, "mail.on_new(") || strings.Contains(b.text, "engine.every(") {
		readmeExample(t, b, ".lua")
		return
	}
	f := filepath.Join(t.TempDir(), "snippet.lua")
	if err := os.WriteFile(f, []byte(b.text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--log-format=text", "run", "--demo", f}, &out, &stderr); err != nil {
		t.Errorf("README.md:%d: the Lua snippet failed against the demo server: %v\n%s", b.line, err, stderr.String())
	}
}

// readmeAccountURL checks that mail.account() accepts a URL the README
// shows (the account connects lazily, so no network is needed).
func readmeAccountURL(t *testing.T, at int, u string) {
	t.Helper()
	if len(modulesMissing(`require("mail")`)) > 0 {
		return
	}
	f := filepath.Join(t.TempDir(), "account.lua")
	os.WriteFile(f, []byte(`print(require("mail").account().name)`), 0o644)
	t.Setenv("MAILSCRIPT_ACCOUNT", u)
	var out, stderr bytes.Buffer
	if err := run(context.Background(), []string{"run", f}, &out, &stderr); err != nil {
		t.Errorf("README.md:%d: mail.account() refuses %s: %v\n%s", at, u, err, stderr.String())
	}
}

// readmeGo checks that the Go snippet is, verbatim, part of a Go file of
// the repository's examples, whose own tests build and run it.
func readmeGo(t *testing.T, b block) { readmeExample(t, b, ".go") }

// readmeExample checks that the snippet is, verbatim, part of an example
// file with the suffix ext (examples are run by their own tests).
func readmeExample(t *testing.T, b block, ext string) {
	t.Helper()
	found := false
	filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ext) && !strings.HasSuffix(p, "_test.go") {
			src, _ := os.ReadFile(p)
			if strings.Contains(string(src), b.text) {
				found = true
			}
		}
		return nil
	})
	if !found {
		t.Errorf("README.md:%d: the snippet is not part of any example (%s)", b.line, ext)
	}
}

// TestReadmeMappingTable compiles both columns of every row of the
// README's Python-to-Lua table: a row that does not parse in its
// language is a lie.
func TestReadmeMappingTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "| Python | Lua |\n|---|---|\n")
	if !ok {
		t.Fatal("README has no Python | Lua table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	cell := regexp.MustCompile("^\\| `(.*)` \\| `(.*)`(?: \\(.*\\))? \\|$")
	var py []string
	rows := 0
	for _, row := range strings.Split(table, "\n") {
		m := cell.FindStringSubmatch(row)
		if m == nil {
			t.Errorf("row %q is not `python` | `lua`", row)
			continue
		}
		rows++
		py = append(py, m[1])
		src := m[2]
		if _, err := luaparse.Parse(strings.NewReader(src), "row"); err != nil {
			if _, err2 := luaparse.Parse(strings.NewReader(src+" end"), "row"); err2 != nil {
				t.Errorf("Lua %q does not compile: %v", src, err)
			}
		}
	}
	if rows < 10 {
		t.Errorf("%d rows in the mapping table", rows)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is required under CI=true: %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	// Each Python cell, completed into a statement, must compile.
	checker := `import ast, sys
for src in sys.stdin.read().split("\n\x00\n"):
    s = src
    if s.startswith("except"):
        s = "try:\n    pass\n" + s
    if s.endswith(":"):
        s += "\n    pass"
    try:
        ast.parse(s)
    except SyntaxError as e:
        print("does not compile: %r: %s" % (src, e))
`
	cmd := exec.Command(python, "-c", checker)
	cmd.Stdin = strings.NewReader(strings.Join(py, "\n\x00\n"))
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("python3: %v\n%s", err, out)
	}
}
