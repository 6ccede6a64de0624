// Package wire is the IMAP4rev1 grammar (RFC 3501 section 9) for a client:
// a Reader that frames server responses (lines and the literals between
// them) under configurable limits, a Parser that reads the tokens of a
// framed response with methods named after the ABNF rules they parse, and a
// Writer that builds commands, choosing for each argument an atom, a quoted
// string or a literal so that no argument can ever end a command early.
package wire
