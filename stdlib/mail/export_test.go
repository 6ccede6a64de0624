package mail

import "time"

// SetScanTuning sets the batch size, pipeline depth and pool threshold
// of scans (0 keeps a value) and returns a function that restores them.
func SetScanTuning(batch, depth, split int) (restore func()) {
	old := scanTuning
	if batch != 0 {
		scanTuning.batch = batch
	}
	if depth != 0 {
		scanTuning.depth, scanTuning.solo = depth, depth
	}
	if split != 0 {
		scanTuning.split = split
	}
	return func() { scanTuning = old }
}

// SetScanSlow sets the round trip above which scans stay on one
// connection and returns a function that restores it: tests that need
// the pool set it high, so that a busy machine does not look like a slow
// link.
func SetScanSlow(d time.Duration) (restore func()) {
	old := scanTuning.slow
	scanTuning.slow = d
	return func() { scanTuning.slow = old }
}

// SetSearchSplit cuts searches of mailboxes from n messages on into
// pieces and makes them wait for the pool connection to do its share,
// until restore is called.
func SetSearchSplit(n int) (restore func()) {
	old, oldWait := scanTuning.search, splitWait
	scanTuning.search, splitWait = n, true
	return func() { scanTuning.search, splitWait = old, oldWait }
}

// Splittable is splittable.
func (q *Query) Splittable() bool { return q.splittable() }
