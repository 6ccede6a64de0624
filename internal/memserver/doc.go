// Package memserver runs an in-process IMAP server that keeps mail in
// memory, on loopback ports.
//
// It wraps the imapserver and imapmemserver packages of
// github.com/emersion/go-imap/v2 behind a small API that does not expose
// their types: New starts the listeners and serves in the background, Append
// and CreateMailbox fill mailboxes from Go, Close stops everything and waits
// for the connection handlers to finish.
//
// Tests use it as the fast real-server tier; the mailscript demo command
// uses it as a local server to play with. The memservertest package starts
// one for a test and closes it when the test ends.
//
// The server speaks IMAP4rev1 with these extensions: NAMESPACE, UIDPLUS,
// ESEARCH, SEARCHRES, LIST-EXTENDED, LIST-STATUS, MOVE, STATUS=SIZE,
// CHILDREN, SPECIAL-USE, LITERAL+, plus the ones the go-imap server always
// offers (SASL-IR, LITERAL-, UNSELECT, ENABLE, IDLE, UTF8=ACCEPT; STARTTLS
// when a TLS configuration is given; AUTH=PLAIN). The hierarchy separator
// is "/". Every user starts with an empty INBOX.
//
// Differences from Dovecot that tests meet: the go-imap server reports
// flags and keywords in lower case (`\seen`), pads the day of INTERNALDATE
// with a space (" 2-Jan-2020 ..."), has no \Recent flag, and accepts a
// mailbox name only in the exact case it was created with, INBOX aside.
package memserver
