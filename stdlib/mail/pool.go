package mail

import (
	"context"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// The scan pool: extra connections to an account that scans of large sets
// (scan.go) spread their batches over, so that the server works on them
// in several processes at once. There is one pool per account (server,
// port, TLS mode and user) per process, shared by every rule and script
// of the process: two rules scanning at once share its connections, and
// it never holds more than its size. A connection the pool lends is used
// by one scan at a time; back in the pool it is logged out after
// poolIdle without use.

// DefaultScanConnections is how many connections a scan of a large set
// works over by default, the account's own included.
const DefaultScanConnections = 3

// maxScanConnections bounds scan_connections.
const maxScanConnections = 16

// poolIdle is how long an unused pool connection stays open.
const poolIdle = 30 * time.Second

// poolOffFor is how long the pool stays off after the server refused one
// of its connections (too many connections, or any failed login).
const poolOffFor = 10 * time.Minute

// scanConnections returns how many connections a scan of this account may
// use, its own included: scan_connections within the account's connection
// budget (the account key connections).
func (c *Config) scanConnections() int {
	n := c.ScanConnections
	if n == 0 {
		n = DefaultScanConnections
	}
	return max(1, min(n, c.connections()))
}

// poolKey names the account's pool: the same server, port, TLS mode and
// user share one.
func (c *Config) poolKey() string { return c.tlsMode() + "://" + c.User + "@" + c.addr() }

// A scanPool holds the extra connections of one account.
type scanPool struct {
	mu   sync.Mutex
	idle []*poolConn
	open int       // connections open or being opened
	off  time.Time // no new connection before then
	// back is signalled when a connection comes back or a permit is
	// returned (settle waits on it).
	back *sync.Cond
}

// poolConn is a connection of a pool.
type poolConn struct {
	m        *imaplib.IMAP4
	selected string // mailbox examined, "" for none
	validity uint32
	timer    *time.Timer
}

var scanPools = struct {
	sync.Mutex
	m map[string]*scanPool
}{m: map[string]*scanPool{}}

// poolOf returns the pool of the account of c.
func poolOf(c *Config) *scanPool {
	scanPools.Lock()
	defer scanPools.Unlock()
	key := c.poolKey()
	p := scanPools.m[key]
	if p == nil {
		p = &scanPool{}
		p.back = sync.NewCond(&p.mu)
		scanPools.m[key] = p
	}
	return p
}

// take lends up to n connections: idle ones first, and for the rest
// permits to open new ones (as long as the pool stays within size). It
// never waits: a scan works with what it gets.
func (p *scanPool) take(n, size int) (conns []*poolConn, permits int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 && len(conns) < n {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		c.timer.Stop()
		conns = append(conns, c)
	}
	if time.Now().Before(p.off) {
		return conns, 0
	}
	for len(conns)+permits < n && p.open < size {
		p.open++
		permits++
	}
	return conns, permits
}

// failed gives back a permit whose connection could not be opened; when
// refused, the pool opens no new connection for a while. It reports
// whether this turned the pool off.
func (p *scanPool) failed(refused bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open--
	p.back.Broadcast()
	if !refused {
		return false
	}
	now := time.Now()
	wasOff := now.Before(p.off)
	p.off = now.Add(poolOffFor)
	return !wasOff
}

// give takes back a lent connection: kept for the next scan when healthy,
// else closed.
func (p *scanPool) give(c *poolConn, healthy bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.back.Broadcast()
	if !healthy {
		p.open--
		c.m.Close()
		return
	}
	p.idle = append(p.idle, c)
	c.timer = time.AfterFunc(poolIdle, func() { p.expire(c) })
}

// expire logs out a connection that stayed idle for poolIdle.
func (p *scanPool) expire(c *poolConn) {
	p.mu.Lock()
	for i, o := range p.idle {
		if o == c {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.open--
			p.mu.Unlock()
			c.m.LogoutWithin(logoutGrace)
			return
		}
	}
	p.mu.Unlock()
}

// settle waits until every connection of the pool is back (none lent or
// being opened).
func (p *scanPool) settle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.open > len(p.idle) {
		p.back.Wait()
	}
}

