// Package memservertest starts an in-memory IMAP server (package memserver)
// for a test and closes it when the test ends.
package memservertest
