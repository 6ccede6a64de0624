package memserver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
)

// TestLazyViews: a session sees mail that arrived after its SELECT only
// after NOOP or IDLE; other commands neither report nor find it.
func TestLazyViews(t *testing.T) {
	s := start(t, memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true, LazyViews: true})
	if _, err := s.Append("alice", "INBOX", []byte("Subject: old\r\n\r\nx\r\n"), nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.Addr(), nil)
	c.ok("LOGIN alice secret")
	c.ok("SELECT INBOX")
	other := dial(t, s.Addr(), nil)
	other.ok("LOGIN alice secret")
	other.ok("APPEND INBOX {20+}\r\nSubject: new\r\n\r\nx\r\n")
	c.ok("APPEND INBOX {21+}\r\nSubject: mine\r\n\r\nx\r\n")

	has := func(lines []string, s string) bool {
		for _, l := range lines {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	steps := []struct {
		cmd, want, notWant string
	}{
		{"UID FETCH 2:3 (UID)", "", "FETCH"},
		{"UID SEARCH ALL", "SEARCH 1", "SEARCH 1 2"},
		{"UID STORE 2 +FLAGS (\\Flagged)", "", "FETCH"},
		{"UID FETCH 2:* (UID)", "UID 1)", "UID 2"},
		{"NOOP", "3 EXISTS", ""},
		{"UID FETCH 2:3 (UID)", "UID 3)", ""},
		{"UID SEARCH ALL", "SEARCH 1 2 3", ""},
	}
	for _, st := range steps {
		lines := c.ok(st.cmd)
		if st.want != "" && !has(lines, st.want) {
			t.Errorf("%s: %q, want %q", st.cmd, lines, st.want)
		}
		if st.notWant != "" && has(lines, st.notWant) {
			t.Errorf("%s: %q, want no %q", st.cmd, lines, st.notWant)
		}
	}
}
