package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/acctlock"
	"github.com/mailscript/mailscript/internal/connwatch"
)

// An Account is one IMAP account: a configuration and, once used, one
// connection. It connects on first use and, when the connection was lost,
// connects and logs in again on the next call (the call that saw the loss
// fails). An Account is not safe for concurrent use.
type Account struct {
	cfg Config
	h   *host.Host
	dry func() bool

	m        *imaplib.IMAP4
	release  func()
	password string
	havePass bool

	selected   string // mailbox selected on m, "" for none
	selectedRO bool
	validity   uint32
	viewNext   uint32 // UIDs below it are in m's view of selected (view.go)
	exists     uint32 // messages in selected when it was selected (searchsplit.go)
	selects    int    // SELECT and EXAMINE commands sent
	// opened is the UIDVALIDITY each mailbox had when this connection
	// selected it (view.go: a mailbox replaced under a connection).
	opened map[string]uint32

	journal map[string][]byte // records of moves in progress, without a state store
	failed  int               // connects failed in a row (view.go)
	retryAt time.Time         // no connect before then

	// Syncs counts the NOOPs sent to bring a view up to date.
	Syncs int

	// Logins counts the logins made, the first one included (for tests
	// of reconnection and for diagnostics).
	Logins int
}

// NewAccount checks cfg and returns an account that connects on first use,
// in the environment h (its context, logger, permissions and dry-run flag;
// nil means a restrictive default).
func NewAccount(cfg Config, h *host.Host) (*Account, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if h == nil {
		h = &host.Host{Context: context.Background(), Logger: slog.New(slog.DiscardHandler)}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = h.Tuning.CommandTimeout // the daemon's deadline, when set
	}
	return &Account{cfg: cfg, h: h}, nil
}

// SetDryRun adds a dry-run switch read before every action (the Lua
// module's mail.dry_run); the host's DryRun flag applies as well.
func (a *Account) SetDryRun(f func() bool) { a.dry = f }

// DryRun reports whether actions only log what they would do.
func (a *Account) DryRun() bool {
	return a.h.DryRun || (a.dry != nil && a.dry())
}

// Name returns user@host.
func (a *Account) Name() string { return a.cfg.name() }

// Create reports whether missing destination mailboxes are created.
func (a *Account) Create() bool { return a.cfg.Create }

func (a *Account) ctx() context.Context {
	if a.h.Context != nil {
		return a.h.Context
	}
	return context.Background()
}

func (a *Account) logger() *slog.Logger {
	if a.h.Logger != nil {
		return a.h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Conn returns the account's connection, connecting and logging in first
// when there is none. Callers that use it directly must not change the
// selected mailbox behind the account's back (or call Unselected after).
func (a *Account) Conn() (*imaplib.IMAP4, error) {
	if err := acctlock.Acquire(a.ctx(), a.Name()); err != nil {
		return nil, fmt.Errorf("mail: %s: %w", a.Name(), err)
	}
	if a.m != nil {
		return a.m, nil
	}
	if err := a.awaitReconnect(); err != nil {
		return nil, err
	}
	m, err := a.connect()
	a.noteConnect(err)
	if err != nil {
		return nil, err
	}
	a.m = m
	a.release = a.h.Track(logoutCloser{m})
	a.selected = ""
	a.Logins++
	return m, nil
}

// Unselected tells the account that the connection's selected mailbox was
// changed by someone else.
func (a *Account) Unselected() { a.selected = "" }

// drop forgets a broken connection so that the next call connects again.
func (a *Account) drop() {
	if a.m == nil {
		return
	}
	a.m.Close()
	if a.release != nil {
		a.release()
	}
	a.m, a.release, a.selected, a.opened = nil, nil, "", nil
}

// check drops the connection after an abort (EOF, BYE, timeout...), so the
// next call reconnects, and returns err.
func (a *Account) check(err error) error {
	if err != nil && errors.Is(err, imaplib.ErrAbort) {
		a.drop()
	}
	return err
}

// Close logs out and closes the connection, if any. The account stays
// usable: a later call connects again.
func (a *Account) Close() error {
	if a.m == nil {
		return nil
	}
	m := a.m
	_, _, err := m.Logout()
	a.drop()
	if err != nil && !errors.Is(err, imaplib.ErrAbort) {
		return fmt.Errorf("mail: %s: logout: %w", a.Name(), err)
	}
	return nil
}

func (a *Account) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{ServerName: a.cfg.Host, InsecureSkipVerify: a.cfg.Insecure}
	if a.cfg.VerifyConnection != nil {
		// crypto/tls skips only its own check: the caller's decides.
		cfg.InsecureSkipVerify, cfg.VerifyConnection = true, a.cfg.VerifyConnection
		return cfg, nil
	}
	if a.cfg.CAFile != "" {
		if err := a.h.CheckRead(a.cfg.CAFile); err != nil {
			return nil, fmt.Errorf("mail: %s: ca_file: %w", a.Name(), err)
		}
		pem, err := os.ReadFile(a.cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mail: %s: ca_file: %w", a.Name(), err)
		}
		own := x509.NewCertPool()
		if !own.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mail: %s: ca_file %s holds no PEM certificate", a.Name(), a.cfg.CAFile)
		}
		if !cfg.InsecureSkipVerify {
			// crypto/tls skips only its own check: verifyWith checks.
			cfg.InsecureSkipVerify = true
			cfg.VerifyConnection = verifyWith(own)
		}
	}
	return cfg, nil
}

