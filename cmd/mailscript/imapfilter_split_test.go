package main

import (
	"strings"
	"testing"
	"time"

	mailpkg "github.com/mailscript/mailscript/stdlib/mail"
)

// TestIMAPFilterDifferentialBig runs the configs that search and match
// the most on an INBOX of 4,500 messages, where mailscript cuts their
// searches and header fetches in two and does half on a second
// connection: the final state of every mailbox and the printed output
// must be those of imapfilter, as on the small corpus, and the logs must
// show that a second connection did work. (A request is not cut when a
// NOOP took 5 ms or more; on a loaded machine some are not, so the check
// is over the runs of all the configs together.)
func TestIMAPFilterDifferentialBig(t *testing.T) {
	bin := needIMAPFilter(t)
	b := newBedWith(t, bigCorpus(time.Now(), 4500))
	t.Cleanup(mailpkg.CloseScanPools)
	shared := 0
	want := map[string]bool{"popen-password.lua": true, "print-matched.lua": true, "cheatsheet.lua": true, "iranzo-rules.lua": true}
	for _, c := range ifConfigs {
		if !want[c.file] {
			continue
		}
		t.Run(strings.TrimSuffix(c.file, ".lua"), func(t *testing.T) {
			config := c.text(t, b)
			b.reset(t)
			realOut, realErr := b.runReal(t, bin, config)
			realState := b.state(t)
			b.reset(t)
			ourOut, ourErr := b.runOursWith(t, config, c.args, []string{"-v"})
			// The pool's connections are of this Dovecot, which the next
			// reset restarts.
			mailpkg.CloseScanPools()
			ourState := b.state(t)
			if len(realState) < 4000 {
				t.Fatalf("the state lists %d messages, fewer than the INBOX had (4,500, some of them deleted before the run, which the state leaves out)", len(realState))
			}
			sameAsIMAPFilter(t, c, realState, ourState, realOut, ourOut, "imapfilter stderr:\n"+realErr)
			shared += strings.Count(ourErr, "was done on a pool connection")
		})
	}
	if shared == 0 {
		t.Errorf("no search or fetch was shared with a second connection")
	}
	t.Logf("%d searches and fetches were shared with a second connection", shared)
}
