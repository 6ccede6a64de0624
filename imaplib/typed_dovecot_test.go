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

// Dovecot tests of what the in-process server lacks (CONDSTORE) and of the
// fallbacks, on instances whose advertised capabilities are cut down with
// imap_capability.

// dialTraced is dialDovecot with the protocol trace kept in the returned
// buffer.
func dialTraced(t *testing.T, srv *dovecottest.Server) (*imaplib.IMAP4, *bytes.Buffer) {
	t.Helper()
	host, port := splitAddr(t, srv.Addr())
	var trace bytes.Buffer
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second, Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	return m, &trace
}

// sentCommands returns the commands of a trace, tags cut off, as
// "UID FETCH 1:3 (FLAGS)".
func sentCommands(trace string) []string {
	var out []string
	for _, line := range strings.Split(trace, "\n") {
		i := strings.Index(line, "> b'")
		if i < 0 {
			continue
		}
		cmd := strings.TrimSuffix(line[i+len("> b'"):], "'")
		if _, rest, ok := strings.Cut(cmd, " "); ok {
			out = append(out, rest)
		}
	}
	return out
}

func TestTypedDovecotCondStore(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	m := dialDovecot(t, srv, srv.User, srv.Password)
	info, err := m.SelectMailboxWith("INBOX", imaplib.SelectOptions{CondStore: true})
	if err != nil || info.HighestModSeq == 0 || info.NoModSeq {
		t.Fatalf("select (CONDSTORE): %+v %v", info, err)
	}
	before := info.HighestModSeq

	fd, err := m.UIDStore(imaplib.SeqSetOf(2), imaplib.AddFlags, []string{`\Flagged`}, false)
	if err != nil || len(fd) != 1 || fd[0].ModSeq <= before {
		t.Fatalf("store: %+v %v", fd, err)
	}
	changed := fd[0].ModSeq

	fd, err = m.UIDFetchChangedSince(imaplib.SeqSetOf(1, 2, 3, 4, 5), "FLAGS", before)
	if err != nil || len(fd) != 1 || fd[0].UID != 2 || fd[0].ModSeq != changed || !hasFlag(fd[0].Flags, `\Flagged`) {
		t.Fatalf("fetch changed since %d: %+v %v", before, fd, err)
	}
	st, err := m.MailboxStatus("INBOX")
	if err != nil || st.HighestModSeq == nil || *st.HighestModSeq != changed {
		t.Fatalf("status: %+v %v", st, err)
	}

	// Message 2 changed after "before": a conditional store leaves it
	// alone and names it, and changes the others.
	fd, modified, err := m.UIDStoreUnchangedSince(imaplib.SeqSetOf(1, 2, 3), imaplib.AddFlags, []string{"$Checked"}, false, before)
	if err != nil || modified.String() != "2" || len(fd) != 2 {
		t.Fatalf("conditional store: %+v %s %v", fd, modified, err)
	}
	if got, err := m.UIDSearch("KEYWORD", "$Checked"); err != nil || got.String() != "1,3" {
		t.Fatalf("keyword after conditional store: %s %v", got, err)
	}
	if got, err := m.UIDSearch("MODSEQ", changed+1); err != nil || got.String() != "1,3" {
		t.Fatalf("search MODSEQ: %s %v", got, err)
	}
}

