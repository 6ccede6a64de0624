//go:build bench

package bench

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/mailgen"
)

// A run is one timed process.
type run struct {
	d    time.Duration
	rss  int64         // peak resident set, bytes
	cpu  time.Duration // user and system CPU time (processes only)
	out  string
	fail string // why the process failed or was stopped; empty when it succeeded
}

// runProcess runs argv with env and returns its time, peak RSS and output;
// it fails the test when the process fails.
func runProcess(t *testing.T, env []string, argv ...string) run {
	t.Helper()
	r := runLimited(t, 0, env, argv...)
	if r.fail != "" {
		t.Fatalf("%s: %s", strings.Join(argv, " "), r.fail)
	}
	return r
}

// runLimited is runProcess for a process that may fail or run too long: it
// stops the process after limit (when not zero) and says why in run.fail.
// The peak RSS comes from /usr/bin/time when it is installed: a process
// started straight from this (large) test process would report this
// process's peak as its own, as its memory is shared until exec.
func runLimited(t *testing.T, limit time.Duration, env []string, argv ...string) run {
	t.Helper()
	var rssFile string
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp(t.TempDir(), "rss")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		rssFile = f.Name()
		argv = append([]string{"/usr/bin/time", "-f", "%M %U %S", "-o", rssFile}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Its own process group, so that a stop reaches the contender under
	// /usr/bin/time too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stopped atomic.Bool
	if limit > 0 {
		timer := time.AfterFunc(limit, func() {
			stopped.Store(true)
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		})
		defer timer.Stop()
	}
	err := cmd.Wait()
	d := time.Since(start)
	switch {
	case stopped.Load():
		return run{d: d, fail: fmt.Sprintf("stopped after %v", limit)}
	case err != nil:
		return run{d: d, fail: fmt.Sprintf("%v after %v: %s", err, d.Round(time.Millisecond), lastLine(stderr.String()+stdout.String()))}
	}
	var rss int64
	var cpu time.Duration
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			t.Fatal(err)
		}
		var kib int64
		var user, sys float64
		if _, err := fmt.Sscan(string(b), &kib, &user, &sys); err != nil {
			t.Fatalf("/usr/bin/time wrote %q", b)
		}
		rss = kib << 10
		cpu = time.Duration((user + sys) * float64(time.Second))
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // KiB on Linux
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return run{d: d, rss: rss, cpu: cpu, out: strings.Join(strings.Fields(stdout.String()), " ")}
}

// lastLine returns the last non-empty line of s: a traceback's verdict.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// series is the runs of one contender.
type series []run

// times returns the wall-clock times of the runs, in the order they ran.
func (s series) times() []time.Duration {
	out := make([]time.Duration, len(s))
	for i, r := range s {
		out[i] = r.d
	}
	return out
}

func (s series) median() run {
	if len(s) == 0 {
		return run{}
	}
	ds := make([]time.Duration, len(s))
	cs := make([]time.Duration, len(s))
	rs := make([]int64, len(s))
	for i, r := range s {
		ds[i], cs[i], rs[i] = r.d, r.cpu, r.rss
	}
	slices.Sort(ds)
	slices.Sort(cs)
	slices.Sort(rs)
	return run{d: ds[len(ds)/2], cpu: cs[len(cs)/2], rss: rs[len(rs)/2], out: s[len(s)-1].out}
}

// A contender is one program or call that a benchmark times.
type contender struct {
	name string
	f    func() run
}

// rounds runs every contender warm times untimed, then n times timed, in
// turn (so that a busy machine slows them alike), and returns the timed
// runs by name. before, when set, runs untimed ahead of every run.
func rounds(warm, n int, before func(), cs ...contender) map[string]series {
	out := map[string]series{}
	for i := 0; i < warm+n; i++ {
		for _, c := range cs {
			if before != nil {
				before()
			}
			r := c.f()
			if i >= warm {
				out[c.name] = append(out[c.name], r)
			}
		}
	}
	return out
}

// timeIt times f as a run.
func timeIt(f func() string) run {
	start := time.Now()
	out := f()
	return run{d: time.Since(start), out: out}
}

// A report collects the results and prints them as they come.
type report struct {
	lines []string
	met   map[string]bool
}

func (r *report) printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.lines = append(r.lines, s)
	fmt.Fprintln(os.Stdout, s)
}

// ratio prints one comparison: what against its baseline, the ratio, and
// whether it meets the target (ratio at most max).
func (r *report) ratio(id, what string, v, base float64, unit string, max float64) {
	r.compare(id, what, v, base, unit, "<=", max)
}

// ratioAtLeast is ratio for a target that is a minimum.
func (r *report) ratioAtLeast(id, what string, v, base float64, unit string, min float64) {
	r.compare(id, what, v, base, unit, ">=", min)
}

// missed records a target that has no figure to compare, and why.
func (r *report) missed(id, why string) {
	if r.met == nil {
		r.met = map[string]bool{}
	}
	r.met[id] = false
	r.printf("  %-5s MISSED: %s", id, why)
}

func (r *report) compare(id, what string, v, base float64, unit, op string, target float64) {
	q := v / base
	ok := q <= target
	if op == ">=" {
		ok = q >= target
	}
	verdict := "met"
	if !ok {
		verdict = "MISSED"
	}
	if r.met == nil {
		r.met = map[string]bool{}
	}
	r.met[id] = ok
	r.printf("  %-5s %-44s %9s vs %9s  ratio %6.3f  target %s %-5g %s",
		id, what, fmtVal(v, unit), fmtVal(base, unit), q, op, target, verdict)
}

func fmtVal(v float64, unit string) string {
	switch unit {
	case "s":
		return strconv.FormatFloat(v*1000, 'f', 1, 64) + "ms"
	case "B":
		return strconv.FormatFloat(v/(1<<20), 'f', 1, 64) + "MiB"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + unit
}

// bigMessages returns n messages of about 17 KB on average (from 2 KB to
// 32 KB): a generated message forwarded with an attachment, so that a
// mailbox of 10,000 holds about 170 MB.
func bigMessages(t *testing.T, n int) []mailgen.Message {
	t.Helper()
	msgs, err := mailgen.Generate(mailgen.Options{Seed: 7, Count: n})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 17))
	for i := range msgs {
		m := &msgs[i]
		att := make([]byte, 1500+rng.IntN(22000))
		for k := range att {
			att[k] = byte(rng.Uint32())
		}
		enc := base64.StdEncoding.EncodeToString(att)
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: %s\r\nTo: alice@example.org\r\nSubject: Fwd: data %d\r\nDate: %s\r\nMessage-ID: <big%d@bench.example.org>\r\n",
			m.From, i, m.Date.Format(time.RFC1123Z), i)
		b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
		b.WriteString("--b0\r\nContent-Type: message/rfc822\r\n\r\n")
		b.Write(m.Raw)
		b.WriteString("\r\n--b0\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n--b0--\r\n")
		m.Raw = b.Bytes()
		m.Size = len(m.Raw)
	}
	return msgs
}
