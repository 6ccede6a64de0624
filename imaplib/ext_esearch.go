package imaplib

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// Text is a search argument that is always sent as a string (quoted, or a
// literal), never as a search key or a sequence set: use it for a value
// such as a subject that could read as "(" or "1:*".
type Text string

// A searchToken is one token of search criteria: raw text, or a string
// for the wire writer to quote.
type searchToken struct {
	raw   string
	str   string
	isStr bool
}

// searchCriteria converts the typed API's search criteria to tokens.
// Each criterion is one token:
//   - a string that is an atom (a search key such as UNSEEN or FROM, or
//     an argument like alice@example.org) is sent as it is; "(" and ")"
//     group; a string that is a sequence set ("1:*", "2,4:7") is sent as
//     one; any other string is quoted, or sent as a literal;
//   - a Text is always a string;
//   - a SeqSet is a sequence set;
//   - a time.Time is a date (SINCE, BEFORE, ON...), written 2-Jan-2006 in
//     the time's own location;
//   - an int, int64, uint32 or uint64 is a number (LARGER, MODSEQ...).
//
// utf8 reports whether a string holds non-ASCII bytes.
func searchCriteria(criteria []any) (tokens []searchToken, utf8 bool, err error) {
	if len(criteria) == 0 {
		return []searchToken{{raw: "ALL"}}, false, nil
	}
	str := func(s string) {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				utf8 = true
			}
		}
		tokens = append(tokens, searchToken{str: s, isStr: true})
	}
	for i, c := range criteria {
		switch v := c.(type) {
		case string:
			switch {
			case wire.IsAtom(v), v == "(", v == ")":
				tokens = append(tokens, searchToken{raw: v})
			case v != "" && isSeqSetText(v):
				tokens = append(tokens, searchToken{raw: v})
			default:
				if strings.ContainsAny(v, "\r\n\x00") {
					return nil, false, newError(KindValue, wire.ErrControlChars, "search criterion %d: control characters not allowed", i+1)
				}
				str(v)
			}
		case Text:
			if strings.ContainsAny(string(v), "\x00") {
				return nil, false, newError(KindValue, nil, "search criterion %d: NUL not allowed", i+1)
			}
			str(string(v))
		case SeqSet:
			if v.IsEmpty() {
				return nil, false, newError(KindValue, nil, "search criterion %d: empty sequence set", i+1)
			}
			tokens = append(tokens, searchToken{raw: v.String()})
		case time.Time:
			tokens = append(tokens, searchToken{raw: fmt.Sprintf("%d-%s-%04d", v.Day(), monthNames[v.Month()], v.Year())})
		case int:
			if v < 0 {
				return nil, false, newError(KindValue, nil, "search criterion %d: negative number %d", i+1, v)
			}
			tokens = append(tokens, searchToken{raw: fmt.Sprint(v)})
		case int64:
			if v < 0 {
				return nil, false, newError(KindValue, nil, "search criterion %d: negative number %d", i+1, v)
			}
			tokens = append(tokens, searchToken{raw: fmt.Sprint(v)})
		case uint32, uint64:
			tokens = append(tokens, searchToken{raw: fmt.Sprint(v)})
		default:
			return nil, false, newError(KindValue, nil, "search criterion %d: unsupported type %T", i+1, c)
		}
	}
	return tokens, utf8, nil
}

// isSeqSetText reports whether s is a sequence set as written on the wire.
func isSeqSetText(s string) bool {
	_, err := ParseSeqSet(s)
	return err == nil
}

// writeSearch writes " [CHARSET UTF-8] criteria".
func writeSearch(c *wire.Command, tokens []searchToken, charset bool) {
	if charset {
		c.RawString(" CHARSET UTF-8")
	}
	prev := ""
	for _, t := range tokens {
		// "(" key *(SP key) ")": no space inside the parentheses.
		if prev != "(" && !(!t.isStr && t.raw == ")") {
			c.SP()
		}
		prev = t.raw
		if t.isStr {
			prev = ""
			c.String(t.str)
		} else {
			c.RawString(t.raw)
		}
	}
}

// search runs SEARCH or UID SEARCH with the given RETURN options ("" for
// none, which is a plain SEARCH) and returns the numbers found and the
// ESEARCH data when there was some.
func (m *IMAP4) search(uid bool, ret string, criteria []any) (SeqSet, *ESearchData, error) {
	sc, err := m.searchCommand(uid, ret, criteria)
	if err != nil {
		return SeqSet{}, nil, err
	}
	tag, err := m.send(sc.cmd)
	if err != nil {
		return SeqSet{}, nil, err
	}
	return m.searchComplete(sc, tag)
}

// A searchCmd is a SEARCH or UID SEARCH built, with what reading its
// answer needs.
type searchCmd struct {
	cmd        *command
	label, ret string
	uid        bool
}

// searchReturn is the RETURN option UIDSearch asks for: ALL with ESEARCH
// (the UIDs as a set), none without.
func (m *IMAP4) searchReturn() string {
	if m.HasCapability("ESEARCH") {
		return "ALL"
	}
	return ""
}

