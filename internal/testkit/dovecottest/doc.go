// Package dovecottest starts private Dovecot 2.3 IMAP servers for tests.
//
// Start creates a temporary folder with its own dovecot.conf, users, mail,
// sockets, state and log, starts `dovecot -F -c FILE` on free loopback ports
// (plain IMAP and implicit TLS), waits until it greets, and stops it and
// removes the folder when the test ends. Each test gets its own instance, so
// tests may run in parallel.
//
// When dovecot is not installed the test is skipped, except when the
// environment says the Dovecot tier is mandatory (CI=true or
// MAILSCRIPT_REQUIRE_DOVECOT=1): then the test fails. Dovecot is started as
// the current user, which must be root; mail belongs to the system user
// "mail", as Dovecot refuses mail owned by root.
//
// # Users
//
// Every instance has the users "alice" (password "secret", also in the
// User and Password fields) and "bob" (password "secret2"); WithUser adds
// more. Authentication accepts LOGIN, AUTHENTICATE PLAIN and AUTHENTICATE
// LOGIN without TLS.
//
// # Mail layout
//
// Mail is stored as Maildir with the "fs" layout: a user's mailbox
// "Archive/2024" is the Maildir folder Archive/2024 below MailDir(user), and
// INBOX is MailDir(user)/INBOX. The hierarchy separator is "/". Mailbox
// names with non-ASCII characters are stored in modified UTF-7, as Dovecot
// does by default. The special-use mailboxes Drafts, Junk, Sent and Trash
// carry their attributes when they exist but are not created automatically.
//
// Seed writes many messages quickly: it creates the mailbox, writes the
// Maildir files directly (flags in the file name, keywords in the
// mailbox's dovecot-keywords file, internal date as the file time) and has
// Dovecot index them. Messages get UIDs in the order given, after those
// already in the mailbox. A mailbox holds at most 26 distinct keywords
// written this way.
//
// # Extensions
//
// WithACL enables ACL (vfile backend: GETACL, SETACL, DELETEACL, MYRIGHTS,
// LISTRIGHTS), WithQuota enables QUOTA (count backend: GETQUOTA,
// GETQUOTAROOT), WithMetadata enables METADATA (file dictionary), and
// WithConfig appends raw configuration.
//
// # Other ways in
//
// StreamCommand gives the shell command of a preauthenticated IMAP session
// on stdin/stdout (for IMAP4_stream), Kick drops a user's connections,
// Restart stops and starts the server on the same ports with the same mail,
// and Doveadm runs any doveadm command against the instance.
//
// # Timing
//
// An instance starts in well under a second and stops at once: Stop
// signals Dovecot's whole process group, so open sessions get
// "* BYE Server shutting down." and close. The auth failure delay and the
// per-IP auth penalty are turned off, so a wrong password costs about half
// a second and does not slow later logins. Seeding 10,000 messages takes a
// few seconds.
//
// This package must not import go-imap: it tests our client against a
// server that is not written in Go.
package dovecottest
