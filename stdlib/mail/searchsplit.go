package mail

import (
	"errors"

	"github.com/mailscript/mailscript/imaplib"
)

// Searches of big mailboxes. A SEARCH that may make the server read every
// message (a header or the body; on a cold Maildir the arrival date and
// the size too, from each file) costs Dovecot 0.2-0.4 s over 10,000
// messages, in the one server process of the connection. From
// scanTuning.search messages on, such a search is cut into pieces by UID
// range (PieceCount: 8 on 10,000 messages): the account's connection
// searches them from the lowest up while a connection of the scan pool
// searches them from the highest down (Pieces), so that the server reads
// two at once, and a pool connection that starts late still takes its
// share. A narrowing search (set:search{...}) of a part of 4,000 messages
// or more is cut the same way, by pieces of the part's UIDs. The result
// is the same as the whole search's; searches that depend on the session
// (recent) are not cut.

// splitWait makes a cut search wait for the pool connection (tests, to
// know that it did its share).
var splitWait = false

// splittable reports whether q may be cut by UID range and searched on
// another session: no part of it tests \Recent (the session's), and a
// part of it may make the server read every message.
func (q *Query) splittable() bool {
	reads := false
	var walk func(q *Query) bool
	walk = func(q *Query) bool {
		if q.Recent != nil {
			return false
		}
		reads = reads || len(q.From)+len(q.To)+len(q.Cc)+len(q.Bcc)+len(q.Subject)+len(q.Body)+len(q.Text)+len(q.Header) > 0 ||
			q.Larger != 0 || q.Smaller != 0 || !q.Since.IsZero() || !q.Before.IsZero() || !q.On.IsZero() ||
			!q.SentSince.IsZero() || !q.SentBefore.IsZero() || !q.SentOn.IsZero() || q.Older != 0 || q.Newer != 0
		for i := range q.Any {
			if !walk(&q.Any[i]) {
				return false
			}
		}
		for i := range q.No {
			if !walk(&q.No[i]) {
				return false
			}
		}
		return true
	}
	return walk(q) && reads
}

// uidSearchPieces is m.UIDSearch(criteria...) on the selected mailbox
// name, cut into pieces by UID range (Pieces) when the mailbox is big and
// the link fast.
func (a *Account) uidSearchPieces(m *imaplib.IMAP4, name string, validity uint32, criteria []any) (imaplib.SeqSet, error) {
	if a.exists < uint32(scanTuning.search) {
		return m.UIDSearch(criteria...)
	}
	// The question of the UIDs to cut at is also the probe of the link.
	pivots, size, slow := UIDPivots(m, a.exists, PieceCount(int(a.exists)), scanTuning.slow)
	a.exists = size
	if pivots == nil || slow {
		return m.UIDSearch(criteria...)
	}
	return a.searchInPieces(m, name, validity, UIDRanges(pivots), func(m *imaplib.IMAP4, scope imaplib.SeqSet) (imaplib.SeqSet, error) {
		return m.UIDSearch(append([]any{"UID", scope}, criteria...)...)
	}, func(m *imaplib.IMAP4) (imaplib.SeqSet, error) {
		return m.UIDSearch(criteria...)
	})
}

// searchInPieces runs search over each of scopes on m and a pool
// connection (Pieces), and returns the union of what they found. When
// the server refuses a piece, whole runs on m instead, for the server's
// own answer to the search as written.
func (a *Account) searchInPieces(m *imaplib.IMAP4, name string, validity uint32, scopes []imaplib.SeqSet, search func(*imaplib.IMAP4, imaplib.SeqSet) (imaplib.SeqSet, error), whole func(*imaplib.IMAP4) (imaplib.SeqSet, error)) (imaplib.SeqSet, error) {
	found := make([]imaplib.SeqSet, len(scopes))
	err := a.Pieces(m, name, validity, PiecesOptions{What: "search", Wait: splitWait}, len(scopes), func(m *imaplib.IMAP4, i int) (err error) {
		found[i], err = search(m, scopes[i])
		return err
	})
	var refused *imaplib.ResponseError
	if errors.As(err, &refused) {
		return whole(m)
	}
	if err != nil {
		return imaplib.SeqSet{}, err
	}
	var all imaplib.SeqSet
	for _, f := range found {
		all = all.Union(f)
	}
	return all, nil
}

// searchWithin searches crit among uids, in commands whose UID lists fit
// a command line (searchBudget).
func searchWithin(m *imaplib.IMAP4, uids imaplib.SeqSet, crit []any) (imaplib.SeqSet, error) {
	var found imaplib.SeqSet
	for _, chunk := range uids.Split(searchBudget) {
		got, err := m.UIDSearch(append([]any{"UID", chunk}, crit...)...)
		if err != nil {
			return imaplib.SeqSet{}, err
		}
		found = found.Union(got)
	}
	return found, nil
}

// narrowInPieces is searchWithin, cut into pieces when the set is big,
// the query splittable and the link fast.
func (a *Account) narrowInPieces(m *imaplib.IMAP4, name string, uids imaplib.SeqSet, q *Query, crit []any) (imaplib.SeqSet, error) {
	if uids.Len() < scanTuning.search || !q.splittable() || roundTrip(m) >= scanTuning.slow {
		return searchWithin(m, uids, crit)
	}
	return a.searchInPieces(m, name, a.validity, CutSet(uids), func(m *imaplib.IMAP4, scope imaplib.SeqSet) (imaplib.SeqSet, error) {
		return searchWithin(m, scope, crit)
	}, func(m *imaplib.IMAP4) (imaplib.SeqSet, error) {
		return searchWithin(m, uids, crit)
	})
}
