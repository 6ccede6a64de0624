package imapfilter

// SetMaxPending changes how many deleted messages may wait for their
// expunge, until restore is called.
func SetMaxPending(n int) (restore func()) {
	old := maxPending
	maxPending = n
	return func() { maxPending = old }
}