// TestTypedDovecotMoveWithoutMOVE moves messages on a Dovecot that does not
// advertise MOVE, with another message flagged \Deleted in the source
// mailbox: the fallback must leave that one where it is.
func TestTypedDovecotMoveWithoutMOVE(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithConfig("imap_capability = IMAP4rev1 LITERAL+ UIDPLUS NAMESPACE UNSELECT"))
	msgs := seedMessages(6)
	msgs[1].Flags = append(msgs[1].Flags, `\Deleted`) // UID 2: deleted, not moved
	srv.Seed(t, srv.User, "INBOX", msgs)
	srv.Seed(t, srv.User, "Archive", seedMessages(1))

	m, trace := dialTraced(t, srv)
	for _, c := range []string{"MOVE", "ESEARCH", "LIST-STATUS"} {
		if m.HasCapability(c) {
			t.Fatalf("the server advertises %s: %v", c, m.Capabilities())
		}
	}
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	// 4:* stands for 4, 5 and 6 now.
	cu, err := m.UIDMove(imaplib.SeqSetOf(1, 3).Union(mustSet(t, "4:*")), "Archive")
	if err != nil {
		t.Fatal(err)
	}
	if cu == nil || cu.Source.String() != "1,3:6" || cu.Dest.String() != "2:6" {
		t.Fatalf("CopyUID: %+v", cu)
	}
	want := []string{
		"UID SEARCH UID 1,3:*",
		"UID COPY 1,3:6 Archive",
		`UID STORE 1,3:6 +FLAGS.SILENT (\\Deleted)`,
		"UID EXPUNGE 1,3:6",
	}
	got := sentCommands(trace.String())
	got = got[len(got)-len(want):]
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("commands sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A second connection sees the outcome.
	other := dialDovecot(t, srv, srv.User, srv.Password)
	if _, err := other.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	fd, err := other.UIDFetch(mustSet(t, "1:*"), "(FLAGS ENVELOPE)")
	if err != nil || len(fd) != 1 || fd[0].UID != 2 || !hasFlag(fd[0].Flags, `\Deleted`) || fd[0].Envelope.Subject != "message 2" {
		t.Fatalf("INBOX after the move: %+v %v", fd, err)
	}
	if _, err := other.SelectMailbox("Archive", true); err != nil {
		t.Fatal(err)
	}
	fd, err = other.UIDFetch(mustSet(t, "1:*"), "(FLAGS ENVELOPE)")
	if err != nil || len(fd) != 6 {
		t.Fatalf("Archive after the move: %+v %v", fd, err)
	}
	for i, want := range []string{"message 1", "message 1", "message 3", "message 4", "message 5", "message 6"} {
		if fd[i].Envelope.Subject != want || hasFlag(fd[i].Flags, `\Deleted`) {
			t.Errorf("Archive UID %d: %s %v, want %s", fd[i].UID, fd[i].Envelope.Subject, fd[i].Flags, want)
		}
	}

	// The fallbacks of LIST-STATUS and ESEARCH on the same server.
	ls, err := m.ListStatus("", "*", "MESSAGES")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint32{}
	for _, e := range ls {
		counts[e.Name] = *e.Status.Messages
	}
	if len(counts) != 2 || counts["INBOX"] != 1 || counts["Archive"] != 6 {
		t.Fatalf("ListStatus: %v", counts)
	}
	if _, err := m.SelectMailbox("Archive", false); err != nil {
		t.Fatal(err)
	}
	stats, err := m.UIDSearchStats("SUBJECT", "message 1")
	if err != nil || *stats.Min != 1 || *stats.Max != 2 || *stats.Count != 2 || stats.All != "1:2" {
		t.Fatalf("UIDSearchStats: %+v %v", stats, err)
	}
	cmds := strings.Join(sentCommands(trace.String()), "\n")
	for _, notSent := range []string{"MOVE", "RETURN", "\nEXPUNGE"} {
		if strings.Contains(cmds, notSent) {
			t.Errorf("%q was sent:\n%s", notSent, cmds)
		}
	}
}

// TestTypedDovecotNoSafeMove: without MOVE and UIDPLUS, UIDMove refuses and
// sends nothing; UIDExpunge refuses too.
func TestTypedDovecotNoSafeMove(t *testing.T) {
	srv := dovecottest.Start(t, dovecottest.WithConfig("imap_capability = IMAP4rev1 LITERAL+"))
	srv.Seed(t, srv.User, "INBOX", seedMessages(2))
	srv.Seed(t, srv.User, "Archive", nil)
	m, trace := dialTraced(t, srv)
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	n := len(sentCommands(trace.String()))
	cu, err := m.UIDMove(imaplib.SeqSetOf(1), "Archive")
	if !errors.Is(err, imaplib.ErrNoSafeMove) || !errors.Is(err, imaplib.ErrError) || cu != nil {
		t.Fatalf("UIDMove: %v %v", cu, err)
	}
	if err := m.UIDExpunge(imaplib.SeqSetOf(1)); err == nil || !strings.Contains(err.Error(), "UIDPLUS") {
		t.Fatalf("UIDExpunge: %v", err)
	}
	if sent := sentCommands(trace.String())[n:]; len(sent) != 0 {
		t.Fatalf("commands sent: %q", sent)
	}
	if got, err := m.UIDSearch(); err != nil || got.String() != "1:2" {
		t.Fatalf("INBOX: %s %v", got, err)
	}
}

