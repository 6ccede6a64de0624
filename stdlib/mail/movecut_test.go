package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// moveRule moves the list mail of INBOX to Lists and says how it went.
const moveRule = `local mail = require("mail")
local inbox = mail.account(os.getenv("ACCOUNT")):mailbox("INBOX")
local ok, n = pcall(function()
  return inbox:search{header = {["List-Id"] = ""}}:move_to("Lists")
end)
print(ok, n)
`

// seedMoveFixture fills INBOX with list mail (to move, some \Seen) and
// other mail (to stay, one of them flagged \Deleted before).
func seedMoveFixture(t *testing.T, srv *dovecottest.Server) (lists, others int) {
	t.Helper()
	var msgs []dovecottest.Message
	for i := range 12 {
		raw := fmt.Sprintf("From: l@example.org\r\nSubject: list %d\r\nList-Id: <l.example.org>\r\nMessage-ID: <list%d@test>\r\n\r\nx\r\n", i, i)
		var flags []string
		if i%3 == 0 {
			flags = []string{`\Seen`}
		}
		msgs = append(msgs, dovecottest.Message{Raw: []byte(raw), Flags: flags})
	}
	for i := range 4 {
		raw := fmt.Sprintf("From: o@example.org\r\nSubject: other %d\r\nMessage-ID: <other%d@test>\r\n\r\nx\r\n", i, i)
		var flags []string
		if i == 0 {
			flags = []string{`\Deleted`}
		}
		msgs = append(msgs, dovecottest.Message{Raw: []byte(raw), Flags: flags})
	}
	srv.Seed(t, "alice", "INBOX", msgs)
	createDirect(t, srv.Addr(), srv.Users["alice"], "Lists")
	return 12, 4
}

