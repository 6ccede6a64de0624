package mailgentest

import (
	"fmt"
	"net/textproto"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// SeedDovecot appends msgs to user's mailboxes on srv, each in the mailbox
// its Mailbox field names (created when missing), in the order given, with
// its flags and internal date. It fails the test on error.
func SeedDovecot(t testing.TB, srv *dovecottest.Server, user string, msgs []mailgen.Message) {
	t.Helper()
	byBox := mailgen.ByMailbox(msgs)
	for _, name := range mailgen.MailboxNames(msgs) {
		seed := make([]dovecottest.Message, len(byBox[name]))
		for i, m := range byBox[name] {
			seed[i] = dovecottest.Message{Raw: m.Raw, Flags: m.Flags, Date: m.Date}
		}
		srv.Seed(t, user, name, seed)
	}
}

// Stored is one message as an IMAP server reports it.
type Stored struct {
	UID          uint32
	MessageID    string
	Flags        []string
	Size         int64
	InternalDate time.Time
}

// Fetch selects mailbox read-only on c and returns its messages in UID
// order. It fails the test on error.
func Fetch(t testing.TB, c *imaplib.IMAP4, mailbox string) []Stored {
	t.Helper()
	typ, data, err := c.Select(mailbox, true)
	if err != nil || typ != "OK" {
		t.Fatalf("mailgentest: select %q: %s %v %v", mailbox, typ, err, data)
	}
	if len(data) == 0 || data[0].IsNone || string(data[0].Line) == "0" {
		return nil
	}
	typ, data, err = c.Fetch("1:*", "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
	if err != nil || typ != "OK" {
		t.Fatalf("mailgentest: fetch %q: %s %v", mailbox, typ, err)
	}
	fds, err := imaplib.ParseFetch(data)
	if err != nil {
		t.Fatalf("mailgentest: fetch %q: %v", mailbox, err)
	}
	out := make([]Stored, 0, len(fds))
	for _, fd := range fds {
		s := Stored{UID: fd.UID, Flags: fd.Flags, Size: fd.RFC822Size, InternalDate: fd.InternalDate}
		for _, sec := range fd.Sections {
			s.MessageID = headerValue(sec.Data, "Message-Id")
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}

// headerValue returns a field of a header block, unfolded.
func headerValue(block []byte, name string) string {
	for _, line := range strings.Split(strings.ReplaceAll(string(block), "\r\n ", " "), "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// normFlags lower-cases flags, drops \Recent and sorts them, so that
// servers that differ in case or in \Recent compare equal.
func normFlags(flags []string) []string {
	out := []string{}
	for _, f := range flags {
		f = strings.ToLower(f)
		if f != `\recent` {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// Check compares each mailbox named in want with the messages the server
// holds there: the same messages (matched by Message-ID, in any order),
// each with the expected flags (compared without regard to case, \Recent
// ignored), size and internal date. Mailboxes not named in want are not
// looked at. Differences are reported with t.Errorf.
func Check(t testing.TB, c *imaplib.IMAP4, want map[string][]mailgen.Message) {
	t.Helper()
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		got := map[string]Stored{}
		for _, s := range Fetch(t, c, name) {
			if _, dup := got[s.MessageID]; dup {
				t.Errorf("mailgentest: %s holds %s twice", name, s.MessageID)
			}
			got[s.MessageID] = s
		}
		expected := map[string]bool{}
		for _, m := range want[name] {
			expected[m.MessageID] = true
			s, ok := got[m.MessageID]
			if !ok {
				t.Errorf("mailgentest: %s lacks %s %q", name, m.MessageID, m.Subject)
				continue
			}
			var diffs []string
			if g, w := normFlags(s.Flags), normFlags(m.Flags); !slices.Equal(g, w) {
				diffs = append(diffs, fmt.Sprintf("flags %v, want %v", g, w))
			}
			if s.Size != int64(m.Size) {
				diffs = append(diffs, fmt.Sprintf("size %d, want %d", s.Size, m.Size))
			}
			if !s.InternalDate.Equal(m.Date) {
				diffs = append(diffs, fmt.Sprintf("internal date %v, want %v", s.InternalDate, m.Date))
			}
			if len(diffs) > 0 {
				t.Errorf("mailgentest: %s %s %q: %s", name, m.MessageID, m.Subject, strings.Join(diffs, "; "))
			}
		}
		for id, s := range got {
			if !expected[id] {
				t.Errorf("mailgentest: %s holds unexpected message UID %d %s", name, s.UID, id)
			}
		}
	}
}