// verifyWith checks a server's certificate chain and name against the
// roots of ca_file and the system's (VerifyChain).
func verifyWith(own *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the server sent no certificate")
		}
		if err := VerifyChain(cs.PeerCertificates, own, cs.ServerName, time.Time{}); err != nil {
			// The error crypto/tls gives when it checks.
			return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
		}
		return nil
	}
}

// VerifyChain checks a server's certificate chain (the leaf first) against
// the roots of own and the system's, as crypto/tls would with both in
// RootCAs, with name as the server's name ("" checks no name) at the time
// at (now when zero). It loads the system's roots only when own (which may
// be nil) does not vouch for the chain: parsing them costs every run that
// connects 20-35 ms of CPU, and a server trusted through own never needs
// them.
func VerifyChain(certs []*x509.Certificate, own *x509.CertPool, name string, at time.Time) error {
	if len(certs) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	opts := x509.VerifyOptions{DNSName: name, Roots: own, Intermediates: x509.NewCertPool(), CurrentTime: at}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	if own != nil {
		_, err := certs[0].Verify(opts)
		var unknown x509.UnknownAuthorityError
		if err == nil || !errors.As(err, &unknown) {
			return err
		}
		// A chain ends at one root: trusted by own or the system's, it
		// verifies against that pool alone.
		opts.Roots = nil
	}
	_, err := certs[0].Verify(opts)
	return err
}

func (a *Account) connect() (*imaplib.IMAP4, error) {
	secret, oauth, err := a.secret()
	if err != nil {
		return nil, err
	}
	m, err := a.dialIMAP(a.ctx())
	if err != nil {
		return nil, err
	}
	if oauth {
		err = a.loginOAuth2(m, secret)
	} else {
		_, _, err = m.Login(a.cfg.User, secret)
	}
	if err != nil {
		m.Close()
		return nil, &LoginError{Account: a.Name(), Err: err}
	}
	return m, nil
}

