package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	mailpkg "github.com/mailscript/mailscript/stdlib/mail"
	lua "github.com/yuin/gopher-lua"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version of the build, or "devel".
var version = ""

// stdin is what scripts read with io.read.
var stdin io.Reader = os.Stdin

const usage = `Usage:
  mailscript [flags] run FILE [ARGS...]   run a script once
  mailscript [flags] check FILE...        compile scripts without running them
  mailscript [flags] watch [DIR]          run the rules of DIR (default ./scripts) as they change
  mailscript [flags] status               show the rules and triggers of a running watch
  mailscript [flags] demo [--serve]       run the starter rules against a built-in sample mailbox
  mailscript [flags] test [RULES...]      check rules against sample mail and expected outcomes
  mailscript [flags] runs [--ids]         list recent runs and what they did
  mailscript [flags] explain RUN-ID [MSG] show what a run did to which message, and why
  mailscript [flags] undo RUN-ID...       reverse what runs did
  mailscript [flags] auth SUBCOMMAND      OAuth2 sign-ins: login NAME, list, show NAME, logout NAME
  mailscript [flags] imapfilter [-c FILE] run an imapfilter config unchanged
  mailscript types [DIR]                  write the editor annotations of the Lua API (default ./types)
  mailscript version                      print the version
  mailscript help [COMMAND]               show help

Flags (before the command or right after it):
  -v                        log more (debug level)
  --debug                   trace IMAP traffic to stderr, passwords redacted
  --timeout DURATION        stop each run after DURATION (30s, 5m, ...)
  --log-format text|json    log format (default: text on a terminal, else json)
  --dry-run                 modules that change mailboxes only log what they would do
  --allow-run               let scripts run programs (os.execute, io.popen)
  --allow-read[=PATH,...]   let scripts read all files, or the listed ones
  --allow-write[=PATH,...]  let scripts write all files, or the listed ones
  --allow-all               all of the above
  --state-dir DIR           where rules keep their state (default
                            $XDG_STATE_HOME/mailscript or ~/.local/state/mailscript)

Without permissions a script may use the network, read environment
variables and the clock, and read and require the files of its folder.

Exit status: 0 ok, 1 a script failed, 2 usage error; os.exit(N) in a
script run with "run" exits with N.
`

