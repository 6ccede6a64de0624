package imaplib

import (
	"fmt"
	"strings"
	"testing"
)

// statusString formats s with only the items that are set.
func statusString(s StatusData) string {
	out := fmt.Sprintf("%q", s.Mailbox)
	u := func(name string, p *uint32) {
		if p != nil {
			out += fmt.Sprintf(" %s=%d", name, *p)
		}
	}
	u("messages", s.Messages)
	u("recent", s.Recent)
	u("uidnext", s.UIDNext)
	u("uidvalidity", s.UIDValidity)
	u("unseen", s.Unseen)
	u("deleted", s.Deleted)
	if s.HighestModSeq != nil {
		out += fmt.Sprintf(" highestmodseq=%d", *s.HighestModSeq)
	}
	if s.Size != nil {
		out += fmt.Sprintf(" size=%d", *s.Size)
	}
	if s.Other != nil {
		out += fmt.Sprintf(" other=%v", s.Other)
	}
	return out
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name string
		data []Item
		want string
	}{
		{"dovecot", dovecotStatus, `"INBOX" messages=3 recent=0 uidnext=4 uidvalidity=1795658538 unseen=0 highestmodseq=8 size=1996 | "q\"x" messages=0`},
		{"rfc3501", []Item{LineItem([]byte(`blurdybloop (MESSAGES 231 UIDNEXT 44292)`))}, `"blurdybloop" messages=231 uidnext=44292`},
		{"empty list", []Item{LineItem([]byte(`INBOX ()`))}, `"INBOX"`},
		{"lower case", []Item{LineItem([]byte(`INBOX (messages 1 deleted 2)`))}, `"INBOX" messages=1 deleted=2`},
		{"literal mailbox", []Item{PairItem([]byte(`{3}`), []byte("a b")), LineItem([]byte(` (UNSEEN 5)`))}, `"a b" unseen=5`},
		{"unknown items", []Item{LineItem([]byte(`INBOX (APPENDLIMIT NIL X-FOO 7 MAILBOXID (F2212ea87))`))}, `"INBOX" other=map[APPENDLIMIT:<nil> MAILBOXID:[F2212ea87] X-FOO:7]`},
		{"big size", []Item{LineItem([]byte(`INBOX (SIZE 9223372036854775807 HIGHESTMODSEQ 9223372036854775807)`))}, `"INBOX" highestmodseq=9223372036854775807 size=9223372036854775807`},
		{"None", []Item{NoneItem}, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, st := range got {
				s = append(s, statusString(st))
			}
			if g := strings.Join(s, " | "); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	for _, line := range []string{
		``,
		`INBOX`,
		`INBOX (MESSAGES)`,
		`INBOX (MESSAGES x)`,
		`INBOX (MESSAGES 4294967296)`,
		`INBOX (SIZE -1)`,
		`INBOX (MESSAGES 1`,
		`INBOX (MESSAGES 1) x`,
		`(MESSAGES 1)`,
	} {
		got, err := ParseStatus([]Item{LineItem([]byte(line))})
		if err == nil {
			t.Errorf("%q: no error, got %v", line, got)
			continue
		}
		if len(got) != 0 || !strings.Contains(err.Error(), "malformed STATUS response 0") {
			t.Errorf("%q: %v, %v", line, got, err)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	fuzzSeeds(f, dovecotStatus, []Item{PairItem([]byte(`{3}`), []byte("a b")), LineItem([]byte(` (UNSEEN 5 X (1 2))`))})
	f.Fuzz(func(t *testing.T, b []byte) {
		data := itemsFromBytes(b)
		got, err := ParseStatus(data)
		checkParseErr(t, err)
		if len(got) > countResponses(data) {
			t.Fatalf("%d results for %d responses", len(got), countResponses(data))
		}
	})
}
