//go:build bench

package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// The rule benchmarks (3: 10,000 messages, 6: 200,000): "move the messages
// whose decoded subject matches a regex to Archive", run by mailscript,
// Python's imaplib and imapfilter, each run from the same snapshot of the
// server, beside the server's own time for the work (the floor).

// A ruleSize is one size of the rule benchmark. Each size has a user of
// its own, whose mailbox Rules is seeded once, warmed (every subject
// fetched once, so Dovecot's cache holds them) and kept as a snapshot.
type ruleSize struct {
	id    string // the benchmark's number
	user  string
	n     int             // messages
	warm  int             // untimed rounds first
	runs  int             // timed rounds
	slow  int             // timed rounds of imapfilter (fewer on the big size)
	limit time.Duration   // a run still going after it is stopped and reported
	skip  map[string]bool // contenders not run
	sn    *snapshot
}

// ruleUsers are the users of the rule sizes, added to the server.
var ruleUsers = map[string]string{"rules": "secret-rules", "huge": "secret-huge"}

// ruleSizes returns the sizes the settings ask for.
func (s *suite) ruleSizes() []*ruleSize {
	set := s.set
	var out []*ruleSize
	if set.want("3") {
		out = append(out, &ruleSize{id: "3", user: "rules", n: set.n, warm: 1, runs: set.runs, slow: set.runs, limit: set.limit})
	}
	if set.want("6") {
		// No warm-up round: every run starts from the same warm snapshot,
		// and a round of 200,000 messages costs minutes (imapfilter's
		// alone several, hence its fewer runs).
		out = append(out, &ruleSize{id: "6", user: "huge", n: set.hugeN, runs: set.hugeRuns, slow: min(set.filter, set.hugeRuns), limit: set.limit, skip: set.hugeSkip})
	}
	return out
}

