package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/oauth2"
)

// The OAuth2 tests of this file run the mailscript binary as a user does:
// "mailscript auth login" signs in (the test plays the user who approves
// the device code), "mailscript watch" runs in a process of its own, and
// "mailscript status" and /healthz are asked from outside.

// buildMailscript builds the mailscript binary into a folder of the test.
func buildMailscript(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mailscript")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs the binary to its end and returns its output (standard
// output, then standard error).
func runBin(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String() + errb.String(), err
}

// binLogin runs "mailscript auth login NAME" against as and approves the
// device code it shows as user.
func binLogin(t *testing.T, bin string, as *authserver.Server, state, name, user string) string {
	t.Helper()
	cmd := exec.Command(bin, "--state-dir", state, "auth", "login", name, "--provider", "generic",
		"--client-id", authserver.ClientID, "--token-url", as.TokenURL(), "--device-url", as.DeviceURL(), "--scope", "imap smtp")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var code string
	select {
	case code = <-as.Pending():
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("auth login made no device request:\n%s", out.String())
	}
	// The user reads the code on the terminal before typing it in.
	waitFor(t, &out, "enter the code "+code)
	if !as.Approve(code, user) {
		t.Fatalf("no device request with the code %s", code)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("auth login %s: %v\n%s", name, err, out.String())
	}
	return out.String()
}

// watchProc is a "mailscript watch" process.
type watchProc struct {
	cmd      *exec.Cmd
	out, err syncBuffer
	exited   chan struct{}
	waitErr  error // how it exited, once exited is closed
}

// startWatchProc starts the binary with args; the process is killed when
// the test ends if it still runs.
func startWatchProc(t *testing.T, bin string, args ...string) *watchProc {
	t.Helper()
	return startWatchProcEnv(t, bin, nil, args...)
}

// startWatchProcEnv is startWatchProc with env added to the environment.
func startWatchProcEnv(t *testing.T, bin string, env []string, args ...string) *watchProc {
	t.Helper()
	p := &watchProc{cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// running reports whether the process has not exited.
func (p *watchProc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill9 kills the process with SIGKILL and waits for it.
func (p *watchProc) kill9() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop ends the process with SIGTERM, as a service manager does, and
// returns how it exited.
func (p *watchProc) stop(t *testing.T) error {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("watch did not stop within 30s of SIGTERM:\n%s", p.err.String())
	}
	return p.waitErr
}

// binStatus runs "mailscript status" until its output contains every
// string of want, and returns it.
func binStatus(t *testing.T, bin, state string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond) // polling another process
	defer tick.Stop()
	for {
		out, err := runBin(t, bin, "--state-dir", state, "status")
		ok := err == nil
		for _, w := range want {
			ok = ok && strings.Contains(out, w)
		}
		if ok {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never showed %q: %v\n%s", want, err, out)
		}
		<-tick.C
	}
}

// httpGet returns the status code and body of url.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// readingRule is a rule watching user's INBOX with the sign-in name: it
// reads each new message's subject through the rule's account, counts
// the reads in its state ("read SUBJECT") and prints "read USER:
// SUBJECT".
func readingRule(srv *dovecottest.Server, user, signIn string) string {
	h, p, _ := net.SplitHostPort(srv.Addr())
	return fmt.Sprintf(`local mail, state = require("mail"), require("state")
local acct = mail.account{host = %q, port = %s, tls = "none", user = %q, oauth2 = %q}
mail.on_new(acct:mailbox("INBOX"), function(set)
  for msg in set:messages() do
    local k = "read " .. msg.subject
    state.set(k, (state.get(k) or 0) + 1)
    print("read %s: " .. msg.subject)
  end
end)
`, h, p, user, signIn, user)
}

// deliverTo appends a message with subject to user's INBOX through a
// password connection of its own, as a delivery agent does.
func deliverTo(t *testing.T, srv *dovecottest.Server, user, subject string) {
	t.Helper()
	h, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(user, srv.Users[user]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte("From: someone@example.org\r\nSubject: "+subject+"\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	m.Logout()
}

// noTokenIn fails the test when any token as issued appears in one of
// outputs (see tokenLeak).
func noTokenIn(t *testing.T, as *authserver.Server, outputs map[string]string) {
	t.Helper()
	issued := as.Issued()
	if len(issued) < 4 {
		t.Fatalf("only %d tokens issued: the test checks too little", len(issued))
	}
	if what, ok := tokenLeak(issued, outputs); ok {
		t.Fatalf("a token appears in the %s:\n%s", what, outputs[what])
	}
}

// tokenLeak returns the name of the first output that holds one of
// tokens: as it is, a part of it, or inside base64 (an XOAUTH2 or
// OAUTHBEARER initial response), at any of the three alignments.
func tokenLeak(tokens []string, outputs map[string]string) (string, bool) {
	for _, tok := range tokens {
		forms := []string{tok, tok[3:15]}
		for pad := range 3 {
			// Past the first group (with the padding) and before the
			// last, base64 encodes the token's bytes alone.
			b64 := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", pad) + tok))
			forms = append(forms, b64[4:len(b64)-4])
		}
		for what, o := range outputs {
			for _, f := range forms {
				if strings.Contains(o, f) {
					return what, true
				}
			}
		}
	}
	return "", false
}

// TestOAuth2RevokedGrantWatchProcess runs "mailscript watch" as a
// process with two accounts signed in with OAuth2 (alice as "work", bob
// as "home") against Dovecot validating every token, and revokes alice's
// grant at the authorization server: alice's trigger stops within one
// refresh, "mailscript status" and /healthz say why and what to run, bob's
// rule carries on; after "mailscript auth login work" alice's trigger
// resumes in the same process and reads the mail that came meanwhile,
// once.
func TestOAuth2RevokedGrantWatchProcess(t *testing.T) {
	const ttl = 3 * time.Second
	as := authserver.Start(t, authserver.AccessTTL(ttl))
	srv := dovecottest.Start(t, dovecottest.WithOAuth2(as.IntrospectURL()))
	bin := buildMailscript(t)
	state, rules := t.TempDir(), t.TempDir()
	outputs := map[string]string{}
	outputs["login work"] = binLogin(t, bin, as, state, "work", "alice")
	outputs["login home"] = binLogin(t, bin, as, state, "home", "bob")
	writeFile(t, rules, "alice.lua", readingRule(srv, "alice", "work"))
	writeFile(t, rules, "bob.lua", readingRule(srv, "bob", "home"))

	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	w := startWatchProc(t, bin, "--state-dir", state, "--debug", "-v", "--log-format=text",
		"watch", "--listen", fmt.Sprintf("127.0.0.1:%d", port), rules)
	binStatus(t, bin, state, "on_new INBOX (alice", "on_new INBOX (bob", "sign-in work: ok", "sign-in home: ok")
	waitHealth := func(code int, want string) string {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			c, body := httpGet(t, base+"/healthz")
			if c == code && strings.Contains(body, want) {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("/healthz never answered %d %q; last %d %q", code, want, c, body)
			}
			<-tick.C
		}
	}
	outputs["healthz ok"] = waitHealth(200, "ok")

	deliverTo(t, srv, "alice", "first for alice")
	deliverTo(t, srv, "bob", "first for bob")
	waitFor(t, &w.out, "read alice: first for alice")
	waitFor(t, &w.out, "read bob: first for bob")

	// Revoked: alice's trigger stops at its next refresh, which comes
	// before the access token expires.
	refused := as.Counts().RefusedRefreshes
	revoked := time.Now()
	as.Revoke("alice")
	outputs["status revoked"] = binStatus(t, bin, state, "SIGN-IN NEEDED, run: mailscript auth login work", "sign-in home: ok",
		`sign-in needed: run "mailscript auth login work"`)
	d := time.Since(revoked)
	t.Logf("alice's trigger stopped %s after the revocation (tokens live %s)", d.Round(time.Millisecond), ttl)
	if d > ttl+5*time.Second {
		t.Errorf("the trigger stopped %s after the revocation; want within one refresh (tokens live %s)", d.Round(time.Millisecond), ttl)
	}
	body := waitHealth(503, "mailscript auth login work")
	outputs["healthz revoked"] = body
	if !strings.Contains(body, "alice.lua") || strings.Contains(body, "bob.lua") {
		t.Errorf("/healthz names the wrong rules:\n%s", body)
	}
	_, metrics := httpGet(t, base+"/metrics")
	outputs["metrics"] = metrics
	if !strings.Contains(metrics, `state="signin_needed",trigger="on_new INBOX (alice`) {
		t.Errorf("/metrics shows no signin_needed state for alice's trigger:\n%s", grepLines(metrics, "mailscript_trigger_state"))
	}

	// Bob carries on; alice's mail waits.
	deliverTo(t, srv, "alice", "while signed out")
	deliverTo(t, srv, "bob", "second for bob")
	waitFor(t, &w.out, "read bob: second for bob")
	if strings.Contains(w.out.String(), "while signed out") {
		t.Fatal("alice's rule read mail with a revoked grant")
	}
	if n := strings.Count(w.err.String(), "until you run: mailscript auth login work"); n != 1 {
		t.Errorf("the sign-in error was logged %d times, want once", n)
	}
	if n := as.Counts().RefusedRefreshes - refused; n != 1 {
		t.Errorf("the watch asked the provider %d times with the revoked grant, want once", n)
	}

	// A new sign-in: the same process picks it up and reads what came.
	outputs["login work again"] = binLogin(t, bin, as, state, "work", "alice")
	waitFor(t, &w.out, "read alice: while signed out")
	outputs["status resumed"] = binStatus(t, bin, state, "sign-in work: ok", "sign-in home: ok")
	outputs["healthz resumed"] = waitHealth(200, "ok")
	deliverTo(t, srv, "alice", "after the new sign-in")
	waitFor(t, &w.out, "read alice: after the new sign-in")
	if !w.running() {
		t.Fatal("the watch process ended")
	}
	if err := w.stop(t); err != nil {
		t.Fatalf("watch: %v\n%s", err, w.err.String())
	}

	for rule, want := range map[string][]string{
		"alice.lua": {"first for alice", "while signed out", "after the new sign-in"},
		"bob.lua":   {"first for bob", "second for bob"},
	} {
		got := stateCounts(t, state, rule, "read ")
		if len(got) != len(want) {
			t.Errorf("%s read %v, want %q once each", rule, got, want)
		}
		for _, s := range want {
			if got[s] != 1 {
				t.Errorf("%s read %q %d times, want once", rule, s, got[s])
			}
		}
	}
	outputs["watch stdout"], outputs["watch stderr"] = w.out.String(), w.err.String()
	if os.Getenv("SHOWLOG") != "" {
		t.Logf("status after the revocation:\n%s\n/healthz:\n%s", outputs["status revoked"], outputs["healthz revoked"])
	}
	if !strings.Contains(w.err.String(), "AUTHENTICATE OAUTHBEARER") {
		t.Fatal("the --debug trace shows no OAUTHBEARER login: is the trace checked at all?")
	}
	noTokenIn(t, as, outputs)
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// deliverLoop appends "m 1", "m 2"... to user's INBOX every pace through
// a password connection of its own until stop is closed; it returns how
// many it delivered, or the error that ended it.
func deliverLoop(srv *dovecottest.Server, user string, pace time.Duration, stop <-chan struct{}) (int, error) {
	h, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)
	m, err := imaplib.Dial(h, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		return 0, err
	}
	defer m.Close()
	if _, _, err := m.Login(user, srv.Users[user]); err != nil {
		return 0, err
	}
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for n := 1; ; n++ {
		raw := fmt.Sprintf("From: someone@example.org\r\nSubject: m %d\r\n\r\nbody\r\n", n)
		if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte(raw)); err != nil {
			return n - 1, err
		}
		select {
		case <-stop:
			m.Logout()
			return n, nil
		case <-tick.C:
		}
	}
}

// TestOAuth2WatchKill9 kills "mailscript watch" with SIGKILL at random
// moments while access tokens expire every 2 s, every refresh rotates the
// refresh token, and mail arrives all the time; each time it starts the
// watch again. Each start logs in with a token the servers accept (no
// refresh refused, no login refused), and the rule, which counts in its
// state what it read, read every message exactly once.
//
// Every other kill falls while the watch waits for the answer to a
// refresh that the authorization server carries out (the answer is lost):
// the store then holds the predecessor of the newest refresh token. The
// server keeps it valid until its successor is first used
// (authserver.RotationGrace), as providers that rotate do; a provider
// without that grace would need a new sign-in there, whatever the client.
func TestOAuth2WatchKill9(t *testing.T) {
	as := authserver.Start(t, authserver.AccessTTL(2*time.Second), authserver.RotationGrace())
	srv := dovecottest.Start(t, dovecottest.WithOAuth2(as.IntrospectURL()))
	bin := buildMailscript(t)
	state, rules := t.TempDir(), t.TempDir()
	outputs := map[string]string{"login": binLogin(t, bin, as, state, "work", "alice")}
	writeFile(t, rules, "alice.lua", readingRule(srv, "alice", "work"))
	args := []string{"--state-dir", state, "--debug", "-v", "--log-format=text", "watch", rules}
	idle := []string{"on_new INBOX (alice@127.0.0.1): idle", "sign-in work: ok"}

	w := startWatchProc(t, bin, args...)
	binStatus(t, bin, state, idle...)
	stopMail := make(chan struct{})
	type result struct {
		n   int
		err error
	}
	delivered := make(chan result, 1)
	go func() {
		n, err := deliverLoop(srv, "alice", 150*time.Millisecond, stopMail)
		delivered <- result{n, err}
	}()

	seed := time.Now().UnixNano()
	t.Logf("random seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 17))
	const rounds = 5
	lostAnswers := 0
	for round := range rounds {
		before := as.Counts()
		if round%2 == 1 {
			// Kill it while it waits for the answer to a refresh that
			// the server carries out: the answer is lost.
			killed := make(chan struct{})
			as.SetRefreshHook(func() {
				as.SetRefreshHook(nil)
				w.kill9()
				close(killed)
			})
			select {
			case <-killed:
				lostAnswers++
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: no refresh within 30s", round)
			}
		} else {
			// Run a random while: through refreshes (every 1.5 s),
			// callbacks and logins, then SIGKILL.
			<-time.After(time.Duration(1000+r.IntN(4000)) * time.Millisecond)
			if !w.running() {
				t.Fatalf("round %d: the watch ended by itself: %v\n%s", round, w.waitErr, w.err.String())
			}
			w.kill9()
		}
		outputs[fmt.Sprintf("stdout %d", round)], outputs[fmt.Sprintf("stderr %d", round)] = w.out.String(), w.err.String()
		if as.Counts().Refreshes == before.Refreshes {
			t.Logf("round %d: no refresh before the kill", round)
		}

		// The next start logs in with what the store holds.
		w = startWatchProc(t, bin, args...)
		binStatus(t, bin, state, idle...)
		if c := as.Counts(); c.RefusedRefreshes != 0 {
			t.Fatalf("round %d: after kill -9 the stored refresh token was refused (%d refused)", round, c.RefusedRefreshes)
		}
		for _, bad := range []string{"login refused", "retrying once with a refreshed token", "sign-in needed"} {
			if strings.Contains(w.err.String(), bad) {
				t.Fatalf("round %d: the start after kill -9 logged %q:\n%s", round, bad, w.err.String())
			}
		}
	}
	close(stopMail)
	res := <-delivered
	if res.err != nil {
		t.Fatalf("delivering: %v", res.err)
	}
	// The last watch reads the rest.
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for len(stateCounts(t, state, "alice.lua", "read ")) < res.n {
		if time.Now().After(deadline) {
			t.Fatalf("the rule read %d of %d messages", len(stateCounts(t, state, "alice.lua", "read ")), res.n)
		}
		<-tick.C
	}
	if err := w.stop(t); err != nil {
		t.Fatalf("watch: %v\n%s", err, w.err.String())
	}
	outputs["stdout last"], outputs["stderr last"] = w.out.String(), w.err.String()

	counts := stateCounts(t, state, "alice.lua", "read ")
	for i := 1; i <= res.n; i++ {
		if n := counts[fmt.Sprintf("m %d", i)]; n != 1 {
			t.Errorf("message m %d read %d times, want once", i, n)
		}
	}
	if len(counts) != res.n {
		t.Errorf("the rule read %d distinct messages, %d were delivered", len(counts), res.n)
	}
	c := as.Counts()
	t.Logf("%d messages, %d kills (%d losing the answer to a refresh), %d refreshes (%d with a predecessor token after a kill), %d refused",
		res.n, rounds, lostAnswers, c.Refreshes, c.GraceRefreshes, c.RefusedRefreshes)
	if c.GraceRefreshes < lostAnswers {
		t.Errorf("%d answers to refreshes were lost, but only %d starts used the predecessor token", lostAnswers, c.GraceRefreshes)
	}
	if c.Refreshes < rounds {
		t.Errorf("only %d refreshes: the kills did not fall among refreshes", c.Refreshes)
	}
	if tail := srv.LogTail(1 << 20); strings.Contains(tail, "auth failed") {
		t.Errorf("Dovecot refused a login:\n%s", grepLines(tail, "auth failed"))
	}
	// The store holds the refresh token the server accepts now.
	rec, err := oauth2.NewStore(filepath.Join(state, "oauth2"), "").Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(as.RefreshTokens(), rec.Secrets.RefreshToken) {
		t.Error("the store does not hold a refresh token the server accepts")
	}
	if out, err := runBin(t, bin, "--state-dir", state, "auth", "show", "work"); err != nil {
		t.Fatalf("auth show: %v\n%s", err, out)
	} else {
		outputs["auth show"] = out
	}
	noTokenIn(t, as, outputs)
}
