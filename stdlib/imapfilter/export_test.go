package imapfilter

import "time"

// SetMaxPending changes how many deleted messages may wait for their
// expunge, until restore is called.
func SetMaxPending(n int) (restore func()) {
	old := maxPending
	maxPending = n
	return func() { maxPending = old }
}

// SetSplit cuts searches and fetches of mailboxes from n messages on
// into pieces whatever the round trip, and makes the account's connection
// wait for the pool connection to do its share, until restore is called.
func SetSplit(n uint32) (restore func()) {
	oldMin, oldWait, oldRTT := splitMin, waitAside, slowRTT
	splitMin, waitAside, slowRTT = n, true, time.Hour
	return func() { splitMin, waitAside, slowRTT = oldMin, oldWait, oldRTT }
}

// Splittable is splittable.
var Splittable = splittable
