package imaplib

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"math/rand/v2"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// Standard ports.
const (
	IMAP4Port    = 143 // IMAP4_PORT
	IMAP4SSLPort = 993 // IMAP4_SSL_PORT
)

// Limits bound what the client accepts from a server; zero fields take the
// defaults (32 MiB lines, 512 MiB literals, 1 GiB responses, lists nested
// 100 deep). Exceeding one is an abort.
type Limits = wire.Limits

// Options configure a connection. The zero value is usable: no timeout,
// certificates verified against the system roots, no trace.
type Options struct {
	// Timeout bounds connecting, the TLS handshake, each write, and each
	// response from the server (Python's timeout argument): a response,
	// its line and any literals, must arrive whole within Timeout of the
	// client starting to wait for it, so a server trickling bytes cannot
	// hold the client longer. A very large message over a slow link needs
	// a larger Timeout. Zero means no timeout; negative is refused.
	Timeout time.Duration
	// TLSConfig is used by DialTLS and StartTLS. Nil means the system
	// roots with the host name verified; a config without ServerName gets
	// the host name filled in.
	TLSConfig *tls.Config
	// Context, when done, closes the connection, which interrupts a read
	// blocked on the network; the pending command fails with an abort.
	Context context.Context
	// Debug receives a protocol trace in the style of Python's imaplib
	// debug output, with passwords and AUTHENTICATE exchanges redacted.
	Debug io.Writer
	// DebugLevel is Python's debug level (1 to 5); when Debug is set and
	// DebugLevel is zero, 4 (every line sent and received) is used.
	DebugLevel int
	// Limits bound server input.
	Limits Limits
	// TagPrefix replaces the random four-letter tag prefix (for tests).
	TagPrefix string
	// GreetingCapabilities takes the capabilities from the greeting's
	// CAPABILITY response code when it has one (RFC 3501 7.1), saving the
	// CAPABILITY command and its round trip. Python always sends the
	// command; so does IMAP4 unless this is set.
	GreetingCapabilities bool
}

// IMAP4 is one connection to an IMAP4rev1 server, the counterpart of
// Python's imaplib.IMAP4. Its methods are named after Python's and return
// what Python returns: a type ("OK", "NO", or the server's word) and a data
// list. A tagged BAD, a refused LOGIN and misuse are errors of kind error;
// a broken connection is an abort.
//
// An IMAP4 is not safe for concurrent use, except Close, which may be
// called from any goroutine to interrupt a blocked read.
type IMAP4 struct {
	// Host and Port are where the connection goes (empty and 0 for a
	// stream).
	Host string
	Port int

	conn    io.ReadWriteCloser
	netConn net.Conn // nil for a stream
	cmd     *exec.Cmd
	r       *wire.Reader
	w       *bufio.Writer
	opts    Options
	stopCtx func() bool
	trace   *tracer

	state           string
	tagPrefix       string
	tagNum          int
	tagged          map[string]*tagResult
	untagged        map[string][]Item
	continuation    []byte
	welcome         []byte
	capabilities    []string
	serverCaps      map[string]bool
	protocolVersion string
	isReadonly      bool
	utf8            bool
	tlsEstablished  bool
	broken          *Error
	pyLiteral       *[]byte // Python's IMAP4.literal (literal.go)
	closeOnce       sync.Once
	pushed          func(typ string, it Item) // while idling, takes untagged responses instead of untagged
	xatoms          map[string][]string       // states of commands added by Xatom
	lastTook        time.Duration             // see LastCommandTook
	savedFor        string                    // the UID set "$" was built from, while no command since may have changed it (searchres.go)
}

type tagResult struct {
	typ  string
	data []Item
}

// Dial connects to host:port over plain TCP (Python's IMAP4(host, port),
// whose constructor calls open(host, port); Go has no separate open: dial
// again for a new connection). An empty host means localhost; port 0
// means 143.
func Dial(host string, port int, opts *Options) (*IMAP4, error) {
	if port == 0 {
		port = IMAP4Port
	}
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	conn, err := dialTCP(o, host, port)
	if err != nil {
		return nil, err
	}
	m, err := newIMAP4(conn, o)
	if m != nil {
		m.Host, m.Port = host, port
	}
	return m, err
}

// DialTLS connects to host:port over implicit TLS (Python's IMAP4_SSL and
// its open()).
// The server's certificate and host name are verified unless the caller's
// TLSConfig says otherwise. Port 0 means 993.
func DialTLS(host string, port int, opts *Options) (*IMAP4, error) {
	if port == 0 {
		port = IMAP4SSLPort
	}
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	raw, err := dialTCP(o, host, port)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, tlsConfig(o.TLSConfig, host))
	if err := handshake(o, conn); err != nil {
		raw.Close()
		return nil, err
	}
	m, err := newIMAP4(conn, o)
	if m != nil {
		m.Host, m.Port = host, port
		m.tlsEstablished = true
	}
	return m, err
}

