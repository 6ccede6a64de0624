//go:build bench

package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// The suite's settings, from the environment (run.sh sets them).
type settings struct {
	n      int             // messages of the large mailboxes (10,000)
	slowN  int             // messages of the slow-link mailbox (1,000)
	runs   int             // timed runs of each contender
	filter int             // timed runs of imapfilter (slow)
	only   map[string]bool // benchmarks to run, all when empty
	rtt    time.Duration   // round-trip time of the slow link
	// The big mailbox (benchmark 6).
	hugeN    int             // messages (200,000)
	hugeRuns int             // timed runs of each contender
	limit    time.Duration   // a rule's run still going after it is stopped
	hugeSkip map[string]bool // contenders not run on it
	// otherBin is a second mailscript command (built from another commit)
	// that the rule benchmarks run beside this one, round by round.
	otherBin string
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadSettings() settings {
	s := settings{
		n:      envInt("MAILSCRIPT_BENCH_COUNT", 10000),
		slowN:  envInt("MAILSCRIPT_BENCH_SLOW_COUNT", 1000),
		runs:   envInt("MAILSCRIPT_BENCH_RUNS", 5),
		filter: envInt("MAILSCRIPT_BENCH_IMAPFILTER_RUNS", 1),
		rtt:    time.Duration(envInt("MAILSCRIPT_BENCH_RTT_MS", 25)) * time.Millisecond,
		only:   map[string]bool{},

		hugeN:    envInt("MAILSCRIPT_BENCH_HUGE_COUNT", 200000),
		hugeRuns: envInt("MAILSCRIPT_BENCH_HUGE_RUNS", 5),
		limit:    time.Duration(envInt("MAILSCRIPT_BENCH_LIMIT_S", 600)) * time.Second,
	}
	s.only = listEnv("MAILSCRIPT_BENCH_ONLY")
	s.hugeSkip = listEnv("MAILSCRIPT_BENCH_HUGE_SKIP")
	s.otherBin = os.Getenv("MAILSCRIPT_BENCH_OTHER_BIN")
	return s
}

// listEnv returns the comma- or space-separated words of a variable.
func listEnv(name string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(os.Getenv(name), func(r rune) bool { return r == ',' || r == ' ' }) {
		out[f] = true
	}
	return out
}

func (s settings) want(id string) bool { return len(s.only) == 0 || s.only[id] }

// pattern is the rule's regular expression: it means the same to Go,
// Python and PCRE (imapfilter), and matches words that no encoded word
// hides, so that every contender moves the same messages.
const pattern = `[Rr]un failed|[Ii]nvitation|[Rr]eview`

// suite is the shared state of TestBench.
type suite struct {
	t          *testing.T
	set        settings
	srv        *dovecottest.Server
	bin        string // the mailscript command
	python     string
	imapfilter string
	rep        *report
}

// env returns the environment of a contender connecting to addr as the
// default user.
func (s *suite) env(addr, mailbox string) []string {
	return s.envAs(addr, s.srv.User, mailbox)
}

// envAs is env for another user.
func (s *suite) envAs(addr, user, mailbox string) []string {
	host, port, _ := net.SplitHostPort(addr)
	password := s.srv.Users[user]
	u := url.URL{Scheme: "imap", User: url.UserPassword(user, password), Host: addr, RawQuery: "tls=none"}
	return append(os.Environ(),
		"IMAP_HOST="+host, "IMAP_PORT="+port, "IMAP_USER="+user, "IMAP_PASSWORD="+password,
		"MAILSCRIPT_ACCOUNT="+u.String(), "BENCH_MAILBOX="+mailbox, "BENCH_PATTERN="+pattern,
		"HOME="+s.t.TempDir())
}

// dial logs in to the server at addr with imaplib as the default user.
func (s *suite) dial(addr string) *imaplib.IMAP4 {
	s.t.Helper()
	return s.dialAs(addr, s.srv.User)
}

// dialAs is dial for another user.
func (s *suite) dialAs(addr, user string) *imaplib.IMAP4 {
	s.t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	pn, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, pn, &imaplib.Options{Timeout: 5 * time.Minute})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, _, err := m.Login(user, s.srv.Users[user]); err != nil {
		s.t.Fatal(err)
	}
	return m
}

