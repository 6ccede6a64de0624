package main

import (
	"fmt"
	"os"
	"path/filepath"
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
// is over the runs of all the configs together, and the configs run
// again, up to three rounds, while no request was shared.)
func TestIMAPFilterDifferentialBig(t *testing.T) {
	bin := needIMAPFilter(t)
	b := newBedWith(t, bigCorpus(time.Now(), 4500))
	t.Cleanup(mailpkg.CloseScanPools)
	shared := 0
	want := map[string]bool{"popen-password.lua": true, "print-matched.lua": true, "cheatsheet.lua": true, "iranzo-rules.lua": true}
	for round := 1; round <= 3 && shared == 0; round++ {
		for _, c := range ifConfigs {
			if !want[c.file] {
				continue
			}
			name := fmt.Sprintf("%s-round%d", strings.TrimSuffix(c.file, ".lua"), round)
			shared += runBigConfig(t, b, bin, c, name)
		}
	}
	if shared == 0 {
		t.Errorf("no search or fetch was shared with a second connection in three rounds")
	}
	t.Logf("%d searches and fetches were shared with a second connection", shared)
}

// runBigConfig runs one config of TestIMAPFilterDifferentialBig under both
// programs and returns how many of mailscript's requests were shared with
// a second connection.
func runBigConfig(t *testing.T, b *bed, bin string, c ifConfig, name string) (shared int) {
	t.Run(name, func(t *testing.T) {
		config := c.text(t, b)
		b.reset(t)
		realOut, realErr := b.runReal(t, bin, config)
		realState := b.state(t)
		b.reset(t)
		trace := filepath.Join(t.TempDir(), "trace")
		ourOut, ourErr := b.runOursWith(t, config, c.args, []string{"-v", "-d", trace})
		ourState := b.state(t)
		// Every connection, the pool's too, was logged out before the
		// command returned.
		if opened, closed := countLogins(t, trace); opened != closed {
			t.Errorf("%d connections logged in, %d logged out", opened, closed)
		}
		if len(realState) < 4000 {
			t.Fatalf("the state lists %d messages, fewer than the INBOX had (4,500, some of them deleted before the run, which the state leaves out)", len(realState))
		}
		sameAsIMAPFilter(t, c, realState, ourState, realOut, ourOut, "imapfilter stderr:\n"+realErr)
		shared = strings.Count(ourErr, "was done on a pool connection")
	})
	return shared
}

// countLogins counts the connections of a protocol trace (-d) that logged
// in and those that logged out.
func countLogins(t *testing.T, trace string) (opened, closed int) {
	t.Helper()
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if _, cmd, ok := strings.Cut(line, "> b'"); ok {
			if f := strings.Fields(cmd); len(f) > 1 && (f[1] == "LOGIN" || f[1] == "AUTHENTICATE") {
				opened++
			} else if len(f) > 1 && strings.TrimSuffix(f[1], "'") == "LOGOUT" {
				closed++
			}
		}
	}
	if opened == 0 {
		t.Fatalf("no login in the trace %s", trace)
	}
	return opened, closed
}
