// Package pythontranslations holds Lua translations of the Python imaplib
// examples of CPython's documentation, each beside its Python original
// (NAME.py and NAME.lua). The package's test runs the translations against
// a private Dovecot; it has no Go API.
//
//   - imap4_example: the "IMAP4 Example" that prints every message of INBOX.
//   - idle_example: the IDLE examples of Python 3.14 (a wait with a
//     duration, then a burst).
package pythontranslations
