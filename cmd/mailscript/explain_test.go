package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplainMatch flags messages by a :match{} on the subject against the
// demo mailbox, whose subjects are RFC 2047 encoded words, and checks that
// explain shows the pattern and each subject raw and decoded.
func TestExplainMatch(t *testing.T) {
	requireMail(t)
	dir := t.TempDir()
	rule := filepath.Join(dir, "flag-libre.lua")
	os.WriteFile(rule, []byte(`local mail = require("mail")
local inbox = mail.account():mailbox("INBOX")
local found = inbox:search{unseen = false}:match{subject = "nouveautés"}
print(found:flag())
`), 0o644)
	state := t.TempDir()
	out, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "--log-format", "text", "run", "--demo", rule)
	if err != nil || strings.TrimSpace(out) == "0" {
		t.Fatalf("run: %v %q\n%s", err, out, stderr)
	}
	ids, _, err := runCLI(t, context.Background(), "--state-dir", state, "runs", "--ids")
	if err != nil || len(strings.Fields(ids)) != 1 {
		t.Fatalf("runs --ids: %q %v", ids, err)
	}
	id := strings.TrimSpace(ids)
	ex, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "explain", id)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		rule + `:4 store +FLAGS \Flagged on `,
		"confirmed by the server",
		rule + ":3: SEARCH SEEN",
		rule + ":3: match subject /nouveautés/",
		`raw     "Les =?ISO-8859-1?Q?nouveaut=E9s_de_la_semaine_n=B0`,
		`decoded "Les nouveautés de la semaine n°`,
	} {
		if !strings.Contains(ex, want) {
			t.Errorf("explain lacks %q:\n%s", want, ex)
		}
	}
	// One message, by its UID.
	uid := ex[strings.Index(ex, "    UID ")+8:]
	uid = uid[:strings.Index(uid, ":")]
	one, _, err := runCLI(t, context.Background(), "--state-dir", state, "explain", id, uid)
	if err != nil || strings.Count(one, "raw ") != 1 {
		t.Errorf("explain %s %s:\n%s (%v)", id, uid, one, err)
	}
	if _, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "explain", id, "999999"); err == nil || !strings.Contains(stderr, "did nothing to 999999") {
		t.Errorf("explain of a message the run did not touch: %v %s", err, stderr)
	}
	if _, stderr, err := runCLI(t, context.Background(), "--state-dir", state, "explain", "20200101T000000.000000-abcdef"); err == nil || !strings.Contains(stderr, "no run") {
		t.Errorf("explain of an unknown run: %v %s", err, stderr)
	}
}