// restore moves every message of Archive back to mailbox (untimed, between
// runs of a rule).
func (s *suite) restore(mailbox string) {
	s.t.Helper()
	m := s.dial(s.srv.Addr())
	defer m.Logout()
	if _, err := m.SelectMailbox("Archive", false); err != nil {
		s.t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	uids, err := m.UIDSearch("UID", all)
	if err != nil {
		s.t.Fatal(err)
	}
	if !uids.IsEmpty() {
		if _, err := m.UIDMove(uids, mailbox); err != nil {
			s.t.Fatal(err)
		}
	}
}

func script(name string) string {
	p, _ := filepath.Abs(filepath.Join("scripts", name))
	return p
}

// TestBench is the benchmark suite; run.sh runs it (build tag bench). Without
// MAILSCRIPT_BENCH=1 it does nothing: it needs minutes, Python and
// imapfilter.
func TestBench(t *testing.T) {
	if os.Getenv("MAILSCRIPT_BENCH") != "1" {
		t.Skip("the benchmark suite runs with MAILSCRIPT_BENCH=1 (bench/run.sh)")
	}
	s := &suite{t: t, set: loadSettings(), rep: &report{}}
	var err error
	// The interpreter itself, not a version manager's wrapper script.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatal("bench: python3 is needed")
	}
	s.python = strings.TrimSpace(string(out))
	if s.imapfilter, err = exec.LookPath("imapfilter"); err != nil && (s.set.want("3") || s.set.want("4") || s.set.want("6")) {
		t.Fatal("bench: imapfilter is needed (apt-get install imapfilter)")
	}
	s.bin = filepath.Join(t.TempDir(), "mailscript")
	if out, err := exec.Command("go", "build", "-o", s.bin, "github.com/mailscript/mailscript/cmd/mailscript").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Login and mail processes started ahead, as on a server in use: the
	// benchmarks time the client, not process creation.
	s.srv = dovecottest.Start(t, append(ruleOptions(),
		dovecottest.WithConfig("service imap-login {\n  process_min_avail = 2\n}\nservice imap {\n  process_min_avail = 2\n}"))...)
	s.seed()
	r := s.rep
	r.printf("mailscript benchmarks: %d messages, %d timed warm runs each (median), Dovecot on loopback", s.set.n, s.set.runs)
	if s.set.want("1") {
		s.headers()
	}
	if s.set.want("2") {
		s.full()
	}
	if s.set.want("3") || s.set.want("6") {
		s.rules() // seeds its own users
	}
	if s.set.want("4") {
		s.slowRule()
	}
	if s.set.want("5") {
		s.parser()
	}
	var missed []string
	for id, ok := range r.met {
		if !ok {
			missed = append(missed, id)
		}
	}
	r.printf("targets met: %d of %d; missed: %s", len(r.met)-len(missed), len(r.met), strings.Join(missed, " "))
}

// seed fills the mailboxes: INBOX with generated mail, Slow with
// fewer, Big with large messages.
func (s *suite) seed() {
	t := s.t
	start := time.Now()
	gen := func(seed int64, n int) []dovecottest.Message {
		msgs, err := mailgen.Generate(mailgen.Options{Seed: seed, Count: n})
		if err != nil {
			t.Fatal(err)
		}
		return toSeed(msgs)
	}
	if s.set.want("1") || s.set.want("5") {
		s.srv.Seed(t, s.srv.User, "INBOX", gen(1, s.set.n))
	}
	if s.set.want("4") {
		s.srv.Seed(t, s.srv.User, "Slow", gen(3, s.set.slowN))
	}
	if s.set.want("2") {
		s.srv.Seed(t, s.srv.User, "Big", toSeed(bigMessages(t, s.set.n)))
	}
	m := s.dial(s.srv.Addr())
	if err := m.CreateMailbox("Archive"); err != nil {
		t.Fatal(err)
	}
	m.Logout()
	fmt.Printf("seeded in %v\n", time.Since(start).Round(time.Millisecond))
}

func toSeed(msgs []mailgen.Message) []dovecottest.Message {
	out := make([]dovecottest.Message, len(msgs))
	for i, m := range msgs {
		out[i] = dovecottest.Message{Raw: m.Raw, Flags: m.Flags, Date: m.Date}
	}
	return out
}

