package smtplib

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default ports, as Python's SMTP_PORT, SMTP_SSL_PORT and LMTP_PORT.
const (
	SMTPPort    = 25
	SMTPSSLPort = 465
	LMTPPort    = 2003
	// SubmissionPort is the message submission port (RFC 6409), where
	// clients log in, usually after STARTTLS.
	SubmissionPort = 587
)

// MaxLine is Python's _MAXLINE: the longest reply line accepted by
// default. A longer line is an SMTPResponseException (500, "Line too
// long.") and the connection is closed.
const MaxLine = 8192

// maxChallenges is Python's _MAXCHALLENGE.
const maxChallenges = 5

// TokenSource returns a current OAuth2 access token. Login calls it when
// Options.TokenSource is set, so an account's token store (refreshing as
// needed) can serve each login.
type TokenSource func(ctx context.Context) (string, error)

// Options configure a connection. The zero value is usable: no timeout,
// certificates verified against the system roots with the host name, no
// trace, the local host's name in EHLO.
type Options struct {
	// LocalHostname is the name sent with EHLO, HELO and LHLO (Python's
	// local_hostname); empty means the host's fully qualified name, or a
	// domain literal of the connection's local address.
	LocalHostname string
	// Timeout bounds connecting, the TLS handshake, each write and each
	// reply (Python's timeout); the message data of DATA is one write,
	// so a very large message over a slow link needs a larger Timeout.
	// Zero means no timeout; negative is refused.
	Timeout time.Duration
	// SourceAddress is the local "host:port" to bind before connecting
	// (Python's source_address); empty lets the system choose.
	SourceAddress string
	// TLSConfig is used by DialTLS and StartTLS. Nil means the system
	// roots with the host name verified; a config without ServerName gets
	// the host name filled in.
	TLSConfig *tls.Config
	// Context, when done, closes the connection, which interrupts a
	// blocked read; the pending command fails with SMTPServerDisconnected.
	Context context.Context
	// Debug receives a protocol trace in the style of Python's
	// set_debuglevel output, with AUTH exchanges redacted.
	Debug io.Writer
	// DebugLevel is Python's debug level: 1 traces commands and replies,
	// 2 adds timestamps. Zero with Debug set means 1.
	DebugLevel int
	// MaxLine bounds one reply line; zero means MaxLine (8192 bytes).
	MaxLine int
	// TokenSource, when set, makes Login authenticate with XOAUTH2 (or
	// OAUTHBEARER) using the token it returns, instead of the password.
	TokenSource TokenSource
	// NoPipelining sends MAIL and RCPT one at a time even when the
	// server offers PIPELINING (RFC 2920), as Python does.
	NoPipelining bool
}

// flavour is which Python class an SMTP object is.
type flavour int

const (
	flavourSMTP flavour = iota
	flavourSSL
	flavourLMTP
)

// SMTP is one connection to an SMTP (or LMTP) server, the counterpart of
// Python's smtplib.SMTP, SMTP_SSL and LMTP. Its methods are named after
// Python's and return what Python returns: a reply code and text, or the
// refused recipients of Sendmail; where Python raises, they return an
// *Error.
//
// An SMTP is not safe for concurrent use, except Close, which may be
// called from any goroutine to interrupt a blocked read.
type SMTP struct {
	// Host and Port are where the last Connect went.
	Host string
	Port int

	opts    Options
	flavour flavour
	connMu  sync.Mutex // guards conn and stopCtx: Close may come from another goroutine
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	stopCtx func() bool
	tlsOn   bool

	localHostname  string
	heloResp       *string
	ehloResp       *string
	esmtpFeatures  map[string]string
	featureOrder   []string
	doesESMTP      bool
	utf8Commands   bool
	authChallenges int
	redactNext     bool
}

// NewSMTP returns an unconnected SMTP (Python's SMTP() without a host);
// call Connect. NewSMTPSSL and NewLMTP are the SMTP_SSL and LMTP
// counterparts.
func NewSMTP(opts *Options) (*SMTP, error) { return newSMTP(flavourSMTP, opts) }

// NewSMTPSSL returns an unconnected SMTP_SSL: Connect speaks implicit TLS.
func NewSMTPSSL(opts *Options) (*SMTP, error) { return newSMTP(flavourSSL, opts) }

// NewLMTP returns an unconnected LMTP (RFC 2033): LHLO instead of EHLO,
// one DATA reply per accepted recipient, and Connect also takes the path
// of a Unix socket.
func NewLMTP(opts *Options) (*SMTP, error) { return newSMTP(flavourLMTP, opts) }

