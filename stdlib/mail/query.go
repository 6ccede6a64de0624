package mail

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mailscript/mailscript/imaplib"
)

// A Query is a server-side search: every field set must hold (AND), Any
// holds when one of its queries does (OR), and No excludes the messages
// that match any of its queries (NOT). The zero Query matches every
// message. It becomes one IMAP SEARCH command.
type Query struct {
	// Text fields: the message's field (or body, or whole text) contains
	// each string given, case-insensitively, as IMAP SEARCH compares.
	From, To, Cc, Bcc, Subject, Body, Text []string
	// Header tests arbitrary header fields (an empty Value tests that the
	// field exists).
	Header []HeaderTest
	// Flag tests: true requires the flag, false requires its absence.
	Seen, Flagged, Answered, Deleted, Draft, Recent *bool
	// Keyword and Unkeyword require keywords to be set or unset.
	Keyword, Unkeyword []string
	// Larger and Smaller compare the size in bytes (0: no test).
	Larger, Smaller int64
	// Internal date (arrival) tests, by day as IMAP compares dates.
	Since, Before, On time.Time
	// Date header tests, by day.
	SentSince, SentBefore, SentOn time.Time
	// Older and Newer compare the arrival time with now (to the second
	// where the server has WITHIN, else by day).
	Older, Newer time.Duration
	// UID limits the search to these UIDs.
	UID *imaplib.SeqSet
	// Any is an OR of queries; No a list of queries none of which may match.
	Any []Query
	No  []Query
}

// HeaderTest is one header condition of a Query.
type HeaderTest struct{ Name, Value string }

// IsZero reports whether q has no condition.
func (q *Query) IsZero() bool {
	c := q.criteria(time.Time{}, true)
	return len(c) == 0
}

// Criteria returns q as imaplib.UIDSearch criteria, relative to now.
// within says the server has WITHIN (RFC 5032: OLDER, YOUNGER).
func (q *Query) Criteria(now time.Time, within bool) []any {
	c := q.criteria(now, within)
	if len(c) == 0 {
		return []any{"ALL"}
	}
	return c
}

func (q *Query) criteria(now time.Time, within bool) []any {
	c := &criteria{now: now, within: within}
	for _, k := range searchKeys {
		if k.emit != nil {
			k.emit(q, c)
		}
	}
	return c.c
}

// orOf builds OR a (OR b c) over the queries.
func orOf(qs []Query, now time.Time, within bool) []any {
	first := qs[0].criteria(now, within)
	if len(first) == 0 {
		first = []any{"ALL"}
	}
	if len(qs) == 1 {
		return first
	}
	c := []any{"OR"}
	c = append(c, group(first)...)
	return append(c, group(orOf(qs[1:], now, within))...)
}

// group parenthesises a criteria list of more than one key.
func group(c []any) []any {
	if isOneKey(c) {
		return c
	}
	g := make([]any, 0, len(c)+2)
	g = append(g, "(")
	g = append(g, c...)
	return append(g, ")")
}

// isOneKey reports whether c is exactly one search key with its arguments.
func isOneKey(c []any) bool {
	n := keyLen(c, 0)
	return n == len(c)
}

// keyLen returns how many tokens the search key at c[i] takes, with its
// arguments.
func keyLen(c []any, i int) int {
	if i >= len(c) {
		return 0
	}
	s, ok := c[i].(string)
	if !ok {
		return 1
	}
	switch s {
	case "(":
		depth := 0
		for j := i; j < len(c); j++ {
			if t, ok := c[j].(string); ok {
				if t == "(" {
					depth++
				} else if t == ")" {
					depth--
					if depth == 0 {
						return j - i + 1
					}
				}
			}
		}
		return len(c) - i
	case "NOT":
		return 1 + keyLen(c, i+1)
	case "OR":
		a := keyLen(c, i+1)
		return 1 + a + keyLen(c, i+1+a)
	case "HEADER":
		return 3
	case "FROM", "TO", "CC", "BCC", "SUBJECT", "BODY", "TEXT", "KEYWORD", "UNKEYWORD",
		"LARGER", "SMALLER", "SINCE", "BEFORE", "ON", "SENTSINCE", "SENTBEFORE", "SENTON",
		"OLDER", "YOUNGER", "UID":
		return 2
	}
	return 1
}

// ParseSize reads a size: a number of bytes, or a number with a suffix K,
// M or G (powers of 1024, any letter case, an optional B: "2M", "500kb").
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	u := strings.ToUpper(t)
	u = strings.TrimSuffix(u, "B")
	mult := int64(1)
	if n := len(u); n > 0 {
		switch u[n-1] {
		case 'K':
			mult, u = 1<<10, u[:n-1]
		case 'M':
			mult, u = 1<<20, u[:n-1]
		case 'G':
			mult, u = 1<<30, u[:n-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(u), 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<53 {
		return 0, fmt.Errorf("mail: bad size %q (bytes, or a number with K, M or G, such as \"2M\")", s)
	}
	return int64(f * float64(mult)), nil
}

// ParseAge reads an age: a number with a unit s, m (minutes), h, d or w
// ("30d", "12h", "2w"); a bare number is days.
func ParseAge(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	unit := time.Duration(24 * time.Hour)
	if n := len(t); n > 0 && unicode.IsLetter(rune(t[n-1])) {
		switch unicode.ToLower(rune(t[n-1])) {
		case 's':
			unit = time.Second
		case 'm':
			unit = time.Minute
		case 'h':
			unit = time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'w':
			unit = 7 * 24 * time.Hour
		default:
			return 0, fmt.Errorf("mail: bad age %q (a number with s, m, h, d or w, such as \"30d\")", s)
		}
		t = t[:n-1]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0, fmt.Errorf("mail: bad age %q (a number with s, m, h, d or w, such as \"30d\")", s)
	}
	return time.Duration(f * float64(unit)), nil
}

// ParseDate reads a search date: "2024-03-05", "5-Mar-2024" or an RFC 3339
// time. Dates without a time are midnight UTC; IMAP compares by day.
func ParseDate(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "2-Jan-2006", "02-Jan-2006", time.RFC3339} {
		if d, err := time.Parse(layout, t); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("mail: bad date %q (YYYY-MM-DD or DD-Mon-YYYY)", s)
}
