// Package rulecheck runs rules against sample mail instead of a real
// mailbox: the engine of "mailscript test".
//
// A fixture folder holds one sub-folder per mailbox (INBOX, Lists/Go, ...)
// with one message per .eml file, or mbox files whose messages are named
// FILE#N. An optional file flags.txt at its root gives flags and internal
// dates, its columns separated by a tab or two spaces or more (a name may
// hold single spaces):
//
//	# fixture           internal date   flags
//	INBOX/boss.eml      -2d             \Seen \Flagged
//	Junk/offer.eml      -40d
//	INBOX/report.eml    2026-11-03T09:15:00Z  \Answered
//
// A date is an RFC 3339 time or an age before the test run (-40d, -3h,
// -15m); without one the message's Date header is used, else the file's
// modification time.
//
// An expectations file says where each message must end up and with which
// flags, one line a message, its columns separated by a tab or two spaces
// or more:
//
//	# fixture          mailbox        flags
//	INBOX/boss.eml     INBOX          \Seen \Flagged
//	INBOX/hello.eml    INBOX          ()
//	Junk/offer.eml     -
//	INBOX/news1.eml    Gopher Weekly
//
// "-" as the mailbox means the message is gone (expunged). The flags are
// the exact set the message must have: "()" for none; without a flags
// column (or with "*") they are not checked. A fixture the file does not
// name must stay where it was, with the flags it was loaded with.
//
// Run loads the fixtures into an in-process IMAP server, runs the rules one
// after the other in the order given, looks where every message is after
// each rule (by its content, so the rule that moved it is known) and
// compares the end state with the expectations.
package rulecheck