func newSMTP(f flavour, opts *Options) (*SMTP, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout < 0 {
		return nil, newError(KindValue, nil, "timeout value must not be negative")
	}
	if o.Debug != nil && o.DebugLevel == 0 {
		o.DebugLevel = 1
	}
	if o.MaxLine <= 0 {
		o.MaxLine = MaxLine
	}
	if err := checkArg(o.LocalHostname); err != nil {
		return nil, err
	}
	return &SMTP{opts: o, flavour: f, esmtpFeatures: map[string]string{}}, nil
}

// Dial connects to host:port and reads the greeting (Python's
// SMTP(host, port)). A greeting other than 220 closes the connection and
// is an SMTPConnectError. An empty host means localhost; port 0 means 25.
func Dial(host string, port int, opts *Options) (*SMTP, error) {
	return dial(flavourSMTP, host, port, opts)
}

// DialTLS connects over implicit TLS (Python's SMTP_SSL(host, port));
// the certificate and host name are verified unless Options.TLSConfig
// says otherwise. Port 0 means 465.
func DialTLS(host string, port int, opts *Options) (*SMTP, error) {
	return dial(flavourSSL, host, port, opts)
}

// DialLMTP connects to an LMTP server (Python's LMTP(host, port)): host
// is a name or address, or the absolute path of a Unix socket. Port 0
// means 2003.
func DialLMTP(host string, port int, opts *Options) (*SMTP, error) {
	return dial(flavourLMTP, host, port, opts)
}

func dial(f flavour, host string, port int, opts *Options) (*SMTP, error) {
	s, err := newSMTP(f, opts)
	if err != nil {
		return nil, err
	}
	code, msg, err := s.Connect(host, port)
	if err != nil {
		return nil, err
	}
	if code != 220 {
		s.Close()
		return nil, respError(KindConnect, code, msg)
	}
	return s, nil
}

// NewClient starts a session over an established connection (any
// net.Conn, for embedders and tests): it reads the greeting, which must be
// 220 (else SMTPConnectError). host is the name used to verify the
// certificate on StartTLS.
func NewClient(conn net.Conn, host string, opts *Options) (*SMTP, error) {
	return newClient(flavourSMTP, conn, host, opts)
}

// NewLMTPClient is NewClient for LMTP.
func NewLMTPClient(conn net.Conn, host string, opts *Options) (*SMTP, error) {
	return newClient(flavourLMTP, conn, host, opts)
}

func newClient(f flavour, conn net.Conn, host string, opts *Options) (*SMTP, error) {
	s, err := newSMTP(f, opts)
	if err != nil {
		conn.Close()
		return nil, err
	}
	s.Host = host
	s.attach(conn)
	code, msg, err := s.GetReply()
	if err != nil {
		return nil, err
	}
	if code != 220 {
		s.Close()
		return nil, respError(KindConnect, code, msg)
	}
	return s, nil
}

// Connect connects to host:port and returns the greeting (Python's
// connect): unlike Dial it does not judge the code. "host:port" in host
// with port 0 is split as Python does. A connection already open is
// closed first.
func (s *SMTP) Connect(host string, port int) (int, string, error) {
	s.Close()
	if port == 0 && strings.Count(host, ":") == 1 {
		i := strings.LastIndexByte(host, ':')
		p, err := strconv.Atoi(host[i+1:])
		if err != nil {
			return 0, "", newError(KindOS, err, "nonnumeric port")
		}
		host, port = host[:i], p
	}
	if port == 0 {
		switch s.flavour {
		case flavourSSL:
			port = SMTPSSLPort
		case flavourLMTP:
			port = LMTPPort
		default:
			port = SMTPPort
		}
	}
	if host == "" {
		host = "localhost"
	}
	s.Host, s.Port = host, port
	s.debugf("connect: ('%s', %d)", host, port)
	conn, err := s.dialConn(host, port)
	if err != nil {
		return 0, "", err
	}
	s.attach(conn)
	if s.flavour == flavourSSL {
		if err := s.handshake(host); err != nil {
			return 0, "", err
		}
	}
	code, msg, err := s.GetReply()
	if err != nil {
		return 0, "", err
	}
	s.debugf("connect: %s", pyBytes(msg))
	return code, msg, nil
}

