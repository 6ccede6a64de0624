package mail_test

import (
	"reflect"
	"strings"
	"testing"
)

const dryRule = `
	local mail = require("mail")
	if arg[1] == "module" then mail.dry_run = true end
	local acct = mail.account()
	local bob = mail.account(os.getenv("BOB_URL"))
	local inbox = acct:mailbox("INBOX")
	local function act(name, set, f, ...) print(name, f(set, ...), #set) end
	local news = inbox:search{header = {["List-Id"] = ""}}
	act("move", news, news.move_to, "Lists/all")
	local boss = inbox:search{from = "boss@example.com"}
	act("copy", boss, boss.copy_to, acct:mailbox("VIP"))
	local unseen = inbox:search{unseen = true}
	act("flag", unseen, unseen.flag)
	local all = inbox:all()
	act("seen", all, all.mark_seen)
	act("unseen", all, all.unmark_seen)
	act("kw", all, all.add_keyword, "Checked")
	act("replace", all, all.replace_flags, {})
	local junk = acct:mailbox("Junk"):all()
	act("delete", junk, junk.delete)
	local big = inbox:search{larger = "2K"}
	act("across", big, big.move_to, bob:mailbox("Big"))
	acct:create("New")
	acct:rename("Junk", "Spam")
	acct:delete("Junk")
	print("append", inbox:append("Subject: x\r\n\r\nbody\r\n", {flags = {"\\Seen"}}))
`

// TestDryRun runs a rule of every action in dry-run, switched on by the
// host (the CLI's --dry-run) or by mail.dry_run, and checks through a
// separate connection that every message is byte-identical, with the same
// UID and flags, and that no command that changes a mailbox was sent.
func TestDryRun(t *testing.T) {
	for _, how := range []string{"host", "module"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			before := snapshot(t, f.srv, "alice")
			beforeBob := snapshot(t, f.srv, "bob")
			p := startProxy(t, f.srv.Addr())
			src := dryRule
			if how == "module" {
				src = strings.Replace(dryRule, `arg[1] == "module"`, "true", 1)
			}
			out, log := runRule(t, f.srv, p.Addr(), src, how == "host")
			if !reflect.DeepEqual(before, snapshot(t, f.srv, "alice")) || !reflect.DeepEqual(beforeBob, snapshot(t, f.srv, "bob")) {
				t.Error("the mailboxes changed in dry-run")
			}
			allowed := map[string]bool{"CAPABILITY": true, "LOGIN": true, "EXAMINE": true, "UID SEARCH": true, "UID FETCH": true, "LIST": true, "STATUS": true, "LOGOUT": true, "NOOP": true}
			st := p.Stats()
			for _, c := range st.Log {
				if !allowed[c] {
					t.Errorf("dry-run sent %s", c)
				}
			}
			if st.Continuations != 0 {
				t.Errorf("dry-run sent %d lines that are not commands", st.Continuations)
			}
			if !strings.Contains(out, "append\tnil\n") {
				t.Errorf("output lacks append\tnil:\n%s", out)
			}
			// Each action returns the count it would have acted on: the
			// size of its set, as its log line says.
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				f := strings.Split(line, "\t")
				if f[0] == "append" {
					continue
				}
				if len(f) != 3 || f[1] != f[2] {
					t.Errorf("dry-run %s returned %s for a set of %s", f[0], f[1], f[len(f)-1])
				}
				if (f[0] == "move" || f[0] == "delete") && f[1] == "0" {
					t.Errorf("the %s set is empty: the test shows nothing", f[0])
				}
				if f[0] == "move" && !strings.Contains(log, "destination=Lists/all count="+f[1]+" ") {
					t.Errorf("the dry-run move returned %s, its log line says otherwise:\n%s", f[1], log)
				}
			}
			for _, want := range []string{
				`msg="mail: dry-run: would move" script=rule.lua action=move source=INBOX destination=Lists/all count=`,
				`msg="mail: dry-run: would delete" script=rule.lua action=delete source=Junk count=`,
				`msg="mail: dry-run: would rename"`, `msg="mail: dry-run: would append"`,
				`destination=bob@127.0.0.1:Big`,
			} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			if !strings.Contains(log, "subjects=") {
				t.Errorf("the dry-run lines show no subjects:\n%s", log)
			}
		})
	}
}
