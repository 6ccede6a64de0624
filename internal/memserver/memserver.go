package memserver

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	// The server decodes header fields for ENVELOPE and SEARCH; without
	// the charset tables it drops names in charsets other than UTF-8.
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	_ "github.com/emersion/go-message/charset"
)

// Logger receives the server's error messages (a *log.Logger is one).
type Logger interface {
	Printf(format string, args ...any)
}

// Options configures New.
type Options struct {
	// Addr is the address of the plain IMAP listener; empty means
	// "127.0.0.1:0", a free loopback port.
	Addr string
	// TLS, when set, enables STARTTLS on the plain listener and an implicit
	// TLS listener on TLSAddr.
	TLS *tls.Config
	// TLSAddr is the address of the implicit TLS listener; empty means
	// "127.0.0.1:0". It is ignored without TLS.
	TLSAddr string
	// Users maps user names to passwords.
	Users map[string]string
	// InsecureAuth allows LOGIN and AUTHENTICATE without TLS, as on
	// loopback. Without it the plain listener refuses them (LOGINDISABLED)
	// until STARTTLS.
	InsecureAuth bool
	// Logger receives error messages; nil discards them.
	Logger Logger
	// Debug, when set, receives a copy of every byte read and written on
	// every connection, credentials included.
	Debug io.Writer
	// LazyViews makes the server report new mail to a session only at
	// SELECT, NOOP, CHECK, IDLE and EXPUNGE, as Courier-IMAP and many other servers
	// do: until then FETCH, STORE, SEARCH, COPY, MOVE and UID EXPUNGE do
	// not see the messages that arrived (those appended by the session
	// itself included).
	LazyViews bool
}

// closeTimeout bounds how long Close waits for connection handlers.
const closeTimeout = 10 * time.Second

// Server is a running in-memory IMAP server. Its methods may be called from
// several goroutines.
type Server struct {
	srv   *imapserver.Server
	ln    net.Listener
	tlsLn net.Listener

	serving sync.WaitGroup // Serve loops
	conns   connSet        // accepted connections not yet closed

	mu        sync.Mutex
	users     map[string]*imapmemserver.User
	closed    bool
	closeErr  error
	closeOnce sync.Once
}

// caps are the capabilities advertised besides those imapserver adds by
// itself.
var caps = imap.CapSet{
	imap.CapIMAP4rev1:    {},
	imap.CapNamespace:    {},
	imap.CapUIDPlus:      {},
	imap.CapESearch:      {},
	imap.CapSearchRes:    {},
	imap.CapListExtended: {},
	imap.CapListStatus:   {},
	imap.CapMove:         {},
	imap.CapStatusSize:   {},
	imap.CapChildren:     {},
	imap.CapSpecialUse:   {},
	imap.CapLiteralPlus:  {},
}

// New starts a server with the given options. It listens before it
// returns, so Addr is ready to dial.
func New(opts Options) (*Server, error) {
	s := &Server{
		users: map[string]*imapmemserver.User{},
	}
	for name, pass := range opts.Users {
		if err := s.AddUser(name, pass); err != nil {
			return nil, err
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = log.New(io.Discard, "", 0)
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if opts.LazyViews {
				return &lazySession{session: session{srv: s}}, nil, nil
			}
			return &session{srv: s}, nil, nil
		},
		Caps:         caps,
		Logger:       logger,
		TLSConfig:    opts.TLS,
		InsecureAuth: opts.InsecureAuth,
		DebugWriter:  opts.Debug,
	})

	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("memserver: %w", err)
	}
	s.ln = &trackingListener{Listener: ln, conns: &s.conns}
	if opts.TLS != nil {
		tlsAddr := opts.TLSAddr
		if tlsAddr == "" {
			tlsAddr = "127.0.0.1:0"
		}
		tln, err := net.Listen("tcp", tlsAddr)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("memserver: %w", err)
		}
		s.tlsLn = tls.NewListener(&trackingListener{Listener: tln, conns: &s.conns}, opts.TLS)
	}
	for _, l := range []net.Listener{s.ln, s.tlsLn} {
		if l == nil {
			continue
		}
		s.serving.Add(1)
		go func() {
			defer s.serving.Done()
			if err := s.srv.Serve(l); err != nil {
				logger.Printf("memserver: serve %s: %v", l.Addr(), err)
			}
		}()
	}
	return s, nil
}

// Addr returns the host:port of the plain listener.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// TLSAddr returns the host:port of the implicit TLS listener, or "" when
// the server has no TLS configuration.
func (s *Server) TLSAddr() string {
	if s.tlsLn == nil {
		return ""
	}
	return s.tlsLn.Addr().String()
}

