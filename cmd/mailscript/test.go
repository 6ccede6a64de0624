package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/rulecheck"
	"github.com/mailscript/mailscript/journal"
	mailrules "github.com/mailscript/mailscript/stdlib/mail"
)

const testHelp = `Usage: mailscript [flags] test [test flags] [RULES...]

Runs rules against sample mail instead of a mailbox, and checks where every
message ends up. RULES are rule files and folders (default ./scripts); a
folder's *.lua files run in name order, one after the other, against an
IMAP server inside mailscript that holds the fixtures: nothing leaves the
machine.

The fixtures are a folder with one sub-folder per mailbox (INBOX,
Lists/Go, ...) holding one message per .eml file, or mbox files
(Lists/go.mbox holds mailbox Lists/go; its messages are go.mbox#1, #2...).
An optional flags.txt at its root gives flags and internal dates, one line
a message, columns separated by a tab or two spaces:

  INBOX/boss.eml    -2d  \Seen \Flagged
  Junk/offer.eml    2026-10-03T09:15:00Z

(a date is an RFC 3339 time or an age: -40d, -3h, -15m; without one, the
message's Date header). An empty mailbox is a folder with a file such as
.keep in it.

The expectations file says where each message must end up:

  # fixture         mailbox         flags
  INBOX/boss.eml    INBOX           \Seen \Flagged
  INBOX/news.eml    Gopher Weekly
  Junk/offer.eml    -

"-" means expunged; "()" means no flags; without flags they are not
checked. A message the file does not name must stay where it was with its
flags. Every message that does not end as expected gets a line saying what
was expected, what happened and which rule changed it; the last line is
"N passed, N failed". The exit status is 1 when a message or a rule failed,
so "mailscript test" can run in your own CI.

Test flags:
  --fixtures DIR   the fixture folder (default: testdata/fixtures in the
                   first RULES folder, or beside the first rule file)
  --expect FILE    the expectations file (default: expect.txt beside the
                   fixture folder)
  --explain        under each message that failed, what the rules did to
                   it and why (the SEARCH or match that chose it)
  --record         instead of checking, write the expectations file from
                   what the rules did (check the result, e.g. with git diff)
  --init DIR       instead of testing, write DIR/fixtures and
                   DIR/expect.txt from the newest messages of the account
                   in MAILSCRIPT_ACCOUNT, read-only; expect.txt then says
                   "every message stays where it is": edit it
  --mailbox NAME   with --init: a mailbox to copy (repeatable; default INBOX)
  --last N         with --init: the newest N messages of each (default 50)

The flags of run apply to the rules (--allow-read, --timeout, ...); -v also
shows the messages that passed and what each rule printed.
`

type testFlags struct {
	fixtures  string
	expect    string
	init      string
	record    bool
	explain   bool
	mailboxes []string
	last      int
}

type stringsFlag struct{ list *[]string }

func (s stringsFlag) String() string {
	if s.list == nil {
		return ""
	}
	return strings.Join(*s.list, ",")
}

func (s stringsFlag) Set(v string) error {
	*s.list = append(*s.list, v)
	return nil
}

func testCmd(ctx context.Context, o *options, args []string, stdout, stderr io.Writer) error {
	var t testFlags
	flags := newFlagSet("test")
	flags.StringVar(&t.fixtures, "fixtures", "", "")
	flags.StringVar(&t.expect, "expect", "", "")
	flags.StringVar(&t.init, "init", "", "")
	flags.BoolVar(&t.record, "record", false, "")
	flags.BoolVar(&t.explain, "explain", false, "")
	flags.Var(stringsFlag{&t.mailboxes}, "mailbox", "")
	flags.IntVar(&t.last, "last", 50, "")
	rest, err := parse(flags, o, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, testHelp)
		}
		return err
	}
	if t.init != "" {
		if len(rest) > 0 {
			return usagef("test --init takes no RULES")
		}
		return testInit(ctx, o, &t, stdout)
	}
	if len(t.mailboxes) > 0 {
		return usagef("--mailbox goes with --init")
	}
	if len(rest) == 0 {
		rest = []string{"scripts"}
	}
	rules, fixtures, err := testRules(rest)
	if err != nil {
		return err
	}
	if t.fixtures != "" {
		fixtures = t.fixtures
	}
	expectFile := t.expect
	if expectFile == "" {
		expectFile = filepath.Join(filepath.Dir(filepath.Clean(fixtures)), rulecheck.ExpectFile)
	}
	fx, err := rulecheck.LoadFixtures(fixtures, time.Now())
	if err != nil {
		return err
	}
	var expect map[string]rulecheck.Expectation
	if _, err := os.Stat(expectFile); t.record && errors.Is(err, fs.ErrNotExist) {
		expect = rulecheck.DefaultExpectations(fx)
	} else if expect, err = rulecheck.ReadExpectations(expectFile, fx); err != nil {
		return err
	}
	state, err := os.MkdirTemp("", "mailscript-test-state-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	res, err := rulecheck.Run(ctx, fx, expect, rules, testRunner(o, stderr, state))
	if err != nil {
		return err
	}
	if t.explain {
		res.Explain = func(out *rulecheck.Outcome) string { return explainFixture(state, out.Fixture) }
	}
	if t.record {
		return recordExpectations(res, expectFile, stdout)
	}
	if err := res.Write(stdout, expectFile, o.verbose); err != nil {
		return err
	}
	if f, r := res.Failed(), res.RulesFailed(); f > 0 || r > 0 {
		return reported{fmt.Errorf("%d messages not as expected, %d rules failed", f, r)}
	}
	return nil
}

