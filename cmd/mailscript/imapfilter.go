package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
)

const imapfilterHelp = `Usage: mailscript [flags] imapfilter [-c FILE] [-e STRING] [-n] [-v] [-d FILE] [-l FILE] [-t FILE]

Runs an imapfilter configuration unchanged: the file is Lua with
imapfilter's API (options, IMAP{...}, mailboxes, result sets, match_*,
regex_search, become_daemon...). Before it runs, the config is checked:
Lua 5.3 syntax, and PCRE patterns that have no RE2 equivalent
(lookaround, backreferences), fail with their line. See
docs/imapfilter.md for what differs.

imapfilter flags:
  -c FILE     the config (default $IMAPFILTER_CONFIG, else
              $IMAPFILTER_HOME/config.lua, else ~/.imapfilter/config.lua;
              "-" reads standard input)
  -e STRING   run STRING instead of a config file
  -n          dry run: log the changes instead of making them
  -v          log more (debug level)
  -d FILE     write a trace of the IMAP traffic to FILE, passwords redacted
  -l FILE     write the log to FILE instead of standard error
  -t FILE     trust the certificates of the PEM FILE too
  -V          print the version and the imapfilter version whose
              configs this runs, and exit

mailscript's flags (--allow-run for pipe_to/pipe_from, --allow-read,
--timeout, ...) work as for "run".

Exit status, as imapfilter's: 0 ok, 2 the config failed (Lua error,
failed login, unreadable config), 5 the server's certificate was not
accepted, N for os.exit(N), 1 stopped by a signal or --timeout; 2 for
a mistake in the command line (imapfilter exits 0).
`

func init() { commandHelp["imapfilter"] = imapfilterHelp }

type imapfilterFlags struct {
	config, exec, debugFile, logFile, trust string
	dry, version                            bool
}

// defaultIMAPFilterConfig is where imapfilter looks for its config.
func defaultIMAPFilterConfig() string {
	if c := os.Getenv("IMAPFILTER_CONFIG"); c != "" {
		return c
	}
	return filepath.Join(imapfilterHome(), "config.lua")
}

// imapfilterHome is imapfilter's folder: $IMAPFILTER_HOME, else
// ~/.imapfilter.
func imapfilterHome() string {
	if h := os.Getenv("IMAPFILTER_HOME"); h != "" {
		return h
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".imapfilter"
	}
	return filepath.Join(home, ".imapfilter")
}

func imapfilterCmd(ctx context.Context, o *options, f *imapfilterFlags, rest []string, stdout, stderr io.Writer) error {
	if f.version {
		// imapfilter -V prints its version and exits, whatever else the
		// command line says.
		fmt.Fprintf(stdout, "mailscript %s (imapfilter %s compatible)\n", versionString(), imapfilter.Compatible)
		return nil
	}
	if len(rest) > 0 {
		return usagef("imapfilter takes no arguments, not %q (the config goes with -c)", rest[0])
	}
	// The API's Lua layer compiles while the config is read and checked
	// and the engine is set up; Install waits for it.
	go imapfilter.Prepare()
	if f.dry {
		o.dryRun = true
	}
	if f.trust != "" {
		// Naming the file on the command line is permission to read it.
		o.perms.Read = append(o.perms.Read, f.trust)
	}
	name, src, err := readIMAPFilterConfig(f)
	if err != nil {
		return configFailed(fmt.Errorf("imapfilter: %w", err))
	}
	// The string escapes of Lua 5.2 (\xHH, \z) are translated before the
	// config is checked and again as the engine reads it to run it.
	src, err = imapfilter.TranslateEscapes(name, src)
	if err == nil {
		err = imapfilter.Check(name, src)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailscript: %v\n", err)
		return reported{configFailed(err)}
	}

	logOut := stderr
	if f.logFile != "" {
		lf, err := os.OpenFile(f.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("imapfilter: %w", err)
		}
		defer lf.Close()
		logOut = lf
	}
	logger := newLogger(o, logOut)
	extra := []engine.Option{engine.WithSetup(func(L *lua.LState) error {
		return imapfilter.Install(L, imapfilter.Options{TrustFile: f.trust, DeferExpunge: true,
			CertificatesFile: filepath.Join(imapfilterHome(), "certificates")})
	}), engine.WithTeardown(imapfilter.Teardown), engine.WithSource(imapfilter.TranslateEscapes)}
	if f.debugFile != "" {
		df, err := os.OpenFile(f.debugFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("imapfilter: %w", err)
		}
		defer df.Close()
		extra = append(extra, engine.WithDebug(df))
	}
	// The pools' connections log out while the trace (-d) and log
	// files are still open, so that they show it.
	defer closeScanPools(poolLogout)
	e := newEngine(o, logger, stdout, stderr, extra...)
	defer publishWhenDaemon(e, o, logger)()
	if f.exec != "" || f.config == "-" {
		_, err = e.RunString(ctx, name, string(src))
	} else {
		_, err = e.Run(ctx, name)
	}
	return imapfilterEnd(ctx, err, stderr)
}

// readIMAPFilterConfig returns the config's name and text: -e's string,
// standard input for -c -, else the file of -c or imapfilter's default.
func readIMAPFilterConfig(f *imapfilterFlags) (string, []byte, error) {
	switch {
	case f.exec != "":
		return "(-e)", []byte(f.exec), nil
	case f.config == "-":
		src, err := io.ReadAll(stdin)
		return "(stdin)", src, err
	}
	name := f.config
	if name == "" {
		name = defaultIMAPFilterConfig()
	}
	src, err := os.ReadFile(name)
	return name, src, err
}

// imapfilterEnd describes how a config's run ended (err) on stderr and
// returns the error that gives imapfilter's exit status.
func imapfilterEnd(ctx context.Context, err error, stderr io.Writer) error {
	var ee *engine.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		// os.exit(N): exit status N, as under imapfilter.
		return reported{err}
	}
	describe(stderr, err)
	if ctx.Err() != nil || errors.Is(err, engine.ErrTimeout) {
		// Stopped by a signal (imapfilter exits 1 then) or by --timeout.
		return reported{err}
	}
	return reported{configFailed(err)}
}

// configFailed is a config that could not be read, or failed: a Lua
// error, a failed login or a request that failed. imapfilter exits with
// status 2 (ERROR_CONFIG) for all of them.
func configFailed(err error) error { return statusError{err, 2} }

// publishWhenDaemon publishes the status of the run for "mailscript
// status" once the config has become a daemon (become_daemon registered
// a schedule), so that a config run once never touches the status file
// of a watch. The returned function stops publishing.
func publishWhenDaemon(e *engine.Engine, o *options, logger *slog.Logger) (stop func()) {
	var mu sync.Mutex
	stopPublish := func() {}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			changed := e.StatusChanged()
			if len(e.Status()) > 0 {
				mu.Lock()
				stopPublish = publishStatus(e, o, logger)
				mu.Unlock()
				return
			}
			select {
			case <-changed:
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		stopPublish()
	}
}

// registerIMAPFilterFlags adds imapfilter's own flags to fs.
func registerIMAPFilterFlags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}, f *imapfilterFlags) {
	fs.StringVar(&f.config, "c", "", "")
	fs.StringVar(&f.exec, "e", "", "")
	fs.BoolVar(&f.dry, "n", false, "")
	fs.StringVar(&f.debugFile, "d", "", "")
	fs.StringVar(&f.logFile, "l", "", "")
	fs.StringVar(&f.trust, "t", "", "")
	fs.BoolVar(&f.version, "V", false, "")
}
