package imaplib_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// These tests run every Python-mirroring method Dovecot supports against a
// private Dovecot and check what a user would check. PARTIAL, GETANNOTATION
// and SETANNOTATION (Dovecot has METADATA, not the ANNOTATEMORE draft) and
// PROXYAUTH are not offered by Dovecot: the transcripts cover them, and
// TestDovecotUnsupportedMethods checks that the server's refusal is an
// error the session survives. SETQUOTA is refused by Dovecot to users
// (only an admin may change a quota): the test checks that refusal.

// session dials srv and logs user in.
func session(t *testing.T, srv *dovecottest.Server, user string) *imaplib.IMAP4 {
	t.Helper()
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(user, srv.Users[user]); err != nil {
		t.Fatal(err)
	}
	return m
}

// ok returns a function that checks a method's results: no error, typ
// "OK"; it hands back the data.
func ok(t *testing.T, what string) func(string, []imaplib.Item, error) []imaplib.Item {
	t.Helper()
	return func(typ string, data []imaplib.Item, err error) []imaplib.Item {
		t.Helper()
		if err != nil || typ != "OK" {
			t.Fatalf("%s: %q %v %v", what, typ, data, err)
		}
		return data
	}
}

// lines returns the data's lines as strings ("None" for None).
func lines(data []imaplib.Item) []string {
	out := make([]string, len(data))
	for i, it := range data {
		if it.IsNone {
			out[i] = "None"
		} else {
			out[i] = string(it.Line)
		}
	}
	return out
}

