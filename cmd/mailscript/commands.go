package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mailscript/mailscript/engine"
)

// A command is one subcommand of the CLI. A plain command takes its
// arguments as they are; the others parse the shared flags and their own
// (flags), then run with what is left.
type command struct {
	plain func(args []string, stdout, stderr io.Writer) error
	// own parses its own flags (after the shared ones given before the
	// command), as the commands with subcommands do.
	own   func(ctx context.Context, o *options, args []string, stdout, stderr io.Writer) error
	flags func(fs *flag.FlagSet, f *commandFlags)
	run   func(ctx context.Context, c *call, rest []string) error
}

// commandFlags holds the values of every command's own flags.
type commandFlags struct {
	imapfilter imapfilterFlags
	watch      watchFlags
	demo       demoFlags
	runDemo    bool
}

// call is what a command runs with: the parsed flags, its logger and
// output.
type call struct {
	o              *options
	f              *commandFlags
	logger         *slog.Logger
	stdout, stderr io.Writer
}

// commands maps each command name to its command.
var commands = map[string]command{
	"types": {plain: typesCmd},
	"auth":  {own: authCmd},
	"test":  {own: testCmd},
	"runs": {own: func(_ context.Context, o *options, args []string, stdout, _ io.Writer) error {
		return runsCmd(o, args, stdout)
	}},
	"explain": {own: func(_ context.Context, o *options, args []string, stdout, _ io.Writer) error {
		return explainCmd(o, args, stdout)
	}},
	"undo": {own: func(ctx context.Context, o *options, args []string, stdout, _ io.Writer) error {
		return undoCmd(ctx, o, args, stdout)
	}},
	"version": {plain: func(args []string, stdout, _ io.Writer) error {
		if len(args) > 0 {
			return usagef("version takes no arguments")
		}
		fmt.Fprintln(stdout, "mailscript", versionString())
		return nil
	}},
	"help": {plain: func(args []string, stdout, _ io.Writer) error { return help(args, stdout) }},
	"run": {
		flags: func(fs *flag.FlagSet, f *commandFlags) { fs.BoolVar(&f.runDemo, "demo", false, "") },
		run: func(ctx context.Context, c *call, rest []string) error {
			if len(rest) == 0 {
				return usagef("run needs a FILE")
			}
			if c.f.runDemo {
				return withDemo(func(extra ...engine.Option) error {
					return runCmd(ctx, c.o, c.logger, rest[0], rest[1:], c.stdout, c.stderr, extra...)
				})
			}
			return runCmd(ctx, c.o, c.logger, rest[0], rest[1:], c.stdout, c.stderr)
		},
	},
	"demo": {
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.BoolVar(&f.demo.serve, "serve", false, "")
			fs.StringVar(&f.demo.addr, "addr", "", "")
			fs.StringVar(&f.demo.rules, "rules", "", "")
		},
		run: func(ctx context.Context, c *call, rest []string) error {
			if len(rest) > 0 {
				return usagef("demo takes no arguments, not %q", rest[0])
			}
			return demoCmd(ctx, c.o, &c.f.demo, c.logger, c.stdout, c.stderr)
		},
	},
	"imapfilter": {
		flags: func(fs *flag.FlagSet, f *commandFlags) { registerIMAPFilterFlags(fs, &f.imapfilter) },
		run: func(ctx context.Context, c *call, rest []string) error {
			return imapfilterCmd(ctx, c.o, &c.f.imapfilter, rest, c.stdout, c.stderr)
		},
	},
	"check": {run: func(_ context.Context, c *call, rest []string) error {
		if len(rest) == 0 {
			return usagef("check needs at least one FILE")
		}
		return checkCmd(c.o, c.logger, rest, c.stdout, c.stderr)
	}},
	"status": {
		flags: func(fs *flag.FlagSet, f *commandFlags) { fs.StringVar(&f.watch.shard, "shard", "", "") },
		run: func(_ context.Context, c *call, rest []string) error {
			if len(rest) > 0 {
				return usagef("status takes no arguments")
			}
			if c.f.watch.shard != "" {
				sh, err := engine.ParseShard(c.f.watch.shard)
				if err != nil {
					return usagef("--shard: %s", strings.TrimPrefix(err.Error(), "engine: "))
				}
				c.o.stateDir = shardStateDir(c.o, sh)
			}
			return statusCmd(c.o, c.stdout)
		},
	},
	"watch": {
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.BoolVar(&f.watch.noInitial, "no-initial", false, "")
			fs.IntVar(&f.watch.parallel, "parallel", 4, "")
			fs.DurationVar(&f.watch.debounce, "debounce", 100*time.Millisecond, "")
			fs.DurationVar(&f.watch.poll, "poll", 0, "")
			fs.StringVar(&f.watch.listen, "listen", "", "")
			fs.DurationVar(&f.watch.commandTimeout, "command-timeout", 0, "")
			fs.DurationVar(&f.watch.idleRenew, "idle-renew", defaultIdleRenew, "")
			fs.DurationVar(&f.watch.coalesce, "coalesce", defaultCoalesce, "")
			fs.StringVar(&f.watch.shard, "shard", "", "")
		},
		run: func(ctx context.Context, c *call, rest []string) error {
			dir := "scripts"
			switch len(rest) {
			case 0:
			case 1:
				dir = rest[0]
			default:
				return usagef("watch takes one folder, not %d", len(rest))
			}
			if c.f.watch.parallel < 1 {
				return usagef("--parallel must be at least 1")
			}
			return watchCmd(ctx, c.o, &c.f.watch, c.logger, dir, c.stdout, c.stderr)
		},
	},
}
