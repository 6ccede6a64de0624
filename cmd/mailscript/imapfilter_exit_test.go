package main

// The exit status of "mailscript imapfilter" is imapfilter's: each case
// runs the built command and imapfilter 2.8 against the test bed, from the
// same starting Maildir, and compares their exit status and the mailboxes
// they leave.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// runExit runs bin with args in dir (also its HOME) and returns its exit
// status and standard output.
func runExit(t *testing.T, bin, dir string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		t.Logf("%s: %v\n%s", filepath.Base(bin), err, stderr.String())
		return ee.ExitCode(), stdout.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String()
}

func TestIMAPFilterExitStatus(t *testing.T) {
	real := needIMAPFilter(t)
	ours := buildMailscript(t)
	b := newBed(t)
	const head = "options.starttls = false\nacct = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }\n"
	tests := []struct {
		name   string
		config string   // written to config.lua, run with -c
		args   []string // instead of -c config.lua
		// want is imapfilter's exit status; ours, when differs is set,
		// is mailscript's where it differs on purpose.
		want, ours int
		differs    bool
	}{
		{name: "success", config: head + "print(#acct.INBOX:select_all())\n", want: 0},
		{name: "Lua error", config: head + "print(#acct.INBOX:select_all())\nerror('giving up')\n", want: 2},
		{name: "syntax error", config: "print('a'\n", want: 2},
		{name: "failed login", config: "options.starttls = false\nacct = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = 'wrong' }\nprint(#acct.INBOX:select_all())\n", want: 2},
		// The moved messages are expunged before the exit, as
		// imapfilter expunges them at once.
		{name: "os.exit(3) after a move", config: head + "acct.INBOX:contain_from('penguin.land'):move_messages(acct['Later'])\nos.exit(3)\n", want: 3},
		{name: "os.exit(false)", config: head + "os.exit(false)\n", want: 1},
		{name: "missing config", args: []string{"-c", "missing.lua"}, want: 2},
		// imapfilter prints its usage and exits 0 for a flag it does not
		// know; mailscript keeps 2, its status for a usage error, so that
		// a mistyped cron line is seen (docs/imapfilter.md).
		{name: "bad flag", args: []string{"-x"}, want: 0, ours: 2, differs: true},
		// become_daemon: imapfilter forks and its parent exits 0 at
		// once; its daemon (kept on our standard output by noclose)
		// runs the passes. mailscript stays in the foreground, so its
		// status is the daemon's: os.exit's, or 2 for a pass that
		// failed, which ends imapfilter's daemon too.
		{name: "daemon os.exit(0) in the second pass", config: head + `local n = 0
become_daemon(1, function()
    n = n + 1
    print('pass', n)
    if n == 2 then
        acct.INBOX:contain_from('penguin.land'):move_messages(acct['Later'])
        os.exit(0)
    end
end, true, true)
`, want: 0},
		{name: "daemon error in the second pass", config: head + `local n = 0
become_daemon(1, function()
    n = n + 1
    print('pass', n)
    if n == 2 then
        acct.INBOX:contain_from('penguin.land'):move_messages(acct['Later'])
        error('second pass')
    end
end, true, true)
`, want: 0, ours: 2, differs: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ourWant := tc.want
			if tc.differs {
				ourWant = tc.ours
			}
			sideBySide(t, b, real, ours, sideCase{config: tc.config, args: tc.args, want: tc.want, ourWant: ourWant})
		})
	}
}

// A sideCase is a config run side by side by imapfilter and mailscript.
type sideCase struct {
	config string   // written to config.lua in a new folder, also HOME
	args   []string // the command line after the program (after "imapfilter" for mailscript); nil: -c config.lua
	// setup prepares the folder before the run (imapfilter's own files).
	setup func(t *testing.T, dir string)
	// want and ourWant are the exit statuses of imapfilter and mailscript.
	want, ourWant int
}

// sideBySide runs c under imapfilter (real) and the built command (ours),
// each from the bed's starting state, and fails unless each exits as c
// says and both leave the same mailboxes and print the same output.
func sideBySide(t *testing.T, b *bed, real, ours string, c sideCase) {
	t.Helper()
	results := map[string][]string{}
	outputs := map[string]string{}
	for _, which := range []string{"imapfilter", "mailscript"} {
		b.reset(t)
		dir := t.TempDir()
		path := filepath.Join(dir, "config.lua")
		if err := os.WriteFile(path, []byte(b.expand(c.config)), 0o600); err != nil {
			t.Fatal(err)
		}
		if c.setup != nil {
			c.setup(t, dir)
		}
		bin, args, want := real, []string{}, c.want
		if which == "mailscript" {
			bin, want = ours, c.ourWant
			args = []string{"--log-format", "text", "--state-dir", filepath.Join(dir, "state"), "imapfilter"}
		}
		if c.args != nil {
			args = append(args, c.args...)
		} else {
			args = append(args, "-c", path)
		}
		code, out := runExit(t, bin, dir, args...)
		if code != want {
			t.Errorf("%s exited %d, want %d", which, code, want)
		}
		results[which], outputs[which] = b.state(t), out
	}
	if !slices.Equal(results["imapfilter"], results["mailscript"]) {
		t.Errorf("the mailboxes differ:\nimapfilter: %q\nmailscript: %q", results["imapfilter"], results["mailscript"])
	}
	if outputs["imapfilter"] != outputs["mailscript"] {
		t.Errorf("the output differs:\nimapfilter: %q\nmailscript: %q", outputs["imapfilter"], outputs["mailscript"])
	}
}
