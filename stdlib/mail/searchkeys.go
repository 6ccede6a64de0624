package mail

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// A searchKey is one key of mbox:search{...}, defined here once: its Lua
// name, the IMAP SEARCH key it becomes, the kind of value it takes, how
// that value is read into a Query and how the Query's field is sent. The
// binding reads search tables with it, Query.Criteria sends with it, and
// tests check that the README's table and the annotations of mail.Query in
// types/mail.lua list exactly these keys.
//
// Keys are read, and criteria sent, in the order of searchKeys. A pair of
// keys on one Query field (seen/unseen) sends it once, from the first.
type searchKey struct {
	name string    // Lua key
	imap string    // IMAP key(s) it becomes, for the docs
	kind valueKind // the value it takes
	doc  string    // one line for the docs
	// parse reads v into q.
	parse func(q *Query, key string, v lua.LValue) error
	// emit appends the criteria of q's field; nil for the second key of
	// a pair.
	emit func(q *Query, c *criteria)
}

// A valueKind is the kind of value a search key takes.
type valueKind struct {
	lua string // its type in the annotations
	doc string // in the README
}

var (
	kindText     = valueKind{"string|string[]", "text, or a list (all must match)"}
	kindFlag     = valueKind{"boolean", "true or false"}
	kindSize     = valueKind{"integer|string", `bytes, or "500K", "2M"`}
	kindDate     = valueKind{"integer|string", `epoch seconds, "2024-03-05", "5-Mar-2024" or an RFC 5322 date`}
	kindAge      = valueKind{"integer|string", `"30d", "12h", "2w", or days`}
	kindKeywords = valueKind{"string|string[]", "a keyword, or a list"}
	kindHeader   = valueKind{"table<string, string>", `{["List-Id"] = ""}: the field contains the text ("" : exists)`}
	kindUID      = valueKind{"integer|string|integer[]", `a UID, "1:100", or a list`}
	kindQueries  = valueKind{"mail.Query[]|mail.Query", "a list of search tables, or one table whose keys are taken one by one"}
)

// criteria collects the SEARCH criteria of a Query.
type criteria struct {
	c      []any
	now    time.Time
	within bool // the server has WITHIN (OLDER, YOUNGER)
}

func (c *criteria) add(v ...any) { c.c = append(c.c, v...) }

// searchKeys is the vocabulary of mbox:search{...}.
var searchKeys []searchKey

// searchKeyIndex finds a key of searchKeys by name.
var searchKeyIndex map[string]*searchKey

