package mail

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// Scans: reading an item of every message of a part (the header fields of
// a match, the bodies of a body match) without holding the mailbox in
// memory and without waiting on the network more than needed.
//
// The part's UIDs are cut into batches; each connection keeps several
// UID FETCH commands in flight (imaplib.UIDFetchPipeline) and
// hands each message to the scan's function as soon as its response is
// read, so decoding and matching overlap the transfer and memory holds a
// few responses, not the set. A set above scanTuning.split messages is spread
// over the account's own connection and connections of its scan pool
// (pool.go), which draw batches from one queue until it is empty, unless
// the link is slow (a NOOP's round trip took longer than
// scanTuning.slow): then one connection with a deep pipeline is faster
// and costs fewer round trips.

// scanTuning sets the shape of scans (a variable so that benchmarks can
// compare shapes).
var scanTuning = struct {
	// batch is how many messages one UID FETCH of header fields asks for.
	batch int
	// depth is how many UID FETCH commands a connection keeps in flight
	// while it shares the batches with pool connections: few, so that
	// the batches spread.
	depth int
	// solo is that number for a connection scanning alone: many, so that
	// the whole scan costs a round trip or a few.
	solo int
	// split is the size of set above which a scan uses pool connections.
	// Each costs the server a login and a SELECT, and Dovecot fetches
	// the cached subjects of 10,000 messages in about 60 ms: measured on
	// 2 cores (bench/README.md), the 10,000-message rule took 0.73-0.74×
	// the time on one connection that it took with two more, and the
	// 200,000-message one the same time either way.
	split int
	// slow is the round trip above which a scan stays on its connection:
	// over a slow link a deep pipeline on one connection beats several
	// connections, each of which costs round trips to set up and refill.
	slow time.Duration
	// search is the size of mailbox from which a search that may read
	// every message is cut in two (searchsplit.go). On 2 cores, Dovecot
	// did its halves of a header search of 10,000 messages on two
	// connections in 0.55-0.91 of the time of the whole (bench/README.md).
	search int
}{batch: 1000, depth: 4, solo: 64, split: 20000, slow: 5 * time.Millisecond, search: 4000}

// batchQueue hands out the batches of a scan to its connections. A pool
// connection joins while there is work left and the scan has not ended;
// one that failed puts back the batches it had taken, for another.
type batchQueue struct {
	mu      sync.Mutex
	batches []imaplib.SeqSet
	stop    bool // halted: no more batches for anyone
	closed  bool // no more connections join
	workers sync.WaitGroup
}

func (q *batchQueue) next() (imaplib.SeqSet, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stop || len(q.batches) == 0 {
		return imaplib.SeqSet{}, false
	}
	b := q.batches[0]
	q.batches = q.batches[1:]
	return b, true
}

// join reports whether a pool connection may start working; when it may,
// it must call leave at the end.
func (q *batchQueue) join() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stop || q.closed || len(q.batches) == 0 {
		return false
	}
	q.workers.Add(1)
	return true
}

func (q *batchQueue) leave() { q.workers.Done() }

// close lets no more connections join and waits for those working.
func (q *batchQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.workers.Wait()
}

func (q *batchQueue) putBack(b []imaplib.SeqSet) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.batches = append(q.batches, b...)
}

func (q *batchQueue) halt() {
	q.mu.Lock()
	q.stop = true
	q.mu.Unlock()
}

func (q *batchQueue) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stop || len(q.batches) == 0
}

// scan fetches items of every message of p through m (the account's
// connection, p's mailbox selected) and calls fn for each, in the order
// the server sends them. fn may be called from several goroutines at once
// and, when a pool connection failed midway, more than once for a message.
func (a *Account) scan(m *imaplib.IMAP4, p *part, items string, batch int, fn func(*imaplib.FetchData) error) error {
	return a.scanOn(m, p, items, batch, true, fn)
}

// scanOn is scan, on m alone when pool is false.
func (a *Account) scanOn(m *imaplib.IMAP4, p *part, items string, batch int, pool bool, fn func(*imaplib.FetchData) error) error {
	q := &batchQueue{batches: p.uids.SplitCount(batch)}
	uids := p.uids
	var fnErr error // the first error of fn, on whichever connection
	var mu sync.Mutex
	each := func(f *imaplib.FetchData) error {
		if f.UID == 0 || !uids.Contains(f.UID) {
			return nil
		}
		err := fn(f)
		if err != nil {
			mu.Lock()
			if fnErr == nil {
				fnErr = err
			}
			mu.Unlock()
			q.halt()
		}
		return err
	}
	depth := scanTuning.solo
	if n := a.cfg.scanConnections() - 1; pool && n > 0 && p.uids.Len() > scanTuning.split && roundTrip(m) < scanTuning.slow {
		if a.helpers(q, p, n, items, each) > 0 {
			depth = scanTuning.depth
		}
	}
	var err error
	for {
		err = m.UIDFetchPipeline(q.next, items, depth, nil, each)
		if err != nil {
			q.halt()
		}
		q.close()
		if err != nil || q.empty() {
			break
		}
		// A pool connection failed after this one had drawn its last
		// batch: fetch what it left.
	}
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	return nil
}

// helpers starts up to n pool connections for q, each in its own
// goroutine, and returns how many. A connection that is ready after the
// scan's end goes back to the pool unused: the scan does not wait for it.
func (a *Account) helpers(q *batchQueue, p *part, n int, items string, each func(*imaplib.FetchData) error) int {
	want := a.validity
	return a.lend(n, func(c *poolConn) bool {
		return a.helperScan(c, q, p, want, items, each) == nil
	}, nil)
}

// errValidity is a pool connection that finds another UIDVALIDITY than the
// scan's.
var errValidity = errors.New("mail: pool connection: UIDVALIDITY differs")

// helperScan runs batches of q on a pool connection; on failure it puts
// back the batches it took, for the others.
func (a *Account) helperScan(c *poolConn, q *batchQueue, p *part, want uint32, items string, each func(*imaplib.FetchData) error) error {
	v, err := c.examine(p.mbox.name)
	if err != nil {
		return err
	}
	if want != 0 && v != want {
		return errValidity
	}
	if !q.join() {
		return nil
	}
	defer q.leave()
	var taken []imaplib.SeqSet
	next := func() (imaplib.SeqSet, bool) {
		b, ok := q.next()
		if ok {
			taken = append(taken, b)
		}
		return b, ok
	}
	err = c.m.UIDFetchPipeline(next, items, scanTuning.depth, nil, each)
	if err != nil {
		q.putBack(taken)
		a.logger().Debug("mail: scan pool: a connection failed; its batches go to the others", "account", a.Name(), "err", err.Error())
	}
	return err
}

// roundTrip times a NOOP on m: the link's round trip without the server's
// work on the command before (the SEARCH that chose a big set takes the
// server itself tens of milliseconds, which would pass for a slow link).
// A failed NOOP counts as a slow link; the fetch then meets the failure.
func roundTrip(m *imaplib.IMAP4) time.Duration {
	start := time.Now()
	if _, _, err := m.Noop(); err != nil {
		return time.Hour
	}
	return time.Since(start)
}
