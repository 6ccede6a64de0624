package smtpmem

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

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	// Data is the message as received, CRLF line endings, dots unstuffed.
	Data []byte
	// User is the authenticated user, "" without AUTH.
	User string
	// UTF8 and Body are the SMTPUTF8 and BODY= options of MAIL FROM.
	UTF8 bool
	Body string
	// Size is the SIZE= option of MAIL FROM, 0 if absent.
	Size int64
}

// Refusal is an SMTP error reply: code, enhanced status ("5.1.1", may be
// empty) and text.
type Refusal struct {
	Code     int
	Enhanced string
	Text     string
}

// Options configure a Server. The zero value accepts any mail without
// authentication over plain TCP.
type Options struct {
	// Users maps user names to passwords; when not empty, AUTH is
	// offered and required before MAIL.
	Users map[string]string
	// Tokens maps user names to OAuth2 access tokens accepted by XOAUTH2.
	Tokens map[string]string
	// TLS, when set, offers STARTTLS with this configuration.
	TLS *tls.Config
	// ImplicitTLS serves TLS from the first byte (SMTP_SSL, port 465
	// style) with the TLS configuration.
	ImplicitTLS bool
	// LMTP serves LMTP (LHLO, one reply per recipient after DATA).
	LMTP bool
	// MaxMessageBytes is advertised with SIZE and enforced (0: 32 MiB).
	MaxMessageBytes int64
	// RefuseRcpt, when it returns a non-nil Refusal, refuses a recipient.
	RefuseRcpt func(addr string) *Refusal
	// RefuseData, when it returns a non-nil Refusal, refuses a message
	// after its data (per recipient in LMTP mode).
	RefuseData func(m Message, rcpt string) *Refusal
	// Deliver, when set, receives each accepted message; an error refuses
	// it with 451. It is called before the message shows in Messages.
	Deliver func(m Message) error
	// Host is the loopback address to listen on ("127.0.0.1" by default);
	// the port is always a free one.
	Host string
	// Domain is the name in the greeting ("localhost" by default).
	Domain string
}

// Server is a running server.
type Server struct {
	// Addr is "127.0.0.1:port"; Host and Port are its parts.
	Addr string
	Host string
	Port int

	opts Options
	srv  *smtp.Server
	ln   net.Listener
	done chan struct{}

	mu       sync.Mutex
	messages []Message
	sessions int
}

// Start listens on a free loopback port and serves until Close.
func Start(opts Options) (*Server, error) {
	host := opts.Host
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("smtpmem: listen: %w", err)
	}
	s := &Server{opts: opts, ln: ln, done: make(chan struct{})}
	if opts.ImplicitTLS {
		if opts.TLS == nil {
			ln.Close()
			return nil, errors.New("smtpmem: ImplicitTLS needs a TLS configuration")
		}
		ln = tls.NewListener(ln, opts.TLS)
		s.ln = ln
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.Addr, s.Host, s.Port = addr.String(), addr.IP.String(), addr.Port
	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = opts.Domain
	if srv.Domain == "" {
		srv.Domain = "localhost"
	}
	srv.LMTP = opts.LMTP
	if !opts.ImplicitTLS {
		srv.TLSConfig = opts.TLS
	}
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = opts.MaxMessageBytes
	if srv.MaxMessageBytes == 0 {
		srv.MaxMessageBytes = 32 << 20
	}
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	go func() {
		defer close(s.done)
		srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	err := s.srv.Close()
	// go-smtp's Close only closes the listeners Serve has registered; a
	// Close right after Start may come first.
	s.ln.Close()
	<-s.done
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	return err
}

// Messages returns a copy of the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Sessions returns how many connections said EHLO/HELO so far.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

type backend struct{ s *Server }

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.sessions++
	b.s.mu.Unlock()
	return &session{s: b.s}, nil
}

type session struct {
	s    *Server
	user string
	cur  Message
}

