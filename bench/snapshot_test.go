//go:build bench

package bench

import (
	"bytes"
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// A snapshot is one user's Maildir as it was after seeding and warming:
// the messages, the UID list, and Dovecot's index and cache files (which
// hold the subjects the warming fetched). restore puts it back with the
// server stopped, so every contender of a rule meets the same state, on
// disk and in the page cache, and no server process keeps an older view of
// the index in memory.
type snapshot struct {
	srv   *dovecottest.Server
	live  string // the user's Maildir
	saved string // the copy
}

// takeSnapshot copies user's Maildir aside, with the server stopped.
func takeSnapshot(t *testing.T, srv *dovecottest.Server, user string) *snapshot {
	t.Helper()
	sn := &snapshot{srv: srv, live: srv.MailDir(user), saved: filepath.Join(t.TempDir(), user)}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syncTree(sn.live, sn.saved); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	return sn
}

// restore stops the server, makes the user's Maildir the snapshot again
// and starts the server.
func (sn *snapshot) restore(t *testing.T) {
	t.Helper()
	if err := sn.srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syncTree(sn.saved, sn.live); err != nil {
		t.Fatal(err)
	}
	if err := sn.srv.Restart(); err != nil {
		t.Fatal(err)
	}
}

// traceProxy forwards TCP connections to a target unchanged and keeps what
// each side sent, for reading the server's own timings off its replies.
type traceProxy struct {
	ln     net.Listener
	target string
	pipes  sync.WaitGroup // forwarding goroutines

	mu    sync.Mutex
	conns []*transcript
}

// transcript is what the client and the server of one connection sent.
type transcript struct{ client, server bytes.Buffer }

func newTraceProxy(t *testing.T, target string) *traceProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &traceProxy{ln: ln, target: target}
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.pipes.Wait() })
	return p
}

func (p *traceProxy) addr() string { return p.ln.Addr().String() }

func (p *traceProxy) accept() {
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
		tr := &transcript{}
		p.mu.Lock()
		p.conns = append(p.conns, tr)
		p.mu.Unlock()
		p.pipes.Add(2)
		var both sync.WaitGroup
		both.Add(2)
		pipe := func(dst, src net.Conn, keep *bytes.Buffer) {
			defer p.pipes.Done()
			defer both.Done()
			io.Copy(dst, io.TeeReader(src, keep))
			dst.(*net.TCPConn).CloseWrite()
		}
		go pipe(s, c, &tr.client)
		go pipe(c, s, &tr.server)
		go func() { both.Wait(); c.Close(); s.Close() }()
	}
}

// take waits until every connection has ended and returns their
// transcripts, forgetting them.
func (p *traceProxy) take() []*transcript {
	p.pipes.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.conns
	p.conns = nil
	return out
}
