package imapfilter_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
)

// bed is an in-process IMAP server with a few messages in INBOX.
func bed(t *testing.T) (*memserver.Server, string) {
	t.Helper()
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	msgs := []struct{ from, subject string }{
		{"news@letter.example", "weekly news"},
		{"bob@example.org", "lunch"},
		{"news@letter.example", "more news"},
		{"=?UTF-8?B?SsO8cmdlbg==?= <j@example.de>", "hallo"},
	}
	for i, m := range msgs {
		raw := fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <m%d@test>\r\n\r\nbody %d\r\n", m.from, m.subject, i+1, i+1)
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Date(2025, 1, i+1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	_, port, _ := net.SplitHostPort(srv.Addr())
	return srv, port
}

// runLua runs src with imapfilter's API, printing to the returned buffer.
func runLua(t *testing.T, h *host.Host, src string) (string, error) {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	var out bytes.Buffer
	if h.Context == nil {
		h.Context = context.Background()
	}
	host.Set(L, h)
	defer h.CloseAll()
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		out.WriteString(strings.Join(parts, "\t") + "\n")
		return 0
	}))
	if err := imapfilter.Install(L, imapfilter.Options{}); err != nil {
		t.Fatal(err)
	}
	err := L.DoString(src)
	return out.String(), err
}

// loginAt logs in as user to the server on 127.0.0.1:port, with a
// connection of its own that logs out when the test ends.
func loginAt(t *testing.T, port, user, password string) *imaplib.IMAP4 {
	t.Helper()
	var p int
	fmt.Sscan(port, &p)
	m, err := imaplib.Dial("127.0.0.1", p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Logout() })
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	return m
}

