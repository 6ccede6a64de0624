package bench

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// DelayProxy forwards TCP connections to a target and delays every byte by
// a fixed time in each direction, as a link with a round-trip time of twice
// that delay does (bandwidth is not limited). It counts the client's round
// trips: the times the client sends after it has received something, the
// turns of a conversation that a slow link makes expensive.
type DelayProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration

	mu    sync.Mutex
	turns int
	conns int
	open  map[net.Conn]bool
	wg    sync.WaitGroup
}

// NewDelayProxy listens on a free loopback port and forwards each
// connection to target, delaying each direction by oneWay.
func NewDelayProxy(target string, oneWay time.Duration) (*DelayProxy, error) {
	if oneWay < 0 {
		return nil, errors.New("bench: negative delay")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &DelayProxy{ln: ln, target: target, delay: oneWay, open: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the address clients connect to.
func (p *DelayProxy) Addr() string { return p.ln.Addr().String() }

// RoundTrips returns the client's round trips since the last Reset: the
// connections opened (each costs one for the TCP handshake and greeting)
// plus the times a client sent data after receiving some.
func (p *DelayProxy) RoundTrips() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.turns + p.conns
}

// Connections returns the connections accepted since the last Reset.
func (p *DelayProxy) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// Reset sets the counters to zero.
func (p *DelayProxy) Reset() {
	p.mu.Lock()
	p.turns, p.conns = 0, 0
	p.mu.Unlock()
}

// Close stops listening, closes every connection and waits for the
// forwarding goroutines to end.
func (p *DelayProxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *DelayProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns++
		p.open[c], p.open[s] = true, true
		p.mu.Unlock()
		// received is true once the client has been sent something since
		// it last sent (the greeting, first): its next send is a new turn.
		st := &turnState{left: 2}
		p.wg.Add(2)
		go p.pipe(s, c, st, true)
		go p.pipe(c, s, st, false)
	}
}

// turnState is one connection's conversation state.
type turnState struct {
	mu       sync.Mutex
	received bool
	left     int // directions still forwarding
}

type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk delayed; fromClient tells the
// direction for counting turns.
func (p *DelayProxy) pipe(dst, src net.Conn, st *turnState, fromClient bool) {
	defer p.wg.Done()
	q := make(chan chunk, 1<<14)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range q {
			if d := time.Until(c.due); d > 0 {
				time.Sleep(d)
			}
			if _, err := dst.Write(c.b); err != nil {
				for range q {
				}
				return
			}
		}
		// Half-close so the other side sees EOF after the data.
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}()
	for {
		buf := make([]byte, 32<<10)
		n, err := src.Read(buf)
		if n > 0 {
			due := time.Now().Add(p.delay)
			// The turn is counted when the bytes reach the other side's
			// wire, as the client's send after a receive is what waits a
			// round trip.
			st.mu.Lock()
			if fromClient && st.received {
				p.mu.Lock()
				p.turns++
				p.mu.Unlock()
				st.received = false
			} else if !fromClient {
				st.received = true
			}
			st.mu.Unlock()
			q <- chunk{buf[:n], due}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				src.Close()
			}
			break
		}
	}
	close(q)
	<-done
	st.mu.Lock()
	st.left--
	last := st.left == 0
	st.mu.Unlock()
	if last {
		src.Close()
		dst.Close()
		p.mu.Lock()
		delete(p.open, src)
		delete(p.open, dst)
		p.mu.Unlock()
	}
}