// dialIMAP opens a connection to the account's server (TLS as
// configured), not yet logged in; ctx bounds its life.
func (a *Account) dialIMAP(ctx context.Context) (*imaplib.IMAP4, error) {
	tcfg, err := a.tlsConfig()
	if err != nil {
		return nil, err
	}
	dial := a.cfg.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: a.cfg.timeout()}
		dial = d.DialContext
	}
	nc, err := dial(ctx, "tcp", a.cfg.addr())
	if err != nil {
		return nil, fmt.Errorf("mail: %s: connect: %w", a.Name(), connectError{err})
	}
	nc = connwatch.Wrap(ctx, nc) // counted and timed when the engine asks
	opts := &imaplib.Options{Timeout: a.cfg.timeout(), Context: ctx, Debug: a.h.Debug, TLSConfig: tcfg, GreetingCapabilities: true}
	var m *imaplib.IMAP4
	switch a.cfg.tlsMode() {
	case TLSImplicit:
		tc := tls.Client(nc, tcfg)
		hctx, cancel := context.WithTimeout(ctx, a.cfg.timeout())
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("mail: %s: TLS: %w", a.Name(), err)
		}
		m, err = imaplib.New(tc, opts)
	case TLSStartTLS:
		m, err = imaplib.New(nc, opts)
		if err == nil {
			err = startTLS(m, tcfg)
		}
	default:
		m, err = imaplib.New(nc, opts)
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("mail: %s: %w", a.Name(), err)
	}
	host, port, _ := net.SplitHostPort(a.cfg.addr())
	m.Host = host
	fmt.Sscan(port, &m.Port)
	return m, nil
}

// ErrLoginRefused matches (errors.Is) a LoginError where the server
// refused the credentials, as opposed to a connection that failed or a
// server that is temporarily unavailable.
var ErrLoginRefused = errors.New("mail: login refused")

// LoginError is the error of a failed login.
type LoginError struct {
	Account string
	Err     error
}

// Error returns "mail: ACCOUNT: login: ERR".
func (e *LoginError) Error() string { return fmt.Sprintf("mail: %s: login: %v", e.Account, e.Err) }

// Unwrap returns the imaplib error.
func (e *LoginError) Unwrap() error { return e.Err }

// Is reports whether target is ErrLoginRefused and the server said NO to
// the credentials (not [UNAVAILABLE], a temporary failure).
func (e *LoginError) Is(target error) bool {
	return target == ErrLoginRefused && errors.Is(e.Err, imaplib.ErrError) && !errors.Is(e.Err, imaplib.ErrAbort) &&
		!strings.Contains(e.Err.Error(), "[UNAVAILABLE]")
}

// secret returns the password, or the OAuth2 token (oauth true).
func (a *Account) secret() (s string, oauth bool, err error) {
	c := &a.cfg
	if c.OAuth2 != nil {
		if c.OAuth2.Name != "" {
			tok, err := a.storedToken()
			return tok, true, err
		}
		if c.OAuth2.Token != "" {
			return c.OAuth2.Token, true, nil
		}
		tok, err := a.runSecret("token_cmd", c.OAuth2.TokenCmd)
		return tok, true, err
	}
	if a.havePass {
		return a.password, false, nil
	}
	switch {
	case c.Password != "":
		s = c.Password
	case c.PasswordCmd != "":
		if s, err = a.runSecret("password_cmd", c.PasswordCmd); err != nil {
			return "", false, err
		}
	case c.PasswordEnvVar != "":
		v, ok := a.h.Getenv(c.PasswordEnvVar)
		if !ok {
			return "", false, fmt.Errorf("mail: %s: password_env: the environment variable %s is not set", a.Name(), c.PasswordEnvVar)
		}
		s = v
	default:
		v, ok := a.h.Getenv(PasswordEnv)
		if !ok {
			return "", false, fmt.Errorf("mail: %s: no password: give password, password_cmd, password_env or oauth2, or set %s", a.Name(), PasswordEnv)
		}
		s = v
	}
	a.password, a.havePass = s, true
	return s, false, nil
}

// runSecret runs a password_cmd or token_cmd with the shell and returns the
// first line of its output.
func (a *Account) runSecret(what, cmdline string) (string, error) {
	if err := a.h.CheckRun(fmt.Sprintf("running the %s of %s", what, a.Name())); err != nil {
		return "", fmt.Errorf("mail: %s: %w", a.Name(), err)
	}
	ctx, cancel := context.WithTimeout(a.ctx(), a.cfg.timeout())
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", cmdline)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return "", fmt.Errorf("mail: %s: %s failed: %w: %s", a.Name(), what, err, msg)
		}
		return "", fmt.Errorf("mail: %s: %s failed: %w", a.Name(), what, err)
	}
	line, _, _ := bufio.NewReader(bytes.NewReader(out)).ReadLine()
	s := strings.TrimRight(string(line), "\r")
	if s == "" {
		return "", fmt.Errorf("mail: %s: %s printed nothing", a.Name(), what)
	}
	return s, nil
}

