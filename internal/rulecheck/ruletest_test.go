package rulecheck

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// write creates files under dir: name -> content.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func msg(subject string) string {
	return "From: a@example.org\nTo: b@example.org\nSubject: " + subject + "\nDate: Mon, 02 Nov 2026 10:00:00 +0100\n\nbody of " + subject + "\n"
}

func TestLoadFixtures(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"INBOX/a.eml":       msg("a"),
		"INBOX/b c.eml":     msg("b"),
		"Lists/Go/x.eml":    msg("x"),
		"Lists/go.mbox":     "From a@example.org Mon Nov  2 10:00:00 2026\n" + msg("m1") + ">From the start\n\nFrom b@example.org Mon Nov  2 11:00:00 2026\n" + msg("m2"),
		"Trash/.keep":       "",
		"notes.txt":         "not a message",
		"flags.txt":         "# fixture  flags\nINBOX/a.eml  \\seen $Work  -40d\nINBOX/b c.eml\t2026-10-03T09:15:00Z \\Flagged\nLists/go.mbox#2  -3h\n",
		".git/INBOX/x.eml":  msg("hidden"),
		"INBOX/readme.txt":  "ignored",
		"Lists/Go/y.EML":    msg("y"),
		"Lists/Go/deep.eml": msg("deep"),
	})
	fx, err := LoadFixtures(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range fx.Messages {
		names = append(names, m.Name)
	}
	want := []string{"INBOX/a.eml", "INBOX/b c.eml", "Lists/Go/deep.eml", "Lists/Go/x.eml", "Lists/Go/y.EML", "Lists/go.mbox#1", "Lists/go.mbox#2"}
	if !slices.Equal(names, want) {
		t.Errorf("fixtures = %q, want %q", names, want)
	}
	if want := []string{"INBOX", "Lists", "Lists/Go", "Lists/go", "Trash"}; !slices.Equal(fx.Mailboxes, want) {
		t.Errorf("mailboxes = %q, want %q", fx.Mailboxes, want)
	}
	a := fx.Lookup("INBOX/a.eml")
	if !slices.Equal(a.Flags, []string{"$Work", `\Seen`}) || !a.Date.Equal(now.Add(-40*24*time.Hour)) {
		t.Errorf("a: flags %q date %v", a.Flags, a.Date)
	}
	if !strings.Contains(string(a.Raw), "Subject: a\r\n") || strings.Contains(strings.ReplaceAll(string(a.Raw), "\r\n", ""), "\n") {
		t.Errorf("a is not CRLF: %q", a.Raw)
	}
	b := fx.Lookup("INBOX/b c.eml")
	if !slices.Equal(b.Flags, []string{`\Flagged`}) || !b.Date.Equal(time.Date(2026, 10, 3, 9, 15, 0, 0, time.UTC)) {
		t.Errorf("b: flags %q date %v", b.Flags, b.Date)
	}
	x := fx.Lookup("Lists/Go/x.eml")
	if len(x.Flags) != 0 || !x.Date.Equal(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("x: flags %q date %v (want the Date header)", x.Flags, x.Date)
	}
	m1 := fx.Lookup("Lists/go.mbox#1")
	if m1.Mailbox != "Lists/go" || !strings.HasSuffix(string(m1.Raw), "body of m1\r\nFrom the start\r\n") {
		t.Errorf("mbox#1: mailbox %q raw %q", m1.Mailbox, m1.Raw)
	}
	if m2 := fx.Lookup("Lists/go.mbox#2"); !m2.Date.Equal(now.Add(-3 * time.Hour)) {
		t.Errorf("mbox#2 date %v", m2.Date)
	}
	if s := fx.Lookup("INBOX/b c.eml").Subject(); s != "b" {
		t.Errorf("subject %q", s)
	}
}

func TestLoadFixturesErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"empty", map[string]string{"INBOX/.keep": ""}, "no messages"},
		{"top-level message", map[string]string{"a.eml": msg("a")}, "must be in a mailbox's folder"},
		{"same content", map[string]string{"INBOX/a.eml": msg("a"), "Lists/a.eml": msg("a")}, "INBOX/a.eml and Lists/a.eml are the same message"},
		{"unknown fixture", map[string]string{"INBOX/a.eml": msg("a"), "flags.txt": "INBOX/b.eml  \\Seen\n"}, `flags.txt:1: no fixture "INBOX/b.eml"`},
		{"bad system flag", map[string]string{"INBOX/a.eml": msg("a"), "flags.txt": "\n\nINBOX/a.eml  \\Important\n"}, `flags.txt:3: "\\Important" is not a system flag`},
		{"bad keyword", map[string]string{"INBOX/a.eml": msg("a"), "flags.txt": "INBOX/a.eml  (x\n"}, `"(x" is not an IMAP flag`},
		{"bad age", map[string]string{"INBOX/a.eml": msg("a"), "flags.txt": "INBOX/a.eml  -3w\n"}, `bad age "-3w"`},
		{"bad date", map[string]string{"INBOX/a.eml": msg("a"), "flags.txt": "INBOX/a.eml  2026-13-01\n"}, `bad date "2026-13-01"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.files)
			_, err := LoadFixtures(dir, time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadExpectations(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"fx/INBOX/a.eml": msg("a"), "fx/INBOX/b.eml": msg("b"), "fx/INBOX/c.eml": msg("c"), "fx/INBOX/d.eml": msg("d"),
		"fx/flags.txt": "INBOX/d.eml  \\Seen\n",
	})
	fx, err := LoadFixtures(filepath.Join(dir, "fx"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       map[string]Expectation // checked entries
		err        string
	}{
		{
			name: "columns",
			text: "# comment\nINBOX/a.eml\tGopher Weekly\t\\Seen \\flagged\nINBOX/b.eml  -\nINBOX/c.eml  Archive  ()\n",
			want: map[string]Expectation{
				"INBOX/a.eml": {Fixture: "INBOX/a.eml", Mailbox: "Gopher Weekly", Flags: []string{`\Flagged`, `\Seen`}, Line: 2},
				"INBOX/b.eml": {Fixture: "INBOX/b.eml", Mailbox: Gone, Line: 3},
				"INBOX/c.eml": {Fixture: "INBOX/c.eml", Mailbox: "Archive", Flags: []string{}, Line: 4},
				"INBOX/d.eml": {Fixture: "INBOX/d.eml", Mailbox: "INBOX", Flags: []string{`\Seen`}},
			},
		},
		{name: "star", text: "INBOX/a.eml  INBOX  *\n", want: map[string]Expectation{"INBOX/a.eml": {Fixture: "INBOX/a.eml", Mailbox: "INBOX", Line: 1}}},
		{name: "one column", text: "INBOX/a.eml\n", err: "expect.txt:1: want FIXTURE, MAILBOX"},
		{name: "single spaces", text: "INBOX/a.eml INBOX\n", err: "want FIXTURE, MAILBOX"},
		{name: "unknown", text: "INBOX/z.eml  INBOX\n", err: `expect.txt:1: no fixture "INBOX/z.eml"`},
		{name: "twice", text: "INBOX/a.eml  INBOX\nINBOX/a.eml  Archive\n", err: "expect.txt:2: INBOX/a.eml is already expected on line 1"},
		{name: "bad flag", text: "INBOX/a.eml  INBOX  \\Starred\n", err: `"\\Starred" is not a system flag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, "expect.txt")
			write(t, dir, map[string]string{"expect.txt": tt.text})
			got, err := ReadExpectations(file, fx)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(fx.Messages) {
				t.Errorf("%d expectations, want one per fixture (%d)", len(got), len(fx.Messages))
			}
			for name, w := range tt.want {
				g := got[name]
				if g.Fixture != w.Fixture || g.Mailbox != w.Mailbox || g.Line != w.Line || (g.Flags == nil) != (w.Flags == nil) || !slices.Equal(g.Flags, w.Flags) {
					t.Errorf("%s = %+v, want %+v", name, g, w)
				}
			}
		})
	}
}

// TestRun runs two Lua-free "rules" (Go functions acting through IMAP, as
// a rule's connection would) and checks outcomes, attribution and report.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"INBOX/keep.eml": msg("keep"), "INBOX/move.eml": msg("move"), "INBOX/flag.eml": msg("flag"),
		"INBOX/drop.eml": msg("drop"), "Archive/.keep": "",
		"expect.txt": "INBOX/move.eml  Archive  ()\nINBOX/flag.eml  INBOX  \\Flagged\nINBOX/drop.eml  -\n",
	})
	fx, err := LoadFixtures(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	expect, err := ReadExpectations(filepath.Join(dir, "expect.txt"), fx)
	if err != nil {
		t.Fatal(err)
	}
	rules := []Rule{{Name: "mover"}, {Name: "flagger"}}
	run := func(ctx context.Context, r Rule, url string) (string, error) {
		return "", actOn(t, url, r.Name)
	}
	res, err := Run(context.Background(), fx, expect, rules, run)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	res.Write(&b, "expect.txt", false)
	out := b.String()
	// mover moved move.eml as expected; flagger flagged keep.eml instead of
	// flag.eml; nobody deleted drop.eml.
	for _, want := range []string{
		`FAIL INBOX/drop.eml "drop": expected gone, got INBOX () (no rule changed it) [expect.txt:3]`,
		`FAIL INBOX/flag.eml "flag": expected INBOX \Flagged, got INBOX () (no rule changed it) [expect.txt:2]`,
		`FAIL INBOX/keep.eml "keep": expected INBOX (), got INBOX \Flagged (changed by flagger)`,
		"1 passed, 3 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "move.eml") {
		t.Errorf("the passing fixture is reported:\n%s", out)
	}
	if res.Failed() != 3 {
		t.Errorf("Failed() = %d", res.Failed())
	}
	var rec strings.Builder
	if err := res.WriteExpectations(&rec); err != nil {
		t.Fatal(err)
	}
	write(t, dir, map[string]string{"expect.txt": rec.String()})
	expect, err = ReadExpectations(filepath.Join(dir, "expect.txt"), fx)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Run(context.Background(), fx, expect, rules, run)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() != 0 {
		b.Reset()
		res.Write(&b, "expect.txt", true)
		t.Errorf("after --record, the same rules fail:\n%s", b.String())
	}
}
