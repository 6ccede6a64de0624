// Package smtpmem runs an in-process SMTP (or LMTP) server on loopback,
// built on github.com/emersion/go-smtp, for the fast test tier and the
// demo: it accepts mail for any recipient (unless told to refuse some),
// keeps what it received in memory, and can hand each message to a
// Deliver function (the demo appends it to an IMAP mailbox).
//
// It offers what submission servers offer: PIPELINING, 8BITMIME, SIZE,
// SMTPUTF8, STARTTLS (with a certificate from internal/testcert), and AUTH
// PLAIN, LOGIN and XOAUTH2 against the users and tokens given in Options.
// Refusals are configured per recipient (RefuseRcpt) and per message
// (RefuseData), with the code and text the server answers.
package smtpmem
