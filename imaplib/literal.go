package imaplib

// SetLiteral sets Python's IMAP4.literal: the next command sent gets lit
// appended as a literal (" {n}" and the bytes), and the attribute is reset
// whether the command is sent or refused for the state it is in. Python's
// idiom for search text that is not ASCII:
//
//	m.SetLiteral([]byte("Grüße"))
//	m.Search("UTF-8", "SUBJECT")
//
// A command that sends a literal of its own (APPEND, AUTHENTICATE)
// replaces it, as in Python. nil resets it.
func (m *IMAP4) SetLiteral(lit []byte) {
	if lit == nil {
		m.pyLiteral = nil
		return
	}
	b := append([]byte{}, lit...)
	m.pyLiteral = &b
}

// Literal returns the literal set by SetLiteral and not sent yet; ok is
// false when there is none (Python's None).
func (m *IMAP4) Literal() (lit []byte, ok bool) {
	if m.pyLiteral == nil {
		return nil, false
	}
	return *m.pyLiteral, true
}

// takeLiteral gives cmd the literal set by SetLiteral, unless it has one
// of its own, and resets it.
func (m *IMAP4) takeLiteral(cmd *command) {
	if m.pyLiteral == nil {
		return
	}
	if !cmd.hasLiteral && cmd.literator == nil {
		cmd.literal = *m.pyLiteral
		cmd.hasLiteral = true
		cmd.utf8Lit = false
	}
	m.pyLiteral = nil
}