func (s *SMTP) dialConn(host string, port int) (net.Conn, error) {
	ctx := s.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	d := net.Dialer{Timeout: s.opts.Timeout}
	if s.opts.SourceAddress != "" {
		a, err := net.ResolveTCPAddr("tcp", s.opts.SourceAddress)
		if err != nil {
			return nil, newError(KindOS, err, "source address: %v", err)
		}
		d.LocalAddr = a
	}
	network, addr := "tcp", net.JoinHostPort(host, strconv.Itoa(port))
	if s.flavour == flavourLMTP && strings.HasPrefix(host, "/") {
		network, addr = "unix", host
		d.LocalAddr = nil
	}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, newError(KindOS, err, "%v", err)
	}
	return conn, nil
}

func (s *SMTP) attach(conn net.Conn) {
	s.r = bufio.NewReaderSize(conn, 4096)
	s.w = bufio.NewWriter(conn)
	s.tlsOn = false
	if _, ok := conn.(*tls.Conn); ok {
		s.tlsOn = true
	}
	s.connMu.Lock()
	s.conn = conn
	if s.opts.Context != nil {
		s.stopCtx = context.AfterFunc(s.opts.Context, func() { conn.Close() })
	}
	s.connMu.Unlock()
}

// current returns the open connection, or nil.
func (s *SMTP) current() net.Conn {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.conn
}

func (s *SMTP) tlsConfig(host string) *tls.Config {
	var c *tls.Config
	if s.opts.TLSConfig == nil {
		c = &tls.Config{}
	} else {
		c = s.opts.TLSConfig.Clone()
	}
	if c.ServerName == "" && !c.InsecureSkipVerify {
		c.ServerName = host
	}
	return c
}

// handshake replaces the connection with a TLS client over it.
func (s *SMTP) handshake(host string) error {
	raw := s.current()
	if raw == nil {
		return errNotConnected()
	}
	tc := tls.Client(raw, s.tlsConfig(host))
	ctx := s.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if s.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.Timeout)
		defer cancel()
	}
	if err := tc.HandshakeContext(ctx); err != nil {
		s.Close()
		return newError(KindOS, err, "TLS handshake failed: %v", err)
	}
	s.connMu.Lock()
	if s.stopCtx != nil {
		s.stopCtx()
		s.stopCtx = nil
	}
	s.connMu.Unlock()
	s.attach(tc)
	return nil
}

// Close closes the connection without QUIT (Python's close). It is safe
// to call more than once and from another goroutine.
func (s *SMTP) Close() error {
	s.connMu.Lock()
	conn, stop := s.conn, s.stopCtx
	s.conn, s.stopCtx = nil, nil
	s.connMu.Unlock()
	if conn == nil {
		return nil
	}
	if stop != nil {
		stop()
	}
	return conn.Close()
}

// Connected reports whether the connection is open.
func (s *SMTP) Connected() bool { return s.current() != nil }

// TLS reports whether the connection is encrypted (SMTP_SSL, or after
// StartTLS).
func (s *SMTP) TLS() bool { return s.current() != nil && s.tlsOn }

// ConnectionState returns the TLS state, if the connection is encrypted.
func (s *SMTP) ConnectionState() (tls.ConnectionState, bool) {
	if tc, ok := s.current().(*tls.Conn); ok {
		return tc.ConnectionState(), true
	}
	return tls.ConnectionState{}, false
}

// SetDebugLevel sets Python's debug level (set_debuglevel): 0 stops the
// trace, 1 traces, 2 adds timestamps. The trace goes to Options.Debug, or
// to standard error when that is unset. AUTH exchanges are redacted.
func (s *SMTP) SetDebugLevel(level int) {
	s.opts.DebugLevel = level
	if level > 0 && s.opts.Debug == nil {
		s.opts.Debug = os.Stderr
	}
}

// LocalHostname returns the name sent with EHLO/HELO/LHLO.
func (s *SMTP) LocalHostname() string {
	if s.localHostname != "" {
		return s.localHostname
	}
	if s.opts.LocalHostname != "" {
		s.localHostname = s.opts.LocalHostname
		return s.localHostname
	}
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		s.localHostname = h
		return h
	}
	addr := "127.0.0.1"
	if conn := s.current(); conn != nil {
		if ta, ok := conn.LocalAddr().(*net.TCPAddr); ok {
			addr = ta.IP.String()
		}
	}
	s.localHostname = "[" + addr + "]"
	return s.localHostname
}

// errNotConnected is Python's "please run connect() first".
func errNotConnected() *Error {
	return newError(KindServerDisconnected, nil, "please run connect() first")
}