// searchCommand builds the search of criteria and forgets the search
// results filed so far, so that those read afterwards are its own.
func (m *IMAP4) searchCommand(uid bool, ret string, criteria []any) (*searchCmd, error) {
	tokens, utf8, err := searchCriteria(criteria)
	if err != nil {
		return nil, err
	}
	charset := utf8 && !m.utf8
	sc := &searchCmd{cmd: &command{name: "SEARCH"}, label: "SEARCH", ret: ret, uid: uid}
	if uid {
		sc.cmd.name, sc.label = "UID", "UID SEARCH"
		sc.cmd.args = []any{"SEARCH"}
	}
	sc.cmd.build = func(c *wire.Command) {
		if ret != "" {
			c.RawString(" RETURN (" + ret + ")")
		}
		writeSearch(c, tokens, charset)
	}
	m.takeCodes("SEARCH", "ESEARCH")
	return sc, nil
}

// searchComplete reads the answer to sc, sent with tag.
func (m *IMAP4) searchComplete(sc *searchCmd, tag string) (SeqSet, *ESearchData, error) {
	uid, ret := sc.uid, sc.ret
	typ, dat, err := m.complete(sc.cmd.name, tag)
	if err != nil {
		return SeqSet{}, nil, err
	}
	if typ != "OK" {
		m.takeCodes("SEARCH", "ESEARCH")
		return SeqSet{}, nil, refused(sc.label, typ, dat)
	}
	if ret == "" {
		nums, _, err := ParseSearch(m.pop("SEARCH"))
		if err != nil {
			return SeqSet{}, nil, newError(KindError, err, "%v", err)
		}
		return SeqSetOf(nums...), nil, nil
	}
	all, err := ParseESearchAll(m.pop("ESEARCH"))
	if err != nil {
		return SeqSet{}, nil, newError(KindError, err, "%v", err)
	}
	var d *ESearchData
	for _, e := range all {
		if e.Tag == "" || e.Tag == tag {
			d = e
		}
	}
	if d == nil {
		// RFC 4731: a server must answer with ESEARCH even when nothing
		// matched; tolerate one that does not.
		d = &ESearchData{Tag: tag, UID: uid}
	}
	var set SeqSet
	if d.All != "" {
		if set, err = ParseSeqSet(d.All); err != nil {
			return SeqSet{}, nil, newError(KindError, err, "malformed ESEARCH ALL %q: %v", d.All, err)
		}
	}
	return set, d, nil
}

// SearchMessages searches the selected mailbox and returns the sequence
// numbers of the messages found (SEARCH). See UIDSearch for the criteria.
func (m *IMAP4) SearchMessages(criteria ...any) (SeqSet, error) {
	ret := ""
	if m.HasCapability("ESEARCH") {
		ret = "ALL"
	}
	set, _, err := m.search(false, ret, criteria)
	return set, err
}

// UIDSearch searches the selected mailbox and returns the UIDs of the
// messages found (UID SEARCH), as a set: with ESEARCH (RFC 4731) the server
// sends it in compressed form (RETURN (ALL)), so a search matching most of
// a large mailbox stays small.
//
// No criteria means ALL. Each criterion is one token, sent safely quoted:
//   - a string that is an atom, such as a search key (UNSEEN, FROM, SINCE,
//     OR, NOT) or a simple argument (alice@example.org), goes as it is;
//     "(" and ")" group; a sequence set ("1:*", "2,4:7") goes as one; any
//     other string is quoted, or sent as a literal;
//   - a Text is always a quoted string (for an argument such as "1:*");
//   - a SeqSet is a sequence set;
//   - a time.Time is a date (for SINCE, BEFORE, ON, SENTSINCE...);
//   - an int, int64, uint32 or uint64 is a number (LARGER, MODSEQ).
//
// Non-ASCII text is sent with CHARSET UTF-8, unless UTF8=ACCEPT is on.
// For example:
//
//	m.UIDSearch("UNSEEN", "FROM", "Jane Doe", "SINCE", time.Now().AddDate(0, 0, -7))
func (m *IMAP4) UIDSearch(criteria ...any) (SeqSet, error) {
	set, _, err := m.search(true, m.searchReturn(), criteria)
	return set, err
}

// UIDSearchStats searches like UIDSearch and returns the smallest and
// largest UID found, their count and all of them (ESearchData's Min, Max,
// Count and All; Min and Max are nil when nothing matched). With ESEARCH
// the server computes them (RETURN (MIN MAX COUNT ALL)); without, they are
// computed from a plain UID SEARCH.
func (m *IMAP4) UIDSearchStats(criteria ...any) (*ESearchData, error) {
	if m.HasCapability("ESEARCH") {
		_, d, err := m.search(true, "MIN MAX COUNT ALL", criteria)
		if err != nil {
			return nil, err
		}
		if d.Count == nil { // a server leaving out COUNT 0
			var n uint32
			if d.All != "" {
				s, _ := ParseSeqSet(d.All)
				n = uint32(s.Len())
			}
			d.Count = &n
		}
		return d, nil
	}
	set, _, err := m.search(true, "", criteria)
	if err != nil {
		return nil, err
	}
	d := &ESearchData{UID: true, All: set.String()}
	n := uint32(set.Len())
	d.Count = &n
	if !set.IsEmpty() {
		lo, hi := set.ranges[0].lo, set.ranges[len(set.ranges)-1].hi
		d.Min, d.Max = &lo, &hi
	}
	return d, nil
}
