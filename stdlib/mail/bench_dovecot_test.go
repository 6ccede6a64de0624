package mail_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// BenchmarkRuleVsPython times, as whole processes, a rule that matches the
// decoded subjects of 10,000 messages with a regular expression and moves
// the matches: testdata/bench/rule.lua run by the mailscript command, and
// the same rule for Python's imaplib (testdata/bench/rule.py), on the same
// Dovecot. Between runs the moved messages go back to INBOX (not timed).
//
//	go test ./stdlib/mail -run '^$' -bench RuleVsPython -benchtime 5x
//
// On a shared 2-core machine (Dovecot 2.3.19, Python 3.11), 1,841 of
// 10,000 messages moved: mailscript 0.35 s per run, Python imaplib 0.84 s.
func BenchmarkRuleVsPython(b *testing.B) {
	python, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 not installed")
	}
	srv := dovecottest.Start(b)
	seed(b, srv, "alice", genMessages(b, 3, 10000, time.Now()))
	bin := filepath.Join(b.TempDir(), "mailscript")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mailscript/mailscript/cmd/mailscript").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	host, port, _ := net.SplitHostPort(srv.Addr())
	env := append(os.Environ(),
		"MAILSCRIPT_ACCOUNT="+accountURL(srv, srv.Addr(), "alice", ""),
		"IMAP_HOST="+host, "IMAP_PORT="+port, "IMAP_USER=alice", "IMAP_PASSWORD="+srv.Users["alice"])
	m := dial(b, srv, "alice")
	if err := m.CreateMailbox("Matched"); err != nil {
		b.Fatal(err)
	}
	restore := func() {
		if _, err := m.SelectMailbox("Matched", false); err != nil {
			b.Fatal(err)
		}
		all, _ := imaplib.ParseSeqSet("1:*")
		uids, err := m.UIDSearch("UID", all)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.UIDMove(uids, "INBOX"); err != nil {
			b.Fatal(err)
		}
		m.Unselect()
	}
	run := func(name string, argv ...string) (time.Duration, string) {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
		start := time.Now()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		d := time.Since(start)
		if err != nil {
			b.Fatalf("%s: %v\n%s%s", name, err, out, stderr.String())
		}
		return d, strings.TrimSpace(string(out))
	}
	var lua, py time.Duration
	var nLua, nPy string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, n := run("mailscript", bin, "run", "testdata/bench/rule.lua")
		lua += d
		nLua = n
		restore()
		d, n = run("python", python, "testdata/bench/rule.py")
		py += d
		nPy = n
		restore()
	}
	b.StopTimer()
	if nLua != nPy || nLua == "0" {
		b.Fatalf("mailscript moved %s messages, Python %s", nLua, nPy)
	}
	b.ReportMetric(lua.Seconds()/float64(b.N), "mailscript-s/op")
	b.ReportMetric(py.Seconds()/float64(b.N), "python-s/op")
	b.ReportMetric(0, "ns/op")
	b.Logf("10,000 messages, %s moved: mailscript %v, Python imaplib %v per run", nLua, lua/time.Duration(b.N), py/time.Duration(b.N))
}
