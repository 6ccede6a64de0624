package main

// Differential tests of "mailscript imapfilter" against imapfilter itself:
// each config under testdata/imapfilter runs once under the real
// imapfilter and once under mailscript, against the same Dovecot from the
// same starting Maildir; the final state of every mailbox and the printed
// output must be the same.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// needIMAPFilter returns the path of imapfilter, or skips the test; under
// CI the tier is mandatory and a missing imapfilter fails it.
func needIMAPFilter(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("imapfilter")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("MAILSCRIPT_REQUIRE_DOVECOT") == "1" {
			t.Fatal("imapfilter is not installed (required under CI)")
		}
		t.Skip("imapfilter is not installed")
	}
	return p
}

// bed is a Dovecot with the test corpus and a snapshot of its mail, so
// that every run starts from the same bytes (UIDVALIDITY included).
type bed struct {
	srv      *dovecottest.Server
	snapshot string
}

func newBed(t *testing.T) *bed {
	t.Helper()
	return newBedWith(t, corpus(time.Now()))
}

func newBedWith(t *testing.T, boxes []seedBox) *bed {
	t.Helper()
	srv := dovecottest.Start(t)
	for _, box := range boxes {
		srv.Seed(t, box.user, box.mailbox, box.msgs)
	}
	b := &bed{srv: srv, snapshot: filepath.Join(t.TempDir(), "home")}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(srv.Dir(), "home")
	if out, err := exec.Command("cp", "-a", home, b.snapshot).CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, out)
	}
	return b
}

// reset puts the snapshot back and starts Dovecot on it.
func (b *bed) reset(t *testing.T) {
	t.Helper()
	if err := b.srv.Stop(); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(b.srv.Dir(), "home")
	if err := os.RemoveAll(home); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", b.snapshot, home).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if err := b.srv.Restart(); err != nil {
		t.Fatal(err)
	}
}

// expand fills in the test bed's address and accounts.
func (b *bed) expand(s string) string {
	_, port, _ := strings.Cut(b.srv.Addr(), ":")
	_, tlsPort, _ := strings.Cut(b.srv.TLSAddr(), ":")
	return strings.NewReplacer(
		"{PORT}", port, "{TLSPORT}", tlsPort,
		"{USER}", dovecottest.DefaultUser, "{PASS}", dovecottest.DefaultPassword,
		"{USER2}", dovecottest.SecondUser, "{PASS2}", dovecottest.SecondPassword,
	).Replace(s)
}

// dialAs logs in to the test bed as user, for looking at the server from
// a connection of its own.
func (b *bed) dialAs(t *testing.T, user string) *imaplib.IMAP4 {
	t.Helper()
	host, port, _ := strings.Cut(b.srv.Addr(), ":")
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login(user, b.srv.Users[user]); err != nil {
		m.Close()
		t.Fatal(err)
	}
	return m
}

// state lists every message of both users: "user/mailbox message-id
// flags", sorted. \Recent is left out (it belongs to sessions), and so is
// mail that was flagged \Deleted before the run (Message-ID starting with
// "predeleted"), which mailscript keeps where imapfilter expunges it.
func (b *bed) state(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, u := range []string{dovecottest.DefaultUser, dovecottest.SecondUser} {
		m := b.dialAs(t, u)
		boxes, err := m.ListMailboxes("", "*")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range boxes {
			if hasAttr(e.Attrs, `\Noselect`) || hasAttr(e.Attrs, `\NonExistent`) {
				continue
			}
			if _, err := m.SelectMailbox(e.Name, true); err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			all, _ := imaplib.ParseSeqSet("1:*")
			fds, err := m.UIDFetch(all, "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range fds {
				id := "(none)"
				if len(fd.Sections) > 0 {
					_, v, _ := strings.Cut(string(fd.Sections[0].Data), ":")
					if v = strings.TrimSpace(v); v != "" {
						id = v
					}
				}
				if strings.HasPrefix(id, "<predeleted") {
					continue
				}
				var flags []string
				for _, f := range fd.Flags {
					if !strings.EqualFold(f, `\Recent`) {
						flags = append(flags, f)
					}
				}
				sort.Strings(flags)
				out = append(out, fmt.Sprintf("%s/%s %s %s", u, e.Name, id, strings.Join(flags, " ")))
			}
		}
		m.Logout()
	}
	sort.Strings(out)
	return out
}