func (r *Refusal) err() error {
	e := &smtp.SMTPError{Code: r.Code, Message: r.Text, EnhancedCode: smtp.NoEnhancedCode}
	if r.Enhanced != "" {
		var a, b, c int
		if _, err := fmt.Sscanf(r.Enhanced, "%d.%d.%d", &a, &b, &c); err == nil {
			e.EnhancedCode = smtp.EnhancedCode{a, b, c}
		}
	}
	return e
}

func (ss *session) AuthMechanisms() []string {
	if len(ss.s.opts.Users) == 0 && len(ss.s.opts.Tokens) == 0 {
		return nil
	}
	var m []string
	if len(ss.s.opts.Users) > 0 {
		m = append(m, sasl.Plain, sasl.Login)
	}
	if len(ss.s.opts.Tokens) > 0 {
		m = append(m, "XOAUTH2")
	}
	return m
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, password string) error {
			return ss.check(user, password)
		}), nil
	case sasl.Login:
		return &loginServer{check: ss.check}, nil
	case "XOAUTH2":
		return &xoauth2Server{check: func(user, token string) error {
			if want, ok := ss.s.opts.Tokens[user]; ok && want == token {
				ss.user = user
				return nil
			}
			return smtp.ErrAuthFailed
		}}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) check(user, password string) error {
	if want, ok := ss.s.opts.Users[user]; ok && want == password {
		ss.user = user
		return nil
	}
	return smtp.ErrAuthFailed
}

func (ss *session) needAuth() bool {
	return (len(ss.s.opts.Users) > 0 || len(ss.s.opts.Tokens) > 0) && ss.user == ""
}

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	if ss.needAuth() {
		return smtp.ErrAuthRequired
	}
	ss.cur = Message{From: from, User: ss.user}
	if opts != nil {
		ss.cur.UTF8 = opts.UTF8
		ss.cur.Body = string(opts.Body)
		ss.cur.Size = opts.Size
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := ss.s.opts.RefuseRcpt; f != nil {
		if r := f(to); r != nil {
			return r.err()
		}
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := ss.cur
	m.Data = data
	if f := ss.s.opts.RefuseData; f != nil {
		if r := f(m, ""); r != nil {
			return r.err()
		}
	}
	return ss.s.accept(m)
}

func (ss *session) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := ss.cur
	m.Data = data
	rcpts := m.To
	refused := map[string]error{}
	var ok []string
	for _, rcpt := range rcpts {
		if f := ss.s.opts.RefuseData; f != nil {
			if r := f(m, rcpt); r != nil {
				refused[rcpt] = r.err()
				continue
			}
		}
		ok = append(ok, rcpt)
	}
	// The message is stored before any reply goes out: a client that has
	// read its replies finds it in Messages.
	var delivered error
	if len(ok) > 0 {
		m.To = ok
		delivered = ss.s.accept(m)
	}
	for _, rcpt := range rcpts {
		if err, no := refused[rcpt]; no {
			status.SetStatus(rcpt, err)
		} else {
			status.SetStatus(rcpt, delivered)
		}
	}
	return nil
}

func (s *Server) accept(m Message) error {
	if s.opts.Deliver != nil {
		if err := s.opts.Deliver(m); err != nil {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "delivery failed"}
		}
	}
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.cur = Message{User: ss.user} }
func (ss *session) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN (go-sasl has the client
// only).
type loginServer struct {
	check func(user, password string) error
	user  string
	step  int
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if resp != nil {
			l.user = string(resp)
			l.step = 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step = 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// xoauth2Server is the server side of XOAUTH2: on failure it sends the
// JSON challenge and fails after the client's empty answer.
type xoauth2Server struct {
	check  func(user, token string) error
	failed error
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed != nil {
		return nil, true, x.failed
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	var user, token string
	for _, part := range bytes.Split(resp, []byte{1}) {
		k, v, _ := strings.Cut(string(part), "=")
		switch k {
		case "user":
			user = v
		case "auth":
			token = strings.TrimPrefix(v, "Bearer ")
		}
	}
	if err := x.check(user, token); err != nil {
		x.failed = err
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.example/"}`), false, nil
	}
	return nil, true, nil
}
