// Package postfixtest starts a private Postfix (Debian package postfix)
// in front of a private Dovecot (internal/dovecottest, with
// dovecot-lmtpd) for tests: mail submitted over SMTP is delivered through
// Dovecot's LMTP into the test bed's mailboxes and read back over IMAP.
//
// Start starts the Dovecot instance (users alice and bob, plus any given
// WithDovecot) with LMTP and an authentication socket for Postfix, then a
// Postfix master in a temporary folder, on three free loopback ports:
//
//   - SMTPPort: MX-style. STARTTLS offered; AUTH PLAIN and LOGIN offered
//     without TLS too; mail for the users of Domain (example.test)
//     accepted without AUTH; an unknown user is refused at RCPT (550);
//     relaying needs AUTH.
//   - SubmissionPort: 587-style. STARTTLS required before AUTH and MAIL,
//     AUTH (through Dovecot SASL) required before MAIL.
//   - SMTPSPort: 465-style implicit TLS, AUTH required.
//
// A message whose Subject contains RejectSubject is refused at the end
// of DATA with 550 RejectReply (a header_checks rule), for tests of a
// refused message. WaitDelivered waits for Postfix's background delivery
// before a test reads a mailbox. Both servers stop when the test ends.
//
// Like dovecottest, the test is skipped when postfix or dovecot-lmtpd is
// not installed, except when the real-server tier is required (CI=true,
// MAILSCRIPT_REQUIRE_DOVECOT=1 or MAILSCRIPT_REQUIRE_POSTFIX=1): then it
// fails. It must run as root. An instance starts in about 2 to 4 seconds
// on a busy machine (Postfix's smtpd processes start on the first
// connection to each port); delivery takes well under a second.
//
// # Running Postfix privately as root: what was learned
//
//   - `postfix -c DIR start` daemonises, and both it and start-fg first
//     run postfix-script's integrity checks, written for the system queue
//     (in our trials they failed with a misleading "already running" while
//     data_directory did not yet belong to postfix). The kit runs the
//     master daemon itself, `/usr/lib/postfix/sbin/master -c DIR -s`, as
//     its child. The master is a session leader, so stopping signals its
//     process group (SIGTERM, then SIGKILL for stragglers).
//   - Postfix has no stderr diagnostics when not on a terminal and there
//     is no syslog here: `maillog_file` in the instance folder is the log,
//     and it must be listed in `maillog_file_prefixes` (else the fatal
//     error goes nowhere and nothing starts), with the postlog service in
//     master.cf.
//   - The queue folder's subfolders must exist with Postfix's ownership
//     (what post-install creates): queue_directory root-owned, its
//     subfolders owned by mail_owner (postfix) mode 0700, maildrop
//     postfix:postdrop 0730, public postfix:postdrop 0710, pid root.
//     data_directory must belong to postfix, else master.lock cannot be
//     created.
//   - Every service runs with chroot "n": a chroot needs copies of /etc
//     files inside the queue folder. Dovecot's sockets are then reachable
//     at their absolute paths: virtual_transport = lmtp:unix:PATH and
//     smtpd_sasl_path = PATH (mode 0666 in Dovecot's unix_listener).
//   - Dovecot's LMTP gets recipients with the domain; `auth_username_format
//     = %Ln` in `protocol lmtp` finds the passwd-file user without it. LMTP
//     needs `postmaster_address`.
//   - Recipients are checked at RCPT with virtual_mailbox_maps of type
//     texthash (no postmap run needed) and reject_unlisted_recipient.
//   - mynetworks is a TEST-NET address, so loopback clients are not
//     trusted: relaying needs AUTH, as on a real submission server.
//   - smtpd_error_sleep_time = 0, else every refused command (a wrong
//     password, an unknown user) costs a second. The default alias_maps
//     tries NIS: alias_maps is emptied.
//   - TLS uses Dovecot's certificate and key (files in Dovecot's folder,
//     read by smtpd as root before it drops privileges).
package postfixtest
