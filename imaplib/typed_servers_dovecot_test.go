package imaplib_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// The typed API against the two real servers: Dovecot, and the in-process
// go-imap server (memserver). Both get the same five seeded messages (see
// seedMessages: 1, 3 and 5 are \Seen; 2 and 5 are from sender1).

// dialDovecot returns a logged-in connection to srv.
func dialDovecot(t *testing.T, srv *dovecottest.Server, user, password string) *imaplib.IMAP4 {
	t.Helper()
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	return m
}

// startMemserver starts a memserver holding seedMessages(n) in INBOX and
// returns a logged-in connection to it.
func startMemserver(t *testing.T, n int) (*memserver.Server, *imaplib.IMAP4) {
	t.Helper()
	srv := memservertest.Start(t, memserver.Options{})
	for _, msg := range seedMessages(n) {
		if _, err := srv.Append(memservertest.User, "INBOX", msg.Raw, msg.Flags, msg.Date); err != nil {
			t.Fatal(err)
		}
	}
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(memservertest.User, memservertest.Password); err != nil {
		t.Fatal(err)
	}
	return srv, m
}

func uids(t *testing.T, s imaplib.SeqSet) []uint32 {
	t.Helper()
	n, err := s.Nums()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func hasFlag(flags []string, f string) bool {
	return slices.ContainsFunc(flags, func(x string) bool { return strings.EqualFold(x, f) })
}

func findEntry(entries []imaplib.ListEntry, name string) *imaplib.ListEntry {
	for i := range entries {
		if entries[i].Name == name {
			return &entries[i]
		}
	}
	return nil
}

// typedSuite runs the typed API through a session on a server holding
// seedMessages(5) in INBOX.
func typedSuite(t *testing.T, m *imaplib.IMAP4) {
	info, err := m.SelectMailbox("INBOX", false)
	if err != nil {
		t.Fatal(err)
	}
	if info.Exists != 5 || info.UIDNext != 6 || info.UIDValidity == 0 || info.ReadOnly ||
		!hasFlag(info.Flags, `\Seen`) || !hasFlag(info.PermanentFlags, `\*`) || m.State() != "SELECTED" {
		t.Fatalf("select: %+v (state %s)", info, m.State())
	}

	for _, tt := range []struct {
		criteria []any
		want     []uint32
	}{
		{nil, []uint32{1, 2, 3, 4, 5}},
		{[]any{"UNSEEN"}, []uint32{2, 4}},
		{[]any{"FROM", "sender1@example.org"}, []uint32{2, 5}},
		{[]any{"SUBJECT", "message 3"}, []uint32{3}},
		{[]any{"SEEN", "UID", imaplib.SeqSetOf(2, 3, 4, 5)}, []uint32{3, 5}},
		{[]any{"OR", "SUBJECT", imaplib.Text("message 1"), "(", "UNSEEN", "FROM", "sender1", ")"}, []uint32{1, 2}},
		{[]any{"SINCE", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "LARGER", 10}, []uint32{1, 2, 3, 4, 5}},
		{[]any{"SUBJECT", "no such thing"}, []uint32{}},
	} {
		got, err := m.UIDSearch(tt.criteria...)
		if err != nil {
			t.Fatalf("UIDSearch%v: %v", tt.criteria, err)
		}
		if n := uids(t, got); !slices.Equal(n, tt.want) && !(len(n) == 0 && len(tt.want) == 0) {
			t.Errorf("UIDSearch%v = %v, want %v", tt.criteria, n, tt.want)
		}
	}
	seq, err := m.SearchMessages("SEEN")
	if err != nil || seq.String() != "1,3,5" {
		t.Fatalf("SearchMessages(SEEN) = %s, %v", seq, err)
	}
	st, err := m.UIDSearchStats("SEEN")
	if err != nil || *st.Min != 1 || *st.Max != 5 || *st.Count != 3 || st.All != "1,3,5" || !st.UID {
		t.Fatalf("UIDSearchStats(SEEN) = %+v, %v", st, err)
	}
	st, err = m.UIDSearchStats("SUBJECT", "no such thing")
	if err != nil || st.Min != nil || st.Max != nil || *st.Count != 0 || st.All != "" {
		t.Fatalf("UIDSearchStats(nothing) = %+v, %v", st, err)
	}

	fd, err := m.UIDFetch(imaplib.SeqSetOf(1, 3), "FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[TEXT]")
	if err != nil || len(fd) != 2 {
		t.Fatalf("UIDFetch: %v %v", fd, err)
	}
	for i, want := range []uint32{1, 3} {
		f := fd[i]
		if f.UID != want || f.Envelope.Subject != fmt.Sprintf("message %d", want) || f.RFC822Size <= 0 ||
			!hasFlag(f.Flags, `\Seen`) || string(f.Body("TEXT")) != fmt.Sprintf("body of message %d\r\n", want) {
			t.Errorf("fetched %+v", f)
		}
	}
	fd, err = m.UIDStore(imaplib.SeqSetOf(2), imaplib.AddFlags, []string{`\Flagged`, "$Important"}, false)
	if err != nil || len(fd) != 1 || fd[0].UID != 2 || !hasFlag(fd[0].Flags, `\Flagged`) || !hasFlag(fd[0].Flags, "$Important") {
		t.Fatalf("UIDStore: %+v %v", fd, err)
	}
	if got, err := m.UIDSearch("FLAGGED"); err != nil || got.String() != "2" {
		t.Fatalf("flagged after store: %s %v", got, err)
	}

	au, err := m.AppendMessage("INBOX", []string{`\Seen`}, time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC),
		[]byte("From: x@example.org\nSubject: appended\n\nhello\n"))
	if err != nil || au == nil || au.UID != 6 || au.UIDValidity != info.UIDValidity {
		t.Fatalf("AppendMessage: %+v %v", au, err)
	}
	fd, err = m.UIDFetch(imaplib.SeqSetOf(6), "(INTERNALDATE BODY.PEEK[])")
	if err != nil || len(fd) != 1 || !fd[0].InternalDate.Equal(time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)) ||
		string(fd[0].Body("")) != "From: x@example.org\r\nSubject: appended\r\n\r\nhello\r\n" {
		t.Fatalf("appended message: %+v %v", fd, err)
	}

	// A name outside ASCII goes as modified UTF-7 and comes back decoded.
	const archive = "Archiv/Entwürfe"
	if err := m.CreateMailbox(archive); err != nil {
		t.Fatal(err)
	}
	_, raw, err := m.List(`""`, `"Archiv/*"`)
	if err != nil || len(raw) != 1 || !strings.Contains(string(raw[0].Line), `Archiv/Entw&APw-rfe`) {
		t.Fatalf("raw LIST: %s %v", raw, err)
	}
	entries, err := m.ListMailboxes("", "*")
	if err != nil || findEntry(entries, "INBOX") == nil || findEntry(entries, archive) == nil || findEntry(entries, archive).Delim != "/" {
		t.Fatalf("ListMailboxes: %+v %v", entries, err)
	}
	if got, err := m.MailboxStatus(archive, "MESSAGES", "uidnext"); err != nil || got.Mailbox != archive || *got.Messages != 0 || *got.UIDNext != 1 {
		t.Fatalf("MailboxStatus: %+v %v", got, err)
	}

	cu, err := m.UIDCopy(imaplib.SeqSetOf(1), archive)
	if err != nil || cu == nil || cu.Source.String() != "1" || cu.Dest.String() != "1" || cu.UIDValidity == 0 {
		t.Fatalf("UIDCopy: %+v %v", cu, err)
	}
	cu, err = m.UIDMove(imaplib.SeqSetOf(3, 4), archive)
	if err != nil || cu == nil || cu.Source.String() != "3:4" || cu.Dest.String() != "2:3" {
		t.Fatalf("UIDMove: %+v %v", cu, err)
	}
	if mp, err := cu.Map(); err != nil || len(mp) != 2 || mp[3] != 2 || mp[4] != 3 {
		t.Fatalf("CopyUID.Map: %v %v", mp, err)
	}
	if got, err := m.UIDSearch(); err != nil || got.String() != "1:2,5:6" {
		t.Fatalf("INBOX after move: %s %v", got, err)
	}

	ls, err := m.ListStatus("", "*", "MESSAGES", "UNSEEN")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]string{}
	for _, e := range ls {
		if e.Status != nil {
			counts[e.Name] = fmt.Sprintf("%d/%d", *e.Status.Messages, *e.Status.Unseen)
			if e.Status.Mailbox != e.Name {
				t.Errorf("status of %q names %q", e.Name, e.Status.Mailbox)
			}
		}
	}
	if counts["INBOX"] != "4/1" || counts[archive] != "3/1" {
		t.Fatalf("ListStatus: %v (%+v)", counts, ls)
	}

	ns, err := m.Namespaces()
	if err != nil || len(ns.Personal) != 1 || ns.Personal[0].Delim != "/" {
		t.Fatalf("Namespaces: %+v %v", ns, err)
	}

	if err := m.RenameMailbox(archive, "Archiv/Ältere"); err != nil {
		t.Fatal(err)
	}
	entries, err = m.ListMailboxes("Archiv/", "%")
	if err != nil || len(entries) != 1 || entries[0].Name != "Archiv/Ältere" {
		t.Fatalf("after rename: %+v %v", entries, err)
	}
	if err := m.DeleteMailbox("Archiv/Ältere"); err != nil {
		t.Fatal(err)
	}

	// UID EXPUNGE removes exactly the UIDs given.
	if _, err := m.UIDStore(imaplib.SeqSetOf(2, 5), imaplib.AddFlags, []string{`\Deleted`}, true); err != nil {
		t.Fatal(err)
	}
	if err := m.UIDExpunge(imaplib.SeqSetOf(5)); err != nil {
		t.Fatal(err)
	}
	if got, err := m.UIDSearch("DELETED"); err != nil || got.String() != "2" {
		t.Fatalf("after UID EXPUNGE: %s %v", got, err)
	}

	// A refusal is an error carrying the server's answer.
	_, err = m.SelectMailbox("No/Such/Mailbox", false)
	var re *imaplib.ResponseError
	if !errors.As(err, &re) || re.Type != "NO" || re.Command != "SELECT" || !errors.Is(err, imaplib.ErrError) {
		t.Fatalf("select of a missing mailbox: %v", err)
	}
	if m.State() != "AUTH" {
		t.Fatalf("state after a refused select: %s", m.State())
	}
}

func TestTypedDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	typedSuite(t, dialDovecot(t, srv, srv.User, srv.Password))
}

func TestTypedMemserver(t *testing.T) {
	_, m := startMemserver(t, 5)
	typedSuite(t, m)
}