// Send writes raw bytes to the server (Python's send). Commands go
// through PutCmd, which validates them.
func (s *SMTP) Send(b []byte) error {
	conn := s.current()
	if conn == nil {
		return errNotConnected()
	}
	s.traceSend(b)
	if s.opts.Timeout > 0 {
		conn.SetWriteDeadline(time.Now().Add(s.opts.Timeout))
	}
	if _, err := s.w.Write(b); err == nil {
		err = s.w.Flush()
		if err == nil {
			return nil
		}
	}
	s.Close()
	return newError(KindServerDisconnected, nil, "Server not connected")
}

// checkArg refuses CR, LF and NUL: nothing a caller passes can start a
// second command.
func checkArg(s string) error {
	if strings.ContainsAny(s, "\r\n") {
		esc := strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
		return newError(KindValue, nil, "command and arguments contain prohibited newline characters: %s", esc)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return newError(KindValue, nil, "command and arguments contain prohibited NUL characters: %q", s)
	}
	return nil
}

// command builds "cmd args\r\n" after validating it.
func (s *SMTP) command(cmd, args string) ([]byte, error) {
	line := cmd
	if args != "" {
		line = cmd + " " + args
	}
	if err := checkArg(line); err != nil {
		return nil, err
	}
	if !s.utf8Commands {
		for i := 0; i < len(line); i++ {
			if line[i] >= 0x80 {
				return nil, newError(KindValue, nil, "'ascii' codec can't encode character in position %d: non-ASCII command without SMTPUTF8", i)
			}
		}
	}
	return []byte(line + "\r\n"), nil
}

// PutCmd sends one command line (Python's putcmd). A command or argument
// holding CR, LF or NUL, or non-ASCII outside an SMTPUTF8 transaction, is
// a ValueError and nothing is sent.
func (s *SMTP) PutCmd(cmd, args string) error {
	b, err := s.command(cmd, args)
	if err != nil {
		return err
	}
	return s.Send(b)
}

// GetReply reads one reply (Python's getreply): its code (-1 when the
// line does not start with three digits) and its lines joined with "\n".
// End of file, a broken connection and a timeout close the connection and
// are SMTPServerDisconnected; a line longer than Options.MaxLine closes it
// and is SMTPResponseException (500, "Line too long.").
func (s *SMTP) GetReply() (int, string, error) {
	conn := s.current()
	if conn == nil {
		return 0, "", errNotConnected()
	}
	if s.opts.Timeout > 0 {
		conn.SetReadDeadline(time.Now().Add(s.opts.Timeout))
	}
	var lines []string
	code := -1
	for {
		line, err := s.readLine()
		if err != nil {
			return 0, "", err
		}
		s.traceReply(line)
		text := ""
		if len(line) > 4 {
			text = strings.Trim(string(line[4:]), " \t\r\n")
		}
		lines = append(lines, text)
		c, ok := replyCode(line)
		if !ok {
			code = -1
			break
		}
		code = c
		if len(line) < 4 || line[3] != '-' {
			break
		}
	}
	msg := strings.Join(lines, "\n")
	s.debugf("reply: retcode (%d); Msg: %s", code, pyBytes(msg))
	return code, msg, nil
}

// replyCode parses the first three bytes as Python's int() would: digits,
// possibly surrounded by spaces, with an optional sign.
func replyCode(line []byte) (int, bool) {
	if len(line) < 3 {
		line = append([]byte(nil), line...)
	} else {
		line = line[:3]
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(line)))
	if err != nil {
		return 0, false
	}
	return n, true
}

// readLine reads one line with its terminator, bounded by MaxLine.
func (s *SMTP) readLine() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := s.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > s.opts.MaxLine {
			s.Close()
			return nil, respError(KindResponse, 500, "Line too long.")
		}
		if err == nil {
			return buf, nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(buf) > 0 {
				// Python's readline returns the partial line; the
				// next read then sees the end.
				return buf, nil
			}
			s.Close()
			return nil, newError(KindServerDisconnected, err, "Connection unexpectedly closed")
		}
		s.Close()
		return nil, newError(KindServerDisconnected, err, "Connection unexpectedly closed: %s", ioReason(err))
	}
}

// ioReason describes an I/O error as Python's str(OSError) would.
func ioReason(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	if errors.Is(err, net.ErrClosed) {
		return "connection closed"
	}
	return err.Error()
}

// DoCmd sends a command and returns the reply (Python's docmd).
func (s *SMTP) DoCmd(cmd, args string) (int, string, error) {
	if err := s.PutCmd(cmd, args); err != nil {
		return 0, "", err
	}
	return s.GetReply()
}