// selectBox makes name the selected mailbox: read-only when readOnly and
// no writable selection of it is already there. It returns the mailbox's
// UIDVALIDITY.
func (a *Account) selectBox(name string, readOnly bool) (*imaplib.IMAP4, uint32, error) {
	m, err := a.Conn()
	if err != nil {
		return nil, 0, err
	}
	if a.isSelected(name, readOnly) {
		return m, a.validity, nil
	}
	info, err := m.SelectMailbox(name, readOnly)
	if err != nil {
		a.selected = ""
		return nil, 0, fmt.Errorf("mail: %s: select %q: %w", a.Name(), name, a.check(err))
	}
	return a.afterSelect(m, name, readOnly, info)
}

// isSelected reports whether the connection has name selected as needed:
// read-write, or either way when readOnly.
func (a *Account) isSelected(name string, readOnly bool) bool {
	return a.selected == name && (readOnly || !a.selectedRO)
}

// afterSelect records that m selected name, as info says, and returns the
// connection to use: m, or a new one when the mailbox was replaced since
// it was last selected (another UIDVALIDITY).
func (a *Account) afterSelect(m *imaplib.IMAP4, name string, readOnly bool, info *imaplib.MailboxInfo) (*imaplib.IMAP4, uint32, error) {
	a.selects++
	if was, ok := a.opened[name]; ok && was != info.UIDValidity {
		return a.reselectFresh(name, readOnly, was, info.UIDValidity)
	}
	if a.opened == nil {
		a.opened = map[string]uint32{}
	}
	a.opened[name] = info.UIDValidity
	sawValidity(&a.cfg, name, info.UIDValidity)
	a.selected, a.selectedRO, a.validity, a.viewNext, a.exists = name, info.ReadOnly, info.UIDValidity, info.UIDNext, info.Exists
	if !readOnly && info.ReadOnly {
		return nil, 0, fmt.Errorf("mail: %s: mailbox %q is read-only", a.Name(), name)
	}
	return m, a.validity, nil
}

// selectSearch is selectCurrent followed by a UID SEARCH of criteria,
// in one round trip when name must be selected: the search goes out right
// behind the SELECT (imaplib's SelectUIDSearch). It returns the
// connection, the mailbox's UIDVALIDITY and the UIDs found; its errors
// say whether the select or the search failed.
func (a *Account) selectSearch(name string, readOnly bool, criteria []any) (*imaplib.IMAP4, uint32, imaplib.SeqSet, error) {
	m, err := a.Conn()
	if err != nil {
		return nil, 0, imaplib.SeqSet{}, err
	}
	var uids imaplib.SeqSet
	var v uint32
	if a.isSelected(name, readOnly) {
		if m, v, err = a.selectCurrent(name, readOnly); err != nil {
			return nil, 0, imaplib.SeqSet{}, err
		}
		uids, err = m.UIDSearch(criteria...)
	} else {
		// Without info the SELECT failed and the error is its own; with
		// info the error is the search's, kept past afterSelect.
		info, found, ferr := m.SelectUIDSearch(name, imaplib.SelectOptions{ReadOnly: readOnly}, criteria...)
		if info == nil {
			a.selected = ""
			return nil, 0, imaplib.SeqSet{}, fmt.Errorf("mail: %s: select %q: %w", a.Name(), name, a.check(ferr))
		}
		was := m
		if m, v, err = a.afterSelect(m, name, readOnly, info); err != nil {
			return nil, 0, imaplib.SeqSet{}, err
		}
		uids, err = found, ferr
		if m != was { // selected again on a new connection: search there
			uids, err = m.UIDSearch(criteria...)
		}
	}
	if err != nil {
		return nil, 0, imaplib.SeqSet{}, fmt.Errorf("mail: %s: search %q: %w", a.Name(), name, a.check(err))
	}
	return m, v, uids, nil
}

