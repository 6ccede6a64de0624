package imapfilter

// Copies and appends whose answer was lost. When the connection breaks
// after a UID COPY or an APPEND was sent and before its answer came, the
// server may have made it or not, and the client cannot know. The
// session remembers such a request: the source UIDs of a copy (the
// originals are still in their mailbox) or the Message-IDs of the
// messages appended, and the destination. The next copy or append of
// any of those messages to the same destination (recover() running the
// function again, or a later rule) first looks for them there by
// Message-ID, and those found count as copied without being copied
// again: a move then removes them from the source as usual. A message
// without a Message-ID cannot be looked for and is copied again.

import (
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// maxInflight is how many lost requests a session remembers; the oldest
// is forgotten first.
const maxInflight = 8

// searchIDs is how many Message-IDs go in one UID SEARCH.
const searchIDs = 100

// inflight is a copy or append whose answer was lost.
type inflight struct {
	dest string // the destination mailbox
	// A copy: its source mailbox, the mailbox's UIDVALIDITY and the
	// UIDs copied.
	mailbox     string
	uidValidity uint32
	uids        imaplib.SeqSet
	// An append: the Message-IDs of the messages appended.
	ids map[string]bool
}

// lost records r, a request that broke before its answer.
func (s *session) lost(r inflight) {
	if len(s.inflight) >= maxInflight {
		s.inflight = s.inflight[1:]
	}
	s.inflight = append(s.inflight, r)
}

// lostCopy records the copy of set, in the selected mailbox of s, to
// dest when err tells that the connection broke.
func (s *session) lostCopy(err error, set imaplib.SeqSet, dest string) {
	if errors.Is(err, imaplib.ErrAbort) && s.selected != "" {
		s.lost(inflight{dest: dest, mailbox: s.selected, uidValidity: s.uidValidity, uids: set})
	}
}

// lostAppend records the append of items to mbox when err tells that
// the connection broke.
func (s *session) lostAppend(err error, mbox string, items []imaplib.AppendItem) {
	if !errors.Is(err, imaplib.ErrAbort) {
		return
	}
	ids := map[string]bool{}
	for _, it := range items {
		if id := mail.MessageIDOf(it.Msg); id != "" {
			ids[id] = true
		}
	}
	if len(ids) > 0 {
		s.lost(inflight{dest: mbox, ids: ids})
	}
}

// copiedBefore returns the UIDs of set, in mbox (the selected mailbox of
// s), that a lost copy to dest may have made and that are found in dest
// by Message-ID; the records it answers are forgotten. It may leave dest
// selected instead of mbox.
func (c *core) copiedBefore(L *lua.LState, s *session, m *imaplib.IMAP4, mbox string, set imaplib.SeqSet, dest string) imaplib.SeqSet {
	var maybe imaplib.SeqSet
	match := func(r inflight) bool {
		return r.ids == nil && r.dest == dest && r.mailbox == mbox && r.uidValidity == s.uidValidity &&
			!r.uids.Intersect(set).IsEmpty()
	}
	for _, r := range s.inflight {
		if match(r) {
			maybe = maybe.Union(r.uids.Intersect(set))
		}
	}
	if maybe.IsEmpty() {
		return imaplib.SeqSet{}
	}
	fds, err := m.UIDFetch(maybe, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
	m.DiscardUntagged("FETCH")
	if err != nil {
		c.fail(L, s, "fetch", err)
	}
	byID := map[string][]uint32{}
	var ids []string
	for _, f := range fds {
		if f.UID == 0 || len(f.Sections) == 0 {
			continue
		}
		if id := mail.MessageIDOf(f.Sections[0].Data); id != "" {
			if byID[id] == nil {
				ids = append(ids, id)
			}
			byID[id] = append(byID[id], f.UID)
		}
	}
	there := c.findIDs(L, s, m, dest, ids)
	var done imaplib.SeqSet
	for id := range there {
		done.Add(byID[id]...)
	}
	keep := s.inflight[:0]
	for _, r := range s.inflight {
		if match(r) {
			if r.uids = r.uids.Difference(maybe); r.uids.IsEmpty() {
				continue
			}
		}
		keep = append(keep, r)
	}
	s.inflight = keep
	if !done.IsEmpty() {
		c.logger().Info("imapfilter: found in the destination after a lost answer; not copied again", "account", s.name,
			"mailbox", mbox, "destination", dest, "count", done.Len())
	}
	return done
}

// appendedBefore returns items less those that a lost append to mbox may
// have made and that are found in mbox by Message-ID; the records it
// answers are forgotten.
func (c *core) appendedBefore(L *lua.LState, s *session, m *imaplib.IMAP4, mbox string, items []imaplib.AppendItem) []imaplib.AppendItem {
	if len(s.inflight) == 0 {
		return items // the usual case: no message of a batch is read
	}
	var ids []string
	asked := map[string]bool{}
	for _, it := range items {
		id := mail.MessageIDOf(it.Msg)
		if id == "" || asked[id] {
			continue
		}
		for _, r := range s.inflight {
			if r.ids != nil && r.dest == mbox && r.ids[id] {
				ids = append(ids, id)
				asked[id] = true
				break
			}
		}
	}
	if len(ids) == 0 {
		return items
	}
	there := c.findIDs(L, s, m, mbox, ids)
	keep := s.inflight[:0]
	for _, r := range s.inflight {
		if r.ids != nil && r.dest == mbox {
			for _, id := range ids {
				delete(r.ids, id)
			}
			if len(r.ids) == 0 {
				continue
			}
		}
		keep = append(keep, r)
	}
	s.inflight = keep
	if len(there) == 0 {
		return items
	}
	out := make([]imaplib.AppendItem, 0, len(items))
	for _, it := range items {
		if !there[mail.MessageIDOf(it.Msg)] {
			out = append(out, it)
		}
	}
	c.logger().Info("imapfilter: found in the destination after a lost answer; not appended again", "account", s.name,
		"mailbox", mbox, "count", len(items)-len(out))
	return out
}

// findIDs returns which of the Message-IDs ids are those of messages in
// mbox, which it selects read-only: a UID SEARCH of the HEADER keys in
// OR, then the fields of what it found, since HEADER matches substrings.
// A mailbox that cannot be selected holds none.
func (c *core) findIDs(L *lua.LState, s *session, m *imaplib.IMAP4, mbox string, ids []string) map[string]bool {
	there := map[string]bool{}
	if len(ids) == 0 {
		return there
	}
	_, err := m.SelectMailbox(mbox, true)
	s.acct.Unselected()
	s.selected = ""
	if err != nil {
		if _, no := refused(err); no {
			return there
		}
		c.fail(L, s, "select", err)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for len(ids) > 0 {
		n := min(len(ids), searchIDs)
		found, err := m.UIDSearch(anyID(ids[:n])...)
		if err != nil {
			if _, no := refused(err); !no {
				c.fail(L, s, "search", err)
			}
			c.logger().Warn("imapfilter: search by Message-ID refused", "account", s.name, "mailbox", mbox, "err", err)
		}
		ids = ids[n:]
		if found.IsEmpty() {
			continue
		}
		fds, err := m.UIDFetch(found, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
		m.DiscardUntagged("FETCH")
		if err != nil {
			c.fail(L, s, "fetch", err)
		}
		for _, f := range fds {
			if len(f.Sections) > 0 {
				if id := mail.MessageIDOf(f.Sections[0].Data); want[id] {
					there[id] = true
				}
			}
		}
	}
	return there
}

// anyID returns the search criteria of a message with one of the
// Message-IDs ids: HEADER keys joined by OR in a balanced tree, so that
// the nesting stays shallow.
func anyID(ids []string) []any {
	if len(ids) == 1 {
		return []any{"HEADER", "Message-ID", imaplib.Text(ids[0])}
	}
	h := len(ids) / 2
	return append(append([]any{"OR"}, anyID(ids[:h])...), anyID(ids[h:])...)
}