// Close stops the listeners, closes every connection and waits until their
// handlers have finished. Calling it again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		err := s.srv.Close()
		// Serve may not have registered its listener yet when Close runs
		// right after New; closing them here makes Serve return anyway.
		s.ln.Close()
		if s.tlsLn != nil {
			s.tlsLn.Close()
		}
		done := make(chan struct{})
		go func() {
			s.serving.Wait()
			// A connection accepted while imapserver was closing may have
			// escaped it: close whatever is left.
			s.conns.closeAll()
			s.conns.wg.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(closeTimeout):
			err = errors.Join(err, fmt.Errorf("connections still open after %v", closeTimeout))
		}
		if err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = fmt.Errorf("memserver: close: %w", err)
		}
	})
	return s.closeErr
}

// AddUser adds a user with an empty INBOX. Adding a user that exists is an
// error.
func (s *Server) AddUser(name, password string) error {
	if name == "" {
		return errors.New("memserver: empty user name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[name]; ok {
		return fmt.Errorf("memserver: user %q exists", name)
	}
	u := imapmemserver.NewUser(name, password)
	if err := u.Create("INBOX", nil); err != nil {
		return fmt.Errorf("memserver: create INBOX: %w", err)
	}
	if err := u.Subscribe("INBOX"); err != nil {
		return fmt.Errorf("memserver: subscribe INBOX: %w", err)
	}
	s.users[name] = u
	return nil
}

// user returns a user by name.
func (s *Server) user(name string) (*imapmemserver.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[name]
	if !ok {
		return nil, fmt.Errorf("memserver: unknown user %q", name)
	}
	return u, nil
}

// canonical returns the stored form of a mailbox name: INBOX in any case is
// INBOX.
func canonical(mailbox string) string {
	if strings.EqualFold(mailbox, "INBOX") {
		return "INBOX"
	}
	return mailbox
}

// CreateMailbox creates a mailbox for user; its parents need not exist.
// Creating a mailbox that exists is an error.
func (s *Server) CreateMailbox(user, name string) error {
	u, err := s.user(user)
	if err != nil {
		return err
	}
	if name == "" {
		return errors.New("memserver: empty mailbox name")
	}
	if err := u.Create(canonical(name), nil); err != nil {
		return fmt.Errorf("memserver: create %q: %w", name, err)
	}
	return nil
}

// Append adds a message to a user's mailbox, creating the mailbox if it
// does not exist, and returns the message's UID. flags are IMAP flags such
// as `\Seen` or keywords; a zero date means now.
func (s *Server) Append(user, mailbox string, raw []byte, flags []string, date time.Time) (uint32, error) {
	u, err := s.user(user)
	if err != nil {
		return 0, err
	}
	if mailbox == "" {
		return 0, errors.New("memserver: empty mailbox name")
	}
	mailbox = canonical(mailbox)
	if _, err := u.Status(mailbox, &imap.StatusOptions{}); err != nil {
		if err := u.Create(mailbox, nil); err != nil {
			return 0, fmt.Errorf("memserver: create %q: %w", mailbox, err)
		}
	}
	opts := &imap.AppendOptions{Time: date}
	for _, f := range flags {
		if strings.EqualFold(f, `\Recent`) {
			return 0, fmt.Errorf("memserver: append: flag %s cannot be set", f)
		}
		opts.Flags = append(opts.Flags, imap.Flag(f))
	}
	data, err := u.Append(mailbox, literal{bytes.NewReader(raw)}, opts)
	if err != nil {
		return 0, fmt.Errorf("memserver: append to %q: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// literal adapts a bytes.Reader to imap.LiteralReader.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

// connSet tracks accepted connections until they are closed.
type connSet struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	live map[*trackedConn]struct{}
}

func (cs *connSet) add(c *trackedConn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.live == nil {
		cs.live = map[*trackedConn]struct{}{}
	}
	cs.live[c] = struct{}{}
	cs.wg.Add(1)
}

func (cs *connSet) remove(c *trackedConn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(cs.live, c)
	cs.wg.Done()
}

func (cs *connSet) closeAll() {
	cs.mu.Lock()
	live := make([]*trackedConn, 0, len(cs.live))
	for c := range cs.live {
		live = append(live, c)
	}
	cs.mu.Unlock()
	for _, c := range live {
		c.Close()
	}
}

// trackingListener registers accepted connections in a connSet, so Close
// can close them and wait for their handlers.
type trackingListener struct {
	net.Listener
	conns *connSet
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, set: l.conns}
	l.conns.add(tc)
	return tc, nil
}

// trackedConn leaves its set on its first Close.
type trackedConn struct {
	net.Conn
	once sync.Once
	set  *connSet
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.set.remove(c) })
	return err
}
