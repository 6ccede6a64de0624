package rulecheck

import (
	"fmt"
	"io"
	"strings"
)

// Write writes the report: a line for every rule that failed, a line for
// every fixture that did not end as expected (all of them when verbose),
// and the summary "N passed, N failed".
func (r *Result) Write(w io.Writer, expectFile string, verbose bool) error {
	var b strings.Builder
	for _, rr := range r.Rules {
		if rr.Err != nil {
			fmt.Fprintf(&b, "RULE FAILED %s: %v\n", rr.Rule.Name, rr.Err)
		}
		if verbose && rr.Output != "" {
			fmt.Fprintf(&b, "output of %s:\n%s", rr.Rule.Name, indent(rr.Output))
		}
	}
	for i := range r.Outcomes {
		o := &r.Outcomes[i]
		if o.Passed() && !verbose {
			continue
		}
		status := "FAIL"
		if o.Passed() {
			status = "ok  "
		}
		fmt.Fprintf(&b, "%s %s", status, o.Fixture.Name)
		if s := o.Fixture.Subject(); s != "" {
			fmt.Fprintf(&b, " %q", s)
		}
		fmt.Fprintf(&b, ": expected %s, got %s", describe(o.Expect.Mailbox, o.Expect.Flags), o.got())
		if len(o.ActedBy) == 0 {
			b.WriteString(" (no rule changed it)")
		} else {
			fmt.Fprintf(&b, " (changed by %s)", strings.Join(o.ActedBy, ", "))
		}
		if o.Expect.Line > 0 && !o.Passed() {
			fmt.Fprintf(&b, " [%s:%d]", expectFile, o.Expect.Line)
		}
		b.WriteByte('\n')
		if r.Explain != nil && !o.Passed() {
			if why := r.Explain(o); why != "" {
				b.WriteString(indent(why))
			}
		}
	}
	if verbose {
		for _, p := range r.New {
			fmt.Fprintf(&b, "new message in %s\n", p)
		}
	}
	failed := r.Failed()
	fmt.Fprintf(&b, "%d passed, %d failed\n", len(r.Outcomes)-failed, failed)
	_, err := io.WriteString(w, b.String())
	return err
}

// got shows where the message ended, with its flags.
func (o *Outcome) got() string {
	if len(o.Got) == 0 {
		return "gone"
	}
	parts := make([]string, len(o.Got))
	for i, p := range o.Got {
		parts[i] = describe(p.Mailbox, p.Flags)
	}
	return strings.Join(parts, " and ")
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

// WriteExpectations writes an expectations file that says what happened:
// every fixture's end place, so that the next run passes. It is how
// "mailscript test --record" turns a run the user checked into the
// expectations of the next ones.
func (r *Result) WriteExpectations(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# fixture\tmailbox\tflags (recorded by mailscript test --record: check it)\n")
	for i := range r.Outcomes {
		o := &r.Outcomes[i]
		switch len(o.Got) {
		case 0:
			fmt.Fprintf(&b, "%s\t%s\n", o.Fixture.Name, Gone)
		case 1:
			fmt.Fprintf(&b, "%s\t%s\t%s\n", o.Fixture.Name, o.Got[0].Mailbox, flagsColumn(o.Got[0].Flags))
		default:
			return fmt.Errorf("rulecheck: %s is in %s: an expectations file can say only one place", o.Fixture.Name, o.got())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
