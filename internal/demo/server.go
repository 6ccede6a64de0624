package demo

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/smtpmem"
)

// The demo account.
const (
	// User and Password log in to the demo server.
	User     = "demo"
	Password = "demo"
	// AccountEnv is the environment variable mail.account() reads its
	// account URL from (the mail module's AccountEnv).
	AccountEnv = "MAILSCRIPT_ACCOUNT"
)

// Folders are the mailboxes the demo server holds besides those of the
// sample messages (INBOX, Archive, Sent): the folders a real account has
// and the starter rules use.
var Folders = []string{"Junk", "Trash", "Drafts"}

// Options configures Start.
type Options struct {
	// Addr is the address to listen on; empty means a free loopback port.
	Addr string
	// Now is the demo's present: the sample mail is dated relative to it.
	// Zero means time.Now().
	Now time.Time
	// Debug, when set, receives a copy of every byte the server reads and
	// writes, credentials included (tests use it to see a client's IDLE).
	Debug io.Writer
}

// Server is a running demo server with the sample mailbox loaded.
type Server struct {
	srv      *memserver.Server
	smtp     *smtpmem.Server
	messages []mailgen.Message
}

// Start starts an in-process IMAP server on loopback, with the user
// demo/demo and the sample mailbox of mailgen.Demo(now).
func Start(opts Options) (*Server, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	srv, err := memserver.New(memserver.Options{
		Addr:         opts.Addr,
		Users:        map[string]string{User: Password},
		InsecureAuth: true,
		Debug:        opts.Debug,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: start the server: %w", err)
	}
	s := &Server{srv: srv, messages: mailgen.Demo(now)}
	if err := mailgen.Load(srv, User, s.messages); err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	for _, f := range Folders {
		if err := srv.CreateMailbox(User, f); err != nil {
			srv.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	if err := s.startSMTP(opts.Addr); err != nil {
		srv.Close()
		return nil, err
	}
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.srv.Addr() }

// Messages returns the sample messages the server was filled with.
func (s *Server) Messages() []mailgen.Message { return slices.Clone(s.messages) }

// URL is the account URL of the demo account, the value of
// MAILSCRIPT_ACCOUNT: plain IMAP (tls=none, acceptable on loopback only)
// and create=true, so that rules create the folders they move mail to.
func (s *Server) URL() string {
	u := url.URL{
		Scheme:   "imap",
		User:     url.UserPassword(User, Password),
		Host:     s.Addr(),
		RawQuery: "tls=none&create=true",
	}
	return u.String()
}

// LookupEnv is os.LookupEnv with MAILSCRIPT_ACCOUNT set to URL, for
// engine.WithEnv. Scripts written with the imaplib module, as translated
// from Python, take the server from IMAP_HOST, IMAP_PORT, IMAP_USER and
// IMAP_PASSWORD instead (the convention of the examples), which it sets
// too.
func (s *Server) LookupEnv(name string) (string, bool) {
	host, port, _ := net.SplitHostPort(s.Addr())
	switch name {
	case AccountEnv:
		return s.URL(), true
	case "IMAP_HOST":
		return host, true
	case "IMAP_PORT":
		return port, true
	case "IMAP_USER":
		return User, true
	case "IMAP_PASSWORD":
		return Password, true
	}
	if v, ok := s.smtpEnv(name); ok {
		return v, true
	}
	return os.LookupEnv(name)
}

// Close stops the server (and its SMTP server).
func (s *Server) Close() error {
	s.smtp.Close()
	return s.srv.Close()
}

// Count is one mailbox's numbers.
type Count struct {
	Mailbox  string
	Messages int
	Unseen   int
	Flagged  int
}

// Counts logs in with the Go imaplib client and returns the count of
// every mailbox, sorted by name with INBOX first.
func (s *Server) Counts(ctx context.Context) ([]Count, error) {
	m, err := s.login(ctx)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	entries, err := m.ListStatus("", "*", "MESSAGES", "UNSEEN")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var counts []Count
	for _, e := range entries {
		if e.Status == nil || e.Status.Messages == nil || e.Status.Unseen == nil {
			continue
		}
		name, _ := e.DisplayName() // as sent when it is not modified UTF-7
		c := Count{Mailbox: name, Messages: int(*e.Status.Messages), Unseen: int(*e.Status.Unseen)}
		if c.Messages > 0 {
			if _, err := m.SelectMailbox(name, true); err != nil {
				return nil, fmt.Errorf("demo: %w", err)
			}
			flagged, err := m.SearchMessages("FLAGGED")
			if err != nil {
				return nil, fmt.Errorf("demo: %w", err)
			}
			c.Flagged = flagged.Len()
		}
		counts = append(counts, c)
	}
	m.Logout()
	slices.SortFunc(counts, func(a, b Count) int {
		switch {
		case a.Mailbox == b.Mailbox:
			return 0
		case a.Mailbox == "INBOX":
			return -1
		case b.Mailbox == "INBOX":
			return 1
		case a.Mailbox < b.Mailbox:
			return -1
		}
		return 1
	})
	return counts, nil
}

// login connects to the server with the Go imaplib client and logs in.
func (s *Server) login(ctx context.Context) (*imaplib.IMAP4, error) {
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("demo: port %q: %w", port, err)
	}
	m, err := imaplib.Dial(host, p, &imaplib.Options{Context: ctx, Timeout: 30 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if _, _, err := m.Login(User, Password); err != nil {
		m.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return m, nil
}

// Stored is one message as the server holds it.
type Stored struct {
	UID       uint32
	MessageID string
	Subject   string   // as in the envelope: encoded words not decoded
	Flags     []string // sorted
}

// Contents returns every mailbox with its messages in UID order, read
// through a separate connection: what a test checks a rule against.
func (s *Server) Contents(ctx context.Context) (map[string][]Stored, error) {
	m, err := s.login(ctx)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	entries, err := m.ListMailboxes("", "*")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	out := map[string][]Stored{}
	for _, e := range entries {
		name, _ := e.DisplayName()
		info, err := m.SelectMailbox(name, true)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		out[name] = []Stored{}
		if info.Exists == 0 {
			continue
		}
		fd, err := m.UIDFetch(all, "(UID FLAGS ENVELOPE)")
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		for _, f := range fd {
			st := Stored{UID: f.UID, Flags: slices.Sorted(slices.Values(f.Flags))}
			if f.Envelope != nil {
				st.MessageID, st.Subject = f.Envelope.MessageID, f.Envelope.Subject
			}
			out[name] = append(out[name], st)
		}
		slices.SortFunc(out[name], func(a, b Stored) int { return cmp.Compare(a.UID, b.UID) })
	}
	m.Logout()
	return out, nil
}
