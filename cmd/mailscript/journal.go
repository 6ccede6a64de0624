package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/journal"
	mailrules "github.com/mailscript/mailscript/stdlib/mail"
)

const runsHelp = `Usage: mailscript [flags] runs [--ids]

Lists the recent runs recorded in the journal of the state folder, newest
first: when each started, its rules, its actions and the messages they
touched, and how many actions failed or were cut short. Every run of a rule
is recorded (run, watch, demo with --state-dir), except dry-runs.

  --ids   print only the run ids, one a line (for scripts)

The journal keeps runs for 30 days (512 MiB at most; checked when a run
starts, at most once an hour).
`

const explainHelp = `Usage: mailscript [flags] explain RUN-ID [MESSAGE-ID|UID]

Shows what a run did and why: for each action, the rule line that called it,
the mailbox, the messages, and how they were chosen: the IMAP SEARCH sent to
the server, or the pattern a :match{} tried and the header value it saw,
raw and decoded. With a Message-ID or a UID, only what concerns that
message.
`

const undoHelp = `Usage: mailscript [flags] undo [--dry-run] RUN-ID...

Reverses what runs did, from their journal, newest run first and each
run's actions in reverse order: moved messages go back to where they were
(found in the destination by the UIDs the server reported, else by
Message-ID), flags get their old values, copies and appended messages are
removed, deleted messages are put back from the copies the journal saved,
and folders a rule created are deleted when empty. Messages come back with
new UIDs. What cannot be undone (a message changed or removed since by
something else) is said plainly.

The accounts are reached as the run reached them (password_cmd needs
--allow-run); a password that was written in the account URL is taken from
MAILSCRIPT_ACCOUNT when it names the same user and host.

  --dry-run   say what would be done, change nothing
`

// journalDir is the journal folder of the state folder.
func journalDir(o *options) (string, error) {
	dir, err := stateDir(o)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, engine.JournalDir), nil
}

func runsCmd(o *options, args []string, stdout io.Writer) error {
	flags := newFlagSet("runs")
	ids := flags.Bool("ids", false, "")
	rest, err := parse(flags, o, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, runsHelp)
		return err
	}
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("runs takes no arguments")
	}
	dir, err := journalDir(o)
	if err != nil {
		return err
	}
	runs, err := journal.Runs(dir)
	if err != nil {
		return err
	}
	if *ids {
		for _, r := range runs {
			fmt.Fprintln(stdout, r.ID)
		}
		return nil
	}
	if len(runs) == 0 {
		fmt.Fprintln(stdout, "No runs in the journal yet.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED\tRULES\tACTIONS\tMESSAGES\tFAILED")
	for _, r := range runs {
		var acts []string
		for _, name := range slices.Sorted(maps.Keys(r.Actions)) {
			acts = append(acts, fmt.Sprintf("%s %d", name, r.Actions[name]))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", r.ID, r.Start.Local().Format("2006-01-02 15:04:05"),
			strings.Join(r.Rules, ","), strings.Join(acts, ", "), r.Messages, r.Failed)
	}
	return tw.Flush()
}

func explainCmd(o *options, args []string, stdout io.Writer) error {
	rest, err := parse(newFlagSet("explain"), o, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, explainHelp)
		return err
	}
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		return usagef("explain takes a RUN-ID and optionally a Message-ID or UID")
	}
	dir, err := journalDir(o)
	if err != nil {
		return err
	}
	entries, err := journal.Read(dir, rest[0])
	if err != nil {
		return err
	}
	filter := ""
	if len(rest) == 2 {
		filter = rest[1]
	}
	return writeExplain(stdout, entries, filter)
}

// writeExplain prints what the run's actions did and why; with filter
// (a Message-ID or a UID) only about that message.
func writeExplain(w io.Writer, entries []journal.Entry, filter string) error {
	ends := map[int]journal.Entry{}
	for _, e := range entries {
		if e.Phase == journal.End {
			ends[e.Of] = e
		}
	}
	shown := 0
	for _, b := range entries {
		if b.Phase != journal.Begin {
			continue
		}
		uids := b.UIDs
		if filter != "" {
			uids = matching(b, filter)
			if len(uids) == 0 {
				continue
			}
		}
		shown++
		e, ended := ends[b.Seq]
		fmt.Fprintf(w, "%s %s\n", b.Where, describeAction(b))
		switch {
		case !ended:
			fmt.Fprintln(w, "  cut short: the journal has no record of its end")
		case e.Err != "":
			fmt.Fprintf(w, "  failed: %s (%d confirmed)\n", e.Err, e.Count)
		default:
			fmt.Fprintf(w, "  %d confirmed by the server\n", e.Count)
		}
		for _, r := range b.Why {
			switch {
			case r.Search != "":
				fmt.Fprintf(w, "  chosen by %s: SEARCH %s\n", r.Where, r.Search)
			case r.Match != "":
				fmt.Fprintf(w, "  chosen by %s: match %s /%s/\n", r.Where, r.Match, r.Pattern)
				for _, uid := range uids {
					if v, ok := r.Values[uid]; ok {
						pad := strings.Repeat(" ", len("UID : ")+len(strconv.Itoa(int(uid))))
						fmt.Fprintf(w, "    UID %d: raw     %q\n", uid, v[0])
						fmt.Fprintf(w, "    %sdecoded %q\n", pad, v[1])
					}
				}
			}
		}
		if filter != "" || len(uids) <= 20 {
			for _, uid := range uids {
				id := b.MessageIDs[uid]
				if id == "" {
					id = "(no Message-ID)"
				}
				fmt.Fprintf(w, "  UID %d %s flags %s\n", uid, id, flagList(b.Flags[uid]))
			}
		}
	}
	if shown == 0 {
		if filter != "" {
			return fmt.Errorf("explain: the run did nothing to %s", filter)
		}
		fmt.Fprintln(w, "The run did nothing to mail.")
	}
	return nil
}