// TestTypedDovecotLongSets sends sets too long for one command line.
// FETCH cuts them into several commands, whose results are merged; MOVE,
// STORE and EXPUNGE build the set in the saved search result ("$",
// SEARCHRES) with searches of at most one line each and then run once,
// on "$". A second connection checks what the server holds.
func TestTypedDovecotLongSets(t *testing.T) {
	const limit = 80
	imaplib.SetMaxCommandLine(t, limit)
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(60))
	srv.Seed(t, srv.User, "Odd", nil)
	m, trace := dialTraced(t, srv)
	if !m.HasCapability("SEARCHRES") {
		t.Fatal("Dovecot does not advertise SEARCHRES")
	}
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	var odd, even imaplib.SeqSet
	for u := uint32(1); u <= 60; u += 2 {
		odd.Add(u)
		even.Add(u + 1)
	}
	fd, err := m.UIDFetch(odd, "(UID)")
	if err != nil || len(fd) != 30 {
		t.Fatalf("fetch: %d %v", len(fd), err)
	}
	for i, f := range fd {
		if f.UID != uint32(2*i+1) {
			t.Fatalf("fetched UID %d at %d", f.UID, i)
		}
	}
	cu, err := m.UIDMove(odd, "Odd")
	if err != nil || cu.Source.String() != odd.String() || cu.Dest.String() != "1:30" {
		t.Fatalf("move: %+v %v", cu, err)
	}
	mp, err := cu.Map()
	if err != nil || len(mp) != 30 || mp[59] != 30 {
		t.Fatalf("map: %v %v", mp, err)
	}
	// Flag the even messages but 2, which another client flags \Deleted:
	// expunging the set must leave it.
	rest := even.Difference(imaplib.SeqSetOf(2))
	fd, err = m.UIDStore(rest, imaplib.AddFlags, []string{`\Flagged`, `\Deleted`}, false)
	if err != nil || len(fd) != 29 {
		t.Fatalf("store: %d %v", len(fd), err)
	}
	other := dialDovecot(t, srv, srv.User, srv.Password)
	if _, err := other.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	if _, err := other.UIDStore(imaplib.SeqSetOf(2), imaplib.AddFlags, []string{`\Deleted`}, true); err != nil {
		t.Fatal(err)
	}
	if got, err := other.UIDSearch("FLAGGED"); err != nil || got.String() != rest.String() {
		t.Fatalf("flagged, seen from another connection: %s %v", got, err)
	}
	if err := m.UIDExpunge(rest); err != nil {
		t.Fatalf("expunge: %v", err)
	}
	var fetches, moves, searches int
	for _, c := range sentCommands(trace.String()) {
		if len(c)+8 > limit {
			t.Errorf("command longer than the limit: %s", c)
		}
		switch {
		case strings.HasPrefix(c, "UID FETCH"):
			fetches++
		case strings.HasPrefix(c, "UID SEARCH RETURN (SAVE)"):
			searches++
		case strings.HasPrefix(c, "UID MOVE"), strings.HasPrefix(c, "UID STORE"), strings.HasPrefix(c, "UID EXPUNGE"):
			moves++
			if !strings.Contains(c, " $") {
				t.Errorf("not on the saved set: %s", c)
			}
		}
	}
	if fetches < 2 || moves != 3 || searches < 6 {
		t.Fatalf("%d fetches, %d searches, %d actions: want the fetch cut, each action once on $", fetches, searches, moves)
	}
	for _, c := range []struct{ box, want string }{{"INBOX", "2"}, {"Odd", "1:30"}} {
		if _, err := other.SelectMailbox(c.box, true); err != nil {
			t.Fatal(err)
		}
		if got, err := other.UIDSearch(); err != nil || got.String() != c.want {
			t.Fatalf("%s after the move and the expunge: %s %v, want %s", c.box, got, err, c.want)
		}
	}
}