// testRunner runs each rule in an engine of its own, pointed at the test
// server, with the state folder of this test (new for each "mailscript
// test", so that a test does not depend on earlier ones); the journals of
// the runs stay there for --explain.
func testRunner(o *options, stderr io.Writer, state string) rulecheck.RunFunc {
	return func(ctx context.Context, r rulecheck.Rule, url string) (string, error) {
		logger := slog.New(slog.DiscardHandler)
		if o.verbose {
			logger = newLogger(o, stderr)
		}
		env := func(name string) (string, bool) {
			if name == mailrules.AccountEnv {
				return url, true
			}
			return os.LookupEnv(name)
		}
		e := newEngine(o, logger, io.Discard, stderr, engine.WithCapture(), engine.WithEnv(env), engine.WithStateDir(state))
		res, err := e.Run(ctx, r.Path)
		out := ""
		if res != nil {
			out = string(res.Output)
		}
		return out, err
	}
}

// testRules lists the rules to run and the default fixture folder.
func testRules(args []string) ([]rulecheck.Rule, string, error) {
	var rules []rulecheck.Rule
	fixtures := ""
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, "", err
		}
		if !st.IsDir() {
			rules = append(rules, rulecheck.Rule{Name: filepath.ToSlash(a), Path: a})
			if fixtures == "" {
				fixtures = filepath.Join(filepath.Dir(a), "testdata", "fixtures")
			}
			continue
		}
		names, err := filepath.Glob(filepath.Join(a, "*.lua"))
		if err != nil {
			return nil, "", err
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, "", fmt.Errorf("no rules (*.lua files) in %s", a)
		}
		for _, n := range names {
			rules = append(rules, rulecheck.Rule{Name: filepath.ToSlash(n), Path: n})
		}
		if fixtures == "" {
			fixtures = filepath.Join(a, "testdata", "fixtures")
		}
	}
	return rules, fixtures, nil
}

// testInit writes fixtures from the account in MAILSCRIPT_ACCOUNT.
func testInit(ctx context.Context, o *options, t *testFlags, stdout io.Writer) error {
	u, ok := os.LookupEnv(mailrules.AccountEnv)
	if !ok || u == "" {
		return usagef("test --init reads the account from %s, which is not set", mailrules.AccountEnv)
	}
	cfg, err := mailrules.ParseURL(u)
	if err != nil {
		return err
	}
	perms := o.perms
	if o.allowAll {
		perms = host.All()
	}
	h := &host.Host{Context: ctx, Perms: perms, Stdout: io.Discard, Logger: slog.New(slog.DiscardHandler)}
	acct, err := mailrules.NewAccount(cfg, h)
	if err != nil {
		return err
	}
	defer acct.Close()
	m, err := acct.Conn()
	if err != nil {
		return err
	}
	n, err := rulecheck.Init(m, t.init, rulecheck.InitOptions{Mailboxes: t.mailboxes, Last: t.last})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %d messages to %s and where they are now to %s.\n"+
		"Edit %s to say where your rules must put them, then run: mailscript test RULES --fixtures %s\n",
		n, filepath.Join(t.init, "fixtures"), filepath.Join(t.init, rulecheck.ExpectFile),
		filepath.Join(t.init, rulecheck.ExpectFile), filepath.Join(t.init, "fixtures"))
	return nil
}

// recordExpectations replaces the expectations file with what happened.
func recordExpectations(res *rulecheck.Result, file string, stdout io.Writer) error {
	var b strings.Builder
	if err := res.WriteExpectations(&b); err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return err
	}
	if n := res.RulesFailed(); n > 0 {
		return reported{fmt.Errorf("recorded %s, but %d rules failed", file, n)}
	}
	fmt.Fprintf(stdout, "Recorded where %d messages ended in %s.\n", len(res.Outcomes), file)
	return nil
}

// explainFixture shows what the journals of the test's runs say about a
// fixture, found by its Message-ID.
func explainFixture(state string, f *rulecheck.Fixture) string {
	id := f.MessageID()
	if id == "" {
		return "(no Message-ID: the journal cannot tell this message apart)\n"
	}
	dir := filepath.Join(state, engine.JournalDir)
	runs, err := journal.Runs(dir)
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	for i := len(runs) - 1; i >= 0; i-- {
		entries, err := journal.Read(dir, runs[i].ID)
		if err != nil {
			continue
		}
		var one strings.Builder
		if writeExplain(&one, entries, id) == nil {
			b.WriteString(one.String())
		}
	}
	if b.Len() == 0 {
		return "no rule acted on it\n"
	}
	return b.String()
}