// sameOutputs fails unless every series printed the same.
func (s *suite) sameOutputs(what string, named map[string]series) {
	s.t.Helper()
	var first, firstName string
	for name, se := range named {
		out := se.median().out
		if firstName == "" {
			first, firstName = out, name
			continue
		}
		if out != first {
			s.t.Errorf("%s: %s printed %q, %s %q", what, firstName, first, name, out)
		}
	}
	s.rep.printf("        (each printed %q)", first)
	for _, name := range slices.Sorted(maps.Keys(named)) {
		if m := named[name].median(); m.d > 0 {
			s.rep.printf("        %-10s median %s wall, %s CPU, peak RSS %s", name, fmtVal(m.d.Seconds(), "s"), fmtVal(m.cpu.Seconds(), "s"), fmtVal(float64(m.rss), "B"))
		}
	}
}

// headers is benchmark 1: the bulk header fetch.
func (s *suite) headers() {
	t, r, set := s.t, s.rep, s.set
	r.printf("(1) bulk header fetch: FLAGS, RFC822.SIZE, From and Subject of %d messages", set.n)
	env := s.env(s.srv.Addr(), "INBOX")
	res := rounds(1, set.runs, nil,
		contender{"mailscript", func() run { return runProcess(t, env, s.bin, "run", script("headers.lua")) }},
		contender{"python", func() run { return runProcess(t, env, s.python, script("headers.py")) }})
	s.sameOutputs("headers", res)
	lua, py := res["mailscript"].median(), res["python"].median()
	r.ratio("1a", "whole process: Lua imaplib vs Python", lua.d.Seconds(), py.d.Seconds(), "s", 0.5)

	// In process: the Go API against a raw client that only drains bytes.
	m := s.dial(s.srv.Addr())
	defer m.Logout()
	if _, _, err := m.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	raw := s.rawClient(s.srv.Addr(), "INBOX")
	defer raw.close()
	all, _ := imaplib.ParseSeqSet("1:*")
	res = rounds(2, 3*set.runs, nil,
		contender{"fetch", func() run {
			return timeIt(func() string {
				_, data, err := m.Fetch("1:*", headerItems)
				if err != nil {
					t.Fatal(err)
				}
				return strconv.Itoa(len(data) / 2)
			})
		}},
		contender{"typed", func() run {
			return timeIt(func() string {
				fd, err := m.UIDFetch(all, headerItems)
				if err != nil {
					t.Fatal(err)
				}
				return strconv.Itoa(len(fd))
			})
		}},
		contender{"raw", func() run {
			return timeIt(func() string { return strconv.Itoa(raw.fetch(t, "1:*", headerItems)) })
		}})
	r.ratio("1b", "Go API Fetch vs raw drain (the floor)", res["fetch"].median().d.Seconds(), res["raw"].median().d.Seconds(), "s", 1.2)
	r.printf("        typed UIDFetch (parsed) %s; raw response %d bytes", fmtVal(res["typed"].median().d.Seconds(), "s"), raw.last)
}

// full is benchmark 2: the full-message fetch.
func (s *suite) full() {
	t, r, set := s.t, s.rep, s.set
	r.printf("(2) full-message fetch of %d messages (mailbox Big)", set.n)
	env := s.env(s.srv.Addr(), "Big")
	child := func(mode string) func() run {
		return func() run {
			r := runProcess(t, append(env, "MAILSCRIPT_BENCH_CHILD="+mode), os.Args[0], "-test.run=^TestBenchChild$")
			r.out = strings.TrimSuffix(r.out, " PASS") // the test binary's verdict
			return r
		}
	}
	res := rounds(1, set.runs, nil,
		contender{"mailscript", func() run { return runProcess(t, env, s.bin, "run", script("full.lua")) }},
		contender{"python", func() run { return runProcess(t, env, s.python, script("full.py")) }},
		contender{"stream", child("stream")},
		contender{"fetch", child("fetch")})
	s.sameOutputs("full", res)
	lua, py, stream, fetch := res["mailscript"].median(), res["python"].median(), res["stream"].median(), res["fetch"].median()
	r.ratio("2a", "whole process time: Lua imaplib vs Python", lua.d.Seconds(), py.d.Seconds(), "s", 0.8)
	r.ratio("2b", "peak RSS: Lua imaplib vs Python", float64(lua.rss), float64(py.rss), "B", 1.2)
	r.ratio("2c", "Go API UIDFetchStream peak RSS vs 64 MiB", float64(stream.rss), 64<<20, "B", 1)
	r.printf("        Go API (test binary): UIDFetchStream %s; Fetch, all in memory, %s and peak RSS %s",
		fmtVal(stream.d.Seconds(), "s"), fmtVal(fetch.d.Seconds(), "s"), fmtVal(float64(fetch.rss), "B"))
}

