package mail

import (
	"errors"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// ErrNoAside is what the wait function of aside reports when the pool
// connection did no work: the server refused it, its mailbox changed, or
// the job stepped aside.
var ErrNoAside = errors.New("mail: no pool connection did the work")

// aside runs job on a connection of the account's scan pool (the pool of
// scan.go), in a goroutine of its own, so that the server works on it in
// another process while the caller goes on with the account's own
// connection. job gets the pool connection with mailbox examined
// (read-only), and runs only if the mailbox's UIDVALIDITY there is
// validity.
//
// It returns nil, and runs nothing, when the account's budget leaves no
// connection for the pool (scan_connections or connections of 1), or
// when the pool lends none (all busy, or off after the server refused
// one). Whether the work is worth a second connection (its size, the
// link's round trip) is the caller's to judge. Otherwise it returns a
// function that waits for job and reports its error, or ErrNoAside when
// the connection could not be opened or the mailbox differed.
//
// Opening a pool connection takes a login and a SELECT; a caller that
// would rather not wait for them lets job check, before it starts, that
// its work is still to be done (Pieces does). job must not change the
// mailbox: the connection is read-only, and \Recent belongs to the
// account's own session.
func (a *Account) aside(mailbox string, validity uint32, job func(*imaplib.IMAP4) error) (wait func() error) {
	done := make(chan error, 1)
	started := a.lend(1, func(c *poolConn) bool {
		err := a.asideJob(c, mailbox, validity, job)
		done <- err
		// A refusal (NO, BAD) leaves the connection usable.
		return !errors.Is(err, imaplib.ErrAbort)
	}, func(err error) { done <- errors.Join(ErrNoAside, err) })
	if started == 0 {
		return nil
	}
	return func() error { return <-done }
}

// asideJob examines mailbox on c and runs job there.
func (a *Account) asideJob(c *poolConn, mailbox string, validity uint32, job func(*imaplib.IMAP4) error) error {
	v, err := c.examine(mailbox)
	if err != nil {
		return errors.Join(ErrNoAside, err)
	}
	if v != validity {
		return errors.Join(ErrNoAside, errValidity)
	}
	return job(c.m)
}

// PiecesOptions tune Pieces.
type PiecesOptions struct {
	// What names the work in the log ("search", "fetch").
	What string
	// Wait makes the account's connection do the first half of the
	// pieces only, then wait for the pool connection to do the rest (or
	// fail to), for a caller that must know that the pool connection
	// worked (tests). Otherwise the account's connection goes on until
	// no piece is left.
	Wait bool
}

// Pieces does n pieces of read-only work, numbered 0 to n-1, on two
// connections at once: m, the account's connection with mailbox selected
// at UIDVALIDITY validity, takes them from the first up, and a connection
// of the account's scan pool (see aside) takes them from the last down,
// until none is left. A pool connection that is late (its login and
// SELECT), slow or missing thus never holds m up: m does what the pool
// connection has not taken, and waits only for the pieces it is doing.
//
// A piece that fails on the pool connection (a refusal, a cut) is done
// again on m, and the pool connection takes no more, so piece must set
// its results (by i), not add to them. An error of a piece on m ends the
// work and is returned, once the pool connection's piece under way has
// ended; the results are then not to be used. The answer must not depend
// on the session: the pool connection sees the same mailbox, but not this
// session's \Recent or sequence numbers.
func (a *Account) Pieces(m *imaplib.IMAP4, mailbox string, validity uint32, o PiecesOptions, n int, piece func(m *imaplib.IMAP4, i int) error) error {
	q := newPieceQueue(n)
	wait := a.aside(mailbox, validity, func(h *imaplib.IMAP4) error {
		for {
			i, ok := q.takeLast()
			if !ok {
				return nil
			}
			err := piece(h, i)
			q.done(i, err)
			if err != nil {
				return err
			}
		}
	})
	limit := n
	if wait != nil && o.Wait {
		limit = (n + 1) / 2
	}
	run := func(limit int) error {
		for {
			i, ok := q.takeFirst(limit)
			if !ok {
				return nil
			}
			if err := piece(m, i); err != nil {
				q.stop()
				return err
			}
		}
	}
	err := run(limit)
	if err == nil && wait != nil && o.Wait {
		wait() // the pool connection took the rest, or failed to
	}
	if err == nil {
		err = run(n)
	}
	failed, pooled, poolErr := q.end()
	if err != nil {
		return err
	}
	if poolErr != nil {
		a.logger().Debug("mail: a piece of a "+o.What+" failed on a pool connection; the account's connection does it", "account", a.Name(), "mailbox", mailbox, "err", poolErr.Error())
	}
	for _, i := range failed {
		if err := piece(m, i); err != nil {
			return err
		}
	}
	if pooled > 0 {
		a.logger().Debug("mail: part of a "+o.What+" was done on a pool connection", "account", a.Name(), "mailbox", mailbox, "pieces", pooled, "of", n)
	}
	return nil
}

// pieceQueue hands out the pieces of Pieces: the account's connection
// takes them from the first up, the pool connection from the last down.
type pieceQueue struct {
	mu         sync.Mutex
	next, upto int            // the pieces [next, upto) are left
	busy       sync.WaitGroup // pieces the pool connection is doing
	failed     []int          // pieces that failed on the pool connection
	pooled     int            // pieces done on the pool connection
	err        error          // the pool connection's first error
}

func newPieceQueue(n int) *pieceQueue { return &pieceQueue{upto: n} }

// takeFirst hands out the first piece left, if it is below limit.
func (q *pieceQueue) takeFirst(limit int) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.next >= q.upto || q.next >= limit {
		return 0, false
	}
	q.next++
	return q.next - 1, true
}