func wantLines(t *testing.T, what string, data []imaplib.Item, want ...string) {
	t.Helper()
	if got := lines(data); !slices.Equal(got, want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

func listNames(t *testing.T, m *imaplib.IMAP4) []string {
	t.Helper()
	entries, err := imaplib.ParseList(ok(t, "list")(m.List("", "")))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	slices.Sort(names)
	return names
}

func TestDovecotMailboxMethods(t *testing.T) {
	srv := dovecottest.Start(t)
	m := session(t, srv, srv.User)

	wantLines(t, "namespace", ok(t, "namespace")(m.Namespace()), `(("" "/")) NIL NIL`)
	ok(t, "create")(m.Create("Work"))
	ok(t, "create child")(m.Create("Work/Sub"))
	ok(t, "create quoted")(m.Create(`"My Folder"`))
	ok(t, "create encoded")(m.Create(imaplib.EncodeMailboxName("Entwürfe")))
	typ, data, err := m.Create("Work")
	if err != nil || typ != "NO" || !strings.HasPrefix(string(data[0].Line), "[ALREADYEXISTS]") {
		t.Fatalf("create again: %s %v %v", typ, lines(data), err)
	}
	ok(t, "rename")(m.Rename("Work", "Projects"))
	if got, want := listNames(t, m), []string{"Entw&APw-rfe", "INBOX", "My Folder", "Projects", "Projects/Sub"}; !slices.Equal(got, want) {
		t.Fatalf("mailboxes %q, want %q", got, want)
	}
	entries, err := imaplib.ParseList(ok(t, "list pattern")(m.List(`""`, "Entw*")))
	if err != nil || len(entries) != 1 {
		t.Fatalf("list Entw*: %v %v", entries, err)
	}
	if name, err := entries[0].DisplayName(); err != nil || name != "Entwürfe" {
		t.Fatalf("display name %q %v", name, err)
	}

	wantLines(t, "lsub before", ok(t, "lsub")(m.Lsub("", "")), "None")
	ok(t, "subscribe")(m.Subscribe("Projects"))
	ok(t, "subscribe quoted")(m.Subscribe(`"My Folder"`))
	subscribed, err := imaplib.ParseList(ok(t, "lsub")(m.Lsub(`""`, "*")))
	if err != nil || len(subscribed) != 2 || subscribed[0].Name != "Projects" || subscribed[1].Name != "My Folder" {
		t.Fatalf("lsub: %+v %v", subscribed, err)
	}
	ok(t, "unsubscribe")(m.Unsubscribe("Projects"))
	wantLines(t, "lsub after", ok(t, "lsub")(m.Lsub("", "")), `() "/" "My Folder"`)

	st, err := imaplib.ParseStatus(ok(t, "status")(m.Status(`"My Folder"`, "(MESSAGES UIDNEXT UNSEEN)")))
	if err != nil || len(st) != 1 || st[0].Mailbox != "My Folder" || *st[0].Messages != 0 || *st[0].UIDNext != 1 {
		t.Fatalf("status: %+v %v", st, err)
	}
	typ, data, err = m.Status("Nowhere", "(MESSAGES)")
	if err != nil || typ != "NO" {
		t.Fatalf("status of a missing mailbox: %s %v %v", typ, lines(data), err)
	}

	ok(t, "delete child")(m.Delete("Projects/Sub"))
	ok(t, "delete")(m.Delete("Projects"))
	ok(t, "delete quoted")(m.Delete(`"My Folder"`))
	if typ, _, err := m.Delete("Projects"); err != nil || typ != "NO" {
		t.Fatalf("delete again: %s %v", typ, err)
	}
	if got, want := listNames(t, m), []string{"Entw&APw-rfe", "INBOX"}; !slices.Equal(got, want) {
		t.Fatalf("mailboxes after delete %q, want %q", got, want)
	}
	typ, data, err = m.Logout()
	if err != nil || typ != "BYE" || m.State() != "LOGOUT" {
		t.Fatalf("logout: %s %v %v", typ, lines(data), err)
	}
}

func TestDovecotMessageMethods(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	srv.Seed(t, srv.User, "Archive", nil)
	m := session(t, srv, srv.User)

	caps := strings.Fields(lines(ok(t, "capability")(m.Capability()))[0])
	for _, c := range []string{"IMAP4rev1", "SORT", "THREAD=REFERENCES", "UIDPLUS", "MOVE", "UNSELECT"} {
		if !slices.Contains(caps, c) {
			t.Fatalf("capability %s missing from %q", c, caps)
		}
	}
	wantLines(t, "select", ok(t, "select")(m.Select("", false)), "5")
	wantLines(t, "recent", ok(t, "recent")(m.Recent()), "5")
	wantLines(t, "recent again", ok(t, "recent again")(m.Recent()), "None")
	if typ, dat := m.Response("UIDVALIDITY"); typ != "UIDVALIDITY" || dat[0].IsNone {
		t.Fatalf("UIDVALIDITY after select: %v", lines(dat))
	}
	wantLines(t, "search", ok(t, "search")(m.Search("", "UNSEEN")), "2 4")
	wantLines(t, "search none", ok(t, "search none")(m.Search("US-ASCII", "SUBJECT", `"no such thing"`)), "")

	// STORE returns the new flags; .SILENT returns nothing.
	fetched, err := imaplib.ParseFetch(ok(t, "store")(m.Store("1:2", "+FLAGS", `\Flagged`)))
	if err != nil || len(fetched) != 2 || !slices.Contains(fetched[1].Flags, `\Flagged`) {
		t.Fatalf("store: %+v %v", fetched, err)
	}
	wantLines(t, "store silent", ok(t, "store silent")(m.Store("1", "-FLAGS.SILENT", `(\Flagged \Seen)`)), "None")
	fetched, err = imaplib.ParseFetch(ok(t, "fetch")(m.Fetch("1:2", "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")))
	if err != nil || len(fetched) != 2 {
		t.Fatalf("fetch: %v", err)
	}
	if slices.Contains(fetched[0].Flags, `\Flagged`) || slices.Contains(fetched[0].Flags, `\Seen`) || !slices.Contains(fetched[1].Flags, `\Flagged`) {
		t.Fatalf("flags after store: %q %q", fetched[0].Flags, fetched[1].Flags)
	}
	if got := string(fetched[1].Body("HEADER.FIELDS (SUBJECT)")); got != "Subject: message 2\r\n\r\n" {
		t.Fatalf("subject of message 2: %q", got)
	}

	// COPY, with the COPYUID code kept for Response.
	ok(t, "copy")(m.Copy("1:2", "Archive"))
	if _, dat := m.Response("COPYUID"); len(dat) != 1 || !strings.HasSuffix(string(dat[0].Line), " 1:2 1:2") {
		t.Fatalf("COPYUID: %q", lines(dat))
	}
	ok(t, "check")(m.Check())

	// EXPUNGE reports the sequence numbers removed, in the server's order
	// (Dovecot goes from the end, so each number is still valid).
	ok(t, "store deleted")(m.Store("2,4", "+FLAGS.SILENT", `\Deleted`))
	wantLines(t, "expunge", ok(t, "expunge")(m.Expunge()), "4", "2")
	wantLines(t, "expunge nothing", ok(t, "expunge nothing")(m.Expunge()), "None")

	// APPEND with a date as a string, as a time.Time, and none.
	d1 := time.Date(2020, 2, 29, 23, 59, 58, 0, time.FixedZone("", -5*3600))
	d2 := time.Date(2021, 7, 1, 12, 0, 0, 0, time.FixedZone("", 5*3600+1800))
	ok(t, "append")(m.Append("", `\Seen`, imaplib.Time2Internaldate(d1), []byte("Subject: a1\n\nbody\n")))
	ok(t, "append time")(m.AppendTime("INBOX", `(\Flagged $work)`, d2, []byte("Subject: a2\r\n\r\nbody\r\n")))
	ok(t, "append no date")(m.Append("INBOX", "", "", []byte("Subject: a3\n\nbody\n")))
	if _, _, err := m.Append("INBOX", "", "29-Feb-2020 23:59:58 -0500", []byte("x")); !errors.Is(err, imaplib.ErrValue) {
		t.Fatalf("append with an unquoted date: %v", err)
	}
	fetched, err = imaplib.ParseFetch(ok(t, "fetch appended")(m.Fetch("4:6", "(FLAGS INTERNALDATE BODY.PEEK[])")))
	if err != nil || len(fetched) != 3 {
		t.Fatalf("fetch appended: %v %v", fetched, err)
	}
	if !fetched[0].InternalDate.Equal(d1) || !fetched[1].InternalDate.Equal(d2) {
		t.Fatalf("internal dates %v %v, want %v %v", fetched[0].InternalDate, fetched[1].InternalDate, d1, d2)
	}
	if !slices.Contains(fetched[0].Flags, `\Seen`) || !slices.Contains(fetched[1].Flags, "$work") {
		t.Fatalf("appended flags %q %q", fetched[0].Flags, fetched[1].Flags)
	}
	if got := string(fetched[0].Body("")); got != "Subject: a1\r\n\r\nbody\r\n" {
		t.Fatalf("appended message %q: line endings not CRLF", got)
	}

	// UNSELECT leaves \Deleted messages; CLOSE removes them.
	ok(t, "store deleted")(m.Store("1", "+FLAGS.SILENT", `\Deleted`))
	ok(t, "unselect")(m.Unselect())
	if m.State() != "AUTH" {
		t.Fatalf("state after unselect %s", m.State())
	}
	wantLines(t, "select again", ok(t, "select again")(m.Select("INBOX", false)), "6")
	ok(t, "close")(m.CloseMailbox())
	st, err := imaplib.ParseStatus(ok(t, "status")(m.Status("INBOX", "(MESSAGES)")))
	if err != nil || *st[0].Messages != 5 {
		t.Fatalf("messages after close: %+v %v", st, err)
	}
	// EXAMINE: read-only on purpose.
	wantLines(t, "examine", ok(t, "examine")(m.Select("Archive", true)), "2")
	if !m.IsReadonly() {
		t.Fatal("examine is not read-only")
	}
	// Dovecot accepts a STORE in a read-only mailbox and changes nothing.
	wantLines(t, "store read-only", ok(t, "store read-only")(m.Store("2", "+FLAGS", `\Seen`)), "None")
	notSeen(t, m, "2")
	if got := lines(ok(t, "noop")(m.Noop())); !strings.HasPrefix(got[0], "NOOP completed") {
		t.Fatalf("noop: %q", got)
	}
}

func TestDovecotUIDMethods(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(6))
	srv.Seed(t, srv.User, "Archive", nil)
	m := session(t, srv, srv.User)
	ok(t, "select")(m.Select("INBOX", false))

	wantLines(t, "uid search", ok(t, "uid search")(m.UID("SEARCH", "ALL")), "1 2 3 4 5 6")
	fetched, err := imaplib.ParseFetch(ok(t, "uid fetch")(m.UID("FETCH", "5:6", "(FLAGS)")))
	if err != nil || len(fetched) != 2 || fetched[0].UID != 5 || fetched[0].SeqNum != 5 {
		t.Fatalf("uid fetch: %+v %v", fetched, err)
	}
	// Two messages flagged \Deleted; UID EXPUNGE removes exactly one.
	wantLines(t, "uid store", ok(t, "uid store")(m.UID("STORE", "2", "+FLAGS", `(\Deleted)`)), `2 (UID 2 FLAGS (\Deleted \Recent))`)
	ok(t, "store")(m.Store("4", "+FLAGS.SILENT", `\Deleted`))
	wantLines(t, "uid expunge", ok(t, "uid expunge")(m.UID("EXPUNGE", "2")), "None")
	if _, dat := m.Response("EXPUNGE"); !slices.Equal(lines(dat), []string{"2"}) {
		t.Fatalf("EXPUNGE after uid expunge: %q", lines(dat))
	}
	wantLines(t, "still deleted", ok(t, "uid search deleted")(m.UID("SEARCH", "DELETED")), "4")

	wantLines(t, "uid copy", ok(t, "uid copy")(m.UID("COPY", "1,3", "Archive")), "None")
	if _, dat := m.Response("COPYUID"); len(dat) != 1 || !strings.HasSuffix(string(dat[0].Line), " 1,3 1:2") {
		t.Fatalf("COPYUID: %q", lines(dat))
	}
	wantLines(t, "uid move", ok(t, "uid move")(m.UID("MOVE", "6", "Archive")), "None")
	if _, dat := m.Response("EXPUNGE"); !slices.Equal(lines(dat), []string{"5"}) {
		t.Fatalf("EXPUNGE after uid move: %q", lines(dat))
	}
	ok(t, "xatom move")(m.Xatom("MOVE", "1", "Archive"))
	st, err := imaplib.ParseStatus(ok(t, "status")(m.Status("Archive", "(MESSAGES)")))
	if err != nil || *st[0].Messages != 4 {
		t.Fatalf("Archive after copy and moves: %+v %v", st, err)
	}
	// Left: UIDs 3, 4, 5 from senders 2, 0, 1.
	wantLines(t, "uid sort", ok(t, "uid sort")(m.UID("SORT", "(FROM)", "UTF-8", "ALL")), "4 5 3")
	wantLines(t, "uid thread", ok(t, "uid thread")(m.UID("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL")), "(3)(4)(5)")
	if _, _, err := m.UID("NOTACOMMAND"); !errors.Is(err, imaplib.ErrError) || errors.Is(err, imaplib.ErrAbort) {
		t.Fatalf("uid of an unknown command: %v", err)
	}
}

func TestDovecotSortThread(t *testing.T) {
	srv := dovecottest.Start(t)
	inbox, _ := diffMessages()
	srv.Seed(t, srv.User, "INBOX", inbox)
	m := session(t, srv, srv.User)
	ok(t, "select")(m.Select("INBOX", true))

	// Sent dates: 6 (1 Mar), 5, 3, 1, 2, 4 (6 Mar).
	wantLines(t, "sort date", ok(t, "sort")(m.Sort("DATE", "UTF-8", "ALL")), "6 5 3 1 2 4")
	wantLines(t, "sort reverse", ok(t, "sort")(m.Sort("(REVERSE DATE)", "UTF-8", "ALL")), "4 2 1 3 5 6")
	// Base subjects: Grüße, Lunch?, Project kickoff (1, 2, 4), Report.
	wantLines(t, "sort subject", ok(t, "sort")(m.Sort("SUBJECT", "UTF-8", "ALL")), "6 3 1 2 4 5")
	wantLines(t, "sort with criteria", ok(t, "sort")(m.Sort("ARRIVAL", "US-ASCII", "FROM", "alice")), "1 4")
	// 1 <- 2 <- 4 by References; threads ordered by their first date.
	wantLines(t, "thread references", ok(t, "thread")(m.Thread("REFERENCES", "UTF-8", "ALL")), "(6)(5)(3)(1 2 4)")
	wantLines(t, "thread subject", ok(t, "thread")(m.Thread("ORDEREDSUBJECT", "UTF-8", "ALL")), "(6)(5)(3)(1 (2)(4))")
	if _, _, err := m.Sort("DATE", "", "ALL"); !errors.Is(err, imaplib.ErrError) {
		t.Fatalf("sort without a charset: %v", err)
	}
}

func TestDovecotACLMethods(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithACL())
	srv.Seed(t, srv.User, "Archive", seedMessages(2))
	m := session(t, srv, srv.User)

	wantLines(t, "myrights", ok(t, "myrights")(m.MyRights("INBOX")), "INBOX lrwstipekxacd")
	wantLines(t, "getacl", ok(t, "getacl")(m.GetACL("INBOX")), "INBOX alice lrwstipekxacd")
	ok(t, "setacl")(m.SetACL("INBOX", "bob", "lr"))
	wantLines(t, "getacl after setacl", ok(t, "getacl")(m.GetACL("INBOX")), "INBOX bob lr alice lrwstipekxacd")
	ok(t, "deleteacl")(m.DeleteACL("INBOX", "bob"))
	wantLines(t, "getacl after deleteacl", ok(t, "getacl")(m.GetACL("INBOX")), "INBOX alice lrwstipekxacd")

	// Without write rights, SELECT opens the mailbox read-only: Python's
	// readonly error, after which EXAMINE works.
	ok(t, "setacl owner")(m.SetACL("Archive", "owner", "lra"))
	wantLines(t, "myrights archive", ok(t, "myrights")(m.MyRights("Archive")), "Archive lra")
	_, _, err := m.Select("Archive", false)
	var e *imaplib.Error
	if !errors.As(err, &e) || e.Kind != imaplib.KindReadonly || e.Message != "Archive is not writable" {
		t.Fatalf("select without write rights: %v", err)
	}
	wantLines(t, "examine", ok(t, "examine")(m.Select("Archive", true)), "2")
	wantLines(t, "store without rights", ok(t, "store")(m.Store("2", "+FLAGS", `\Seen`)), "None")
	notSeen(t, m, "2")
}