// Mailbox returns the mailbox called name (UTF-8, "/"-separated as the
// server's hierarchy delimiter says). It does not check that it exists.
func (a *Account) Mailbox(name string) *Mailbox { return &Mailbox{acct: a, name: name} }

// Mailboxes lists the mailboxes matching pattern ("*" all, "%" one level,
// "Lists/*" below Lists).
func (a *Account) Mailboxes(pattern string) ([]imaplib.ListEntry, error) {
	m, err := a.Conn()
	if err != nil {
		return nil, err
	}
	l, err := m.ListMailboxes("", pattern)
	if err != nil {
		return nil, fmt.Errorf("mail: %s: list %q: %w", a.Name(), pattern, a.check(err))
	}
	return l, nil
}

// Special returns the mailbox carrying the special-use attribute attr
// (`\Junk`, `\Sent`, `\Trash`, `\Archive`, `\Drafts`, `\All`, `\Flagged`;
// the backslash may be left out), or nil when there is none.
func (a *Account) Special(attr string) (*Mailbox, error) {
	if !strings.HasPrefix(attr, `\`) {
		attr = `\` + attr
	}
	l, err := a.Mailboxes("*")
	if err != nil {
		return nil, err
	}
	for _, e := range l {
		if e.HasAttr(attr) && !e.HasAttr(`\Noselect`) && !e.HasAttr(`\NonExistent`) {
			return a.Mailbox(e.Name), nil
		}
	}
	return nil, nil
}

// mailboxOp runs CREATE, DELETE, RENAME, SUBSCRIBE or UNSUBSCRIBE, or logs
// it in dry-run.
func (a *Account) mailboxOp(op string, names ...string) error {
	start := time.Now()
	if a.DryRun() {
		a.logger().Info("mail: dry-run: would "+op, "account", a.Name(), "mailbox", strings.Join(names, " -> "))
		return nil
	}
	m, err := a.Conn()
	if err != nil {
		return err
	}
	if a.selected != "" {
		for _, n := range names {
			if n == a.selected {
				// Leave it before it goes away or changes its name.
				if _, _, err := m.Unselect(); err != nil {
					return fmt.Errorf("mail: %s: %w", a.Name(), a.check(err))
				}
				a.selected = ""
			}
		}
	}
	switch op {
	case "create":
		err = m.CreateMailbox(names[0])
	case "delete":
		err = m.DeleteMailbox(names[0])
	case "rename":
		err = m.RenameMailbox(names[0], names[1])
	case "subscribe":
		err = m.SubscribeMailbox(names[0])
	case "unsubscribe":
		err = m.UnsubscribeMailbox(names[0])
	}
	if err != nil {
		return fmt.Errorf("mail: %s: %s %q: %w", a.Name(), op, names[0], a.check(err))
	}
	a.logger().Info("mail: "+op, "account", a.Name(), "mailbox", strings.Join(names, " -> "), "duration", time.Since(start))
	return nil
}

// CreateMailbox creates a mailbox.
func (a *Account) CreateMailbox(name string) error { return a.mailboxOp("create", name) }

// DeleteMailbox deletes a mailbox and the messages in it.
func (a *Account) DeleteMailbox(name string) error { return a.mailboxOp("delete", name) }

// RenameMailbox renames a mailbox.
func (a *Account) RenameMailbox(from, to string) error { return a.mailboxOp("rename", from, to) }

// Subscribe subscribes to a mailbox.
func (a *Account) Subscribe(name string) error { return a.mailboxOp("subscribe", name) }

// Unsubscribe unsubscribes from a mailbox.
func (a *Account) Unsubscribe(name string) error { return a.mailboxOp("unsubscribe", name) }

// logoutCloser logs a connection out when the run ends with it open.
type logoutCloser struct{ m *imaplib.IMAP4 }

// logoutGrace bounds the wait for the server's answer to LOGOUT at the end
// of a run.
const logoutGrace = 2 * time.Second

func (c logoutCloser) Close() error { return c.m.LogoutWithin(logoutGrace) }