// DialStream runs command with the shell and speaks IMAP over its standard
// input and output (Python's IMAP4_stream), as with
// "doveadm exec imap" or "ssh host imapd".
func DialStream(command string, opts *Options) (*IMAP4, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", command)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, newError(KindAbort, err, "socket error: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, newError(KindAbort, err, "socket error: %v", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, newError(KindAbort, err, "socket error: %v", err)
	}
	conn := &streamConn{cmd: cmd, stdin: stdin, stdout: stdout}
	m, err := newIMAP4(conn, o)
	if m != nil {
		m.cmd = cmd
	}
	return m, err
}

// New starts a session over an established connection: it reads the
// greeting and the capabilities. Embedders and tests use it with any
// net.Conn or io.ReadWriteCloser.
func New(conn io.ReadWriteCloser, opts *Options) (*IMAP4, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	return newIMAP4(conn, o)
}

func options(opts *Options) (Options, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout < 0 {
		return o, newError(KindValue, nil, "timeout value must not be negative")
	}
	if o.Debug != nil && o.DebugLevel == 0 {
		o.DebugLevel = 4
	}
	o.Limits = o.Limits.WithDefaults()
	return o, nil
}

func dialTCP(o Options, host string, port int) (net.Conn, error) {
	if host == "" {
		host = "localhost"
	}
	d := net.Dialer{Timeout: o.Timeout}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, newError(KindAbort, err, "socket error: %v", err)
	}
	return conn, nil
}

func tlsConfig(c *tls.Config, host string) *tls.Config {
	if c == nil {
		c = &tls.Config{}
	} else {
		c = c.Clone()
	}
	if c.ServerName == "" && !c.InsecureSkipVerify {
		if host == "" {
			host = "localhost"
		}
		c.ServerName = host
	}
	return c
}

func handshake(o Options, conn *tls.Conn) error {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := conn.HandshakeContext(ctx); err != nil {
		return newError(KindAbort, err, "TLS handshake failed: %v", err)
	}
	return nil
}

func newIMAP4(conn io.ReadWriteCloser, o Options) (*IMAP4, error) {
	m := &IMAP4{
		conn:     conn,
		opts:     o,
		state:    "LOGOUT",
		tagged:   make(map[string]*tagResult),
		untagged: make(map[string][]Item),
	}
	m.netConn, _ = conn.(net.Conn)
	m.r = wire.NewReader(conn, o.Limits)
	m.w = bufio.NewWriterSize(conn, 32<<10)
	if o.Debug != nil {
		m.trace = &tracer{w: o.Debug, level: o.DebugLevel}
	}
	if o.Context != nil {
		m.stopCtx = context.AfterFunc(o.Context, func() { conn.Close() })
	}
	m.tagPrefix = o.TagPrefix
	if m.tagPrefix == "" {
		m.tagPrefix = Int2AP(4096 + rand.IntN(65535-4096+1))
	}
	if err := m.connect(); err != nil {
		m.closeConn()
		return nil, err
	}
	return m, nil
}

// connect reads the greeting and the capabilities (Python's _connect).
func (m *IMAP4) connect() error {
	m.tracef(1, "new IMAP4 connection, tag=%s", m.tagPrefix)
	resp, _, err := m.getResponse()
	if err != nil {
		return err
	}
	m.welcome = resp
	switch {
	case m.untagged["PREAUTH"] != nil:
		m.state = "AUTH"
	case m.untagged["OK"] != nil:
		m.state = "NONAUTH"
	default:
		return newError(KindError, nil, "%s", pyBytes(m.welcome))
	}
	if caps := m.untagged["CAPABILITY"]; m.opts.GreetingCapabilities && len(caps) > 0 {
		// Hand the response out as Capability would have, so that the
		// untagged responses left are the same either way.
		delete(m.untagged, "CAPABILITY")
		m.capabilities = strings.Fields(strings.ToUpper(string(caps[len(caps)-1].Line)))
	} else if err := m.getCapabilities(); err != nil {
		return err
	}
	for _, v := range []string{"IMAP4REV1", "IMAP4"} {
		if m.HasCapability(v) && contains(m.capabilities, v) {
			m.protocolVersion = v
			return nil
		}
	}
	return newError(KindError, nil, "server not IMAP4 compliant")
}

