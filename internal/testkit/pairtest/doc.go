// Package pairtest runs a Python imaplib script and its Lua translation
// against the same private Dovecot, each on the same fresh mail, so that
// their outputs can be compared byte for byte.
//
// Start starts Dovecot (with ACL and QUOTA), lets the caller seed the
// default user's mail, and keeps a copy of that user's home folder (mail,
// indexes, UIDVALIDITY, ACL files, subscriptions). Reset puts the copy back
// before each run, so every run sees identical mailboxes. Scripts get the
// server through environment variables: IMAP_HOST, IMAP_PORT,
// IMAP_SSL_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_USER2 and IMAP_PASSWORD2 (User2), IMAP_CAFILE (the server's
// certificate), IMAP_STREAM (a shell command speaking preauthenticated
// IMAP on stdin/stdout) and IMAP_KICK (a shell command that drops the
// user's connections) and IMAP_SILENT_PORT (a port on IMAP_HOST that
// accepts connections and never says anything, for timeouts).
//
// Python scripts run with the python3 on PATH; Lua scripts run in the
// mailscript engine with every permission. Normalize removes what differs
// between two runs of the same commands: Dovecot's command timings.
package pairtest
