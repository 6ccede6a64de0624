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
	local news = inbox:search{header = {["List-Id"] = ""}}
	print("move", news:move_to("Lists/all"))
	print("copy", inbox:search{from = "boss@example.com"}:copy_to(acct:mailbox("VIP")))
	print("flag", inbox:search{unseen = true}:flag())
	print("seen", inbox:all():mark_seen())
	print("unseen", inbox:all():unmark_seen())
	print("kw", inbox:all():add_keyword("Checked"))
	print("replace", inbox:all():replace_flags({}))
	print("delete", acct:mailbox("Junk"):all():delete())
	print("across", inbox:search{larger = "2K"}:move_to(bob:mailbox("Big")))
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
			for _, want := range []string{"move\t0\n", "delete\t0\n", "append\tnil\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
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