// matching returns the UIDs of b that filter names, by Message-ID or UID.
func matching(b journal.Entry, filter string) []uint32 {
	var out []uint32
	n, err := strconv.ParseUint(filter, 10, 32)
	for _, uid := range b.UIDs {
		id := b.MessageIDs[uid]
		if (err == nil && uint32(n) == uid) || (id != "" && (id == filter || strings.Trim(id, "<>") == strings.Trim(filter, "<>"))) {
			out = append(out, uid)
		}
	}
	return out
}

func describeAction(b journal.Entry) string {
	n := len(b.UIDs)
	switch b.Action {
	case "move", "copy":
		dest := b.Dest
		if b.DestAccount != "" {
			dest = b.DestAccount + ":" + dest
		}
		return fmt.Sprintf("%s %d messages from %s to %s (%s)", b.Action, n, b.Mailbox, dest, b.Account)
	case "store":
		return fmt.Sprintf("store %s %s on %d messages in %s (%s)", b.Op, strings.Join(b.StoreFlags, " "), n, b.Mailbox, b.Account)
	case "append", "create":
		return fmt.Sprintf("%s %s (%s)", b.Action, b.Mailbox, b.Account)
	}
	return fmt.Sprintf("%s %d messages in %s (%s)", b.Action, n, b.Mailbox, b.Account)
}

func flagList(f []string) string {
	if len(f) == 0 {
		return "()"
	}
	return strings.Join(f, " ")
}

func undoCmd(ctx context.Context, o *options, args []string, stdout io.Writer) error {
	flags := newFlagSet("undo")
	rest, err := parse(flags, o, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, undoHelp)
		return err
	}
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("undo needs a RUN-ID (mailscript runs lists them)")
	}
	dir, err := journalDir(o)
	if err != nil {
		return err
	}
	ids := slices.Clone(rest)
	sort.Sort(sort.Reverse(sort.StringSlice(ids))) // newest first: run ids sort by time
	perms := o.perms
	if o.allowAll {
		perms = host.All()
	}
	h := &host.Host{Context: ctx, Perms: perms, Stdout: io.Discard, Logger: slog.New(slog.DiscardHandler)}
	u := &mailrules.Undo{Dir: dir, DryRun: o.dryRun, Account: func(name string, rec json.RawMessage) (*mailrules.Account, error) {
		return undoAccount(name, rec, h)
	}}
	problems := 0
	for _, id := range ids {
		entries, err := journal.Read(dir, id)
		if err != nil {
			return err
		}
		steps, err := u.Run(entries)
		if err != nil && len(steps) == 0 {
			return fmt.Errorf("undo %s: %w", id, err)
		}
		verb := "undone"
		if o.dryRun {
			verb = "would be undone"
		}
		fmt.Fprintf(stdout, "Run %s:\n", id)
		for _, st := range steps {
			switch {
			case st.Action == "create" && len(st.Problems) == 0:
				fmt.Fprintf(stdout, "  %s create %s: the folder %s\n", st.Where, st.Mailbox, map[bool]string{false: "is deleted", true: "would be deleted"}[o.dryRun])
			case st.Action == "create":
				fmt.Fprintf(stdout, "  %s create %s:\n", st.Where, st.Mailbox)
			default:
				fmt.Fprintf(stdout, "  %s %s: %d of %d %s\n", st.Where, undoWhat(st), st.Restored, max(st.Messages, st.Restored), verb)
			}
			for _, p := range st.Problems {
				fmt.Fprintf(stdout, "    cannot undo: %s\n", p)
				problems++
			}
		}
		if len(steps) == 0 {
			fmt.Fprintln(stdout, "  nothing to undo")
		}
		if err != nil {
			return err
		}
	}
	if problems > 0 {
		return reported{fmt.Errorf("%d things could not be undone", problems)}
	}
	return nil
}

func undoWhat(st mailrules.UndoStep) string {
	switch st.Action {
	case "move", "copy":
		return fmt.Sprintf("%s %s -> %s", st.Action, st.Mailbox, st.Dest)
	}
	return st.Action + " " + st.Mailbox
}

// undoAccount reaches an account as the journal recorded it. A password
// that was not recorded (it was written in the account URL) comes from
// MAILSCRIPT_ACCOUNT when that names the same user and host.
func undoAccount(name string, rec json.RawMessage, h *host.Host) (*mailrules.Account, error) {
	if rec == nil {
		if u, ok := os.LookupEnv(mailrules.AccountEnv); ok {
			if cfg, err := mailrules.ParseURL(u); err == nil && cfg.User+"@"+cfg.Host == name {
				return mailrules.NewAccount(cfg, h)
			}
		}
		return nil, fmt.Errorf("undo: the journal does not say how to reach %s", name)
	}
	cfg, err := mailrules.ConfigFromJournal(rec)
	if err != nil {
		return nil, err
	}
	if cfg.PasswordCmd == "" && cfg.PasswordEnvVar == "" && cfg.OAuth2 == nil {
		if u, ok := os.LookupEnv(mailrules.AccountEnv); ok {
			if env, err := mailrules.ParseURL(u); err == nil && env.User == cfg.User && env.Host == cfg.Host && env.Password != "" {
				cfg.Password = env.Password
			}
		}
	}
	return mailrules.NewAccount(cfg, h)
}