var commandHelp = map[string]string{
	"run": `Usage: mailscript [flags] run FILE [ARGS...]

Runs the Lua script FILE once. ARGS are the script's arguments: arg[1],
arg[2], ... and the chunk's "...". Flags after FILE belong to the script.

Run flags (before FILE):
  --demo   run against a fresh demo server with its sample mailbox (see
           "mailscript help demo"): MAILSCRIPT_ACCOUNT, the account
           mail.account() uses by default, points at it for this run
`,
	"demo":    demoHelp,
	"auth":    authHelp,
	"test":    testHelp,
	"runs":    runsHelp,
	"explain": explainHelp,
	"undo":    undoHelp,
	"types":   typesHelp,
	"check": `Usage: mailscript [flags] check FILE...

Compiles each FILE without running it and reports syntax errors.
`,
	"watch": `Usage: mailscript [flags] watch [watch flags] [DIR]

Runs every rule of DIR (default ./scripts) and its subfolders once, then
again whenever it changes, until interrupted. A rule that registers
triggers (mail.on_new, mail.on_change, engine.every, engine.on_file)
stays alive and reacts to them; saving it again restarts it, deleting it
stops it. On SIGTERM or Ctrl-C, callbacks in progress may finish (10s at
most), connections are logged out and state is kept. Files in a folder named lib,
files starting with "_" and files a rule requires are modules: a change to
one runs the rules that require it.

Order: at start the rules run one after another in file-name order (the
order of "demo"; name them 10-junk.lua, 20-newsletters.lua, ... to say
which comes first), each once the previous one's first run is over. Later
runs and callbacks of rules that act on the same account are serialised:
the first command a run or a callback sends to an account waits until no
other rule is working on it, and the account is free again when that run
or callback ends. So two rules never interleave on one mailbox; rules on
different accounts run in parallel.

Connections: the triggers of one account (all rules naming the same user
and server) share its connections. With NOTIFY (RFC 5465, e.g. Dovecot),
one connection watches every mailbox of the account. Without, each
mailbox gets an IDLE connection within the account's budget (the account
key connections, default 10); beyond it, one shared connection polls the
rest with STATUS every poll interval. A rule's own connection, for its
searches and actions, comes on top. "mailscript status" and the log say
which mode each mailbox is in: "idle with NOTIFY", "idle", "polling".

Watch flags:
  --no-initial          do not run every rule at start
  --parallel N          rules running at once (default 4)
  --debounce DURATION   quiet time after a change before running (default 100ms)
  --poll DURATION       list the folders every DURATION instead of using
                        file change notification (network file systems)
  --listen HOST:PORT    serve /healthz and /metrics (Prometheus) there; off
                        unless given, loopback when HOST is empty (":9109")
  --command-timeout D   deadline of each IMAP command and of connecting, for
                        accounts without a timeout of their own (default 60s)
  --idle-renew D        end and restart IDLE after D of silence, a heartbeat
                        that notices a server that stopped answering within
                        D plus the command timeout (default 5m)
  --coalesce D          after the server announces new mail, listen D more
                        for further news before looking, so that a burst
                        makes one callback (default 20ms); it is also the
                        least delay before an on_new callback
  --shard I/N           watch only the accounts (user@host) whose FNV-1a
                        hash modulo N is I, keeping state in the folder
                        shard-I-of-N of the state folder; run N watches,
                        I = 0..N-1, to split many accounts

Only one watch may use a state folder (it holds the lock watch.lock in
it): a second one refuses to start, unless it is another shard.
`,
	"status": `Usage: mailscript [flags] status [--shard I/N]

Prints the rules of the running "mailscript watch" that uses the same
--state-dir, with their triggers (mail.on_new, engine.every, ...) and the
state of each: idle with NOTIFY, idle, polling, reconnecting and why
(NOTIFY, IDLE and polling say how the mailbox is watched), with counts of
callbacks run and failed; and the state of the OAuth2 sign-ins its
accounts use (see "mailscript help auth"). --shard I/N reads the status
of that shard.
`,
	"version": "Usage: mailscript version\n\nPrints the version.\n",
	"help":    "Usage: mailscript help [COMMAND]\n\nShows help on mailscript or one command.\n",
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// reported wraps an error already shown to the user.
type reported struct{ err error }

func (r reported) Error() string { return r.err.Error() }
func (r reported) Unwrap() error { return r.err }

// statusError is a failure that ends the program with an exit status of
// its own (the imapfilter command's are imapfilter's).
type statusError struct {
	err  error
	code int
}

func (e statusError) Error() string { return e.err.Error() }
func (e statusError) Unwrap() error { return e.err }

// exitCode maps run's error to the process exit status.
func exitCode(err error) int {
	var ue *usageError
	var ee *engine.ExitError
	var se statusError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &se):
		return se.code
	}
	return 1
}

// options are the flags shared by the commands.
type options struct {
	verbose   bool
	debug     bool
	dryRun    bool
	timeout   time.Duration
	logFormat string
	perms     host.Permissions
	allowAll  bool
	stateDir  string
}

// pathsFlag is --allow-read / --allow-write: alone it grants everything,
// with =PATH,... it grants those paths (repeatable).
type pathsFlag struct {
	all   *bool
	paths *[]string
}

func (p pathsFlag) IsBoolFlag() bool { return true }

func (p pathsFlag) String() string {
	if p.all == nil {
		return ""
	}
	if *p.all {
		return "true"
	}
	return strings.Join(*p.paths, ",")
}

func (p pathsFlag) Set(s string) error {
	switch s {
	case "true":
		*p.all = true
	case "false":
		*p.all, *p.paths = false, nil
	case "":
		return errors.New("empty path list")
	default:
		for _, path := range strings.Split(s, ",") {
			if path == "" {
				return fmt.Errorf("empty path in %q", s)
			}
			*p.paths = append(*p.paths, path)
		}
	}
	return nil
}

