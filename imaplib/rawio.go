package imaplib

// Python exposes the connection's raw reads and writes; so does IMAP4.
// They bypass the protocol: use them only to speak to the server in ways
// the commands do not cover.

// Read reads exactly size bytes from the server (Python's read(size)).
func (m *IMAP4) Read(size int) ([]byte, error) {
	if m.broken != nil {
		return nil, m.brokenErr()
	}
	m.setReadDeadline()
	b, err := m.r.ReadLiteral(int64(size))
	if err != nil {
		return nil, m.ioFail(err)
	}
	return b, nil
}

// Readline reads one line from the server, CRLF included, as Python's
// readline() returns it.
func (m *IMAP4) Readline() ([]byte, error) {
	if m.broken != nil {
		return nil, m.brokenErr()
	}
	m.setReadDeadline()
	line, err := m.r.ReadLine()
	if err != nil {
		return nil, m.ioFail(err)
	}
	return append(line, '\r', '\n'), nil
}

// Send writes data to the server as it is (Python's send(data)).
func (m *IMAP4) Send(data []byte) (int, error) {
	if m.broken != nil {
		return 0, m.brokenErr()
	}
	if err := m.write(data); err != nil {
		return 0, err
	}
	if err := m.flush(); err != nil {
		return 0, err
	}
	return len(data), nil
}
