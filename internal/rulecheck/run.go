package rulecheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
)

// The account of the test server.
const (
	user     = "test"
	password = "test"
)

// Server is an in-process IMAP server holding the fixtures.
type Server struct {
	srv *memserver.Server
}

// Start starts a server on a free loopback port and loads the fixtures
// into it.
func Start(fx *Fixtures) (*Server, error) {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{user: password}, InsecureAuth: true})
	if err != nil {
		return nil, fmt.Errorf("rulecheck: start the server: %w", err)
	}
	for _, b := range fx.Mailboxes {
		if strings.EqualFold(b, "INBOX") {
			continue
		}
		if err := srv.CreateMailbox(user, b); err != nil {
			srv.Close()
			return nil, fmt.Errorf("rulecheck: %w", err)
		}
	}
	for _, m := range fx.Messages {
		if _, err := srv.Append(user, m.Mailbox, m.Raw, m.Flags, m.Date); err != nil {
			srv.Close()
			return nil, fmt.Errorf("rulecheck: load %s: %w", m.Name, err)
		}
	}
	return &Server{srv: srv}, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// URL is the account URL of the server's account, for MAILSCRIPT_ACCOUNT:
// plain IMAP on loopback, folders created on demand.
func (s *Server) URL() string {
	u := url.URL{Scheme: "imap", User: url.UserPassword(user, password), Host: s.srv.Addr(), RawQuery: "tls=none&create=true"}
	return u.String()
}

// Place is where a message is: a mailbox and its flags.
type Place struct {
	Mailbox string
	Flags   []string // sorted, without \Recent
}

func (p Place) String() string { return describe(p.Mailbox, p.Flags) }

// Snapshot is where every message of the server is, by content.
type Snapshot map[key][]Place

// Snapshot reads every mailbox through a connection of its own.
func (s *Server) Snapshot(ctx context.Context) (Snapshot, error) {
	host, port, _ := net.SplitHostPort(s.srv.Addr())
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Context: ctx, Timeout: 30 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("rulecheck: %w", err)
	}
	defer m.Close()
	if _, _, err := m.Login(user, password); err != nil {
		return nil, fmt.Errorf("rulecheck: %w", err)
	}
	snap, err := ReadAll(m)
	if err != nil {
		return nil, err
	}
	m.Logout()
	return snap, nil
}

// ReadAll reads, through m, the place of every message in every mailbox,
// selecting them read-only.
func ReadAll(m *imaplib.IMAP4) (Snapshot, error) {
	snap := Snapshot{}
	err := eachMessage(m, "", "(UID FLAGS BODY.PEEK[])", func(box string, f *imaplib.FetchData) error {
		body := f.Section("BODY[]")
		if body == nil {
			return fmt.Errorf("rulecheck: %s UID %d: the server sent no BODY[]", box, f.UID)
		}
		k := keyOf(body.Data)
		snap[k] = append(snap[k], Place{Mailbox: box, Flags: normFlags(f.Flags)})
		return nil
	})
	return snap, err
}