// notSeen checks that message num is not flagged \Seen.
func notSeen(t *testing.T, m *imaplib.IMAP4, num string) {
	t.Helper()
	fetched, err := imaplib.ParseFetch(ok(t, "fetch flags")(m.Fetch(num, "(FLAGS)")))
	if err != nil || len(fetched) != 1 || slices.Contains(fetched[0].Flags, `\Seen`) {
		t.Fatalf("flags of %s: %+v %v", num, fetched, err)
	}
}

func TestDovecotQuotaMethods(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithQuota("*:storage=64K"))
	m := session(t, srv, srv.User)

	typ, root, quota, err := m.GetQuotaRoot("INBOX")
	if err != nil || typ != "OK" {
		t.Fatal(typ, err)
	}
	wantLines(t, "quotaroot", root, `INBOX "User quota"`)
	wantLines(t, "quota", quota, `"User quota" (STORAGE 0 64)`)

	ok(t, "append")(m.Append("INBOX", "", "", append([]byte("Subject: ten kilobytes\r\n\r\n"), bytes.Repeat([]byte("0123456789abcdef\r\n"), 600)...)))
	// 10,826 bytes: 11 KiB, rounded up.
	wantLines(t, "getquota", ok(t, "getquota")(m.GetQuota(`"User quota"`)), `"User quota" (STORAGE 11 64)`)

	typ, data, err := m.Append("INBOX", "", "", bytes.Repeat([]byte("x"), 80<<10))
	if err != nil || typ != "NO" {
		t.Fatalf("append over quota: %s %q %v", typ, lines(data), err)
	}
	if _, dat := m.Response("OVERQUOTA"); dat[0].IsNone {
		t.Fatalf("no OVERQUOTA code in %q", lines(data))
	}
	// Only an admin may change a quota in Dovecot.
	typ, data, err = m.SetQuota(`"User quota"`, "(STORAGE 128)")
	if err != nil || typ != "NO" {
		t.Fatalf("setquota: %s %q %v", typ, lines(data), err)
	}
}

func TestDovecotUnsupportedMethods(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(1))
	m := session(t, srv, srv.User)

	check := func(what string, typ string, data []imaplib.Item, err error) {
		t.Helper()
		var e *imaplib.Error
		if !errors.As(err, &e) || e.Kind != imaplib.KindError || !strings.Contains(e.Message, "BAD") || !strings.Contains(e.Message, "Unknown command") {
			t.Fatalf("%s: %q %q %v, want a BAD for an unknown command", what, typ, lines(data), err)
		}
	}
	typ, data, err := m.ProxyAuth("bob")
	check("proxyauth", typ, data, err)
	typ, data, err = m.GetAnnotation("INBOX", "/comment", "value.priv")
	check("getannotation", typ, data, err)
	typ, data, err = m.SetAnnotation("INBOX", "/comment", `("value.priv" "hello")`)
	check("setannotation", typ, data, err)
	ok(t, "select")(m.Select("INBOX", false))
	typ, data, err = m.Partial("1", "BODY[]", "0", "10")
	check("partial", typ, data, err)
	// The session goes on.
	wantLines(t, "search", ok(t, "search")(m.Search("", "ALL")), "1")
}
