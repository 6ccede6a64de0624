package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mailscript/mailscript/engine"
)

// Rule is a rule file to run.
type Rule struct {
	// Name is how the report shows the rule, such as "scripts/10-junk.lua".
	Name string
	// Path is the file the engine runs.
	Path string
}

// RuleResult is what one rule did.
type RuleResult struct {
	Rule
	// Summary is the first line of the rule's leading comment.
	Summary string
	// Actions are the log records of the run: one per mail action.
	Actions []Record
	// Output is what the rule printed.
	Output string
	// Err is the run's error, nil when the rule succeeded.
	Err error
}

// Report is the outcome of RunRules.
type Report struct {
	// Addr is the server's address and Messages the number of sample
	// messages it was filled with.
	Addr     string
	Messages int
	// DryRun reports whether the rules ran with mail changes only logged.
	DryRun bool
	// Before and After are the mailbox counts around the rules.
	Before, After []Count
	// Rules are the rules' results in the order they ran.
	Rules []RuleResult
}

// Failed returns the number of rules that failed.
func (r *Report) Failed() int {
	n := 0
	for _, rr := range r.Rules {
		if rr.Err != nil {
			n++
		}
	}
	return n
}

// RunConfig says how RunRules runs the rules.
type RunConfig struct {
	// Engine runs the rules. It must capture output (engine.WithCapture),
	// log to Recorder (engine.WithLogger) and see the demo account
	// (engine.WithEnv(s.LookupEnv)).
	Engine   *engine.Engine
	Recorder *Recorder
	// DryRun is only reported: the engine has it already.
	DryRun bool
}

// RunRules counts the mailboxes, runs the rules one after the other in the
// order given, and counts again. A failing rule does not stop the others;
// the error is in its result. The returned error is about the server only.
func (s *Server) RunRules(ctx context.Context, cfg RunConfig, rules []Rule) (*Report, error) {
	if cfg.Engine == nil || cfg.Recorder == nil {
		return nil, errors.New("demo: RunRules needs an engine and its recorder")
	}
	rep := &Report{Addr: s.Addr(), Messages: len(s.messages), DryRun: cfg.DryRun}
	var err error
	if rep.Before, err = s.Counts(ctx); err != nil {
		return nil, err
	}
	for _, r := range rules {
		cfg.Recorder.Take()
		rr := RuleResult{Rule: r, Summary: summary(r.Path)}
		res, err := cfg.Engine.Run(ctx, r.Path)
		if res != nil {
			rr.Output = string(res.Output)
		}
		rr.Err = err
		rr.Actions = cfg.Recorder.Take()
		rep.Rules = append(rep.Rules, rr)
		if ctx.Err() != nil {
			return rep, fmt.Errorf("demo: %w", ctx.Err())
		}
	}
	if rep.After, err = s.Counts(ctx); err != nil {
		return rep, err
	}
	return rep, nil
}

// summary returns the first line of the leading "--" comment of a Lua
// file, "" when there is none.
func summary(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#!") {
			continue
		}
		if strings.HasPrefix(line, "--") && !strings.HasPrefix(line, "--[[") {
			return strings.TrimSpace(strings.TrimLeft(line, "-"))
		}
		return ""
	}
	return ""
}

// Write prints the report for a person to read.
func (r *Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Demo IMAP server on %s (user %s, password %s), filled with %d sample messages.\n", r.Addr, User, Password, r.Messages)
	if r.DryRun {
		fmt.Fprintln(bw, "Dry run: the rules only say what they would do; the mailbox is left as it is.")
	}
	fmt.Fprintf(bw, "\nRules run (%d):\n", len(r.Rules))
	for _, rr := range r.Rules {
		fmt.Fprintf(bw, "\n  %s", rr.Name)
		if rr.Summary != "" {
			fmt.Fprintf(bw, "  %s", rr.Summary)
		}
		fmt.Fprintln(bw)
		for _, a := range rr.Actions {
			fmt.Fprintf(bw, "    - %s\n", a)
		}
		for _, line := range strings.Split(strings.TrimRight(rr.Output, "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(bw, "    > %s\n", line)
			}
		}
		if rr.Err != nil {
			msg := strings.TrimPrefix(rr.Err.Error(), "engine: ")
			fmt.Fprintf(bw, "    FAILED: %s\n", msg)
		}
	}
	fmt.Fprintln(bw)
	writeCounts(bw, r.Before, r.After)
	if f := r.Failed(); f > 0 {
		fmt.Fprintf(bw, "\n%d of %d rules failed.\n", f, len(r.Rules))
	}
	return bw.Flush()
}

// writeCounts prints the mailboxes before and after as a table.
func writeCounts(w io.Writer, before, after []Count) {
	type pair struct{ b, a *Count }
	var names []string
	rows := map[string]*pair{}
	add := func(cs []Count, after bool) {
		for i := range cs {
			c := &cs[i]
			p := rows[c.Mailbox]
			if p == nil {
				p = &pair{}
				rows[c.Mailbox] = p
				names = append(names, c.Mailbox)
			}
			if after {
				p.a = c
			} else {
				p.b = c
			}
		}
	}
	add(before, false)
	add(after, true)
	slices.SortStableFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "INBOX":
			return -1
		case b == "INBOX":
			return 1
		}
		return strings.Compare(a, b)
	})
	width := len("Mailbox")
	for _, n := range names {
		width = max(width, len([]rune(n)))
	}
	cell := func(b, a *Count, get func(*Count) int) string {
		v := func(c *Count) string {
			if c == nil {
				return "-"
			}
			return fmt.Sprint(get(c))
		}
		return fmt.Sprintf("%4s -> %-4s", v(b), v(a))
	}
	fmt.Fprintf(w, "%-*s   %-12s   %-12s   %s\n", width, "Mailbox", "  Messages", "   Unseen", "  Flagged")
	for _, n := range names {
		p := rows[n]
		pad := width - len([]rune(n)) + len(n)
		line := fmt.Sprintf("%-*s   %s   %s   %s", pad, n,
			cell(p.b, p.a, func(c *Count) int { return c.Messages }),
			cell(p.b, p.a, func(c *Count) int { return c.Unseen }),
			cell(p.b, p.a, func(c *Count) int { return c.Flagged }))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}