// takeLast hands out the last piece left, to the pool connection.
func (q *pieceQueue) takeLast() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.next >= q.upto || q.err != nil {
		return 0, false
	}
	q.upto--
	q.busy.Add(1)
	return q.upto, true
}

// done records the end of a piece of the pool connection.
func (q *pieceQueue) done(i int, err error) {
	q.mu.Lock()
	if err != nil {
		q.failed = append(q.failed, i)
		if q.err == nil {
			q.err = err
		}
	} else {
		q.pooled++
	}
	q.mu.Unlock()
	q.busy.Done()
}

// stop leaves no piece to take.
func (q *pieceQueue) stop() {
	q.mu.Lock()
	q.upto = q.next
	q.mu.Unlock()
}

// end waits for the pieces the pool connection is doing, leaves it none
// to take, and reports the pieces it failed, how many it did, and its
// error.
func (q *pieceQueue) end() (failed []int, pooled int, err error) {
	q.stop()
	q.busy.Wait()
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failed, q.pooled, q.err
}

// PieceCount is how many pieces Pieces should cut work over n messages
// into: one per 1,250 messages, at least 2 and at most 8. Pieces of that
// size keep the cost of each command small beside the server's work,
// and let a pool connection that starts late still take its share.
func PieceCount(n int) int {
	return min(8, max(2, n/1250))
}

// CutSet cuts a set of UIDs into PieceCount(its size) pieces of about
// the same number of UIDs, in order.
func CutSet(set imaplib.SeqSet) []imaplib.SeqSet {
	n := set.Len()
	k := PieceCount(n)
	return set.SplitCount((n + k - 1) / k)
}

// UIDPivots asks the server, on m with a mailbox selected, for the UIDs
// that cut it into k ranges of about the same number of messages: the
// UIDs of the messages at positions exists*j/k, j = 1 to k-1, ascending.
// exists is what the caller knows of the mailbox's size (from its
// SELECT); when messages went since and a position is past the end, the
// size is asked for and the question asked again. It returns the pivots
// (nil when the questions failed), the mailbox's size they were taken
// from, for the caller to keep, and whether the first question's round
// trip took slowRTT or more, so that it also serves as the probe of the
// link.
func UIDPivots(m *imaplib.IMAP4, exists uint32, k int, slowRTT time.Duration) (pivots []uint32, size uint32, slow bool) {
	start := time.Now()
	pivots = askPivots(m, exists, k)
	slow = time.Since(start) >= slowRTT
	if pivots != nil || slow {
		return pivots, exists, slow
	}
	all, err := m.SearchMessages("ALL")
	if err != nil || all.Len() == int(exists) {
		return nil, exists, slow
	}
	size = uint32(all.Len())
	return askPivots(m, size, k), size, slow
}

// askPivots is one question of UIDPivots.
func askPivots(m *imaplib.IMAP4, exists uint32, k int) []uint32 {
	var at imaplib.SeqSet
	for j := 1; j < k; j++ {
		at.Add(uint32(uint64(exists) * uint64(j) / uint64(k)))
	}
	if at.Len() != k-1 || at.Contains(0) {
		return nil
	}
	found, err := m.UIDSearch(at)
	nums, _ := found.Nums()
	if err != nil || len(nums) != k-1 {
		return nil
	}
	return nums
}

// UIDRanges returns the k ranges of UIDs that pivots (ascending, as
// UIDPivots gives them) cut a mailbox into: 1:p1, p1+1:p2, ..., the last
// up to "*".
func UIDRanges(pivots []uint32) []imaplib.SeqSet {
	out := make([]imaplib.SeqSet, 0, len(pivots)+1)
	lo := uint32(1)
	for _, p := range pivots {
		var r imaplib.SeqSet
		r.AddRange(lo, p)
		out = append(out, r)
		lo = p + 1
	}
	var last imaplib.SeqSet
	last.AddRange(lo, imaplib.Star)
	return append(out, last)
}
