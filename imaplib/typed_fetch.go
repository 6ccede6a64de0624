package imaplib

import (
	"errors"
	"strconv"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// splitResponses cuts a data list into its responses: each ends at its
// first line item.
func splitResponses(data []Item) [][]Item {
	var out [][]Item
	start := 0
	for i, it := range data {
		if it.IsNone {
			start = i + 1
			continue
		}
		if !it.IsPair {
			out = append(out, data[start:i+1])
			start = i + 1
		}
	}
	return out
}

// takeFetch hands out the FETCH responses about the UIDs of set, parsed,
// and leaves the others (news about other messages) filed for Response.
// Only responses filed after the first before of them are considered.
func (m *IMAP4) takeFetch(set SeqSet, before int) ([]*FetchData, error) {
	all := m.untagged["FETCH"]
	if before > len(all) {
		before = len(all)
	}
	resps := splitResponses(all[before:])
	// One parser and one block of FetchData for all the responses: a
	// bulk fetch costs no allocation per message beyond its flags.
	store := make([]FetchData, len(resps))
	out := make([]*FetchData, 0, len(resps))
	var keep []Item
	if before > 0 {
		keep = append(keep, all[:before]...)
	}
	var errs []error
	star := set.Contains(Star)
	fp := fetchParser{p: newParser()}
	var r wire.Response
	for i, resp := range resps {
		r.Text, r.Literals = r.Text[:0], r.Literals[:0]
		for _, it := range resp {
			r.Text = append(r.Text, it.Line)
			if it.IsPair {
				r.Literals = append(r.Literals, it.Literal)
			}
		}
		fd := &store[i]
		if err := fp.parse(&r, fd); err != nil {
			errs = append(errs, &ParseError{Response: "FETCH", Err: err})
			continue
		}
		if fd.UID != 0 && (star || set.Contains(fd.UID)) {
			out = append(out, fd)
			continue
		}
		keep = append(keep, resp...)
	}
	if len(keep) > 0 {
		m.untagged["FETCH"] = keep
	} else {
		delete(m.untagged, "FETCH")
	}
	if err := errors.Join(errs...); err != nil {
		return out, newError(KindError, err, "%v", err)
	}
	return out, nil
}

// UIDFetch fetches items of the messages whose UIDs are in set (UID
// FETCH) and returns them parsed, one FetchData per message, in the order
// the server sent them. items is a fetch attribute or a list of them, such
// as "(FLAGS RFC822.SIZE BODY.PEEK[HEADER])"; the parentheses are added
// when missing. A set too long for one command line is split over several
// commands. An empty set fetches nothing. FETCH responses the server sends
// meanwhile about other messages stay filed for Response("FETCH").
func (m *IMAP4) UIDFetch(set SeqSet, items string) ([]*FetchData, error) {
	return m.uidFetch(set, items, 0)
}

func (m *IMAP4) uidFetch(set SeqSet, items string, changedSince uint64) ([]*FetchData, error) {
	if strings.TrimSpace(items) == "" {
		return nil, newError(KindValue, nil, "no fetch items")
	}
	items = parenthesise(items)
	modifier := ""
	if changedSince > 0 {
		modifier = " (CHANGEDSINCE " + uitoa(changedSince) + ")"
	}
	var out []*FetchData
	for _, chunk := range set.Split(setBudget(len("UID FETCH  ") + len(items) + len(modifier))) {
		setText := chunk.String()
		before := len(m.untagged["FETCH"])
		if _, err := m.do("UID FETCH", &command{name: "UID", args: []any{"FETCH", setText, items}, build: func(c *wire.Command) {
			c.RawString(modifier)
		}}); err != nil {
			return out, err
		}
		fd, err := m.takeFetch(chunk, before)
		out = append(out, fd...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// StoreOp is how UIDStore changes flags.
type StoreOp string

// The three ways of storing flags.
const (
	AddFlags     StoreOp = "+FLAGS" // add the flags
	RemoveFlags  StoreOp = "-FLAGS" // remove the flags
	ReplaceFlags StoreOp = "FLAGS"  // set exactly these flags
)

// UIDStore changes the flags of the messages whose UIDs are in set (UID
// STORE): op adds, removes or replaces flags such as `\Seen`, `\Deleted`
// or keywords. Unless silent, the server answers with the new flags, which
// are returned (a silent STORE may still get FETCH responses, with MODSEQ
// under CONDSTORE). An empty set changes nothing.
//
// A set too long for one command line is split over several commands,
// unless the server has SEARCHRES (RFC 5182): then the set is built up in
// the connection's saved search result "$", with UID SEARCH RETURN (SAVE)
// commands of at most one line each, and the STORE runs once, on "$". On
// a big mailbox that saves the server a sync of its index per command.
// It replaces what "$" held; the searches change nothing, so a refused
// search stops the call before any change.
func (m *IMAP4) UIDStore(set SeqSet, op StoreOp, flags []string, silent bool) ([]*FetchData, error) {
	fd, _, err := m.uidStore(set, op, flags, silent, nil)
	return fd, err
}

func (m *IMAP4) uidStore(set SeqSet, op StoreOp, flags []string, silent bool, unchangedSince *uint64) ([]*FetchData, SeqSet, error) {
	var modified SeqSet
	switch StoreOp(strings.ToUpper(string(op))) {
	case AddFlags, RemoveFlags, ReplaceFlags:
		op = StoreOp(strings.ToUpper(string(op)))
	default:
		return nil, modified, newError(KindValue, nil, "invalid store operation %q", op)
	}
	if err := checkFlags(flags); err != nil {
		return nil, modified, err
	}
	item := string(op)
	if silent {
		item += ".SILENT"
	}
	modifier := ""
	if unchangedSince != nil {
		modifier = " (UNCHANGEDSINCE " + uitoa(*unchangedSince) + ")"
	}
	flagText := "(" + strings.Join(flags, " ") + ")"
	var out []*FetchData
	pieces, err := m.pieces(set, setBudget(len("UID STORE   ")+len(modifier)+len(item)+len(flagText)))
	if err != nil {
		return nil, modified, err
	}
	// Each command keeps, of the FETCH responses, those of its UIDs.
	for _, p := range pieces {
		setText := p.text
		m.takeCodes("MODIFIED")
		before := len(m.untagged["FETCH"])
		_, err := m.do("UID STORE", &command{name: "UID", args: []any{"STORE", setText}, build: func(c *wire.Command) {
			c.RawString(modifier)
			c.SP()
			c.RawString(item)
			c.SP()
			c.RawString(flagText)
		}})
		if line := m.popLast("MODIFIED"); line != nil {
			mod, perr := ParseSeqSet(string(line))
			if perr != nil {
				return out, modified, newError(KindError, perr, "malformed MODIFIED code %q: %v", line, perr)
			}
			modified = modified.Union(mod)
		}
		if err != nil {
			return out, modified, err
		}
		fd, err := m.takeFetch(p.uids, before)
		out = append(out, fd...)
		if err != nil {
			return out, modified, err
		}
	}
	return out, modified, nil
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