// subjects lists the subjects of a mailbox, through a connection of its own.
func subjects(t *testing.T, port, mailbox string) []string {
	t.Helper()
	m := loginAt(t, port, "alice", "secret")
	if _, err := m.SelectMailbox(mailbox, true); err != nil {
		return nil
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	fds, err := m.UIDFetch(all, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, fd := range fds {
		_, v, _ := strings.Cut(string(fd.Sections[0].Data), ":")
		out = append(out, strings.TrimSpace(v))
	}
	return out
}

func account(port string) string {
	return "acct = IMAP { server = '127.0.0.1', port = " + port + ", username = 'alice', password = 'secret' }\noptions.starttls = false\n"
}

func TestSetsAndMoves(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
local news = acct.INBOX:contain_from('news@letter.example')
local lunch = acct.INBOX:contain_subject('lunch')
print(#news, #lunch, #(news + lunch), #(news * lunch), #(acct.INBOX:select_all() - news))
print(#news:contain_subject('more'), #news:match_subject('^weekly'))
news:move_messages(acct['Lists/news'])
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "2\t1\t3\t0\t2\n1\t1\n2 messages moved from alice@127.0.0.1/INBOX to alice@127.0.0.1/Lists/news.\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if got := subjects(t, port, "Lists/news"); strings.Join(got, ",") != "weekly news,more news" {
		t.Errorf("Lists/news holds %q", got)
	}
	if got := subjects(t, port, "INBOX"); strings.Join(got, ",") != "lunch,hallo" {
		t.Errorf("INBOX holds %q", got)
	}
}

// TestImapfilterQuirks checks searches where imapfilter's own code
// decides the answer: has_keyword and has_unkeyword search within the
// global messages, not within a result passed to them, and a search the
// server refuses (BAD) is an empty result, not an error; mailbox['2'] is
// message 2.
func TestImapfilterQuirks(t *testing.T) {
	_, port := bed(t)
	var logs bytes.Buffer
	h := &host.Host{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	out, err := runLua(t, h, account(port)+`
local box = acct.INBOX
box:contain_subject('lunch'):add_flags({ 'Work' })
local news = box:contain_from('news@letter.example')
print(#box:has_keyword('Work', news), #news:has_keyword('Work'), #box:has_unkeyword('Work', news))
messages = news
print(#box:has_keyword('Work'), #box:has_unkeyword('Work'))
messages = nil
local r = box:contain_subject('a"b')
print(#r, r.move_messages ~= nil, #box:contain_subject('a"b'):contain_from('x'))
options.info = false
print(box['2']:fetch_field('Subject'), box.nosuch)
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "1 messages flagged in alice@127.0.0.1/INBOX.\n1\t0\t3\n0\t2\n0\ttrue\t0\nSubject: lunch\tnil\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if !strings.Contains(logs.String(), "search refused") {
		t.Errorf("no warning for the refused search:\n%s", logs.String())
	}
}

// TestSearchWithinResults checks searches on results (meta-searching):
// the answer is the result's own pairs that match, in the order of a set
// operation's (mailboxes as they first appear, UIDs ascending), whether
// the result holds one mailbox (searched within its UIDs, no intersection
// needed) or several, and also when options.limit makes the search cover
// the whole mailbox.
func TestSearchWithinResults(t *testing.T) {
	tests := []struct{ name, setup, expr, want string }{
		{"one mailbox", "", "acct.INBOX:select_all():contain_from('news')", "INBOX1 INBOX3"},
		{"a chain", "", "acct.INBOX:select_all():is_undeleted():contain_from('news'):contain_subject('more')", "INBOX3"},
		{"out of order", "", "Set{{acct.INBOX, 3}, {acct.INBOX, 2}, {acct.INBOX, 1}}:contain_from('news')", "INBOX1 INBOX3"},
		{"twice the same pair", "", "Set{{acct.INBOX, 3}, {acct.INBOX, 3}}:contain_from('news')", "INBOX3"},
		{"limit: the whole mailbox is searched", "options.limit = 1", "Set{{acct.INBOX, 1}, {acct.INBOX, 2}}:contain_from('news')", "INBOX1"},
		{"two mailboxes", "acct.INBOX:select_all():copy_messages(acct['Other'])",
			"(Set{{acct.Other, 3}, {acct.Other, 1}} + acct.INBOX:select_all()):contain_from('news')", "Other1 Other3 INBOX1 INBOX3"},
		{"client-side match", "", "acct.INBOX:select_all():match_from('^news@')", "INBOX1 INBOX3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, port := bed(t)
			out, err := runLua(t, &host.Host{}, account(port)+tt.setup+`
local function list(r)
    local out = {}
    for _, p in ipairs(r) do table.insert(out, p[1]._mailbox .. p[2]) end
    return table.concat(out, ' ')
end
local r = `+tt.expr+`
assert(r.move_messages, 'the result has no methods')
print(list(r))
`)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if got := lines[len(lines)-1]; got != tt.want {
				t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

// TestMoveToAnotherAccount moves messages to an account on a server
// without MULTIAPPEND (the in-process one): one APPEND per message, into
// a mailbox created on [TRYCREATE], keeping flags and internal dates, in
// order; the messages leave the source.
func TestMoveToAnotherAccount(t *testing.T) {
	srv, port := bed(t)
	if err := srv.AddUser("bob", "pw"); err != nil {
		t.Fatal(err)
	}
	out, err := runLua(t, &host.Host{}, account(port)+`
other = IMAP { server = '127.0.0.1', port = `+port+`, username = 'bob', password = 'pw' }
local news = acct.INBOX:contain_from('news@letter.example')
news:mark_seen()
print(news:move_messages(other['Archive/news']))
`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "true\n") {
		t.Errorf("printed %q", out)
	}
	if got := subjects(t, port, "INBOX"); strings.Join(got, ",") != "lunch,hallo" {
		t.Errorf("alice's INBOX holds %q", got)
	}
	m := loginAt(t, port, "bob", "pw")
	if _, err := m.SelectMailbox("Archive/news", true); err != nil {
		t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	fds, err := m.UIDFetch(all, "(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	if err != nil || len(fds) != 2 {
		t.Fatalf("bob's Archive/news: %d messages, %v", len(fds), err)
	}
	for i, want := range []struct {
		subject string
		day     int
	}{{"weekly news", 1}, {"more news", 3}} {
		fd := fds[i]
		if got := strings.TrimSpace(strings.TrimPrefix(string(fd.Sections[0].Data), "Subject:")); got != want.subject ||
			!slices.ContainsFunc(fd.Flags, func(f string) bool { return strings.EqualFold(f, `\Seen`) }) || !fd.InternalDate.Equal(time.Date(2025, 1, want.day, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("message %d: %q flags %v date %v", i+1, got, fd.Flags, fd.InternalDate)
		}
	}
}

// TestSearchWithinResultsRandom compares searches within results of
// random shape (a subset of INBOX in any order, pairs given twice, now
// and then a pair of another mailbox) with what a set operation gives:
// set:contain_from(x) must equal set * acct.INBOX:contain_from(x) (and
// the other mailbox's part of it), pair for pair and in order, also
// when options.limit makes the search cover the whole mailbox.
func TestSearchWithinResultsRandom(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
acct.INBOX:select_all():copy_messages(acct['Other'])
math.randomseed(7)
local function list(r)
    local out = {}
    for _, p in ipairs(r) do table.insert(out, p[1]._mailbox .. p[2]) end
    return table.concat(out, ' ')
end
local keys = {
    function(s) return s:contain_from('news') end,
    function(s) return s:contain_subject('news') end,
    function(s) return s:is_unseen() end,
    function(s) return s:match_subject('^(weekly|lunch)') end,
}
local refs = {
    function(b) return b:contain_from('news') end,
    function(b) return b:contain_subject('news') end,
    function(b) return b:is_unseen() end,
    function(b) return b:match_subject('^(weekly|lunch)') end,
}
local bad = 0
for round = 1, 200 do
    local pairs_ = {}
    for _ = 1, math.random(1, 7) do
        local box = math.random(1, 5) == 1 and acct.Other or acct.INBOX
        table.insert(pairs_, { box, math.random(1, 4) })
    end
    local set = Set(pairs_)
    options.limit = round % 3 == 0 and 2 or 0
    local k = math.random(1, #keys)
    local got = list(keys[k](set))
    local want = list(set * (refs[k](acct.INBOX) + refs[k](acct.Other)))
    if got ~= want then
        bad = bad + 1
        print('round ' .. round .. ': ' .. list(set) .. ' -> ' .. got .. ', want ' .. want)
    end
end
print('differences', bad)
`)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != "differences\t0" {
		t.Errorf("%s", out)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	_, port := bed(t)
	var logs bytes.Buffer
	h := &host.Host{DryRun: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	_, err := runLua(t, h, account(port)+`
acct.INBOX:select_all():move_messages(acct['Elsewhere'])
acct.INBOX:select_all():mark_seen()
acct:create_mailbox('New')
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(t, port, "INBOX"); len(got) != 4 {
		t.Errorf("INBOX holds %q after a dry run", got)
	}
	if got := subjects(t, port, "Elsewhere"); got != nil {
		t.Errorf("Elsewhere exists after a dry run: %q", got)
	}
	for _, w := range []string{"would copy", "would store", "would create"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
}

func TestDecodeHeaders(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
print(#acct.INBOX:match_from('Jürgen'))
options.decode_headers = true
options.cache = false
print(#acct.INBOX:match_from('Jürgen'))
`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "0\n1\n" {
		t.Errorf("printed %q, want raw then decoded matching", out)
	}
}

func TestOptionsAndErrors(t *testing.T) {
	var logs bytes.Buffer
	h := &host.Host{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	out, err := runLua(t, h, `
options.timout = 10
options.crammd5 = false
print(options.timeout, options.expunge, options.info, options.range == math.huge)
print(regex_search('^(\\w+)@(\\w+)', 'bob@example'))
print(regex_search('x', 'abc'))
print(table.unpack({1, 2}), unpack({3}))
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "60\ttrue\ttrue\ttrue\nbob@example\tbob\texample\nfalse\n1\t3\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if !strings.Contains(logs.String(), `unknown option \"timout\"`) || strings.Contains(logs.String(), "crammd5") {
		t.Errorf("warnings:\n%s", logs.String())
	}
	_, err = runLua(t, &host.Host{}, `regex_search('(?=x)', 'x')`)
	if err == nil || !strings.Contains(err.Error(), "lookaround") {
		t.Errorf("a lookahead ran: %v", err)
	}
	_, err = runLua(t, &host.Host{}, `IMAP { username = 'x' }`)
	if err == nil || !strings.Contains(err.Error(), "required argument left out") {
		t.Errorf("an account without server: %v", err)
	}
	_, err = runLua(t, &host.Host{}, `pipe_from('echo hi')`)
	if err == nil || !strings.Contains(err.Error(), "--allow-run") {
		t.Errorf("pipe_from without permission: %v", err)
	}
}

// idleCommand is the IDLE command in the protocol trace (a tag, IDLE).
var idleCommand = regexp.MustCompile(`[A-Za-z]+\d+ IDLE\b`)

// idleSignal closes started when the protocol trace shows IDLE sent.
type idleSignal struct {
	mu      sync.Mutex
	started chan struct{}
	done    bool
	trace   bytes.Buffer
}

func (s *idleSignal) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trace.Write(p)
	if !s.done && idleCommand.MatchString(s.trace.String()) {
		s.done = true
		close(s.started)
	}
	return len(p), nil
}

func TestEnterIdle(t *testing.T) {
	_, port := bed(t)
	sig := &idleSignal{started: make(chan struct{})}
	type result struct {
		out string
		err error
	}
	res := make(chan result, 1)
	go func() {
		out, err := runLua(t, &host.Host{Debug: sig}, account(port)+`
print(acct.INBOX:enter_idle())
print(#acct.INBOX:select_all())
`)
		res <- result{out, err}
	}()
	<-sig.started
	// New mail, through a client of its own (the server tells IDLE
	// sessions about what clients append).
	m := loginAt(t, port, "alice", "secret")
	if _, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte("Subject: new\r\n\r\nnew\r\n")); err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.out != "true\tEXISTS\n5\n" {
		t.Errorf("printed %q", r.out)
	}

	// The end of the run (SIGTERM, Ctrl-C) interrupts the wait.
	ctx, cancel := context.WithCancel(context.Background())
	sig = &idleSignal{started: make(chan struct{})}
	go func() {
		_, err := runLua(t, &host.Host{Context: ctx, Debug: sig}, account(port)+`acct.INBOX:enter_idle()`)
		res <- result{"", err}
	}()
	<-sig.started
	cancel()
	if r := <-res; r.err == nil || !strings.Contains(r.err.Error(), "interrupted") {
		t.Errorf("enter_idle after the run ended: %v", r.err)
	}
}

// TestLua52Names checks the library names of Lua 5.2 and 5.3 that configs
// use, provided on gopher-lua's 5.1.
func TestLua52Names(t *testing.T) {
	out, err := runLua(t, &host.Host{}, `
print(load("return 1 + 1")(), rawlen({1, 2, 3}), select('#', table.unpack({1, 2}, 1, 3)))
print(bit32.band(12, 10), bit32.bor(12, 10), bit32.bxor(12, 10), bit32.bnot(0))
print(bit32.lshift(1, 4), bit32.rshift(256, 4), bit32.extract(0xF0, 4, 4), bit32.btest(4, 2))
print(math.log(8, 2), string.rep("a", 3, ","), table.concat(table.move({1, 2, 3}, 1, 3, 2), " "))
print(math.type(1), math.type(1.5), math.tointeger(3), table.pack(1, nil, 3).n, math.pow(2, 10))
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "2\t3\t3\n8\t14\t6\t4294967295\n16\t16\t15\tfalse\n3\ta,a,a\t1 1 2 3\ninteger\tfloat\t3\t3\t1024\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestInstallStatesApart runs configs in four states at once: they share
// the compiled Lua layer (Prepare), and nothing else. Each finds the
// layer's tables as the layer made them, not as another state changed
// them, and searches the same server (under -race: no state writes what
// another reads).
func TestInstallStatesApart(t *testing.T) {
	_, port := bed(t)
	if err := imapfilter.Prepare(); err != nil {
		t.Fatal(err)
	}
	t.Run("at once", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				out, err := runLua(t, &host.Host{}, account(port)+fmt.Sprintf(`
print(Mailbox.mine, options.limit)
Mailbox.mine, options.limit = %d, %d
local news = acct.INBOX:contain_from('news@letter.example')
print(#news, #(news + acct.INBOX:contain_subject('lunch')), Mailbox.mine, options.limit)
`, i, 10+i))
				if err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprintf("nil\t0\n2\t3\t%d\t%d\n", i, 10+i)
				if out != want {
					t.Errorf("printed %q, want %q", out, want)
				}
			})
		}
	})
	// After them, a fifth state still finds the layer untouched.
	out, err := runLua(t, &host.Host{}, `print(Mailbox.mine, options.limit)`)
	if err != nil || out != "nil\t0\n" {
		t.Errorf("a later state printed %q (%v), want %q", out, err, "nil\t0\n")
	}
}

// TestFetchFieldsTogether: a loop that fetches three fields of each
// message of a 450-message result prints what the server answers for
// each field alone (options.cache = false: one request per message and
// field), with the fields read ahead together: five requests, not nine
// (three for the first message, then one per 200 messages).
func TestFetchFieldsTogether(t *testing.T) {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for i := range 450 {
		var b strings.Builder
		fmt.Fprintf(&b, "From: Sender %d <s%d@example.org>\r\n", i%7, i)
		switch i % 5 {
		case 0: // no To at all
		case 1: // two To lines, and one folded
			fmt.Fprintf(&b, "To: a%d@example.org\r\nTo: b@example.org,\r\n\tc@example.org\r\n", i)
		default:
			fmt.Fprintf(&b, "to: r%d@example.net\r\n", i)
		}
		fmt.Fprintf(&b, "Subject: message %d\r\n", i)
		if i%9 == 0 {
			b.WriteString(" folded on\r\n")
		}
		fmt.Fprintf(&b, "X-To-Ignore: x\r\n\r\nbody %d\r\n", i)
		if _, err := srv.Append("alice", "INBOX", []byte(b.String()), nil, time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	proxy, err := faultproxy.New(srv.Addr(), faultproxy.WithRecording())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	loop := `
for _, m in ipairs(acct.INBOX:select_all()) do
    local mbox, uid = table.unpack(m)
    print(uid, mbox[uid]:fetch_field('From'), mbox[uid]:fetch_field('to'), mbox[uid]:fetch_field('Subject'))
end
`
	port := fmt.Sprint(proxy.Port())
	alone, err := runLua(t, &host.Host{}, account(port)+"options.cache = false\n"+loop)
	if err != nil {
		t.Fatal(err)
	}
	before := proxy.Stats().Commands["UID FETCH"]
	if before < 3*450 {
		t.Fatalf("without the cache %d UID FETCH were sent, want one per message and field", before)
	}
	together, err := runLua(t, &host.Host{}, account(port)+loop)
	if err != nil {
		t.Fatal(err)
	}
	if together != alone {
		t.Errorf("read ahead together, the loop printed:\n%s\nfield by field:\n%s", head(together, 12), head(alone, 12))
	}
	if n := proxy.Stats().Commands["UID FETCH"] - before; n != 5 {
		t.Errorf("the loop sent %d UID FETCH, want 5", n)
	}
	if !strings.Contains(alone, "To: b@example.org,\r\n\tc@example.org") || !strings.Contains(alone, "folded on") {
		t.Errorf("the corpus lost its folded lines:\n%s", head(alone, 4))
	}

	// A later loop over another result, on the same mailbox, asks for
	// another field: the fields of the loop before do not come along.
	out, err := runLua(t, &host.Host{}, account(port)+loop+`
local r = acct.INBOX:contain_subject('message 44')
local n = 0
for _, m in ipairs(r) do
    local mbox, uid = table.unpack(m)
    if mbox[uid]:fetch_field('X-To-Ignore') == 'X-To-Ignore: x' then n = n + 1 end
end
print('ignored', n, #r)
`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "ignored\t11\t11\n") {
		t.Errorf("the second loop printed:\n%s", out[max(0, len(out)-200):])
	}
	up, _ := proxy.Recorded(proxy.Stats().Conns)
	fetches := regexp.MustCompile(`UID FETCH [^\r\n]*`).FindAll(up, -1)
	if len(fetches) != 6 {
		t.Fatalf("the two loops sent %d UID FETCH, want 6:\n%s", len(fetches), bytes.Join(fetches, []byte("\n")))
	}
	if last := string(fetches[5]); !strings.HasSuffix(last, "(BODY.PEEK[HEADER.FIELDS (X-To-Ignore)])") {
		t.Errorf("the second loop's fetch was %q, want its field alone", last)
	}
}

// head returns the first n lines of s.
func head(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}

// TestMailboxNames checks names as imapfilter takes them: UTF-8 in the
// config and in what list_all and list_subscribed return, sent in
// modified UTF-7, so that a name written in modified UTF-7 is a name with
// an "&" (imapfilter sends "Entw&-APw-rfe" for it).
func TestMailboxNames(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
options.info = false
print(acct:create_mailbox('Entwürfe'), acct:create_mailbox('Entw&APw-rfe'), acct:create_mailbox('My Folder/Büro'))
acct:subscribe_mailbox('Entwürfe')
acct:subscribe_mailbox('My Folder/Büro')
acct.INBOX:contain_from('bob'):move_messages(acct['Entwürfe'])
local function show(t) table.sort(t) return table.concat(t, '|') end
print(show(acct:list_all('', 'Entw*')))
print(show(acct:list_subscribed()), show(acct:list_subscribed('My Folder')))
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "true\ttrue\ttrue\nEntw&APw-rfe|Entwürfe\nEntwürfe|INBOX|My Folder/Büro\tMy Folder/Büro\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if got := subjects(t, port, "Entwürfe"); strings.Join(got, ",") != "lunch" {
		t.Errorf("Entwürfe holds %q", got)
	}
	m := loginAt(t, port, "alice", "secret")
	_, data, err := m.List(`""`, "Entw*")
	if err != nil || len(data) != 2 || !strings.Contains(string(data[0].Line)+string(data[1].Line), `Entw&-APw-rfe`) {
		t.Errorf("on the server: %q, %v", data, err)
	}
}

// TestPcallKeepsUpvalues checks pcall (which recover uses) around a
// function that fails: the config's locals it changes stay shared with
// the config (gopher-lua's own pcall closed them on an error,
// yuin/gopher-lua#448), and the results are pcall's, as many as the
// function returned.
func TestPcallKeepsUpvalues(t *testing.T) {
	out, err := runLua(t, &host.Host{}, `
local calls = 0
local function f() calls = calls + 1; error('boom', 0) end
print(pcall(f))
pcall(f)
print(calls)
local tries = 0
local function g()
    tries = tries + 1
    if tries < 2 then error({ code = 7 }) end
    return 'fine', nil
end
pcall(g)
print(pcall(g))
print(tries, select('#', pcall(function() end)), select('#', pcall(function() return nil end)))
print(pcall(error, 'plain'), pcall(42))
local ok, e = pcall(function() error({ code = 7 }) end)
print(ok, type(e), e.code)
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "false\tboom\n2\ntrue\tfine\tnil\n2\t1\t2\nfalse\tfalse\tattempt to call a number value\nfalse\ttable\t7\n"
	if out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestFetchFromMissingMailbox checks the fetches of a message of a mailbox
// that cannot be selected: nothing, and no "Fetched" line, as under
// imapfilter; a message missing from a mailbox that exists has an empty
// field.
func TestFetchFromMissingMailbox(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
local m = acct['No/Such'][1]
print(m:fetch_field('Subject'), m:fetch_fields({ 'Subject', 'From' }), m:fetch_header(), m:fetch_size())
options.info = false
print(acct.INBOX[99]:fetch_field('Subject') == '', acct.INBOX[99]:fetch_header())
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "nil\tnil\tnil\ntrue\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestRefusedFlagsAndDates checks append_message and add_flags with flags
// or a date the server refuses: imapfilter sends them, the server
// answers BAD and the call answers false, with nothing appended or
// changed; mailscript answers false without sending them.
func TestRefusedFlagsAndDates(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
options.info = false
local msg = 'From: a@example.org\r\nSubject: appended\r\n\r\nbody\r\n'
print(acct.INBOX:append_message(msg, nil, 'yesterday'))
print(acct.INBOX:append_message(msg, { '\\Recent' }))
print(acct.INBOX:append_message(msg, { '\\Bogus', '\\Seen' }))
print(acct.INBOX:append_message(msg, 'a(b'))
print(acct.INBOX:append_message(msg, { '\\SEEN', '$Label1' }, '1-Jan-2020 10:00:00 +0000'))
print(#acct.INBOX:contain_subject('appended'))
print(acct.INBOX:add_flags({ 'a(b' }, acct.INBOX:select_all()), acct.INBOX:select_all():add_flags({ 'x"y' }))
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "false\nfalse\nfalse\nfalse\ntrue\n1\nfalse\tfalse\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestDryRunAppendRefused checks that under -n, where imapfilter sends
// nothing and answers true, an append the server would refuse answers
// true as well.
func TestDryRunAppendRefused(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{DryRun: true, Logger: slog.New(slog.DiscardHandler)}, account(port)+`
options.info = false
print(acct.INBOX:append_message('Subject: x\r\n\r\ny\r\n', { '\\Bogus' }, 'yesterday'))
`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "true\n" {
		t.Errorf("printed %q, want true", out)
	}
}

// TestSetWithStringUIDs checks a set written by hand with a UID given as
// a string: imapfilter keeps "2" apart from 2 in set arithmetic (and so
// a search on the set finds nothing), and sends it as it is in actions.
func TestSetWithStringUIDs(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
options.info = false
local s = Set { { acct.INBOX, '2' } }
print(#(s + Set { { acct.INBOX, 2 } }), #(s * acct.INBOX:select_all()), #s:select_all(), #s:is_unseen())
print(s:add_flags({ 'Str' }), #acct.INBOX:has_keyword('Str'))
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2\t0\t0\t0\ntrue\t1\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestFetchFieldsNotStrings checks fetch_fields with a field name that is
// not a string: imapfilter's core raises an error when it comes to it,
// whether the fields of one message or of many are fetched.
func TestFetchFieldsNotStrings(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, account(port)+`
options.info = false
local all = acct.INBOX:select_all()
print(pcall(function() return acct.INBOX[1]:fetch_fields({ 'Subject', 5 }) end))
print((pcall(function() return acct.INBOX:fetch_fields({ true }, all) end)))
print(acct.INBOX:fetch_fields({ 5 }, {}))
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "false\tbad argument #3 to 'fetchfields' (string expected, got number)\nfalse\nnil\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestRecoverAsImapfilter checks recover() against imapfilter 2.8.1's:
// its count of attempts is the global count, and once retries attempts
// have failed (here none), a call that succeeds is made again until one
// fails, whose error recover returns.
func TestRecoverAsImapfilter(t *testing.T) {
	out, err := runLua(t, &host.Host{}, `
count = 'mine'
n = 0
print(recover(function() n = n + 1; if n == 2 then error('second', 0) end; return 'ok', n end, 0))
print(count, n)
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "false\tsecond\n1\t2\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
}

// TestSearchWithLineBreak checks a contain_* string holding CR or LF:
// imapfilter sends it as it is and the server refuses the broken
// command, so the search is an empty result and the config goes on;
// mailscript does not send it, with the same result.
func TestSearchWithLineBreak(t *testing.T) {
	_, port := bed(t)
	var logs bytes.Buffer
	h := &host.Host{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	out, err := runLua(t, h, account(port)+`
local box = acct.INBOX
print(#box:contain_body('body\r\n'), #box:contain_subject('weekly\nnews'), #box:contain_field('Subject', 'a\r'))
print(#box:contain_from('news'):contain_body('1\r\n2'), #box:contain_subject('news'))
`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0\t0\t0\n0\t2\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if !strings.Contains(logs.String(), "search refused") {
		t.Errorf("no warning for the refused search:\n%s", logs.String())
	}
}