// eachMessage fetches items of every message of every mailbox (or of the
// one named), selected read-only, and calls fn for each.
func eachMessage(m *imaplib.IMAP4, only, items string, fn func(box string, f *imaplib.FetchData) error) error {
	entries, err := m.ListMailboxes("", "*")
	if err != nil {
		return fmt.Errorf("rulecheck: %w", err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	for _, e := range entries {
		if slices.ContainsFunc(e.Attrs, func(a string) bool { return strings.EqualFold(a, `\Noselect`) || strings.EqualFold(a, `\NonExistent`) }) {
			continue
		}
		box, _ := e.DisplayName()
		if only != "" && box != only {
			continue
		}
		info, err := m.SelectMailbox(box, true)
		if err != nil {
			return fmt.Errorf("rulecheck: %w", err)
		}
		if info.Exists == 0 {
			continue
		}
		fd, err := m.UIDFetch(all, items)
		if err != nil {
			return fmt.Errorf("rulecheck: %s: %w", box, err)
		}
		slices.SortFunc(fd, func(a, b *imaplib.FetchData) int { return cmp.Compare(a.UID, b.UID) })
		for i := range fd {
			if err := fn(box, fd[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Rule is a rule file to run.
type Rule struct {
	// Name is how reports show it, such as "scripts/10-junk.lua".
	Name string
	// Path is the file to run.
	Path string
}

// RunFunc runs one rule against the account whose URL is given; the
// error is the rule's failure.
type RunFunc func(ctx context.Context, r Rule, accountURL string) (output string, err error)

// Outcome is what happened to one fixture.
type Outcome struct {
	Fixture *Fixture
	Expect  Expectation
	// Got are the places the message is in at the end: none when it is
	// gone, several when it was copied.
	Got []Place
	// ActedBy are the rules after which the message's places changed, in
	// the order they ran.
	ActedBy []string
}

// Passed reports whether the outcome is the expected one.
func (o *Outcome) Passed() bool {
	if o.Expect.Mailbox == Gone {
		return len(o.Got) == 0
	}
	if len(o.Got) != 1 || o.Got[0].Mailbox != o.Expect.Mailbox {
		return false
	}
	return o.Expect.Flags == nil || equalFlags(o.Got[0].Flags, o.Expect.Flags)
}

// RuleRun is the result of one rule.
type RuleRun struct {
	Rule   Rule
	Output string
	Err    error
}

// Result is the outcome of Run.
type Result struct {
	Outcomes []Outcome // in fixture name order
	Rules    []RuleRun
	// New are the messages the rules added that are no fixture (a sent
	// copy, a message built by a rule), by mailbox.
	New []Place
	// Explain, when set, tells Write what to show under the line of a
	// message that failed: why the rules did what they did to it.
	Explain func(o *Outcome) string
}

// Failed counts the outcomes that are not the expected ones.
func (r *Result) Failed() int {
	n := 0
	for i := range r.Outcomes {
		if !r.Outcomes[i].Passed() {
			n++
		}
	}
	return n
}

// RulesFailed counts the rules that ended with an error.
func (r *Result) RulesFailed() int {
	n := 0
	for _, rr := range r.Rules {
		if rr.Err != nil {
			n++
		}
	}
	return n
}

// Run loads the fixtures into a fresh server, runs the rules one after the
// other in the order given through run, and compares where every fixture
// ends up with expect. A rule that fails does not stop the others; its
// error is in the result.
func Run(ctx context.Context, fx *Fixtures, expect map[string]Expectation, rules []Rule, run RunFunc) (*Result, error) {
	if run == nil {
		return nil, errors.New("rulecheck: Run needs a RunFunc")
	}
	srv, err := Start(fx)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	prev, err := srv.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	acted := map[key][]string{}
	for _, r := range rules {
		out, rerr := run(ctx, r, srv.URL())
		res.Rules = append(res.Rules, RuleRun{Rule: r, Output: out, Err: rerr})
		if ctx.Err() != nil {
			return nil, fmt.Errorf("rulecheck: %w", ctx.Err())
		}
		snap, err := srv.Snapshot(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range fx.Messages {
			k := keyOf(m.Raw)
			if !slices.EqualFunc(prev[k], snap[k], samePlace) {
				acted[k] = append(acted[k], r.Name)
			}
		}
		prev = snap
	}
	known := map[key]bool{}
	for i := range fx.Messages {
		m := &fx.Messages[i]
		k := keyOf(m.Raw)
		known[k] = true
		res.Outcomes = append(res.Outcomes, Outcome{Fixture: m, Expect: expect[m.Name], Got: prev[k], ActedBy: acted[k]})
	}
	for k, places := range prev {
		if !known[k] {
			res.New = append(res.New, places...)
		}
	}
	slices.SortFunc(res.New, func(a, b Place) int { return strings.Compare(a.String(), b.String()) })
	return res, nil
}

func samePlace(a, b Place) bool { return a.Mailbox == b.Mailbox && equalFlags(a.Flags, b.Flags) }