// TestTypedDovecotSavedSetReused: a long set built in the saved search
// result ("$") for one action is used as it is by the next action on the
// same set, as long as no command since may have changed "$"; after a
// search or a SELECT (which empties "$") it is built again. A second
// connection checks that every action reached every message of the set.
func TestTypedDovecotSavedSetReused(t *testing.T) {
	imaplib.SetMaxCommandLine(t, 80)
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(60))
	m, trace := dialTraced(t, srv)
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}
	var odd imaplib.SeqSet
	for u := uint32(1); u <= 60; u += 2 {
		odd.Add(u)
	}
	searches := func() int {
		n := 0
		for _, c := range sentCommands(trace.String()) {
			if strings.HasPrefix(c, "UID SEARCH RETURN (SAVE)") {
				n++
			}
		}
		return n
	}
	store := func(flag string) {
		t.Helper()
		if fd, err := m.UIDStore(odd, imaplib.AddFlags, []string{flag}, false); err != nil || len(fd) != 30 {
			t.Fatalf("store %s: %d %v", flag, len(fd), err)
		}
	}
	steps := []struct {
		name    string
		between func() error // on m, before the store
		flag    string
		built   bool // whether the store builds "$" again
	}{
		{"first", nil, `\Flagged`, true},
		{"the same set again", nil, "$Kept", false},
		{"after a NOOP", func() error { _, _, err := m.Noop(); return err }, `\Answered`, false},
		{"after a search", func() error { _, err := m.UIDSearch("FLAGGED"); return err }, "$One", true},
		{"after a SELECT, which empties $", func() error { _, err := m.SelectMailbox("INBOX", false); return err }, "$Two", true},
	}
	per := 0 // the searches of one build
	for _, st := range steps {
		if st.between != nil {
			if err := st.between(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		before := searches()
		store(st.flag)
		n := searches() - before
		if per == 0 {
			per = n
			if per < 2 {
				t.Fatalf("the first store sent %d searches, want the set built in several", per)
			}
		}
		if want := map[bool]int{true: per, false: 0}[st.built]; n != want {
			t.Fatalf("%s: %d searches, want %d", st.name, n, want)
		}
	}
	other := dialDovecot(t, srv, srv.User, srv.Password)
	if _, err := other.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		key := []any{"KEYWORD", st.flag}
		if strings.HasPrefix(st.flag, `\`) {
			key = []any{strings.ToUpper(st.flag[1:])} // \Flagged: FLAGGED
		}
		got, err := other.UIDSearch(key...)
		if err != nil || got.String() != odd.String() {
			t.Fatalf("%s: the messages with %s: %s %v, want %s", st.name, st.flag, got, err, odd)
		}
	}
}

func mustSet(t *testing.T, s string) imaplib.SeqSet {
	t.Helper()
	set, err := imaplib.ParseSeqSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestTypedDovecotMultiAppend appends three messages in one command and
// reads them back: UIDs in order, flags, internal dates and bodies as
// given. A MULTIAPPEND to a mailbox that does not exist is refused with
// TRYCREATE and leaves nothing.
func TestTypedDovecotMultiAppend(t *testing.T) {
	srv := dovecottest.Start(t)
	m := dialDovecot(t, srv, srv.User, srv.Password)
	if !m.HasCapability("MULTIAPPEND") {
		t.Fatal("Dovecot does not advertise MULTIAPPEND")
	}
	_, err := m.MultiAppend("Nowhere", []imaplib.AppendItem{{Msg: []byte("Subject: x\n\nx\n")}})
	var re *imaplib.ResponseError
	if !errors.As(err, &re) || re.Code != "TRYCREATE" {
		t.Fatalf("MultiAppend to a missing mailbox = %v", err)
	}
	if err := m.CreateMailbox("Archive"); err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	d2 := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	items := []imaplib.AppendItem{
		{Flags: []string{`\Seen`}, Date: d1, Msg: []byte("Subject: one\n\nfirst\n")},
		{Flags: []string{`\Flagged`, "$Work"}, Date: d2, Msg: []byte("Subject: two\r\n\r\nsecond\r\n")},
		{Msg: []byte("Subject: three\n\nthird\n")},
	}
	au, err := m.MultiAppend("Archive", items)
	if err != nil || au == nil || au.UIDs.String() != "1:3" {
		t.Fatalf("MultiAppend = %+v, %v", au, err)
	}
	info, err := m.SelectMailbox("Archive", true)
	if err != nil || info.Exists != 3 || info.UIDValidity != au.UIDValidity {
		t.Fatalf("Archive: %+v %v (APPENDUID %+v)", info, err, au)
	}
	fds, err := m.UIDFetch(au.UIDs, "(FLAGS INTERNALDATE BODY.PEEK[])")
	if err != nil || len(fds) != 3 {
		t.Fatalf("fetch: %d %v", len(fds), err)
	}
	want := []struct {
		flags string
		date  time.Time
		body  string
	}{
		{`\Seen`, d1, "Subject: one\r\n\r\nfirst\r\n"},
		{`$Work \Flagged`, d2, "Subject: two\r\n\r\nsecond\r\n"},
		{"", time.Time{}, "Subject: three\r\n\r\nthird\r\n"},
	}
	for i, fd := range fds {
		var flags []string
		for _, f := range fd.Flags {
			if f != `\Recent` {
				flags = append(flags, f)
			}
		}
		slices.Sort(flags)
		if fd.UID != uint32(i+1) || strings.Join(flags, " ") != want[i].flags || string(fd.Body("")) != want[i].body ||
			!want[i].date.IsZero() && !fd.InternalDate.Equal(want[i].date) {
			t.Errorf("message %d: UID %d flags %v date %v body %q", i+1, fd.UID, fd.Flags, fd.InternalDate, fd.Body(""))
		}
	}
}
