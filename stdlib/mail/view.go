package mail

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// Views: a connection's picture of its selected mailbox.
//
// Many servers (Courier-IMAP among them) tell a session about messages
// that arrived since it selected the mailbox only at NOOP, CHECK, IDLE or
// SELECT; until then FETCH, STORE, COPY, MOVE and SEARCH do not see them
// (Dovecot, too, answers a UID FETCH of UIDs it has not announced with no
// data). A set found through another connection (a trigger's, or a
// second account value's), or appended through this one, may name such
// messages. So before a set is read or acted on, its highest UID is
// compared with what the connection has seen (the UIDNEXT of its SELECT,
// raised by each NOOP to what the sets asked for); above it, a NOOP brings
// the view up to date. A search of a whole mailbox that was selected
// earlier starts with a NOOP too, so that it finds what arrived since.

// topUID returns the highest number of a UID set (0 when empty, Star when
// it holds "*").
func topUID(s imaplib.SeqSet) uint32 {
	str := s.String()
	if str == "" {
		return 0
	}
	if i := strings.LastIndexAny(str, ",:"); i >= 0 {
		str = str[i+1:]
	}
	if str == "*" {
		return imaplib.Star
	}
	n, _ := strconv.ParseUint(str, 10, 32)
	return uint32(n)
}

// sync sends NOOP, so that the server reports what changed in the
// selected mailbox and includes it in the connection's view.
func (a *Account) sync(m *imaplib.IMAP4) error {
	if _, _, err := m.Noop(); err != nil {
		return fmt.Errorf("mail: %s: noop: %w", a.Name(), a.check(err))
	}
	a.Syncs++
	return nil
}

// cover makes sure the connection's view of the selected mailbox includes
// every UID up to top.
func (a *Account) cover(m *imaplib.IMAP4, top uint32) error {
	if top == 0 || (top != imaplib.Star && top < a.viewNext) {
		return nil
	}
	if err := a.sync(m); err != nil {
		return err
	}
	if top != imaplib.Star && top >= a.viewNext {
		a.viewNext = top + 1
	}
	return nil
}

// selectCurrent selects name, or when it was selected already, brings
// the view up to date with NOOP: for a search of the whole mailbox.
func (a *Account) selectCurrent(name string, readOnly bool) (*imaplib.IMAP4, uint32, error) {
	before := a.selects
	m, v, err := a.selectBox(name, readOnly)
	if err != nil {
		return nil, 0, err
	}
	if a.selects == before {
		if err := a.sync(m); err != nil {
			return nil, 0, err
		}
	}
	return m, v, nil
}

// A mailbox replaced under a connection.
//
// When a mailbox is deleted and created again (or its index rebuilt), its
// UIDVALIDITY changes. A server may keep, per session, state of the
// mailbox it opened: Dovecot keeps a closed mailbox's index open in the
// session's process for a few seconds for reuse, and a session that
// selects the new mailbox of the same name through it can get a view that
// never grows (NOOP reports nothing, STORE confirms nothing) and can
// damage the new mailbox's index for other sessions. So a connection that
// selected a mailbox under one UIDVALIDITY is not asked about it under
// another: it is dropped, and the mailbox is selected on a new one. That
// happens when a set names a UIDVALIDITY other than the one the
// connection selected (part.open), or when the connection selects the
// mailbox again and finds another one (selectBox).

// replaceConn drops the connection, on which name was selected under the
// UIDVALIDITY was, before the mailbox is selected again under now.
func (a *Account) replaceConn(name string, was, now uint32) {
	a.logger().Info("mail: mailbox replaced since this connection selected it; connecting again",
		"account", a.Name(), "mailbox", name, "old_uidvalidity", was, "new_uidvalidity", now)
	a.drop()
}

// reselectFresh selects name on a new connection, this one having found
// it under another UIDVALIDITY than before.
func (a *Account) reselectFresh(name string, readOnly bool, was, now uint32) (*imaplib.IMAP4, uint32, error) {
	a.replaceConn(name, was, now)
	return a.selectBox(name, readOnly)
}

// connFailure reports whether err is a failure of the connection or the
// server (an abort: EOF, BYE, a timeout, a cut; a failed connect or an
// unavailable server) rather than a refusal or a mistake.
func connFailure(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, imaplib.ErrAbort) || errors.Is(err, errConnect) {
		return true
	}
	var le *LoginError
	if errors.As(err, &le) && !errors.Is(err, ErrLoginRefused) {
		return true
	}
	return false
}

// errConnect marks a connection that could not be made.
var errConnect = errors.New("mail: cannot connect")

// connectError is a failed dial; it matches errConnect.
type connectError struct{ err error }

func (e connectError) Error() string        { return e.err.Error() }
func (e connectError) Unwrap() error        { return e.err }
func (e connectError) Is(target error) bool { return target == errConnect }

// retryRead runs f, an idempotent step (select, search, fetch, status);
// when the connection failed, it runs f once more on a new connection.
func (a *Account) retryRead(what string, f func() error) error {
	err := f()
	if err == nil || !errors.Is(err, imaplib.ErrAbort) || a.ctx().Err() != nil {
		return err
	}
	a.drop()
	a.logger().Warn("mail: connection lost; connecting again", "account", a.Name(), "step", what, "err", err.Error())
	return f()
}

// awaitReconnect waits, after connects that failed, as a trigger does
// before it reconnects: doubling from the host's BackoffMin to its
// BackoffMax, with jitter. The first connect, and the first after a
// connection was lost, do not wait.
func (a *Account) awaitReconnect() error {
	if a.failed == 0 {
		return nil
	}
	d := time.Until(a.retryAt)
	if d <= 0 {
		return nil
	}
	a.logger().Info("mail: waiting before connecting again", "account", a.Name(), "wait", d.Round(time.Millisecond), "failed", a.failed)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-a.ctx().Done():
		return fmt.Errorf("mail: %s: connect: %w", a.Name(), a.ctx().Err())
	case <-t.C:
		return nil
	}
}

// noteConnect records the outcome of a connect for awaitReconnect.
func (a *Account) noteConnect(err error) {
	if err == nil || errors.Is(err, ErrLoginRefused) {
		a.failed = 0
		return
	}
	tun := a.h.Tuning.WithDefaults()
	bo := backoff{min: tun.BackoffMin, max: tun.BackoffMax, attempt: a.failed}
	a.retryAt = time.Now().Add(bo.next())
	a.failed++
}

// validities holds the UIDVALIDITY each mailbox was last selected with by
// any connection of the process, a rule's or a watcher's. Dovecot may go
// on serving a session the mailbox it had selected after another session
// deleted it and created a new one of the same name (the old index stays
// open in that session's process): a set of the old mailbox was then read
// there as if nothing had happened. A connection whose selection is older
// than what another one saw since is replaced before a set is read on it.
var validities = struct {
	sync.Mutex
	m map[string]uint32
}{m: map[string]uint32{}}

func validityKey(c *Config, mailbox string) string { return c.poolKey() + "\x00" + mailbox }

// sawValidity records that mailbox was just selected under v.
func sawValidity(c *Config, mailbox string, v uint32) {
	validities.Lock()
	validities.m[validityKey(c, mailbox)] = v
	validities.Unlock()
}

// lastValidity returns the UIDVALIDITY mailbox was last selected with.
func lastValidity(c *Config, mailbox string) (uint32, bool) {
	validities.Lock()
	defer validities.Unlock()
	v, ok := validities.m[validityKey(c, mailbox)]
	return v, ok
}