// ifConfig is one config of testdata/imapfilter and how it is pointed at
// the test bed.
type ifConfig struct {
	file string
	// subst are pairs (old, new) of textual substitutions; each old text
	// must occur. {PORT}, {USER}... are expanded in new.
	subst []string
	// prepend is put before the config (accounts a fragment lacks).
	prepend string
	// args are extra arguments of both runs (such as --allow-run for us).
	args []string
	// unordered compares the printed lines as a multiset: imapfilter
	// walks a result spanning several mailboxes in hash order.
	unordered bool
	// probe marks a config written for the test to reach API corners,
	// not collected from users: the speed measurement leaves it out.
	probe bool
}

func (c ifConfig) text(t *testing.T, b *bed) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "imapfilter", c.file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(c.subst); i += 2 {
		if !strings.Contains(s, c.subst[i]) {
			t.Fatalf("%s: substitution %q does not apply", c.file, c.subst[i])
		}
		s = strings.ReplaceAll(s, c.subst[i], b.expand(c.subst[i+1]))
	}
	return b.expand(c.prepend) + s
}

var timings = regexp.MustCompile(`\(\d+\.\d+ \+ \d+\.\d+( \+ \d+\.\d+)? secs\)\.?`)

// runReal runs the config under imapfilter and returns what it printed.
func (b *bed) runReal(t *testing.T, bin, config string, extra ...string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.lua")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-c", path, "-t", b.srv.CertFile()}, extra...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Logf("imapfilter: %v\n%s", err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// runOurs runs the config under "mailscript imapfilter".
func (b *bed) runOurs(t *testing.T, config string, extra ...string) (string, string) {
	return b.runOursWith(t, config, extra, nil)
}

// runOursWith runs the config under "mailscript [before] imapfilter -c
// CONFIG -t CERT [after]".
func (b *bed) runOursWith(t *testing.T, config string, before, after []string) (string, string) {
	t.Helper()
	stdout, stderr, err := b.runOursErr(t, config, before, after)
	if err != nil {
		t.Logf("mailscript imapfilter: %v\n%s", err, stderr)
	}
	return stdout, stderr
}

// runOursErr is runOursWith that returns the run's error.
func (b *bed) runOursErr(t *testing.T, config string, before, after []string) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.lua")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	args := append([]string{"--log-format", "text", "--state-dir", filepath.Join(dir, "state")}, before...)
	args = append(args, "imapfilter", "-c", path, "-t", b.srv.CertFile())
	args = append(args, after...)
	err := run(ctx, args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// ifConfigs are the configs of testdata/imapfilter (see its README for
// where each comes from).
var ifConfigs = []ifConfig{
	{
		file: "samples-config.lua",
		subst: []string{
			"server = 'imap1.mail.server',", "server = 'localhost', port = {PORT},",
			"username = 'user1',", "username = '{USER}',",
			"password = 'secret1',", "password = '{PASS}',",
			"server = 'imap2.mail.server',", "server = 'localhost', port = {TLSPORT},",
			"username = 'user2',", "username = '{USER2}',",
			"password = 'secret2',", "password = '{PASS2}',",
		},
		unordered: true,
	},
	{
		file: "samples-extend.lua",
		prepend: "myaccount = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }\n" +
			"myaccount2 = IMAP { server = 'localhost', port = {PORT}, username = '{USER2}', password = '{PASS2}' }\n",
		subst: []string{
			"become_daemon(600, forever)", "forever()",
			"while true do", "for _ = 1, 1 do",
			"    myaccount.mymailbox:enter_idle()\n", "",
			"if not mbox:enter_idle() then", "if false then",
			"'bayesian-spam-filter'", "'grep -qi viagra && exit 1 || exit 0'",
			"pipe_from('pass Email/imap1.mail.server')", "pipe_from('echo secret1')",
		},
		args: []string{"--allow-run"},
	},
	{file: "lists-by-listid.lua", subst: tlsAccount("'imap.gmail.com'", "'someone@gmail.com'", "'GMAIL_PASS'", "port = 993,")},
	{file: "amazon-trash.lua", subst: tlsAccount("'my.server.fqdn.tld'", "'my.mail@provider.tld'", "'my_password'", "port = 993")},
	{file: "recipient-helpers.lua", subst: plainAccount("'mail.example.com'", "'jdoe'", "'hunter2'")},
	{file: "melver-mainloop.lua", subst: tlsAccount("'imap.example.com'", "'marco'", "'pw'", "")},
	{file: "idle-loop.lua", subst: append(tlsAccount("'imap.example.org'", "'me@example.org'", "'secret'", ""),
		"while true do\n    email.INBOX:enter_idle()", "for _ = 1, 1 do")},
	{file: "status-probe.lua", subst: tlsAccount("'imap.gmail.com'", "'someone'", "'pw'", "")},
	{file: "launchpad-bugs.lua", subst: append(tlsAccount("'imap.gmail.com'", "'<email>'", "pass", ""),
		"pipe_from('gpg2 -dq ~/.mutt/my_pass.gpg')", "pipe_from('printf {PASS}')"), args: []string{"--allow-run"}},
	{file: "print-matched.lua", subst: tlsAccount("'mail.example.cz'", "'klink'", "'pw'", "port = 993,")},
	{file: "popen-password.lua", subst: append(tlsAccount("'mail.realnames.example'", "'jose@valdivia.example'", "get_password('jose', 'hoover')", ""),
		"\"echo \" .. account .. \"-\" .. service", "\"echo {PASS}\""), args: []string{"--allow-run"}},
	{file: "spam-pipe.lua", subst: tlsAccount("'imap.example.net'", "'kyle'", "'pw'", ""), args: []string{"--allow-run"}},
	{file: "ipairs-loop.lua", subst: plainAccount("'mail.example.com'", "'greg'", "'pw'")},
	{file: "iranzo-rules.lua", subst: plainAccount("'localhost'", "'iranzo'", "'pw'")},
	{file: "cheatsheet.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'")},
	{file: "predicate-builders.lua", subst: []string{
		"server = 'imap.gmail.com'", "server = 'localhost', port = {TLSPORT}",
		"username = 'me@home.example'", "username = '{USER}'",
		"username = 'me@work.example'", "username = '{USER2}'",
		`string.format("mutt -F '%s' -Q '%s'", home .. "/.mutt/" .. file, name)`,
		`string.format("echo '%s=\"%s\"'", name, file == "passwd.home" and "{PASS}" or "{PASS2}")`,
	}, args: []string{"--allow-run"}},
	{file: "school-account.lua", subst: []string{
		"server = 'mail.school.edu'", "server = 'localhost', port = {TLSPORT}",
		"pipe_from('~/.mail_config/lib/imapfilter-helper.py mail.school.edu user')", "pipe_from('echo \"  {USER}  \"')",
		"pipe_from('~/.mail_config/lib/imapfilter-helper.py mail.school.edu password')", "pipe_from('printf \"{PASS}\\\\n\"')",
	}, args: []string{"--allow-run"}},
	{file: "spamc-set.lua", subst: append(tlsAccount("'imap.gmail.com'", "'someone@gmail.com'", "'pw'", ""),
		"'spamc -c'", `'grep -q "^X-Spam-Flag: YES" && exit 1 || exit 0'`), args: []string{"--allow-run"}},
	{file: "daemon-rules.lua", subst: append(tlsAccount(`"imap.example.org"`, `"name@example.org"`, `"password"`, ""),
		"become_daemon(600, forever)", "forever()")},
	{file: "idle-recover-log.lua", subst: append(tlsAccount("'imap.example.de'", "'me'", "'pw'", ""),
		`local tz=require"luatz"`, `local tz={time_in=function() return os.time() end}`,
		"os.getenv('MAILBOX')", "'alice'",
		`os.date("%Y-%m-%d %H:%M:%S ")`, `os.date("%Y ")`,
		"account.INBOX:enter_idle()", "true, 'EXISTS'",
		"while true do", "for _ = 1, 1 do")},
	{file: "git-repo-folders.lua", subst: append(tlsAccount(`"imap.example.net"`, `"someone@example.net"`, `"pw"`, "port = 993,"),
		"forge.git:enter_idle()", "false"), unordered: true},
	{file: "juergh-lib.lua", subst: append(tlsAccount("'imap.example.com'", "'someone@example.com'", "secret('example.com/someone')", ""),
		"pipe_from('pass show ' .. name)", "pipe_from('echo {PASS}; true ' .. name)"), args: []string{"--allow-run"}},
	{file: "folder-walk.lua", subst: append(tlsAccount("'outlook.example.com'", "'someone@example.com'", `get_imap_password(".imap_app_password")`, "port = 993,"),
		"'spamassassin -e 1>/dev/null'", `'grep -q "^X-Spam-Flag: YES" && exit 1 || exit 0'`), args: []string{"--allow-run"}, unordered: true},
	{file: "prefilter-chain.lua", subst: []string{
		"dofile('account.lua')", "home = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }",
		"until home.prefilter:enter_idle()", "until true",
		"become_daemon(60, check_mail)", "check_mail()",
	}},
	{file: "snooze-folders.lua", subst: tlsAccount("'imap.snooze.example'", "'sleepy'", "'zzz'", "")},
	{file: "list-id-folders.lua", subst: plainAccount("'imap.lists.example'", "'ann'", "'pw'"), unordered: true},
	{file: "api-corners.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "api-moves.lua", subst: append(plainAccount("'imap.example.com'", "'me'", "'pw'"),
		"username = 'bob'", "username = '{USER2}'", "password = 'pw2'", "password = '{PASS2}'"), probe: true},
	{file: "mailbox-names.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "i18n-errors.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "api-messages.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "mime-structures.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "server-refusals.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "set-literals.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "arg-types.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "header-corners.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
	{file: "dates-sizes.lua", subst: plainAccount("'imap.example.com'", "'me'", "'pw'"), probe: true},
}

// plainAccount points an account at the test bed's plain port (STARTTLS).
func plainAccount(server, user, pass string) []string {
	return []string{
		"server = " + server, "server = 'localhost', port = {PORT}",
		"username = " + user, "username = '{USER}'",
		"password = " + pass, "password = '{PASS}'",
	}
}

// tlsAccount points an account with ssl at the test bed's TLS port;
// port is the config's own port setting, dropped ("" when none).
func tlsAccount(server, user, pass, port string) []string {
	s := []string{
		"server = " + server, "server = 'localhost', port = {TLSPORT}",
		"username = " + user, "username = '{USER}'",
		"password = " + pass, "password = '{PASS}'",
	}
	if port != "" {
		s = append(s, port, "")
	}
	return s
}

func TestIMAPFilterDifferential(t *testing.T) {
	bin := needIMAPFilter(t)
	b := newBed(t)
	for _, c := range ifConfigs {
		t.Run(strings.TrimSuffix(c.file, ".lua"), func(t *testing.T) {
			config := c.text(t, b)
			b.reset(t)
			realOut, realErr := b.runReal(t, bin, config)
			realState := b.state(t)
			b.reset(t)
			ourOut, ourErr := b.runOurs(t, config, c.args...)
			ourState := b.state(t)
			sameAsIMAPFilter(t, c, realState, ourState, realOut, ourOut, "imapfilter stderr:\n"+realErr+"\nmailscript stderr:\n"+ourErr)
			if testing.Verbose() {
				t.Logf("output:\n%s", ourOut)
			}
		})
	}
}

// sameAsIMAPFilter checks that a run of config c by mailscript ended as
// imapfilter's did: the same final state of every mailbox and the same
// printed output (timings aside; in any order when c.unordered). stderrs
// is shown with a difference of output.
func sameAsIMAPFilter(t *testing.T, c ifConfig, realState, ourState []string, realOut, ourOut, stderrs string) {
	t.Helper()
	if d := diffLines(realState, ourState); d != "" {
		t.Errorf("final mailbox state differs (- imapfilter, + mailscript):\n%s", d)
	}
	ro, oo := lines(timings.ReplaceAllString(realOut, "")), lines(timings.ReplaceAllString(ourOut, ""))
	if c.unordered {
		sort.Strings(ro)
		sort.Strings(oo)
	}
	if d := diffLines(ro, oo); d != "" {
		t.Errorf("printed output differs (- imapfilter, + mailscript):\n%s\n%s", d, stderrs)
	}
}

func hasAttr(attrs []string, a string) bool {
	for _, x := range attrs {
		if strings.EqualFold(x, a) {
			return true
		}
	}
	return false
}

// TestIMAPFilterDryRunDifferential runs configs with -n under both: the
// printed output must be the same, and mailscript must change nothing.
func TestIMAPFilterDryRunDifferential(t *testing.T) {
	bin := needIMAPFilter(t)
	b := newBed(t)
	b.reset(t)
	initial := b.state(t)
	for _, c := range ifConfigs {
		if c.file != "samples-config.lua" && c.file != "cheatsheet.lua" && c.file != "iranzo-rules.lua" {
			continue
		}
		t.Run(strings.TrimSuffix(c.file, ".lua"), func(t *testing.T) {
			config := c.text(t, b)
			b.reset(t)
			realOut, _ := b.runReal(t, bin, config, "-n")
			b.reset(t)
			ourOut, ourErr := b.runOursWith(t, config, c.args, []string{"-n"})
			if d := diffLines(initial, b.state(t)); d != "" {
				t.Errorf("a dry run changed mailboxes:\n%s", d)
			}
			ro, oo := lines(realOut), lines(ourOut)
			sort.Strings(ro)
			sort.Strings(oo)
			if d := diffLines(ro, oo); d != "" {
				t.Errorf("printed output differs (- imapfilter, + mailscript):\n%s", d)
			}
			if !strings.Contains(ourErr, "dry-run: would") {
				t.Errorf("no dry-run log lines:\n%s", ourErr)
			}
		})
	}
}

// TestIMAPFilterKeepsOthersDeleted checks the one difference on purpose:
// a move expunges exactly the messages moved, so mail another client had
// flagged \Deleted survives under mailscript, where imapfilter's bare
// EXPUNGE destroys it.
func TestIMAPFilterKeepsOthersDeleted(t *testing.T) {
	bin := needIMAPFilter(t)
	b := newBed(t)
	config := b.expand(`account = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }
account.INBOX:contain_from('amazon.com'):move_messages(account['Shopping'])
`)
	survives := func() bool {
		m := b.dialAs(t, dovecottest.DefaultUser)
		defer m.Logout()
		if _, err := m.SelectMailbox("INBOX", true); err != nil {
			t.Fatal(err)
		}
		set, err := m.UIDSearch("HEADER", "Message-ID", "predeleted1")
		if err != nil {
			t.Fatal(err)
		}
		return !set.IsEmpty()
	}
	b.reset(t)
	b.runReal(t, bin, config)
	if survives() {
		t.Error("imapfilter kept the message flagged \\Deleted by another client; the test no longer shows the difference")
	}
	b.reset(t)
	out, _ := b.runOurs(t, config)
	if !survives() {
		t.Error("mailscript imapfilter expunged a message it did not act on")
	}
	if want := "1 messages moved from alice@localhost/INBOX to alice@localhost/Shopping.\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// diffLines is a small line diff: the lines only in a (-) or only in b
// (+), keeping order; "" when equal.
func diffLines(a, b []string) string {
	if strings.Join(a, "\n") == strings.Join(b, "\n") {
		return ""
	}
	// Longest common subsequence, fine for the few hundred lines here.
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var d strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&d, "+ %s\n", b[j])
			j++
		default:
			fmt.Fprintf(&d, "- %s\n", a[i])
			i++
		}
	}
	return d.String()
}