// init builds the vocabulary (in init: parsing sub-queries refers back to
// it).
func init() {
	searchKeys = []searchKey{
		textKey("from", "FROM", "the From field contains the text", func(q *Query) *[]string { return &q.From }),
		textKey("to", "TO", "the To field contains the text", func(q *Query) *[]string { return &q.To }),
		textKey("cc", "CC", "the Cc field contains the text", func(q *Query) *[]string { return &q.Cc }),
		textKey("bcc", "BCC", "the Bcc field contains the text", func(q *Query) *[]string { return &q.Bcc }),
		textKey("subject", "SUBJECT", "the subject contains the text", func(q *Query) *[]string { return &q.Subject }),
		textKey("body", "BODY", "the body contains the text", func(q *Query) *[]string { return &q.Body }),
		textKey("text", "TEXT", "the header or the body contains the text", func(q *Query) *[]string { return &q.Text }),
		{name: "header", imap: "HEADER", kind: kindHeader, doc: "a header field contains the text", parse: parseHeaderKey,
			emit: func(q *Query, c *criteria) {
				for _, h := range q.Header {
					c.add("HEADER", imaplib.Text(h.Name), imaplib.Text(h.Value))
				}
			}},
		flagKey("seen", "SEEN", "UNSEEN", true, "read", func(q *Query) **bool { return &q.Seen }),
		twin(flagKey("unseen", "UNSEEN", "SEEN", false, "unread", func(q *Query) **bool { return &q.Seen })),
		flagKey("flagged", "FLAGGED", "UNFLAGGED", true, "flagged", func(q *Query) **bool { return &q.Flagged }),
		twin(flagKey("unflagged", "UNFLAGGED", "FLAGGED", false, "not flagged", func(q *Query) **bool { return &q.Flagged })),
		flagKey("answered", "ANSWERED", "UNANSWERED", true, "answered", func(q *Query) **bool { return &q.Answered }),
		twin(flagKey("unanswered", "UNANSWERED", "ANSWERED", false, "not answered", func(q *Query) **bool { return &q.Answered })),
		flagKey("deleted", "DELETED", "UNDELETED", true, `marked \Deleted`, func(q *Query) **bool { return &q.Deleted }),
		twin(flagKey("undeleted", "UNDELETED", "DELETED", false, `not marked \Deleted`, func(q *Query) **bool { return &q.Deleted })),
		flagKey("draft", "DRAFT", "UNDRAFT", true, "a draft", func(q *Query) **bool { return &q.Draft }),
		twin(flagKey("undraft", "UNDRAFT", "DRAFT", false, "not a draft", func(q *Query) **bool { return &q.Draft })),
		flagKey("recent", "RECENT", "OLD", true, "new in this session (IMAP4rev1)", func(q *Query) **bool { return &q.Recent }),
		keywordKey("keyword", "KEYWORD", "has the keyword", func(q *Query) *[]string { return &q.Keyword }),
		keywordKey("unkeyword", "UNKEYWORD", "lacks the keyword", func(q *Query) *[]string { return &q.Unkeyword }),
		sizeKey("larger", "LARGER", "larger than the size", func(q *Query) *int64 { return &q.Larger }),
		sizeKey("smaller", "SMALLER", "smaller than the size", func(q *Query) *int64 { return &q.Smaller }),
		dateKey("since", "SINCE", "arrived on or after the day", func(q *Query) *time.Time { return &q.Since }),
		dateKey("before", "BEFORE", "arrived before the day", func(q *Query) *time.Time { return &q.Before }),
		dateKey("on", "ON", "arrived on the day", func(q *Query) *time.Time { return &q.On }),
		dateKey("sent_since", "SENTSINCE", "Date field on or after the day", func(q *Query) *time.Time { return &q.SentSince }),
		dateKey("sent_before", "SENTBEFORE", "Date field before the day", func(q *Query) *time.Time { return &q.SentBefore }),
		dateKey("sent_on", "SENTON", "Date field on the day", func(q *Query) *time.Time { return &q.SentOn }),
		ageKey("older", "OLDER (or BEFORE)", "arrived longer ago than the age", func(q *Query) *time.Duration { return &q.Older },
			func(c *criteria, d time.Duration) {
				if c.within {
					c.add("OLDER", int64(d/time.Second))
				} else {
					// Before the day of now-age: messages of that day itself
					// are not old enough for sure.
					c.add("BEFORE", c.now.Add(-d))
				}
			}),
		ageKey("newer", "YOUNGER (or SINCE)", "arrived within the age", func(q *Query) *time.Duration { return &q.Newer },
			func(c *criteria, d time.Duration) {
				if c.within {
					c.add("YOUNGER", int64((d+time.Second-1)/time.Second))
				} else {
					c.add("SINCE", c.now.Add(-d))
				}
			}),
		{name: "uid", imap: "UID", kind: kindUID, doc: "one of the UIDs", parse: parseUIDKey, emit: emitUID},
		{name: "any", imap: "OR", kind: kindQueries, doc: "matches one of the alternatives", parse: parseSubQueries(func(q *Query) *[]Query { return &q.Any }),
			emit: func(q *Query, c *criteria) {
				if len(q.Any) > 0 {
					c.add(orOf(q.Any, c.now, c.within)...)
				}
			}},
		{name: "no", imap: "NOT", kind: kindQueries, doc: "matches none of them", parse: parseSubQueries(func(q *Query) *[]Query { return &q.No }), emit: emitNo},
	}

	searchKeyIndex = map[string]*searchKey{}
	for i := range searchKeys {
		searchKeyIndex[searchKeys[i].name] = &searchKeys[i]
	}
}

func textKey(name, imap, doc string, field func(*Query) *[]string) searchKey {
	return searchKey{name: name, imap: imap, kind: kindText, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) error {
			l, err := stringList(v, key)
			*field(q) = append(*field(q), l...)
			return err
		},
		emit: func(q *Query, c *criteria) {
			for _, v := range *field(q) {
				c.add(imap, imaplib.Text(v))
			}
		}}
}

// flagKey is a flag test: true requires yes, false requires no (when
// positive; the other way round otherwise).
func flagKey(name, yes, no string, positive bool, doc string, field func(*Query) **bool) searchKey {
	return searchKey{name: name, imap: yes, kind: kindFlag, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) error {
			b, ok := v.(lua.LBool)
			if !ok {
				return fmt.Errorf("mail: search: %s must be true or false", key)
			}
			*field(q) = boolPtr(bool(b) == positive)
			return nil
		},
		emit: func(q *Query, c *criteria) {
			if b := *field(q); b != nil {
				if *b == positive {
					c.add(yes)
				} else {
					c.add(no)
				}
			}
		}}
}

// twin marks the second key of a pair on one Query field: it reads into
// the field, and the first key of the pair sends it.
func twin(k searchKey) searchKey {
	k.emit = nil
	return k
}

