package mail

import (
	"errors"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// Searches of big mailboxes. A SEARCH that may make the server read every
// message (a header or the body; on a cold Maildir the arrival date and
// the size too, from each file) costs Dovecot 0.2-0.4 s over 10,000
// messages, in the one server process of the connection. From
// scanTuning.search messages on, such a search is cut in two by UID: the
// account's connection searches the lower half while a connection of the
// scan pool searches the upper one (Halves), so that the server reads
// both at once. A narrowing search (set:search{...}) of a part of 4,000
// messages or more is cut the same way, by halves of the part's UIDs. The
// result is the same as the whole search's; searches that depend on the
// session (recent) are not cut.

// splitWait makes a cut search wait for the pool connection (tests, to
// know that it did its half).
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

// uidSearchHalves is m.UIDSearch(criteria...) on the selected mailbox
// name, cut in two when the mailbox is big and the link fast.
func (a *Account) uidSearchHalves(m *imaplib.IMAP4, name string, validity uint32, criteria []any) (imaplib.SeqSet, error) {
	if a.exists < uint32(scanTuning.search) {
		return m.UIDSearch(criteria...)
	}
	// The UID of the message in the middle of the mailbox; the question's
	// round trip tells whether the link is fast enough for a cut.
	start := time.Now()
	mid, err := m.UIDSearch(imaplib.SeqSetOf(a.exists / 2))
	nums, _ := mid.Nums()
	if err != nil || len(nums) != 1 || time.Since(start) >= scanTuning.slow {
		return m.UIDSearch(criteria...)
	}
	var below, above imaplib.SeqSet
	below.AddRange(1, nums[0])
	above.AddRange(nums[0]+1, imaplib.Star)
	search := func(scope imaplib.SeqSet) func(*imaplib.IMAP4) (imaplib.SeqSet, error) {
		return func(m *imaplib.IMAP4) (imaplib.SeqSet, error) {
			return m.UIDSearch(append([]any{"UID", scope}, criteria...)...)
		}
	}
	return a.searchInHalves(m, name, validity, search(below), search(above), func(m *imaplib.IMAP4) (imaplib.SeqSet, error) {
		return m.UIDSearch(criteria...)
	})
}

// searchInHalves runs a search as two, lower on m and upper on a pool
// connection (Halves), and returns the union of what they found. When the
// server refuses a half, it runs whole on m instead, for the server's own
// answer to the search as written.
func (a *Account) searchInHalves(m *imaplib.IMAP4, name string, validity uint32, lower, upper, whole func(*imaplib.IMAP4) (imaplib.SeqSet, error)) (imaplib.SeqSet, error) {
	var low, up imaplib.SeqSet
	err := a.Halves(m, name, validity, HalvesOptions{What: "search", Wait: splitWait}, func(m *imaplib.IMAP4) (err error) {
		low, err = lower(m)
		return err
	}, func(m *imaplib.IMAP4) (err error) {
		up, err = upper(m)
		return err
	})
	var refused *imaplib.ResponseError
	if errors.As(err, &refused) {
		return whole(m)
	}
	if err != nil {
		return imaplib.SeqSet{}, err
	}
	return low.Union(up), nil
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

// narrowHalves is searchWithin, cut in two when the set is big, the
// query splittable and the link fast.
func (a *Account) narrowHalves(m *imaplib.IMAP4, name string, uids imaplib.SeqSet, q *Query, crit []any) (imaplib.SeqSet, error) {
	n := uids.Len()
	if n < scanTuning.search || !q.splittable() || roundTrip(m) >= scanTuning.slow {
		return searchWithin(m, uids, crit)
	}
	halves := uids.SplitCount((n + 1) / 2)
	within := func(scope imaplib.SeqSet) func(*imaplib.IMAP4) (imaplib.SeqSet, error) {
		return func(m *imaplib.IMAP4) (imaplib.SeqSet, error) { return searchWithin(m, scope, crit) }
	}
	return a.searchInHalves(m, name, a.validity, within(halves[0]), within(halves[1]), within(uids))
}