// slowRule is benchmark 4: the rule over a slow link.
func (s *suite) slowRule() {
	t, r, set := s.t, s.rep, s.set
	p, err := NewDelayProxy(s.srv.Addr(), set.rtt/2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r.printf("(4) the rule on %d messages over a link with %v round-trip time (a userspace delaying proxy: this sandbox has no netem)", set.slowN, set.rtt)
	env := s.env(p.Addr(), "Slow")
	restore := func() { s.restore("Slow"); p.Reset() }
	trips := map[string]int{}
	counted := func(name string, argv ...string) contender {
		return contender{name, func() run {
			rn := runProcess(t, env, argv...)
			trips[name] = p.RoundTrips()
			return rn
		}}
	}
	res := rounds(1, set.runs, restore,
		counted("mailscript", s.bin, "run", script("rule.lua")),
		counted("python", s.python, script("rule.py")))
	for k, v := range rounds(0, set.filter, restore, counted("imapfilter", s.imapfilter, "-c", script("imapfilter.lua"))) {
		res[k] = v
	}
	restore()
	s.sameOutputs("slow rule", res)
	lua, py, filter := res["mailscript"].median(), res["python"].median(), res["imapfilter"].median()
	r.ratio("4a", "mail vs imapfilter", lua.d.Seconds(), filter.d.Seconds(), "s", 0.01)
	r.ratio("4b", "mail vs Python imaplib", lua.d.Seconds(), py.d.Seconds(), "s", 1)
	r.ratio("4c", "round trips: mail vs Python's (hand-written)", float64(trips["mailscript"]), float64(trips["python"]), "", 1)
	r.printf("        round trips: mailscript %d, Python %d, imapfilter %d", trips["mailscript"], trips["python"], trips["imapfilter"])
}

// parser is benchmark 5: imaplib's response parser against go-imap's, on
// a FETCH response recorded from the server.
func (s *suite) parser() {
	t, r := s.t, s.rep
	raw := s.rawClient(s.srv.Addr(), "INBOX")
	raw.keep = true
	n := raw.fetch(t, "1:*", headerItems)
	raw.close()
	body := raw.body
	if i := bytes.LastIndex(body[:len(body)-2], []byte("\r\n")); i >= 0 {
		body = body[:i+2] // drop the tagged reply
	}
	r.printf("(5) response parser on a recorded %d-message FETCH response (%d bytes): imaplib Fetch+ParseFetch vs go-imap v2 Fetch+Collect", n, len(body))
	ours := testing.Benchmark(func(b *testing.B) { benchParse(b, body, readImaplib) })
	theirs := testing.Benchmark(func(b *testing.B) { benchParse(b, body, readGoIMAP) })
	tp := func(res testing.BenchmarkResult) float64 {
		return float64(len(body)) / (float64(res.NsPerOp()) / 1e9) / 1e6
	}
	items := float64(countFetch(body))
	r.ratioAtLeast("5a", "throughput: imaplib vs go-imap", tp(ours), tp(theirs), "MB/s", 1.5)
	r.ratio("5b", "allocations per item: imaplib vs go-imap", float64(ours.AllocsPerOp())/items, float64(theirs.AllocsPerOp())/items, "", 0.999)
}

// rawClient is the floor: it writes a command and drains the bytes until
// the tagged reply, parsing nothing.
type rawClient struct {
	conn net.Conn
	br   *bufio.Reader
	tag  int
	buf  []byte
	last int    // bytes of the last response
	keep bool   // keep the last response's bytes in body
	body []byte // the last response, when keep
}

func (s *suite) rawClient(addr, mailbox string) *rawClient {
	s.t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	rc := &rawClient{conn: c, br: bufio.NewReaderSize(c, 64<<10), buf: make([]byte, 256<<10)}
	if _, err := rc.br.ReadString('\n'); err != nil {
		s.t.Fatal(err)
	}
	rc.command(s.t, fmt.Sprintf("LOGIN %s %s", s.srv.User, s.srv.Password))
	rc.command(s.t, "EXAMINE "+mailbox)
	return rc
}

// command sends a command and reads lines until its tagged reply.
func (rc *rawClient) command(t *testing.T, cmd string) {
	t.Helper()
	tag := "r" + strconv.Itoa(rc.tag)
	rc.tag++
	fmt.Fprintf(rc.conn, "%s %s\r\n", tag, cmd)
	for {
		line, err := rc.br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, tag+" ") {
			if !strings.HasPrefix(line, tag+" OK") {
				t.Fatalf("raw client: %s: %s", cmd, line)
			}
			return
		}
	}
}

