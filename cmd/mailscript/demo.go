package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/scripts"
)

const demoHelp = `Usage: mailscript [flags] demo [demo flags]

Starts an IMAP server inside mailscript, on a loopback port, fills it with
a sample mailbox (newsletters, notifications, personal mail in several
languages, attachments, spam), runs the starter rules of scripts/ against
it and prints what each rule did and the mailbox counts before and after.
Nothing leaves the machine and no account is needed.

Scripts find the server as they find a real account: mail.account() with
no argument reads the account URL from the environment variable
MAILSCRIPT_ACCOUNT, which the demo sets for its runs. Scripts using the
imaplib module directly read IMAP_HOST, IMAP_PORT, IMAP_USER and
IMAP_PASSWORD, which it sets too.

Demo flags:
  --serve          only start the server and keep it up until interrupted,
                   printing how to point a script or a mail client at it
  --addr HOST:PORT where to listen (default: a free port on 127.0.0.1);
                   loopback addresses only
  --rules DIR      run the *.lua files of DIR, in name order, instead of
                   the built-in starter rules

The flags of run (--dry-run, --allow-write, ...) apply to the rules.
"mailscript run --demo FILE" runs any script against a fresh demo server.
`

type demoFlags struct {
	serve bool
	addr  string
	rules string
}

// startDemo starts the demo server, on addr when not empty (loopback only:
// the demo account logs in without TLS).
func startDemo(addr string) (*demo.Server, error) {
	if addr != "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, usagef("--addr %q: %v", addr, err)
		}
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, usagef("--addr %q: the demo server listens on loopback addresses only (127.0.0.1, ::1, localhost)", addr)
		}
	}
	return demo.Start(demo.Options{Addr: addr})
}

func demoCmd(ctx context.Context, o *options, d *demoFlags, logger *slog.Logger, stdout, stderr io.Writer) error {
	srv, err := startDemo(d.addr)
	if err != nil {
		return err
	}
	defer srv.Close()
	if d.serve {
		return serveDemo(ctx, srv, stdout)
	}

	rules, cleanup, err := demoRules(d.rules)
	if err != nil {
		return err
	}
	defer cleanup()

	// The report shows what the rules logged; -v also logs it as usual.
	var next slog.Handler
	if o.verbose {
		next = logger.Handler()
	}
	rec := demo.NewRecorder(next)
	e := newEngine(o, slog.New(rec), stdout, stderr, engine.WithCapture(), engine.WithEnv(srv.LookupEnv))
	rep, err := srv.RunRules(ctx, demo.RunConfig{Engine: e, Recorder: rec, DryRun: o.dryRun}, rules)
	if rep != nil {
		rep.Write(stdout)
	}
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, `
Next:
  mailscript demo --serve            keep the server up; point scripts or a mail client at it
  mailscript run --demo FILE.lua     run any script against a fresh demo mailbox
  mailscript help                    every command and flag
`)
	if n := rep.Failed(); n > 0 {
		return reported{fmt.Errorf("%d of %d rules failed", n, len(rep.Rules))}
	}
	return nil
}

// demoRules returns the rules to run: the *.lua files of dir in name
// order, or, when dir is empty, the built-in starter rules written to a
// temporary folder (removed by cleanup).
func demoRules(dir string) (rules []demo.Rule, cleanup func(), err error) {
	cleanup = func() {}
	fsys := fs.FS(scripts.FS)
	shown := "scripts"
	if dir != "" {
		fsys, shown = os.DirFS(dir), dir
	}
	names, err := fs.Glob(fsys, "*.lua")
	if err != nil {
		return nil, cleanup, err
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, cleanup, fmt.Errorf("no rules (*.lua files) in %s", shown)
	}
	root := dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "mailscript-demo-")
		if err != nil {
			return nil, cleanup, err
		}
		cleanup = func() { os.RemoveAll(tmp) }
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err == nil {
				err = os.WriteFile(filepath.Join(tmp, n), b, 0o644)
			}
			if err != nil {
				cleanup()
				return nil, func() {}, err
			}
		}
		root = tmp
	}
	for _, n := range names {
		rules = append(rules, demo.Rule{Name: filepath.ToSlash(filepath.Join(shown, n)), Path: filepath.Join(root, n)})
	}
	return rules, cleanup, nil
}

// serveDemo prints how to reach the server and keeps it up until ctx is
// done.
func serveDemo(ctx context.Context, srv *demo.Server, stdout io.Writer) error {
	host, port, _ := net.SplitHostPort(srv.Addr())
	smtpHost, smtpPort, _ := net.SplitHostPort(srv.SMTPAddr())
	fmt.Fprintf(stdout, `Demo IMAP server listening on %s with %d sample messages.

  user      %s
  password  %s
  security  none: plain IMAP, acceptable on loopback only

Scripts find it through the environment variable %s, the way they
find a real account:

  export %s='%s'
  mailscript run scripts/20-newsletters.lua

Scripts that use the imaplib module directly, as translated from Python,
take the server from IMAP_HOST, IMAP_PORT, IMAP_USER and IMAP_PASSWORD:

  export IMAP_HOST=%s IMAP_PORT=%s IMAP_USER=%s IMAP_PASSWORD=%s

Scripts that send with smtplib take the demo's SMTP server, which
delivers every message it accepts into the demo INBOX, from SMTP_HOST,
SMTP_PORT, SMTP_USER and SMTP_PASSWORD:

  export SMTP_HOST=%s SMTP_PORT=%s SMTP_USER=%s SMTP_PASSWORD=%s

A mail client: IMAP server %s, port %s, no encryption, normal password.
The mailbox lives in memory: it is gone when the server stops.
Stop with Ctrl-C.
`, srv.Addr(), len(srv.Messages()), demo.User, demo.Password, demo.AccountEnv, demo.AccountEnv, srv.URL(),
		host, port, demo.User, demo.Password, smtpHost, smtpPort, demo.User, demo.Password, host, port)
	<-ctx.Done()
	fmt.Fprintln(stdout, "Demo server stopped.")
	return nil
}

// withDemo runs f with a demo server and the engine option pointing
// scripts at it.
func withDemo(f func(extra ...engine.Option) error) error {
	srv, err := demo.Start(demo.Options{})
	if err != nil {
		return err
	}
	defer srv.Close()
	return f(engine.WithEnv(srv.LookupEnv))
}
