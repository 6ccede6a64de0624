// Package mailgentest connects generated mailboxes (package mailgen) to
// test servers: SeedDovecot fills a Dovecot instance of package
// dovecottest, and Check compares what an IMAP server holds with the
// messages a test expects there.
package mailgentest
