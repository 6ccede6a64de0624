package mail

import (
	"context"
	"errors"

	"github.com/mailscript/mailscript/imaplib"
)

// ErrNoAside is what the wait function of Aside reports when the pool
// connection did no work: the server refused it, its mailbox changed, or
// the job stepped aside.
var ErrNoAside = errors.New("mail: no pool connection did the work")

// Aside runs job on a connection of the account's scan pool (the pool of
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
// link's round trip) is the caller's to judge. Otherwise it returns a function that waits for job and
// reports its error, or ErrNoAside when the connection could not be
// opened or the mailbox differed.
//
// Opening a pool connection takes a login and a SELECT; a caller that
// would rather not wait for them lets job check, before it starts, that
// its work is still to be done (see stdlib/imapfilter's searches).
// job must not change the mailbox: the connection is read-only, and
// \Recent belongs to the account's own session.
func (a *Account) Aside(mailbox string, validity uint32, job func(*imaplib.IMAP4) error) (wait func() error) {
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
