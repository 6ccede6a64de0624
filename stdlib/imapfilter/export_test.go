package imapfilter

// SetMaxPending changes how many deleted messages may wait for their
// expunge, until restore is called.
func SetMaxPending(n int) (restore func()) {
	old := maxPending
	maxPending = n
	return func() { maxPending = old }
}

// SetSplit cuts searches and fetches of mailboxes from n messages on in
// two, and makes the account's connection wait for the pool connection
// to do the second half, until restore is called.
func SetSplit(n uint32) (restore func()) {
	oldMin, oldWait := splitMin, waitAside
	splitMin, waitAside = n, true
	return func() { splitMin, waitAside = oldMin, oldWait }
}

// Splittable is splittable.
var Splittable = splittable
