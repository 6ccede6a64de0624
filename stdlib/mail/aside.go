package mail

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/mailscript/mailscript/imaplib"
)

// ErrNoAside is what the wait function of aside reports when the pool
// connection did no work: the server refused it, its mailbox changed, or
// the job stepped aside.
var ErrNoAside = errors.New("mail: no pool connection did the work")

// aside runs job on a connection of the account's scan pool (the pool of
// scan.go), in a goroutine of its own, so that the server works on it in
// another process while the caller goes on with the account's own
// connection. job gets the pool connection with mailbox examined
// (read-only), and runs only if the mailbox's UIDVALIDITY there is
// validity.
//
// It returns nil, and runs nothing, when the account's budget leaves no
// connection for the pool (scan_connections or connections of 1), or
// when the pool lends none (all busy, or off after the server refused
// one). Whether the work is worth a second connection (its size, the
// link's round trip) is the caller's to judge. Otherwise it returns a
// function that waits for job and reports its error, or ErrNoAside when
// the connection could not be opened or the mailbox differed.
//
// Opening a pool connection takes a login and a SELECT; a caller that
// would rather not wait for them lets job check, before it starts, that
// its work is still to be done (Halves does). job must not change the
// mailbox: the connection is read-only, and \Recent belongs to the
// account's own session.
func (a *Account) aside(mailbox string, validity uint32, job func(*imaplib.IMAP4) error) (wait func() error) {
	if a.cfg.scanConnections() < 2 {
		return nil
	}
	pool := poolOf(&a.cfg)
	conns, permits := pool.take(1, a.cfg.scanConnections()-1)
	if len(conns)+permits == 0 {
		return nil
	}
	done := make(chan error, 1)
	ctx := a.ctx()
	work := func(c *poolConn) error {
		stop := context.AfterFunc(ctx, func() { c.m.Close() })
		err := a.asideJob(c, mailbox, validity, job)
		// A refusal (NO, BAD) leaves the connection usable; a broken
		// one is closed.
		pool.give(c, stop() && !errors.Is(err, imaplib.ErrAbort))
		return err
	}
	if len(conns) == 1 {
		go func() { done <- work(conns[0]) }()
	} else {
		go func() {
			secret, oauth, err := a.secret()
			if err != nil {
				pool.failed(false)
				done <- errors.Join(ErrNoAside, err)
				return
			}
			c, err := a.openPoolConn(secret, oauth)
			if err != nil {
				if pool.failed(true) {
					a.logger().Info("mail: scan pool: the server refused another connection; working with fewer for a while", "account", a.Name(), "err", err.Error())
				}
				done <- errors.Join(ErrNoAside, err)
				return
			}
			done <- work(c)
		}()
	}
	return func() error { return <-done }
}

// asideJob examines mailbox on c and runs job there.
func (a *Account) asideJob(c *poolConn, mailbox string, validity uint32, job func(*imaplib.IMAP4) error) error {
	v, err := c.examine(mailbox)
	if err != nil {
		return errors.Join(ErrNoAside, err)
	}
	if v != validity {
		return errors.Join(ErrNoAside, errValidity)
	}
	return job(c.m)
}

// HalvesOptions tune Halves.
type HalvesOptions struct {
	// What names the work in the log ("search", "fetch").
	What string
	// Wait makes the account's connection wait for the pool connection to
	// do the second half even when it is not ready by the time the first
	// half is done, for a caller that must know which connection did it
	// (tests). Otherwise the account's connection goes on with it.
	Wait bool
}

// Halves does a piece of read-only work in two halves at once: first on
// m, the account's connection with mailbox selected at UIDVALIDITY
// validity, and second on a connection of the account's scan pool (see
// aside), unless the pool lends none or the account's connection is done
// with first before the pool connection is ready; then second runs on m
// after first. When second fails on the pool connection (a refusal, a
// cut), it runs again on m, so it must set its results, not add to them.
// An error of first is returned at once, and the results of second are
// then not to be used. The answer must not depend on the session: the
// pool connection sees the same mailbox, but not this session's \Recent
// or sequence numbers.
func (a *Account) Halves(m *imaplib.IMAP4, mailbox string, validity uint32, o HalvesOptions, first, second func(*imaplib.IMAP4) error) error {
	var claimed atomic.Bool
	wait := a.aside(mailbox, validity, func(h *imaplib.IMAP4) error {
		if !claimed.CompareAndSwap(false, true) {
			return ErrNoAside
		}
		return second(h)
	})
	if err := first(m); err != nil {
		if wait != nil && !claimed.CompareAndSwap(false, true) {
			wait() // let it end before its results are dropped
		}
		return err
	}
	if wait == nil || !o.Wait && claimed.CompareAndSwap(false, true) {
		// The pool connection was not ready: it is quicker to go on here.
		return second(m)
	}
	if err := wait(); err != nil {
		a.logger().Debug("mail: the second half of a "+o.What+" is done on the account's connection", "account", a.Name(), "mailbox", mailbox, "err", err.Error())
		return second(m)
	}
	a.logger().Debug("mail: half of a "+o.What+" was done on a pool connection", "account", a.Name(), "mailbox", mailbox)
	return nil
}
