package imapfilter_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
	"github.com/mailscript/mailscript/stdlib/mail"
)

func TestSplittable(t *testing.T) {
	for _, c := range []struct {
		criteria string
		want     bool
	}{
		{`FROM "news@"`, true},
		{`TO "a" NOT CC "b"`, true},
		{`OR (FROM "a" SUBJECT "b") TO "c"`, true},
		{`HEADER List-ID "<dev.lists>"`, true},
		{`SINCE 01-Jan-2020 SUBJECT "x"`, true},
		{`UID 1:5,9 FROM "x"`, true},
		{`UNSEEN FLAGGED TEXT "a\"b"`, true},
		{`UNSEEN`, false},                  // nothing that reads the messages
		{`LARGER 1000 SMALLER 5000`, true}, // a cold Maildir: a stat per file
		{`BEFORE 01-Jan-2000`, true},
		{`UNSEEN KEYWORD $Important`, false},   // flags are in the index
		{`RECENT FROM "x"`, false},             // \Recent belongs to the session
		{`NEW SUBJECT "x"`, false},             //
		{`SUBJECT "x" OLD`, false},             //
		{`1:5 FROM "x"`, false},                // sequence numbers are the session's
		{`UID $ FROM "x"`, false},              // and so is its saved result
		{`FROM {3}`, false},                    // a literal
		{`FROM "unclosed`, false},              //
		{`FROM`, false},                        // an argument missing: the server says so
		{`HEADER X-Spam`, false},               //
		{`X-GM-RAW "has:attachment"`, false},   // a key this list does not know
		{"FROM \"a\"\r\nSUBJECT \"b\"", false}, // a line break
	} {
		if got := imapfilter.Splittable(c.criteria); got != c.want {
			t.Errorf("splittable(%q) = %v, want %v", c.criteria, got, c.want)
		}
	}
}

// splitCorpus seeds INBOX with n messages of a few senders, recipients,
// subjects and spam verdicts, some of them seen (dovecottest.Reports).
func splitCorpus(t *testing.T, srv *dovecottest.Server, n int) {
	t.Helper()
	srv.Seed(t, dovecottest.DefaultUser, "INBOX", dovecottest.Reports(n))
}

// splitRules prints what the searches and matches of a config find.
const splitRules = `
local inbox = acct.INBOX
local function show(name, r)
    local u = {}
    for _, m in ipairs(r) do table.insert(u, m[2]) end
    print(name, #r, table.concat(u, ','))
end
show('from', inbox:contain_from('news@'))
show('to+cc', inbox:contain_to('alice@') + inbox:contain_cc('alice@'))
show('unseen*subject', inbox:is_unseen() * inbox:contain_subject('report 1'))
show('unseen:subject', inbox:is_unseen():contain_subject('report 1'))
show('unseen:field', inbox:is_unseen():contain_field('X-Spam-Flag', 'YES'))
show('field', inbox:contain_field('X-Spam-Flag', 'YES'))
show('body', inbox:contain_body('line 3'))
show('match_header', inbox:match_header('X-Spam-Flag: YES'))
show('match_subject', inbox:match_subject('report [0-9]*7$'))
show('match_from', inbox:is_seen():match_from('news@'))
local all = inbox:select_all()
local fields = inbox:fetch_fields({ 'subject', 'x-spam-flag' }, all)
local each = {}
for _, m in ipairs(all) do
    table.insert(each, m[2] .. '=' .. string.gsub(fields[m[2]] or 'none', '%s+', ' '))
end
print('fetch_fields', #all, table.concat(each, ';'))
`

// runLuaLogged is runLua with the debug log of the run.
func runLuaLogged(t *testing.T, src string) (out, log string) {
	t.Helper()
	var logs bytes.Buffer
	out, err := runLua(t, &host.Host{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	return out, logs.String()
}

func splitAccount(srv *dovecottest.Server) string {
	_, port, _ := strings.Cut(srv.Addr(), ":")
	return fmt.Sprintf("acct = IMAP { server = '127.0.0.1', port = %s, username = '%s', password = '%s' }\noptions.starttls = false\n",
		port, dovecottest.DefaultUser, dovecottest.DefaultPassword)
}

// TestSplitDovecot: the searches and matches of a config find the same
// messages when they are cut into pieces, some of them done on a pool
// connection, as when they are not.
func TestSplitDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	splitCorpus(t, srv, 120)
	t.Cleanup(mail.CloseScanPools)
	src := splitAccount(srv) + splitRules

	whole, _ := runLuaLogged(t, src)
	for _, line := range strings.Split(strings.TrimSpace(whole), "\n") {
		if f := strings.Fields(line); len(f) < 3 {
			t.Fatalf("a search found nothing, so it tests nothing: %q", line)
		}
	}

	defer imapfilter.SetSplit(50)()
	cut, log := runLuaLogged(t, src)
	if cut != whole {
		t.Fatalf("cut into pieces:\n%s\nwhole:\n%s", cut, whole)
	}
	for _, what := range []string{"search", "fetch"} {
		if !strings.Contains(log, "part of a "+what+" was done on a pool connection") {
			t.Errorf("no %s was shared with a pool connection:\n%s", what, log)
		}
	}

	// An account with scan_connections = 1 keeps to its own connection.
	alone, log := runLuaLogged(t, strings.Replace(src, "password = ", "scan_connections = 1, password = ", 1))
	if alone != whole {
		t.Fatalf("with scan_connections = 1:\n%s\nwhole:\n%s", alone, whole)
	}
	if strings.Contains(log, "pool connection") {
		t.Fatalf("scan_connections = 1, yet a pool connection did work:\n%s", log)
	}
}

// TestSplitDovecotRefused: a server that allows one connection per user
// and address refuses the pool's; every search and match is done whole on
// the account's connection and finds the same messages.
func TestSplitDovecotRefused(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithConfig("mail_max_userip_connections = 1"))
	splitCorpus(t, srv, 120)
	t.Cleanup(mail.CloseScanPools)
	src := splitAccount(srv) + splitRules
	whole, _ := runLuaLogged(t, src)
	defer imapfilter.SetSplit(50)()
	cut, log := runLuaLogged(t, src)
	if cut != whole {
		t.Fatalf("with the pool refused:\n%s\nwhole:\n%s", cut, whole)
	}
	if strings.Contains(log, "was done on a pool connection") {
		t.Fatalf("a pool connection did work on a server that refuses it:\n%s", log)
	}
	if !strings.Contains(log, "the server refused another connection") {
		t.Fatalf("the refusal is not logged:\n%s", log)
	}
}