// fetch sends FETCH set items and drains the answer to the tagged reply;
// it returns the number of FETCH responses.
func (rc *rawClient) fetch(t *testing.T, set, items string) int {
	t.Helper()
	tag := "r" + strconv.Itoa(rc.tag)
	rc.tag++
	if _, err := fmt.Fprintf(rc.conn, "%s FETCH %s %s\r\n", tag, set, items); err != nil {
		t.Fatal(err)
	}
	end := []byte("\r\n" + tag + " ")
	rc.last = 0
	rc.body = rc.body[:0]
	var tail []byte // the last bytes of the previous read, for a marker cut in two
	for {
		n, err := rc.br.Read(rc.buf)
		if err != nil {
			t.Fatal(err)
		}
		chunk := rc.buf[:n]
		rc.last += n
		if rc.keep {
			rc.body = append(rc.body, chunk...)
		}
		k := min(len(chunk), len(end)-1)
		edge := append(tail, chunk[:k]...)
		if bytes.Contains(edge, end) || bytes.Contains(chunk, end) {
			// The tagged line has begun; read it to its end.
			if !bytes.HasSuffix(chunk, []byte("\r\n")) {
				line, err := rc.br.ReadBytes('\n')
				if err != nil {
					t.Fatal(err)
				}
				rc.last += len(line)
				if rc.keep {
					rc.body = append(rc.body, line...)
				}
			}
			break
		}
		tail = append(edge[:0], chunk[len(chunk)-k:]...)
	}
	if !rc.keep {
		return 0
	}
	return countFetch(rc.body)
}

func (rc *rawClient) close() {
	fmt.Fprintf(rc.conn, "r%d LOGOUT\r\n", rc.tag)
	io.Copy(io.Discard, rc.br)
	rc.conn.Close()
}

// TestBenchChild is a process TestBench starts to measure the Go API's
// peak memory: MAILSCRIPT_BENCH_CHILD=stream fetches every message of
// BENCH_MAILBOX with UIDFetchStream, =fetch with Fetch.
func TestBenchChild(t *testing.T) {
	mode := os.Getenv("MAILSCRIPT_BENCH_CHILD")
	if mode == "" {
		t.Skip("started by TestBench")
	}
	port, _ := strconv.Atoi(os.Getenv("IMAP_PORT"))
	m, err := imaplib.Dial(os.Getenv("IMAP_HOST"), port, &imaplib.Options{Timeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login(os.Getenv("IMAP_USER"), os.Getenv("IMAP_PASSWORD")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SelectMailbox(os.Getenv("BENCH_MAILBOX"), true); err != nil {
		t.Fatal(err)
	}
	var n, total int64
	switch mode {
	case "stream":
		all, _ := imaplib.ParseSeqSet("1:*")
		err = m.UIDFetchStream(all, "BODY.PEEK[]", func(l imaplib.StreamedLiteral, r io.Reader) error {
			k, err := io.Copy(io.Discard, r)
			total += k
			return err
		}, func(*imaplib.FetchData) error { n++; return nil })
	case "fetch":
		var data []imaplib.Item
		_, data, err = m.Fetch("1:*", "(BODY.PEEK[])")
		for _, it := range data {
			if it.IsPair {
				n++
				total += int64(len(it.Literal))
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(n, total)
}
