// Package smtplib is an SMTP (RFC 5321) and LMTP (RFC 2033) client shaped
// like Python's smtplib, with the extensions submission servers offer
// today. It knows nothing of Lua; stdlib/smtplib binds it for scripts.
//
// # Python's API, in Go
//
// An *SMTP is one connection. Dial, DialTLS and DialLMTP are Python's
// SMTP(host, port), SMTP_SSL(host, port) and LMTP(host, port): they
// connect and read the greeting, and a greeting other than 220 is an
// SMTPConnectError. NewSMTP, NewSMTPSSL and NewLMTP return an unconnected
// object for Connect (Python's SMTP() then connect()); NewClient starts a
// session over a connection the caller made. DialStartTLS (no Python
// counterpart) connects to a submission port and upgrades with STARTTLS
// before returning, failing closed. Methods are Python's, with Go
// names: Connect, Helo, Ehlo, EhloOrHeloIfNeeded, HasExtn, StartTLS,
// Login, Auth, Sendmail, SendMessage, Verify, Expn, Noop, Rset, Help,
// Mail, Rcpt, Data, DoCmd, PutCmd, GetReply, Quit, Close, SetDebugLevel.
// Each returns what Python returns — a reply code and its text (the
// lines of a multi-line reply joined with "\n"), or the refused
// recipients of Sendmail — and an *Error where Python raises:
//
//	s, err := smtplib.Dial("smtp.example.org", smtplib.SubmissionPort, &smtplib.Options{Timeout: time.Minute})
//	...
//	defer s.Close()
//	if _, _, err := s.StartTLS(nil); err != nil { ... } // certificate verified
//	if _, _, err := s.Login("alice", password); err != nil { ... }
//	refused, err := s.Sendmail("alice@example.org", []string{"bob@example.org"}, msg, nil, nil)
//	...
//	s.Quit()
//
// Commands go on the wire as Python sends them ("ehlo host", "mail
// FROM:<a@example.org> size=123", "rcpt TO:<b@example.org>", "data"), so
// a transcript of the Go client and of Python's is the same.
//
// # Errors
//
// Every error is an *Error whose Kind is one of Python's classes:
// SMTPException and its subclasses SMTPServerDisconnected,
// SMTPResponseException (with SMTPSenderRefused, SMTPDataError,
// SMTPConnectError, SMTPHeloError, SMTPAuthenticationError below it),
// SMTPRecipientsRefused and SMTPNotSupportedError; OSError for a
// connection that could not be made; ValueError for an argument refused
// before sending. Code and Msg are Python's smtp_code and smtp_error;
// Sender and Recipients carry what SMTPSenderRefused and
// SMTPRecipientsRefused carry. errors.Is follows the hierarchy upward
// (errors.Is(err, ErrResponseException) is true for an SMTPDataError,
// errors.Is(err, ErrSMTPException) for all of them) and errors.As gives the
// fields.
//
// # Safety
//
// A command argument (address, option, EHLO name, VRFY argument) holding
// CR, LF or NUL is a ValueError and nothing is sent — no caller input can
// start a second command — and every recipient is checked before MAIL is
// sent. Non-ASCII in a command needs SMTPUTF8 (Mail with the SMTPUTF8
// option, or SendMessage with a non-ASCII address). Message data is
// dot-stuffed, bare CR and LF made CRLF (Python does that for str messages
// only; here it is always done, so no bare-LF "." can end the data early),
// and terminated with CRLF.CRLF.
//
// Certificates and host names are verified unless Options.TLSConfig says
// otherwise. StartTLS fails with SMTPNotSupportedError when the server
// does not offer STARTTLS and with SMTPResponseException when it refuses:
// a caller who asked for TLS never continues in plain text. Bytes the
// server sends between its 220 and the handshake are refused.
//
// Server input is bounded: a reply line longer than Options.MaxLine (8192
// bytes, Python's _MAXLINE) is SMTPResponseException (500, "Line too
// long.") and closes the connection. Options.Timeout bounds connecting,
// the handshake, each write and each reply; a server that stops answering
// gives SMTPServerDisconnected ("Connection unexpectedly closed: timed
// out"). Options.Context closes the connection when done.
//
// # Extensions
//
// SIZE (size= on MAIL, as Python), 8BITMIME (BODY=8BITMIME by SendMessage
// for 8-bit messages), SMTPUTF8, PIPELINING (MAIL and RCPT in one write;
// Options.NoPipelining turns it off), STARTTLS, AUTH with CRAM-MD5, PLAIN
// and LOGIN (Python's order), XOAUTH2 and OAUTHBEARER (Options.TokenSource
// or SetTokenSource hands Login a fresh OAuth2 token), and any Mechanism
// through Auth. LMTP reads one reply per accepted recipient after the data
// (Python reads one only): a recipient whose delivery failed is among the
// refused recipients Sendmail returns.
//
// # Implementation
//
// The package is written on net, crypto/tls and bufio rather than
// net/textproto or go-smtp's client: textproto's reader has no bound on a
// line, and Python's reply rules (code -1 for a line without a numeric
// code, its exact "Line too long." and disconnect errors, its lower-case
// commands) are simpler to follow exactly with a small reader of our own.
//
// # Debugging
//
// SetDebugLevel (or Options.Debug) traces the session as Python's
// set_debuglevel does ("send: 'ehlo host\r\n'", "reply: b'250 ok\r\n'");
// the arguments of AUTH and the answers to its challenges show as "****".
package smtplib
