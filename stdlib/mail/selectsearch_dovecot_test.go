package mail_test

import (
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestSearchRefusedBehindSelect: a search that goes out right behind the
// SELECT of its mailbox (the first search of a mailbox) and that the
// server refuses is an error naming the search, not an empty set; the
// mailbox stays selected, and the next search is answered. Through the
// Go API, on Dovecot, which refuses an unknown search key.
func TestSearchRefusedBehindSelect(t *testing.T) {
	srv := dovecottest.Start(t)
	inbox, _ := scanMessages("in", 5)
	srv.Seed(t, "alice", "INBOX", inbox)
	box := goAccount(t, srv, nil).Mailbox("INBOX")
	set, err := box.SearchCriteria("NOSUCHKEY")
	if err == nil {
		t.Fatalf("a refused search gave a set of %d messages and no error", set.Len())
	}
	if !strings.Contains(err.Error(), `search "INBOX"`) {
		t.Fatalf("error %q does not name the search", err)
	}
	all, err := box.All()
	if err != nil || all.Len() != 5 {
		t.Fatalf("the next search: %v, %v; want the 5 messages", all, err)
	}
}