// getCapabilities asks the server for its capabilities, as Python does
// after the greeting and after STARTTLS.
func (m *IMAP4) getCapabilities() error {
	_, dat, err := m.Capability()
	if err != nil {
		return err
	}
	if len(dat) == 0 || dat[len(dat)-1].IsNone {
		return newError(KindError, nil, "no CAPABILITY response from server")
	}
	m.capabilities = strings.Fields(strings.ToUpper(string(dat[len(dat)-1].Line)))
	m.tracef(3, "CAPABILITIES: %v", m.capabilities)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// State returns the session state: "NONAUTH", "AUTH", "SELECTED",
// "LOGOUT", or "IDLING" during IDLE.
func (m *IMAP4) State() string { return m.state }

// Welcome returns the server's greeting line.
func (m *IMAP4) Welcome() []byte { return m.welcome }

// Capabilities returns the capabilities read at connect time (and again
// after STARTTLS), upper-cased: Python's IMAP4.capabilities.
func (m *IMAP4) Capabilities() []string { return append([]string(nil), m.capabilities...) }

// HasCapability reports whether the server's latest list of capabilities
// holds name: the list of the last CAPABILITY response or response code,
// such as the one many servers send in the tagged OK of LOGIN, which
// replaces the one read at connect time. The comparison ignores case.
func (m *IMAP4) HasCapability(name string) bool {
	if m.serverCaps == nil {
		return contains(m.capabilities, strings.ToUpper(name))
	}
	return m.serverCaps[strings.ToUpper(name)]
}

// DiscardUntagged forgets the untagged responses of the given names (all
// of them when none is given). Python's untagged_responses only grows
// until a command hands its responses out; a long-running program that
// uses the typed API calls this to keep unsolicited EXISTS, EXPUNGE and
// FETCH responses from piling up.
func (m *IMAP4) DiscardUntagged(names ...string) {
	if len(names) == 0 {
		clear(m.untagged)
		return
	}
	for _, n := range names {
		delete(m.untagged, strings.ToUpper(n))
	}
}

// ProtocolVersion returns "IMAP4REV1" or "IMAP4" (Python's PROTOCOL_VERSION).
func (m *IMAP4) ProtocolVersion() string { return m.protocolVersion }

// IsReadonly reports whether the selected mailbox was opened read-only on
// purpose (Python's is_readonly).
func (m *IMAP4) IsReadonly() bool { return m.isReadonly }

// UTF8Enabled reports whether UTF8=ACCEPT was enabled (Python's
// utf8_enabled).
func (m *IMAP4) UTF8Enabled() bool { return m.utf8 }

// UntaggedResponses returns a copy of the untagged responses received and
// not yet handed out, by response name (Python's untagged_responses).
func (m *IMAP4) UntaggedResponses() map[string][]Item {
	c := make(map[string][]Item, len(m.untagged))
	for k, v := range m.untagged {
		c[k] = append([]Item(nil), v...)
	}
	return c
}

// Conn returns the underlying connection (Python's socket()): a net.Conn
// for TCP and TLS, the process pipes for a stream.
func (m *IMAP4) Conn() io.ReadWriteCloser { return m.conn }

// Close closes the connection without a LOGOUT. It is safe to call from
// another goroutine and more than once; a command blocked on the network
// then fails with an abort.
func (m *IMAP4) Close() error {
	m.closeOnce.Do(m.close)
	return nil
}

func (m *IMAP4) close() {
	m.conn.Close()
	if m.stopCtx != nil {
		m.stopCtx()
	}
	if m.cmd != nil {
		// Wait for the stream's process after its pipes are closed.
		done := make(chan struct{})
		go func() { m.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			m.cmd.Process.Kill()
			<-done
		}
		m.cmd = nil
	}
}

func (m *IMAP4) closeConn() { m.Close() }

// Shutdown closes the connection (Python's shutdown()).
func (m *IMAP4) Shutdown() error { return m.Close() }

// streamConn is the stdin/stdout of a process as one connection.
type streamConn struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
}

func (s *streamConn) Read(p []byte) (int, error)  { return s.stdout.Read(p) }
func (s *streamConn) Write(p []byte) (int, error) { return s.stdin.Write(p) }
func (s *streamConn) Close() error {
	err := s.stdin.Close()
	s.stdout.Close()
	return err
}

// LogoutWithin ends the session politely when it can: it sends LOGOUT
// (unless the session is already logged out or broken) and closes the
// connection, giving up on the server's answer after d. Hosts call it when
// a script's run ends with the connection still open.
func (m *IMAP4) LogoutWithin(d time.Duration) error {
	if m.state != "LOGOUT" && m.broken == nil {
		t := time.AfterFunc(d, func() { m.Close() })
		m.Logout()
		t.Stop()
	}
	return m.Close()
}