func (o *options) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.verbose, "v", o.verbose, "log more")
	fs.BoolVar(&o.debug, "debug", o.debug, "trace IMAP traffic")
	fs.BoolVar(&o.dryRun, "dry-run", o.dryRun, "only log mailbox changes")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "per-run timeout")
	fs.StringVar(&o.logFormat, "log-format", o.logFormat, "text or json")
	fs.BoolVar(&o.perms.Run, "allow-run", o.perms.Run, "allow running programs")
	fs.Var(pathsFlag{&o.perms.ReadAll, &o.perms.Read}, "allow-read", "allow reading files")
	fs.Var(pathsFlag{&o.perms.WriteAll, &o.perms.Write}, "allow-write", "allow writing files")
	fs.BoolVar(&o.allowAll, "allow-all", o.allowAll, "allow everything")
	fs.StringVar(&o.stateDir, "state-dir", o.stateDir, "state folder")
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run
	return fs
}

// parse parses args with the common flags and extra ones; -h asks for help.
func parse(fs *flag.FlagSet, o *options, args []string) ([]string, error) {
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usagef("%v", err)
	}
	return fs.Args(), nil
}

// run is the whole program: tests call it as main does.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdout, stderr)
	closeScanPools(poolLogout)
	var ue *usageError
	var rep reported
	switch {
	case err == nil, errors.As(err, &rep):
	case errors.Is(err, flag.ErrHelp):
		return nil
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mailscript: %s\nRun 'mailscript help' for usage.\n", ue.msg)
	default:
		fmt.Fprintf(stderr, "mailscript: %v\n", err)
	}
	return err
}

// poolLogout bounds how long the end of a command waits for the scan
// pools' connections to log out.
const poolLogout = 3 * time.Second

// closeScanPools logs out the connections the accounts' scan pools kept
// open for the next big search or scan, so that the server sees them
// leave instead of drop when the process ends; a server that does not
// answer within d does not hold the exit up.
func closeScanPools(d time.Duration) {
	done := make(chan struct{})
	go func() {
		mailpkg.CloseScanPools()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	rest, err := parse(newFlagSet("mailscript"), &o, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return err
	}
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{"no command"}
	}
	name, rest := rest[0], rest[1:]
	cmd, ok := commands[name]
	if !ok {
		return usagef("unknown command %q", name)
	}
	if cmd.run == nil {
		// Only the commands that run scripts start with a higher
		// collector target (startgc.go); newEngine puts it back.
		startFinished()
	}
	if cmd.plain != nil {
		return cmd.plain(rest, stdout, stderr)
	}
	if cmd.own != nil {
		return cmd.own(ctx, &o, rest, stdout, stderr)
	}
	fs := newFlagSet(name)
	var f commandFlags
	if cmd.flags != nil {
		cmd.flags(fs, &f)
	}
	rest, err = parse(fs, &o, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, commandHelp[name])
		return err
	}
	if err != nil {
		return err
	}
	if o.logFormat != "" && o.logFormat != "text" && o.logFormat != "json" {
		return usagef("--log-format must be text or json, not %q", o.logFormat)
	}
	if o.timeout < 0 {
		return usagef("--timeout must not be negative")
	}
	c := &call{o: &o, f: &f, logger: newLogger(&o, stderr), stdout: stdout, stderr: stderr}
	return cmd.run(ctx, c, rest)
}