// drain logs out the idle connections (tests, and a host that wants to
// leave the server nothing open).
func (p *scanPool) drain() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.open -= len(idle)
	p.mu.Unlock()
	for _, c := range idle {
		c.timer.Stop()
		c.m.LogoutWithin(logoutGrace)
	}
}

// CloseScanPools waits for the connections of every account's scan pool
// to come back from the scans using them (or from being opened) and logs
// them out. A program that embeds the engine may call it when it stops,
// after its runs ended; the pools log out unused connections by
// themselves after a short while anyway.
func CloseScanPools() {
	scanPools.Lock()
	pools := make([]*scanPool, 0, len(scanPools.m))
	for _, p := range scanPools.m {
		pools = append(pools, p)
	}
	scanPools.Unlock()
	for _, p := range pools {
		p.settle()
		p.drain()
	}
}

// openPoolConn opens and logs in a pool connection for a. Its life is
// not the run's (it outlives it in the pool); the scan that uses it
// closes it when the run ends meanwhile.
func (a *Account) openPoolConn(secret string, oauth bool) (*poolConn, error) {
	m, err := a.dialIMAP(context.WithoutCancel(a.ctx()))
	if err != nil {
		return nil, err
	}
	if oauth {
		err = loginOAuth2(m, a.cfg.User, secret)
	} else {
		_, _, err = m.Login(a.cfg.User, secret)
	}
	if err != nil {
		m.Close()
		return nil, &LoginError{Account: a.Name(), Err: err}
	}
	return &poolConn{m: m}, nil
}

// lend runs work on up to n connections of the account's scan pool, each
// in a goroutine of its own: idle connections first, then new ones opened
// for it, as long as the pool stays within the account's budget. It never
// waits for a connection, and returns how many goroutines it started (0
// when the budget leaves the pool no connection or the pool lends none).
// A connection that cannot be opened is reported to failed (nil: not at
// all); a refusal turns the pool off for a while, which is logged once.
// work reports whether the connection is still sound: then it goes back
// to the pool, else it is closed, as it is when the run ends meanwhile.
func (a *Account) lend(n int, work func(c *poolConn) (sound bool), failed func(error)) int {
	size := a.cfg.scanConnections() - 1
	if size < 1 {
		return 0
	}
	pool := poolOf(&a.cfg)
	conns, permits := pool.take(n, size)
	var secret string
	var oauth bool
	if permits > 0 {
		var err error
		if secret, oauth, err = a.secret(); err != nil {
			for range permits {
				pool.failed(false)
				if failed != nil {
					failed(err)
				}
			}
			permits = 0
		}
	}
	ctx := a.ctx()
	run := func(c *poolConn) {
		stop := context.AfterFunc(ctx, func() { c.m.Close() })
		sound := work(c)
		pool.give(c, stop() && sound)
	}
	for _, c := range conns {
		go run(c)
	}
	for range permits {
		go func() {
			c, err := a.openPoolConn(secret, oauth)
			if err != nil {
				if pool.failed(true) {
					a.logger().Info("mail: scan pool: the server refused another connection; working with fewer for a while", "account", a.Name(), "err", err.Error())
				}
				if failed != nil {
					failed(err)
				}
				return
			}
			run(c)
		}()
	}
	return len(conns) + permits
}

// examine selects name read-only on a pool connection, unless it is
// already, and returns its UIDVALIDITY.
func (c *poolConn) examine(name string) (uint32, error) {
	if c.selected == name {
		// Bring the view up to date: mail may have come since.
		if _, _, err := c.m.Noop(); err != nil {
			return 0, err
		}
		return c.validity, nil
	}
	c.selected = ""
	info, err := c.m.SelectMailbox(name, true)
	if err != nil {
		return 0, err
	}
	c.selected, c.validity = name, info.UIDValidity
	return c.validity, nil
}
