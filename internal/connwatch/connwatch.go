package connwatch

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Observer receives what the observed connections do. Its methods are
// called from the goroutines that read, write and close the connections.
type Observer interface {
	// Opened and Closed bracket the life of one connection.
	Opened()
	Closed()
	// Command reports a command sent (its name upper-cased: "SELECT",
	// "UID FETCH"), the time until its tagged response (zero when it
	// is not timed: IDLE, or a connection that ended first) and the
	// response's status ("OK", "NO", "BAD", or "" when none came).
	Command(name string, rtt time.Duration, status string)
}

type ctxKey struct{}

// AccountObserver is an Observer that also counts connections per
// account: those of the watchers of one account, which a module may
// share between the rules watching it.
type AccountObserver interface {
	Observer
	// ForAccount returns the observer of a connection to account:
	// counted as the account's, and as this observer's own unless
	// shared (then as the account's shared watch connections).
	ForAccount(account string, shared bool) Observer
}

// ForAccount returns ctx whose observer counts connections as account's
// (see AccountObserver); ctx itself when its observer does not count per
// account.
func ForAccount(ctx context.Context, account string, shared bool) context.Context {
	if ao, ok := ctx.Value(ctxKey{}).(AccountObserver); ok {
		return NewContext(ctx, ao.ForAccount(account, shared))
	}
	return ctx
}

// NewContext returns ctx carrying o.
func NewContext(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, ctxKey{}, o)
}

// Wrap returns nc observed by the Observer of ctx, or nc itself when
// ctx has none.
func Wrap(ctx context.Context, nc net.Conn) net.Conn {
	o, _ := ctx.Value(ctxKey{}).(Observer)
	if o == nil || nc == nil {
		return nc
	}
	o.Opened()
	return &conn{Conn: nc, o: o, pending: make(map[string]pendingCmd)}
}

// maxPending bounds the commands waiting for their answer that are
// remembered (a client that pipelines more is not timed beyond them).
const maxPending = 64

// maxLine is how much of a line is kept to find its tag and command.
const maxLine = 64

type pendingCmd struct {
	name  string
	start time.Time
}

// conn is an observed connection.
type conn struct {
	net.Conn
	o Observer

	mu      sync.Mutex
	pending map[string]pendingCmd
	out     lineScanner
	in      lineScanner
	closed  bool
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	now := time.Now()
	c.mu.Lock()
	c.out.feed(p[:n], func(line []byte) {
		tag, name, ok := command(line)
		if ok && len(c.pending) < maxPending {
			c.pending[tag] = pendingCmd{name: name, start: now}
		}
	})
	c.mu.Unlock()
	return n, err
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	now := time.Now()
	type done struct {
		name, status string
		rtt          time.Duration
	}
	var finished []done
	c.mu.Lock()
	c.in.feed(p[:n], func(line []byte) {
		tag, rest, ok := bytes.Cut(line, []byte(" "))
		if !ok || len(c.pending) == 0 {
			return
		}
		pc, ok := c.pending[string(tag)]
		if !ok {
			return
		}
		delete(c.pending, string(tag))
		status, _, _ := bytes.Cut(rest, []byte(" "))
		d := done{name: pc.name, status: strings.ToUpper(string(status)), rtt: now.Sub(pc.start)}
		if pc.name == "IDLE" {
			d.rtt = 0
		}
		finished = append(finished, d)
	})
	c.mu.Unlock()
	for _, d := range finished {
		c.o.Command(d.name, d.rtt, d.status)
	}
	return n, err
}

func (c *conn) Close() error {
	c.mu.Lock()
	first := !c.closed
	c.closed = true
	left := c.pending
	c.pending = map[string]pendingCmd{}
	c.mu.Unlock()
	if first {
		for _, pc := range left {
			c.o.Command(pc.name, 0, "")
		}
		c.o.Closed()
	}
	return c.Conn.Close()
}

// command reads "TAG NAME ..." (NAME two words for UID commands); ok is
// false for lines that are not commands (continuation data, DONE).
func command(line []byte) (tag, name string, ok bool) {
	f := strings.Fields(string(line))
	if len(f) < 2 || f[0] == "*" || f[0] == "+" {
		return "", "", false
	}
	name = strings.ToUpper(f[1])
	if name == "UID" && len(f) > 2 {
		name += " " + strings.ToUpper(f[2])
	}
	return f[0], name, true
}

// lineScanner splits a byte stream into lines, keeping the first maxLine
// bytes of each (enough for a tag and a command name), and skips the
// literals that lines announce ("{123}" or "{123+}" at their end).
type lineScanner struct {
	head    []byte
	tail    []byte // the last bytes of the line, for a literal's size
	literal int64  // bytes of a literal still to skip
}

func (s *lineScanner) feed(p []byte, line func([]byte)) {
	for len(p) > 0 {
		if s.literal > 0 {
			n := min(s.literal, int64(len(p)))
			s.literal -= n
			p = p[n:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if room := maxLine - len(s.head); room > 0 {
			s.head = append(s.head, chunk[:min(room, len(chunk))]...)
		}
		s.tail = append(s.tail, chunk...)
		if len(s.tail) > maxTail {
			s.tail = append(s.tail[:0], s.tail[len(s.tail)-maxTail:]...)
		}
		if i < 0 {
			return
		}
		line(bytes.TrimRight(s.head, "\r"))
		s.literal = literalSize(bytes.TrimRight(s.tail, "\r"))
		s.head, s.tail = s.head[:0], s.tail[:0]
		p = p[i+1:]
	}
}

// maxTail is how much of a line's end is kept.
const maxTail = 32

// literalSize returns N when line ends with {N} or {N+}, else 0.
func literalSize(line []byte) int64 {
	if !bytes.HasSuffix(line, []byte("}")) {
		return 0
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0
	}
	digits := bytes.TrimSuffix(line[open+1:len(line)-1], []byte("+"))
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
