package imaplib

import (
	"crypto/tls"
	"errors"
)

// ErrNoStartTLS is the cause of StartTLS's error when the server did not
// advertise STARTTLS: nothing was sent, and the connection can go on in
// plaintext if the caller accepts that.
var ErrNoStartTLS = errors.New("imaplib: the server does not offer STARTTLS")

// StartTLS upgrades the connection to TLS (STARTTLS, Python's
// starttls(ssl_context)) and reads the capabilities again, as they may
// change once the channel is secure. config nil means Options.TLSConfig,
// or the system roots; a config without ServerName verifies the host name
// the connection was made to (Host, or "localhost" when empty). Unlike
// Python's default context, the certificate is always verified unless the
// config says otherwise.
//
// It is refused, with nothing sent, when the server did not advertise
// STARTTLS ("TLS not supported by server", an error of kind abort as in
// Python) or TLS is already established. When the server answers anything
// but OK the error is Python's "Couldn't establish TLS session". Bytes
// the server sent after its OK and before the handshake would be read as
// if they came through TLS (response injection, CVE-2011-0411): they make
// StartTLS fail with an abort and close the connection. A failed handshake
// closes the connection too.
//
// data is Python's: the untagged STARTTLS responses, [None] normally.
// errors.Is(err, ErrNoStartTLS) tells the server that did not offer it
// from a handshake that failed.
func (m *IMAP4) StartTLS(config *tls.Config) (string, []Item, error) {
	if m.tlsEstablished {
		return "", nil, newError(KindAbort, nil, "TLS session already established")
	}
	if !contains(m.capabilities, "STARTTLS") {
		return "", nil, newError(KindAbort, ErrNoStartTLS, "TLS not supported by server")
	}
	if m.netConn == nil {
		return "", nil, newError(KindError, nil, "STARTTLS requires a network connection")
	}
	typ, dat, err := m.simple("STARTTLS")
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, newError(KindError, nil, "Couldn't establish TLS session")
	}
	if n := m.r.Buffered(); n > 0 {
		return "", nil, m.fail(newError(KindAbort, nil,
			"STARTTLS: the server sent %d bytes after its OK, before the TLS handshake (response injection)", n))
	}
	if config == nil {
		config = m.opts.TLSConfig
	}
	tc := tls.Client(m.netConn, tlsConfig(config, m.Host))
	if err := handshake(m.opts, tc); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = newError(KindAbort, err, "TLS handshake failed: %v", err)
		}
		return "", nil, m.fail(e)
	}
	m.conn, m.netConn = tc, tc
	m.r.Reset(tc)
	m.w.Reset(tc)
	m.tlsEstablished = true
	// What the server said before TLS no longer counts (RFC 3501, 6.2.1).
	m.serverCaps = nil
	if err := m.getCapabilities(); err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "STARTTLS")
	return typ, dat, nil
}

// DialStartTLS connects to host:port over plain TCP and upgrades the
// connection with STARTTLS before anything else is said. When the server
// does not offer STARTTLS (perhaps because someone on the path removed
// it), refuses it or fails the handshake, the connection is closed and
// the error returned: it never goes on in plaintext. opts.TLSConfig
// configures TLS as for DialTLS. Port 0 means 143.
func DialStartTLS(host string, port int, opts *Options) (*IMAP4, error) {
	m, err := Dial(host, port, opts)
	if err != nil {
		return nil, err
	}
	if err := m.requireTLS(); err != nil {
		return nil, err
	}
	return m, nil
}

// requireTLS runs STARTTLS and closes the connection when it fails.
func (m *IMAP4) requireTLS() error {
	if _, _, err := m.StartTLS(nil); err != nil {
		m.Close()
		return err
	}
	return nil
}
