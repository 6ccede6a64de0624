package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestIMAPFilterSpeed measures the configs of the differential test, but
// the probes written for it, on a 10,000-message INBOX, under imapfilter
// and under the mailscript binary, each from the same starting Maildir,
// and prints the medians of three runs. It is a measurement, not a check: it runs only with
// MAILSCRIPT_BENCH_IMAPFILTER=1 (see bench/README.md), and reports in the
// test log; MAILSCRIPT_BENCH_CONFIGS=a,b limits it to those configs, and
// MAILSCRIPT_BENCH_TRACES=DIR writes a protocol trace of one more run of
// each (imapfilter's -d) into DIR.
func TestIMAPFilterSpeed(t *testing.T) {
	if os.Getenv("MAILSCRIPT_BENCH_IMAPFILTER") != "1" {
		t.Skip("a measurement: set MAILSCRIPT_BENCH_IMAPFILTER=1 to run it")
	}
	bin := needIMAPFilter(t)
	n := 10000
	ours := filepath.Join(t.TempDir(), "mailscript")
	if out, err := exec.Command("go", "build", "-o", ours, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	b := newBedWith(t, bigCorpus(time.Now(), n))
	t.Logf("%-24s %12s %12s %8s", "config", "imapfilter", "mailscript", "speed-up")
	only := os.Getenv("MAILSCRIPT_BENCH_CONFIGS")  // a comma-separated subset
	traces := os.Getenv("MAILSCRIPT_BENCH_TRACES") // a folder for protocol traces
	for _, c := range ifConfigs {
		if c.probe {
			continue // the speed target is for the configs users wrote
		}
		if only != "" && !strings.Contains(","+only+",", ","+strings.TrimSuffix(c.file, ".lua")+",") {
			continue
		}
		config := c.text(t, b)
		dir := t.TempDir()
		path := filepath.Join(dir, "config.lua")
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		// timeRun returns the wall-clock and CPU (user + system) time of
		// one run of the command from the starting state.
		timeRun := func(name string, args ...string) (time.Duration, time.Duration) {
			b.reset(t)
			cmd := exec.Command(name, args...)
			cmd.Env = append(os.Environ(), "HOME="+dir)
			cmd.Dir = dir
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Logf("%s: %v\n%s", filepath.Base(name), err, lastLines(string(out), 5))
			}
			wall := time.Since(start)
			return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		realArgs := func(extra ...string) []string {
			return append([]string{"-c", path, "-t", b.srv.CertFile()}, extra...)
		}
		ourArgs := func(extra ...string) []string {
			args := append([]string{"--log-format", "json", "--state-dir", filepath.Join(dir, "state")}, c.args...)
			return append(append(args, "imapfilter", "-c", path, "-t", b.srv.CertFile()), extra...)
		}
		name := strings.TrimSuffix(c.file, ".lua")
		if traces != "" {
			// One untimed run each with a protocol trace, to count the
			// commands sent.
			timeRun(bin, realArgs("-d", filepath.Join(traces, name+".imapfilter.trace"))...)
			timeRun(ours, ourArgs("-d", filepath.Join(traces, name+".mailscript.trace"))...)
		}
		var real, our, realCPU, ourCPU []time.Duration
		for i := 0; i < 3; i++ {
			w, c := timeRun(bin, realArgs()...)
			real, realCPU = append(real, w), append(realCPU, c)
			w, c = timeRun(ours, ourArgs()...)
			our, ourCPU = append(our, w), append(ourCPU, c)
		}
		mr, mo := median(real), median(our)
		t.Logf("%-24s %12s %12s %7.1fx   cpu %s vs %s", name, mr.Round(time.Millisecond), mo.Round(time.Millisecond),
			float64(mr)/float64(mo), median(realCPU).Round(time.Millisecond), median(ourCPU).Round(time.Millisecond))
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// bigCorpus is the corpus with its INBOX grown to n messages: copies of
// the INBOX messages with Message-IDs of their own.
func bigCorpus(now time.Time, n int) []seedBox {
	boxes := corpus(now)
	for i := range boxes {
		if boxes[i].user != dovecottest.DefaultUser || boxes[i].mailbox != "INBOX" {
			continue
		}
		base := boxes[i].msgs
		var grown []dovecottest.Message
		for k := 0; len(grown) < n; k++ {
			m := base[k%len(base)]
			raw := strings.Replace(string(m.Raw), "@corpus.test>", fmt.Sprintf("-%d@corpus.test>", k), 1)
			grown = append(grown, dovecottest.Message{Raw: []byte(raw), Flags: m.Flags, Date: m.Date})
		}
		boxes[i].msgs = grown
	}
	return boxes
}
