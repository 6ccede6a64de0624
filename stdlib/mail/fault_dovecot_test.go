package mail_test

import (
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// noMove is Dovecot's capability list without MOVE: moves then go through
// COPY, STORE and UID EXPUNGE.
const noMove = `imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY SPECIAL-USE LITERAL+
`

// noMoveNoUIDPlus also lacks UIDPLUS: no move can expunge exactly its
// messages.
const noMoveNoUIDPlus = `imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED CONDSTORE ESEARCH WITHIN LIST-STATUS SPECIAL-USE LITERAL+
`

// faultRule moves every message with a List-Id; the first attempt may be
// cut, then the same account is used again (it must log in anew).
const faultRule = `
	local mail = require("mail")
	local acct = mail.account()
	local dest = acct:mailbox("Lists")
	if arg[1] == "bob" then dest = mail.account(os.getenv("BOB_URL")):mailbox("Lists") end
	local inbox = acct:mailbox("INBOX")
	local ok, err = pcall(function()
	  return inbox:search{header = {["List-Id"] = ""}}:move_to(dest)
	end)
	print(ok, err)
	print("after", #inbox:search{header = {["List-Id"] = ""}})
`

// where returns, for each Message-ID, how many copies the snapshots hold
// in the named (user, mailbox) places.
func where(snaps map[string]map[string]map[string]msgState, places ...[2]string) map[string]int {
	n := map[string]int{}
	for _, pl := range places {
		for _, st := range snaps[pl[0]][pl[1]] {
			n[st.MsgID]++
		}
	}
	return n
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name   string
		config string
		bob    bool // move to another account
		cmd    string
		nth    int
		when   faultproxy.When
	}{
		// BeforeCommand: the server does not get the command.
		// AfterCommand: it gets the command, the client no answer.
		// MidLiteral: it gets the command line and half the message.
		{"before COPY", noMove, false, "UID COPY", 1, faultproxy.BeforeCommand},
		{"after COPY", noMove, false, "UID STORE", 1, faultproxy.BeforeCommand},
		{"after STORE", noMove, false, "UID EXPUNGE", 1, faultproxy.BeforeCommand},
		{"during EXPUNGE", noMove, false, "UID EXPUNGE", 1, faultproxy.AfterCommand},
		{"during MOVE", "", false, "UID MOVE", 1, faultproxy.AfterCommand},
		{"no UIDPLUS, before STORE", noMoveNoUIDPlus, false, "UID STORE", 1, faultproxy.BeforeCommand},
		{"no UIDPLUS, during STORE", noMoveNoUIDPlus, false, "UID STORE", 1, faultproxy.AfterCommand},
		{"cross-account, before APPEND", "", true, "APPEND", 1, faultproxy.BeforeCommand},
		{"cross-account, during APPEND", "", true, "APPEND", 3, faultproxy.MidLiteral},
		{"cross-account, after the APPENDs", "", true, "UID STORE", 1, faultproxy.BeforeCommand},
		{"cross-account, during EXPUNGE", "", true, "UID EXPUNGE", 1, faultproxy.AfterCommand},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []dovecottest.Option
			if tc.config != "" {
				opts = append(opts, dovecottest.WithConfig(tc.config))
			}
			f := newFixtureN(t, 400, opts...)
			inSet := map[string]bool{}
			var others []*genMsg
			deletedOthers := 0
			for _, g := range f.in("INBOX") {
				if g.ListID != "" {
					inSet[g.MessageID] = true
				} else {
					others = append(others, g)
					if g.has(`\Deleted`) {
						deletedOthers++
					}
				}
			}
			if len(inSet) < 20 || deletedOthers == 0 {
				t.Fatalf("%d messages to move, %d other deleted ones: too few", len(inSet), deletedOthers)
			}
			destUser := "alice"
			if tc.bob {
				destUser = "bob"
			}
			arg := ""
			if tc.bob {
				arg = `if true then dest = mail.account(os.getenv("BOB_URL")):mailbox("Lists") end`
			}
			src := strings.Replace(faultRule, `if arg[1] == "bob" then dest = mail.account(os.getenv("BOB_URL")):mailbox("Lists") end`, arg, 1)
			// The destination exists: a cut must not hit the CREATE.
			m := dial(t, f.srv, destUser)
			if err := m.CreateMailbox("Lists"); err != nil {
				t.Fatal(err)
			}

			p := startProxy(t, f.srv.Addr())
			// Nth counts per connection: the command named is sent on
			// one connection only (alice's, or bob's for APPEND).
			fault := p.Add(faultproxy.Rule{Command: tc.cmd, Nth: tc.nth, When: tc.when, Action: faultproxy.Cut})
			out, log, err := runRuleErr(t, f.srv, p.Addr(), src, false)
			if err != nil {
				t.Fatalf("the rule itself failed (the pcall should catch the cut): %v\n%s\n%s", err, out, log)
			}
			if n := fault.Count(); n != 1 {
				t.Fatalf("the cut at %s #%d happened %d times; commands: %v", tc.cmd, tc.nth, n, p.Stats().Log)
			}
			if !strings.HasPrefix(out, "false\t") {
				t.Errorf("the cut move did not fail: %s", out)
			}
			if !strings.Contains(out, "after\t") {
				t.Errorf("the account did not work again after the cut: %s", out)
			}
			verify := func(stage string) {
				t.Helper()
				snaps := map[string]map[string]map[string]msgState{"alice": snapshot(t, f.srv, "alice")}
				if tc.bob {
					snaps["bob"] = snapshot(t, f.srv, "bob")
				}
				n := where(snaps, [2]string{"alice", "INBOX"}, [2]string{destUser, "Lists"})
				for id := range inSet {
					if n[id] == 0 {
						t.Errorf("%s: %s is in neither place", stage, id)
					}
				}
				inbox := snaps["alice"]["INBOX"]
				for _, g := range others {
					st, ok := inbox[g.MessageID]
					if !ok {
						t.Errorf("%s: %s (flags %q), not to be moved, is gone", stage, g.MessageID, flagString(g.Flags))
					} else if st.Flags != flagString(g.Flags) {
						t.Errorf("%s: %s flags %q, want %q", stage, g.MessageID, st.Flags, flagString(g.Flags))
					}
				}
			}
			verify("after the cut")
			if t.Failed() {
				t.Logf("output: %s\nlog:\n%s\ncommands: %v", out, log, p.Stats().Log)
				return
			}
			// Run again without faults: everything arrives.
			fault.Release()
			out, log = runRule(t, f.srv, p.Addr(), src, false)
			verify("after the second run")
			if strings.Contains(tc.name, "no UIDPLUS") {
				if !strings.Contains(log, "not expunged") {
					t.Errorf("the log does not say the originals were not expunged:\n%s", log)
				}
				return
			}
			if !strings.Contains(out, "after\t0\n") {
				t.Errorf("after the second run: %s\n%s", out, log)
			}
			dest := snapshot(t, f.srv, destUser)["Lists"]
			got := map[string]bool{}
			for _, st := range dest {
				got[st.MsgID] = true
			}
			if len(got) != len(inSet) {
				t.Errorf("%d distinct messages in Lists, want %d", len(got), len(inSet))
			}
			t.Logf("%d messages, %d copies in Lists", len(inSet), len(dest))
		})
	}
}