// seedRule seeds a size's mailbox in batches (so the test holds one batch
// of generated mail at a time), creates Archive, warms the cache and takes
// the snapshot.
func (s *suite) seedRule(sz *ruleSize) {
	t := s.t
	start := time.Now()
	const batch = 10000
	for i := 0; i < sz.n; i += batch {
		// Seed 2 is the mailbox the 10,000-message rule has always used.
		msgs, err := mailgen.Generate(mailgen.Options{Seed: int64(2 + 1000*i/batch), Count: min(batch, sz.n-i)})
		if err != nil {
			t.Fatal(err)
		}
		s.srv.Seed(t, sz.user, "Rules", toSeed(msgs))
	}
	if _, err := s.srv.Doveadm("mailbox", "create", "-u", sz.user, "Archive"); err != nil {
		t.Fatal(err)
	}
	m := s.dialAs(s.srv.Addr(), sz.user)
	if _, err := m.SelectMailbox("Rules", true); err != nil {
		t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	if _, err := m.UIDFetch(all, "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"); err != nil {
		t.Fatal(err)
	}
	m.Logout()
	sz.sn = takeSnapshot(t, s.srv, sz.user)
	fmt.Printf("seeded %d messages for the rule in %v\n", sz.n, time.Since(start).Round(time.Millisecond))
}

// ruleResult is what one size measured.
type ruleResult struct {
	res    map[string]series     // timed runs by contender
	failed map[string]string     // contenders stopped or failed, and why
	server map[string][]traceRun // what the server reported, by traced contender
}

// A traceRun is what the server reported in one traced run: the time of
// each command verb, summed over the run's connections.
type traceRun struct {
	conns int
	times map[string]time.Duration
}

// floorVerbs are the commands whose server times make the floor: the
// FETCH of the subjects, the MOVE of the matches and, where the matches
// do not fit in one command line (200,000 messages), the SEARCHes that
// save them in "$" for the one MOVE (scripts/floor.py).
var floorVerbs = []string{"FETCH", "SEARCH", "MOVE"}

// serverMedian returns the median over a traced contender's runs of the
// sum of the times of verbs (all verbs when none are given).
func (r ruleResult) serverMedian(name string, verbs ...string) time.Duration {
	var sums []time.Duration
	for _, tr := range r.server[name] {
		var d time.Duration
		for v, t := range tr.times {
			if len(verbs) == 0 || slices.Contains(verbs, v) {
				d += t
			}
		}
		sums = append(sums, d)
	}
	return medianOf(sums)
}

// floorOf returns the floor: the median of the server's times for
// floorVerbs in Python's traced single connection.
func (r ruleResult) floorOf() time.Duration { return r.serverMedian("floor", floorVerbs...) }

func medianOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// A ruleContender is one program that a rule benchmark runs.
type ruleContender struct {
	name   string
	runs   int  // timed runs
	traced bool // through the proxy: its figures are the server's times
	argv   []string
}

// measureRule runs the contenders of a size in turn, each run from the
// snapshot, and two traced runs through a proxy that keeps the protocol,
// to read the server's own times off its replies: the floor (Python's
// single connection: one FETCH, one MOVE) and mailscript's server work
// (over all its connections). A contender that fails or is stopped is not
// run again.
func (s *suite) measureRule(sz *ruleSize) ruleResult {
	t := s.t
	env := s.envAs(s.srv.Addr(), sz.user, "Rules")
	proxy := newTraceProxy(t, s.srv.Addr())
	traced := s.envAs(proxy.addr(), sz.user, "Rules")
	mail := []string{s.bin, "run", script("rule.lua")}
	python := []string{s.python, script("rule.py")}
	floor := []string{s.python, script("floor.py")}
	contenders := []ruleContender{
		{"mailscript", sz.runs, false, mail},
		{"python", sz.runs, false, python},
		{"imapfilter", sz.slow, false, []string{s.imapfilter, "-c", script("imapfilter.lua")}},
		{"floor", sz.runs, true, floor},
		{"mailscript-traced", 1, true, mail}, // informative only
	}
	if s.set.otherBin != "" {
		contenders = append(contenders, ruleContender{"mailscript-other", sz.runs, false, []string{s.set.otherBin, "run", script("rule.lua")}})
	}
	r := ruleResult{res: map[string]series{}, failed: map[string]string{}, server: map[string][]traceRun{}}
	first := "" // every run must print what the first printed: the restore works
	for round := 0; round < sz.warm+sz.runs; round++ {
		// Every other round runs the contenders in the reverse order, so
		// that none always runs in the same place, after the same
		// contender (for an A/B of MAILSCRIPT_BENCH_OTHER_BIN, the other
		// ran last in every round).
		order := slices.Clone(contenders)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, c := range order {
			if r.failed[c.name] != "" || round >= sz.warm+c.runs || sz.skip[c.name] {
				continue
			}
			sz.sn.restore(t)
			proxy.take()
			e := env
			if c.traced {
				e = traced
			}
			rn := runLimited(t, sz.limit, e, c.argv...)
			if rn.fail != "" {
				r.failed[c.name] = rn.fail
				delete(r.res, c.name)
				continue
			}
			if first == "" {
				first = rn.out
			} else if rn.out != first {
				t.Errorf("rule, %d messages: %s printed %q in round %d, the first run %q", sz.n, c.name, rn.out, round, first)
			}
			if round < sz.warm {
				continue
			}
			if c.traced {
				r.server[c.name] = append(r.server[c.name], s.traceRun(c.name, proxy.take()))
				continue
			}
			r.res[c.name] = append(r.res[c.name], rn)
		}
	}
	sz.sn.restore(t)
	return r
}

// traceRun reads the server's times off the transcripts of one traced run
// of the contender name; the floor's run must be one connection with a
// FETCH and a MOVE.
func (s *suite) traceRun(name string, conns []*transcript) traceRun {
	tr := traceRun{conns: len(conns), times: map[string]time.Duration{}}
	for _, c := range conns {
		for v, d := range serverTimes(c.client.Bytes(), c.server.Bytes()) {
			tr.times[v] += d
		}
	}
	if name != "floor" {
		return tr
	}
	if tr.conns != 1 {
		s.t.Fatalf("floor: the traced run opened %d connections, want 1", tr.conns)
	}
	for _, v := range []string{"FETCH", "MOVE"} {
		if _, ok := tr.times[v]; !ok {
			s.t.Fatalf("floor: no timed %s reply in the trace (times %v)", v, tr.times)
		}
	}
	return tr
}

// rules runs benchmarks 3 and 6.
func (s *suite) rules() {
	var mail10k, floor10k time.Duration
	for _, sz := range s.ruleSizes() {
		s.seedRule(sz)
		r := s.measureRule(sz)
		s.rep.printf("(%s) rule: move messages whose decoded subject matches /%s/ to Archive, %d messages, each run from the same snapshot",
			sz.id, pattern, sz.n)
		s.reportRule(r, sz.skip)
		mail := r.res["mailscript"].median()
		switch sz.id {
		case "3":
			mail10k, floor10k = mail.d, r.floorOf()
			s.report10k(r, mail)
		case "6":
			s.report200k(r, mail, mail10k, floor10k)
		}
	}
}

// reportRule prints the figures of every contender and the floor.
func (s *suite) reportRule(r ruleResult, skip map[string]bool) {
	s.sameOutputs("rule", r.res)
	// verbs lists the median server time of the verbs of a traced
	// contender (all when none are given; those of a millisecond or more).
	verbs := func(name string, only ...string) string {
		all := map[string]bool{}
		for _, tr := range r.server[name] {
			for v := range tr.times {
				all[v] = len(only) == 0 || slices.Contains(only, v)
			}
		}
		var parts []string
		for _, v := range slices.Sorted(maps.Keys(all)) {
			if d := r.serverMedian(name, v); all[v] && d >= time.Millisecond {
				parts = append(parts, fmt.Sprintf("%s %s", v, fmtVal(d.Seconds(), "s")))
			}
		}
		return strings.Join(parts, ", ")
	}
	if len(r.server["floor"]) > 0 {
		s.rep.printf("        floor      median %s: the server's FETCH, SEARCH and MOVE times in Python's single connection (%s)",
			fmtVal(r.floorOf().Seconds(), "s"), verbs("floor", floorVerbs...))
	}
	if trs := r.server["mailscript-traced"]; len(trs) > 0 {
		conns := make([]time.Duration, len(trs))
		for i, tr := range trs {
			conns[i] = time.Duration(tr.conns)
		}
		s.rep.printf("        mailscript's server work (traced runs, summed over %d connections): median %s (%s)",
			int(medianOf(conns)), fmtVal(r.serverMedian("mailscript-traced").Seconds(), "s"), verbs("mailscript-traced"))
	}
	for _, name := range slices.Sorted(maps.Keys(r.failed)) {
		s.rep.printf("        %-10s FAILED: %s", name, r.failed[name])
	}
	if o := r.res["mailscript-other"].median(); o.d > 0 {
		m := r.res["mailscript"].median()
		s.rep.printf("        mailscript vs the other mailscript (MAILSCRIPT_BENCH_OTHER_BIN): %s vs %s (%.3f×), peak RSS %s vs %s",
			fmtVal(m.d.Seconds(), "s"), fmtVal(o.d.Seconds(), "s"), m.d.Seconds()/o.d.Seconds(), fmtVal(float64(m.rss), "B"), fmtVal(float64(o.rss), "B"))
		if q := pairedRatios(r.res["mailscript"].times(), r.res["mailscript-other"].times()); len(q) > 0 {
			s.rep.printf("        the same, round by round: median %.3f×, from %.3f× to %.3f× over %d rounds", q[len(q)/2], q[0], q[len(q)-1], len(q))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(skip)) {
		s.rep.printf("        %-10s not run (MAILSCRIPT_BENCH_HUGE_SKIP)", name)
	}
}

func (s *suite) report10k(r ruleResult, mail run) {
	rep := s.rep
	if mail.d == 0 {
		s.t.Errorf("rule: mailscript has no figure: %s", r.failed["mailscript"])
		return
	}
	if f := r.res["imapfilter"].median(); f.d > 0 {
		rep.ratio("3a", "mail vs imapfilter", mail.d.Seconds(), f.d.Seconds(), "s", 0.1)
	}
	if py := r.res["python"].median(); py.d > 0 {
		rep.ratio("3b", "mail vs Python imaplib", mail.d.Seconds(), py.d.Seconds(), "s", 0.5)
	}
	if floor := r.floorOf(); floor > 0 {
		rep.ratio("3c", "mail vs the server floor (FETCH+MOVE)", mail.d.Seconds(), floor.Seconds(), "s", 1)
	}
}

// report200k prints 6a and 6b, the other contenders beside mailscript,
// and the floor's own growth from the 10,000-message size: the 6a of a
// client whose time were the server's work alone.
func (s *suite) report200k(r ruleResult, mail run, mail10k, floor10k time.Duration) {
	rep := s.rep
	if mail.d == 0 {
		rep.missed("6a", "mailscript has no figure: "+r.failed["mailscript"])
		rep.missed("6b", "mailscript has no figure")
		return
	}
	if mail10k > 0 {
		rep.ratio("6a", "200k time vs the 10k time (mail)", mail.d.Seconds(), mail10k.Seconds(), "s", 25)
	} else {
		rep.printf("  6a    needs benchmark 3 in the same run (MAILSCRIPT_BENCH_ONLY=3,6)")
	}
	rep.ratio("6b", "peak RSS of mail vs 120 MiB", float64(mail.rss), 120<<20, "B", 1)
	for _, name := range []string{"python", "imapfilter"} {
		if o := r.res[name].median(); o.d > 0 {
			rep.printf("        mail vs %-10s %s vs %s (%.3f×), peak RSS %s vs %s", name,
				fmtVal(mail.d.Seconds(), "s"), fmtVal(o.d.Seconds(), "s"), mail.d.Seconds()/o.d.Seconds(),
				fmtVal(float64(mail.rss), "B"), fmtVal(float64(o.rss), "B"))
		}
	}
	if floor := r.floorOf(); floor > 0 {
		rep.printf("        mail vs the server floor %s vs %s (%.3f×)", fmtVal(mail.d.Seconds(), "s"), fmtVal(floor.Seconds(), "s"), mail.d.Seconds()/floor.Seconds())
		if floor10k > 0 {
			rep.printf("        the floor's own growth: %s vs %s on 10,000 messages (%.2f×, the 6a of a client that took only the server's time)",
				fmtVal(floor.Seconds(), "s"), fmtVal(floor10k.Seconds(), "s"), floor.Seconds()/floor10k.Seconds())
		}
	}
}

// ruleOptions are the server options the rule sizes need.
func ruleOptions() []dovecottest.Option {
	var opts []dovecottest.Option
	for _, u := range []string{"rules", "huge"} {
		opts = append(opts, dovecottest.WithUser(u, ruleUsers[u]))
	}
	return opts
}