// runMove runs moveRule once with the rule state kept in stateDir.
func runMove(t *testing.T, url, stateDir string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	var logs logBuf
	e := engine.New(
		engine.WithStdout(&out),
		engine.WithEnv(func(k string) (string, bool) { return url, k == "ACCOUNT" }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		engine.WithTimeout(2*time.Minute),
		engine.WithStateDir(stateDir),
	)
	if _, err := e.RunString(context.Background(), "move.lua", moveRule); err != nil {
		t.Fatalf("rule failed: %v\n%s\n%s", err, out.String(), logs.String())
	}
	return out.String(), logs.String()
}

// finalState is what a move leaves: for INBOX and Lists, Message-ID to
// flags, with "#2" for a second copy.
func finalState(t *testing.T, srv *dovecottest.Server) map[string]map[string]string {
	t.Helper()
	snap := snapshot(t, srv, "alice")
	out := map[string]map[string]string{}
	for _, box := range []string{"INBOX", "Lists"} {
		out[box] = map[string]string{}
		for key, st := range snap[box] {
			out[box][key] = st.Flags
		}
	}
	return out
}

// TestMoveCutAnywhere cuts a move at each of its commands, on both paths
// (MOVE, and COPY + STORE + UID EXPUNGE without MOVE), before the server
// gets the command and after (the answer lost). Cut once, the move is
// finished within the same call on a new connection; cut on every
// connection, the call fails and a second run completes it from what was
// recorded. Either way the end is exactly that of an uncut move: each
// message once in Lists with its flags (no \Deleted copies), the other
// mail untouched in INBOX.
func TestMoveCutAnywhere(t *testing.T) {
	paths := []struct {
		name   string
		config string
		cmds   []string
	}{
		{"MOVE", "", []string{"UID SEARCH", "UID MOVE"}},
		{"COPY", noMove, []string{"UID SEARCH", "STATUS", "UID COPY", "UID STORE", "UID EXPUNGE"}},
	}
	for _, path := range paths {
		t.Run(path.name, func(t *testing.T) {
			var opts []dovecottest.Option
			if path.config != "" {
				opts = append(opts, dovecottest.WithConfig(path.config))
			}
			srv := dovecottest.Start(t, opts...)
			seedMoveFixture(t, srv)
			reset := resetter(t, srv)
			// The uncut move, for reference.
			out, log := runMove(t, accountURL(srv, srv.Addr(), "alice", ""), t.TempDir())
			if out != "true\t12\n" {
				t.Fatalf("uncut move: %q\n%s", out, log)
			}
			want := finalState(t, srv)
			if len(want["Lists"]) != 12 || len(want["INBOX"]) != 4 {
				t.Fatalf("uncut move: %v", want)
			}
			for _, cmd := range path.cmds {
				for _, when := range []faultproxy.When{faultproxy.BeforeCommand, faultproxy.AfterCommand} {
					for _, once := range []bool{true, false} {
						name := fmt.Sprintf("%s %s once=%v", when, cmd, once)
						t.Run(name, func(t *testing.T) {
							reset(t)
							p := newProxy(t, srv.Addr())
							r := faultproxy.Rule{Command: cmd, When: when, Action: faultproxy.Cut}
							if once {
								r.Conn = 1
							}
							fault := p.Add(r)
							url := accountURL(srv, p.Addr(), "alice", "")
							state := t.TempDir()
							out, log := runMove(t, url, state)
							if fault.Count() == 0 {
								t.Fatalf("no cut at %s; commands: %v", cmd, p.Stats().Log)
							}
							if once && !strings.HasPrefix(out, "true\t") {
								t.Errorf("cut once, the move was not finished in the same call: %q\n%s", out, log)
							}
							// Cut on every connection, the call fails, unless the
							// connection that finished the move never sent the
							// command that is cut (the server had done that step
							// before the cut, as seen from what it holds).
							finished := strings.HasPrefix(out, "true\t") && fault.Count() == 1
							if !once && !finished {
								if !strings.HasPrefix(out, "false\t") {
									t.Errorf("cut on every connection (%d cuts), the move did not fail: %q", fault.Count(), out)
								}
								fault.Release()
								out2, log2 := runMove(t, url, state)
								if !strings.HasPrefix(out2, "true\t") {
									t.Errorf("second run: %q\n%s", out2, log2)
								}
								log += log2
							}
							got := finalState(t, srv)
							for _, box := range []string{"INBOX", "Lists"} {
								if fmt.Sprint(got[box]) != fmt.Sprint(want[box]) {
									t.Errorf("%s:\n got %v\nwant %v", box, got[box], want[box])
								}
							}
							if t.Failed() {
								t.Logf("log:\n%s\ncommands: %v", log, p.Stats().Log)
							}
						})
					}
				}
			}
		})
	}
}

// resetter returns a function that puts the fixture back: the list mail
// in INBOX with its flags, Lists empty. It works through a connection of
// its own: Lists is emptied and the INBOX copy restored from a snapshot.
func resetter(t *testing.T, srv *dovecottest.Server) func(t *testing.T) {
	t.Helper()
	m := dialAddr(t, srv.Addr(), "alice", srv.Users["alice"])
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateMailbox("Pristine"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.UIDCopy(rangeAll(), "Pristine"); err != nil {
		t.Fatal(err)
	}
	m.Logout()
	return func(t *testing.T) {
		t.Helper()
		m := dialAddr(t, srv.Addr(), "alice", srv.Users["alice"])
		defer m.Logout()
		for _, box := range []string{"INBOX", "Lists"} {
			info, err := m.SelectMailbox(box, false)
			if err != nil {
				t.Fatal(err)
			}
			if info.Exists > 0 {
				if _, err := m.UIDStore(rangeAll(), imaplib.AddFlags, []string{`\Deleted`}, true); err != nil {
					t.Fatal(err)
				}
				if _, _, err := m.Expunge(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := m.SelectMailbox("Pristine", true); err != nil {
			t.Fatal(err)
		}
		if _, err := m.UIDCopy(rangeAll(), "INBOX"); err != nil {
			t.Fatal(err)
		}
	}
}
