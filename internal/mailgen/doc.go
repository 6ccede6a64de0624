// Package mailgen generates realistic sample mailboxes, deterministically.
//
// Generate writes any number of messages from a seed (the same Options
// give byte-identical output), for tests and benchmarks; Demo writes a
// small hand-made mailbox for the mailscript demo command. Each Message
// carries its raw bytes together with the facts a test needs to predict
// what a rule does with it (sender, decoded subject, List-Id, flags, date,
// size, attachments, kind), so a scenario test computes the expected
// mailbox state from those fields and never parses Raw.
//
// Messages are real Internet mail: CRLF line ends, RFC 5322 Date headers
// in the sender's time zone, Message-ID, In-Reply-To and References in
// threads, header fields folded at 78 columns, RFC 2047 encoded words in
// UTF-8 (Q and B), ISO-8859-1, ISO-8859-15, windows-1252, KOI8-R,
// ISO-2022-JP, GB2312, Big5 and EUC-KR, multipart/alternative text and
// HTML, multipart/mixed with base64 attachments (PDF-like files, real PNG
// and JPEG pictures, calendar invitations, CSV, zip) and RFC 2231 file
// names, quoted-printable and base64 text bodies. The package's tests check
// every message with Go's net/mail and mime/multipart and with Python's
// email package.
//
// Load appends messages to a server such as internal/memserver; the
// mailgentest package seeds a Dovecot instance of internal/testkit/dovecottest.
//
// All addresses use reserved example domains; me@example.com is the
// mailbox owner.
package mailgen