func keywordKey(name, imap, doc string, field func(*Query) *[]string) searchKey {
	return searchKey{name: name, imap: imap, kind: kindKeywords, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) error {
			l, err := stringList(v, key)
			if err != nil {
				return err
			}
			for _, k := range l {
				if !isAtom(k) {
					return fmt.Errorf("mail: search: %s %q is not a valid keyword", key, k)
				}
			}
			*field(q) = append(*field(q), l...)
			return nil
		},
		emit: func(q *Query, c *criteria) {
			for _, k := range *field(q) {
				c.add(imap, k)
			}
		}}
}

func sizeKey(name, imap, doc string, field func(*Query) *int64) searchKey {
	return searchKey{name: name, imap: imap, kind: kindSize, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) (err error) {
			switch t := v.(type) {
			case lua.LNumber:
				if t < 0 {
					err = fmt.Errorf("mail: search: %s must not be negative", key)
				}
				*field(q) = int64(t)
			case lua.LString:
				*field(q), err = ParseSize(string(t))
			default:
				err = fmt.Errorf("mail: search: %s must be a size such as 2M or a number of bytes", key)
			}
			return err
		},
		emit: func(q *Query, c *criteria) {
			if n := *field(q); n > 0 {
				c.add(imap, n)
			}
		}}
}

func dateKey(name, imap, doc string, field func(*Query) *time.Time) searchKey {
	return searchKey{name: name, imap: imap, kind: kindDate, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) (err error) {
			*field(q), err = dateValue(v, "search: "+key)
			return err
		},
		emit: func(q *Query, c *criteria) {
			if t := *field(q); !t.IsZero() {
				c.add(imap, t)
			}
		}}
}

func ageKey(name, imap, doc string, field func(*Query) *time.Duration, send func(c *criteria, d time.Duration)) searchKey {
	return searchKey{name: name, imap: imap, kind: kindAge, doc: doc,
		parse: func(q *Query, key string, v lua.LValue) (err error) {
			switch t := v.(type) {
			case lua.LNumber:
				*field(q), err = ParseAge(strconv.FormatFloat(float64(t), 'f', -1, 64))
			case lua.LString:
				*field(q), err = ParseAge(string(t))
			default:
				err = fmt.Errorf("mail: search: %s must be an age such as \"30d\" or a number of days", key)
			}
			return err
		},
		emit: func(q *Query, c *criteria) {
			if d := *field(q); d > 0 {
				send(c, d)
			}
		}}
}

func parseHeaderKey(q *Query, _ string, v lua.LValue) error {
	ht, ok := v.(*lua.LTable)
	if !ok {
		return fmt.Errorf("mail: search: header must be a table {[\"Name\"] = \"value\"}")
	}
	var names []string
	ht.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
	sort.Strings(names)
	for _, n := range names {
		if !validFieldName(n) {
			return fmt.Errorf("mail: search: bad header name %q", n)
		}
		vals, err := stringList(ht.RawGetString(n), "header "+n)
		if err != nil {
			return err
		}
		for _, val := range vals {
			q.Header = append(q.Header, HeaderTest{n, val})
		}
	}
	return nil
}

func parseUIDKey(q *Query, _ string, v lua.LValue) error {
	const msg = "mail: search: uid must be a number, a string such as \"1:100\" or a list of numbers"
	var s imaplib.SeqSet
	var err error
	switch t := v.(type) {
	case lua.LNumber:
		s = imaplib.SeqSetOf(uint32(t))
	case lua.LString:
		s, err = imaplib.ParseSeqSet(string(t))
	case *lua.LTable:
		for i := 1; i <= t.Len(); i++ {
			n, ok := t.RawGetInt(i).(lua.LNumber)
			if !ok {
				return errors.New(msg)
			}
			s.Add(uint32(n))
		}
	default:
		err = errors.New(msg)
	}
	if err == nil {
		q.UID = &s
	}
	return err
}

func emitUID(q *Query, c *criteria) {
	if q.UID == nil {
		return
	}
	if q.UID.IsEmpty() {
		// No UID at all: a set that matches nothing.
		c.add("UID", imaplib.SeqSetOf(imaplib.Star), "NOT", "UID", imaplib.SeqSetOf(imaplib.Star))
	} else {
		c.add("UID", *q.UID)
	}
}

func parseSubQueries(field func(*Query) *[]Query) func(q *Query, key string, v lua.LValue) error {
	return func(q *Query, key string, v lua.LValue) error {
		subs, err := subQueries(v, key)
		if err != nil {
			return err
		}
		*field(q) = append(*field(q), subs...)
		return nil
	}
}

func emitNo(q *Query, c *criteria) {
	for i := range q.No {
		sub := q.No[i].criteria(c.now, c.within)
		if len(sub) == 0 {
			// NOT ALL: nothing matches.
			c.add("NOT", "ALL")
			continue
		}
		c.add("NOT")
		c.add(group(sub)...)
	}
}