func help(args []string, stdout io.Writer) error {
	switch len(args) {
	case 0:
		fmt.Fprint(stdout, usage)
		return nil
	case 1:
		if h, ok := commandHelp[args[0]]; ok {
			fmt.Fprint(stdout, h)
			return nil
		}
		return usagef("no help on %q: not a command", args[0])
	}
	return usagef("help takes one command")
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// newLogger makes the logger: text on a terminal, JSON otherwise, unless
// --log-format says.
func newLogger(o *options, stderr io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	hopts := &slog.HandlerOptions{Level: level}
	format := o.logFormat
	if format == "" {
		format = "json"
		if isTerminal(stderr) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(stderr, hopts))
	}
	return slog.New(slog.NewJSONHandler(stderr, hopts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newEngine(o *options, logger *slog.Logger, stdout, stderr io.Writer, extra ...engine.Option) *engine.Engine {
	perms := o.perms
	if o.allowAll {
		perms = host.All()
	}
	opts := []engine.Option{
		engine.WithStdout(stdout),
		engine.WithStderr(stderr),
		engine.WithStdin(stdin),
		engine.WithLogger(logger),
		engine.WithTimeout(o.timeout),
		engine.WithPermissions(perms),
		engine.WithDryRun(o.dryRun),
		engine.WithProgress(newProgress(stderr, logger).report),
	}
	if o.debug {
		opts = append(opts, engine.WithDebug(stderr))
	}
	if dir, err := stateDir(o); err == nil {
		opts = append(opts, engine.WithStateDir(dir))
	} else {
		logger.Warn("state is kept in memory only", "err", err)
	}
	// The last setup: the run's state is ready, so the start is over.
	extra = append(extra, engine.WithSetup(func(*lua.LState) error {
		startFinished()
		return nil
	}))
	return engine.New(append(opts, extra...)...)
}

// describe writes a failed run's error, with its traceback, to w.
func describe(w io.Writer, err error) {
	fmt.Fprintf(w, "mailscript: %s\n", strings.TrimPrefix(err.Error(), "engine: "))
	var se *engine.ScriptError
	if errors.As(err, &se) && se.Traceback != "" {
		fmt.Fprintln(w, se.Traceback)
	}
}

func runCmd(ctx context.Context, o *options, logger *slog.Logger, file string, args []string, stdout, stderr io.Writer, extra ...engine.Option) error {
	e := newEngine(o, logger, stdout, stderr, extra...)
	_, err := e.Run(ctx, file, args...)
	var ee *engine.ExitError
	if err != nil && !errors.As(err, &ee) {
		describe(stderr, err)
	}
	if err != nil {
		return reported{err}
	}
	return nil
}

func checkCmd(o *options, logger *slog.Logger, files []string, stdout, stderr io.Writer) error {
	e := newEngine(o, logger, stdout, stderr)
	failed := 0
	for _, f := range files {
		if err := e.Check(f); err != nil {
			describe(stderr, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", f)
	}
	if failed > 0 {
		return reported{fmt.Errorf("%d of %d files failed the check", failed, len(files))}
	}
	return nil
}

type watchFlags struct {
	noInitial      bool
	parallel       int
	debounce       time.Duration
	poll           time.Duration
	listen         string
	commandTimeout time.Duration
	idleRenew      time.Duration
	coalesce       time.Duration
	shard          string
}

func watchCmd(ctx context.Context, o *options, w *watchFlags, logger *slog.Logger, dir string, stdout, stderr io.Writer) error {
	e, stopDaemon, err := startDaemon(ctx, o, w, logger, stdout, stderr)
	if err != nil {
		return err
	}
	defer stopDaemon()
	wopts := []engine.WatchOption{
		engine.WithParallel(w.parallel),
		engine.WithDebounce(w.debounce),
		engine.WithOnResult(func(r *engine.Result) {
			name := r.File
			if rel, err := filepath.Rel(mustAbs(dir), r.File); err == nil {
				name = filepath.Join(dir, rel)
			}
			if r.Err == nil {
				logger.Info("run ok", "file", name, "duration", r.Duration.Round(time.Millisecond))
				return
			}
			attrs := []any{"file", name, "duration", r.Duration.Round(time.Millisecond), "err", strings.TrimPrefix(r.Err.Error(), "engine: ")}
			var se *engine.ScriptError
			if errors.As(r.Err, &se) && se.Traceback != "" {
				attrs = append(attrs, "traceback", se.Traceback)
			}
			logger.Error("run failed", attrs...)
		}),
	}
	if w.noInitial {
		wopts = append(wopts, engine.WithSkipInitial())
	}
	if w.poll > 0 {
		wopts = append(wopts, engine.WithPolling(w.poll))
	}
	stopStatus := publishStatus(e, o, logger)
	defer stopStatus()
	if err := e.Watch(ctx, dir, wopts...); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "engine: "))
	}
	logger.Info("stopped watching", "dir", dir)
	return nil
}

func mustAbs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
