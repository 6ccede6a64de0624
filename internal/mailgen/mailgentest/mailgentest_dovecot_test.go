package mailgentest_test

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/mailgen/mailgentest"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

var now = time.Date(2025, time.March, 3, 9, 30, 15, 0, time.UTC)

func login(t *testing.T, addr, user, password string) *imaplib.IMAP4 {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if typ, data, err := c.Login(user, password); err != nil || typ != "OK" {
		t.Fatalf("login: %s %v %v", typ, data, err)
	}
	return c
}

// recorder collects Errorf calls instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

// checkBoth checks that Check accepts what was loaded and reports a
// changed flag, a missing and an unexpected message.
func checkBoth(t *testing.T, c *imaplib.IMAP4, msgs []mailgen.Message) {
	t.Helper()
	want := mailgen.ByMailbox(msgs)
	mailgentest.Check(t, c, want)

	inbox := want[mailgen.Inbox]
	changed := append([]mailgen.Message{}, inbox[1:]...) // inbox[0] missing
	changed[0].Flags = append(append([]string{}, changed[0].Flags...), `\Deleted`)
	changed = append(changed, want[mailgen.Sent][0]) // not in INBOX
	r := &recorder{TB: t}
	mailgentest.Check(r, c, map[string][]mailgen.Message{mailgen.Inbox: changed})
	all := strings.Join(r.errs, "\n")
	for _, s := range []string{"unexpected message UID 1 " + inbox[0].MessageID, "lacks " + want[mailgen.Sent][0].MessageID, `want [\deleted`} {
		if !strings.Contains(all, s) {
			t.Errorf("Check did not report %q; it reported:\n%s", s, all)
		}
	}
	if len(r.errs) != 3 {
		t.Errorf("Check reported %d differences, want 3:\n%s", len(r.errs), all)
	}
}

func TestMemserver(t *testing.T) {
	srv := memservertest.Start(t, memserver.Options{})
	msgs := mailgen.Demo(now)
	if err := mailgen.Load(srv, memservertest.User, msgs); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv.Addr(), memservertest.User, memservertest.Password)
	checkBoth(t, c, msgs)

	err := mailgen.Load(srv, "nobody", msgs[:1])
	if err == nil || !strings.HasPrefix(err.Error(), "mailgen: load message 0") {
		t.Errorf("Load for an unknown user: %v", err)
	}
}

func TestDovecot(t *testing.T) {
	t.Parallel()
	srv := dovecottest.Start(t)
	msgs := mailgen.Demo(now)
	mailgentest.SeedDovecot(t, srv, srv.User, msgs)
	c := login(t, srv.Addr(), srv.User, srv.Password)
	checkBoth(t, c, msgs)
}

func TestDovecotGenerated(t *testing.T) {
	t.Parallel()
	srv := dovecottest.Start(t)
	msgs, err := mailgen.Generate(mailgen.Options{Seed: 8, Count: 1000, Mailboxes: []string{"INBOX", "Archive/2024", "Lists"}})
	if err != nil {
		t.Fatal(err)
	}
	mailgentest.SeedDovecot(t, srv, srv.User, msgs)
	c := login(t, srv.Addr(), srv.User, srv.Password)
	mailgentest.Check(t, c, mailgen.ByMailbox(msgs))

	// The server's own search agrees with the generator's facts.
	if typ, _, err := c.Select("INBOX", true); err != nil || typ != "OK" {
		t.Fatal(typ, err)
	}
	for _, tc := range []struct {
		criteria string
		match    func(mailgen.Message) bool
	}{
		{"UNSEEN", func(m mailgen.Message) bool { return !m.Seen() }},
		{"FLAGGED", mailgen.Message.Flagged},
		{`HEADER X-Spam-Flag YES`, func(m mailgen.Message) bool { return m.SpamFlag }},
		{`HEADER List-Id gopherweekly`, func(m mailgen.Message) bool { return strings.Contains(m.ListID, "gopherweekly") }},
		{`FROM boss@example.com`, func(m mailgen.Message) bool { return m.From == "boss@example.com" }},
		{"LARGER 8000", func(m mailgen.Message) bool { return m.Size > 8000 }},
		// BEFORE counts days in the server's time zone, so with any zone
		// the count lies between these two.
		{"BEFORE 1-Oct-2024", func(m mailgen.Message) bool { return m.Date.Before(time.Date(2024, 9, 30, 10, 0, 0, 0, time.UTC)) }},
	} {
		typ, data, err := c.Search("", tc.criteria)
		if err != nil || typ != "OK" {
			t.Fatalf("SEARCH %s: %s %v", tc.criteria, typ, err)
		}
		nums, _, err := imaplib.ParseSearch(data)
		if err != nil {
			t.Fatal(err)
		}
		want, upTo := 0, 0
		for _, m := range mailgen.ByMailbox(msgs)["INBOX"] {
			if tc.match(m) {
				want++
			}
			if m.Date.Before(time.Date(2024, 10, 1, 12, 0, 0, 0, time.UTC)) {
				upTo++
			}
		}
		if strings.HasPrefix(tc.criteria, "BEFORE") {
			if len(nums) < want || len(nums) > upTo || want == 0 {
				t.Errorf("SEARCH %s: %d messages, the generator says %d to %d", tc.criteria, len(nums), want, upTo)
			}
		} else if len(nums) != want || want == 0 {
			t.Errorf("SEARCH %s: %d messages, the generator says %d", tc.criteria, len(nums), want)
		}
	}
}
