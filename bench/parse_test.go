package bench

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailscript/mailscript/imaplib"
)

// The response parser benchmark: the same FETCH response bytes read and
// parsed by imaplib (Fetch, then ParseFetch) and by go-imap v2's client
// (Fetch, then Collect), each over a fake connection that replays the
// bytes as a server would, one reply per command.

// headerItems are the items of the bulk header fetch.
const headerItems = "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])"

// syntheticFetch returns the untagged FETCH responses of n messages' FLAGS,
// RFC822.SIZE and From/Subject header fields, as Dovecot writes them.
func syntheticFetch(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		hdr := fmt.Sprintf("From: \"Sender %d\" <sender%d@example.org>\r\nSubject: =?UTF-8?Q?Newsletter_n=C2=B0_%d?= about things\r\n\r\n", i%97, i%97, i)
		flags := `\Seen`
		if i%3 == 0 {
			flags = `\Seen \Flagged`
		}
		fmt.Fprintf(&b, "* %d FETCH (FLAGS (%s) RFC822.SIZE %d BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}\r\n%s)\r\n", i, flags, 2000+i, len(hdr), hdr)
	}
	return b.Bytes()
}

// replayConn is a fake server connection: it serves replies[0] (the
// greeting) at once and each further reply after a command line arrives.
type replayConn struct {
	replies [][]byte
	next    int
	cur     []byte
	ready   chan []byte
	closed  chan struct{}
	once    sync.Once
}

func newReplayConn(replies ...[]byte) *replayConn {
	c := &replayConn{replies: replies, ready: make(chan []byte, len(replies)), closed: make(chan struct{})}
	c.ready <- replies[0]
	c.next = 1
	return c
}

func (c *replayConn) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		select {
		case c.cur = <-c.ready:
		case <-c.closed:
			return 0, io.EOF
		}
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

func (c *replayConn) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' && c.next < len(c.replies) {
			c.ready <- c.replies[c.next]
			c.next++
		}
	}
	return len(p), nil
}

func (c *replayConn) Close() error                     { c.once.Do(func() { close(c.closed) }); return nil }
func (c *replayConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *replayConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *replayConn) SetDeadline(time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }

// countFetch returns how many FETCH responses body holds.
func countFetch(body []byte) int { return bytes.Count(body, []byte(" FETCH (")) }

// readImaplib reads and parses body (untagged FETCH responses of n
// messages) with imaplib, as a session that selects and fetches.
func readImaplib(body []byte, n int) ([]*imaplib.FetchData, error) {
	greeting := []byte("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
	caps := []byte("* CAPABILITY IMAP4rev1\r\nA0 OK done\r\n")
	sel := []byte(fmt.Sprintf("* %d EXISTS\r\nA1 OK [READ-ONLY] done\r\n", n))
	fetch := append(body[:len(body):len(body)], "A2 OK Fetch completed.\r\n"...)
	conn := newReplayConn(greeting, caps, sel, fetch)
	m, err := imaplib.New(conn, &imaplib.Options{TagPrefix: "A"})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if _, _, err := m.Select("INBOX", true); err != nil {
		return nil, err
	}
	_, data, err := m.Fetch("1:*", headerItems)
	if err != nil {
		return nil, err
	}
	return imaplib.ParseFetch(data)
}

// readGoIMAP does what readImaplib does with go-imap v2's client.
func readGoIMAP(body []byte, n int) ([]*imapclient.FetchMessageBuffer, error) {
	greeting := []byte("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
	sel := []byte(fmt.Sprintf("* %d EXISTS\r\nT1 OK [READ-ONLY] done\r\n", n))
	fetch := append(body[:len(body):len(body)], "T2 OK Fetch completed.\r\n"...)
	opts := &imap.FetchOptions{
		Flags:      true,
		RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{{
			Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"FROM", "SUBJECT"}, Peek: true,
		}},
	}
	all := imap.SeqSet{}
	all.AddRange(1, 0)
	conn := newReplayConn(greeting, sel, fetch)
	c := imapclient.New(conn, nil)
	defer c.Close()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, err
	}
	return c.Fetch(all, opts).Collect()
}

// benchParse runs read over body once per iteration and reports the
// allocations per message.
func benchParse[T any](b *testing.B, body []byte, read func([]byte, int) ([]T, error)) {
	n := countFetch(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		msgs, err := read(body, n)
		if err != nil || len(msgs) != n {
			b.Fatalf("%d messages, %v", len(msgs), err)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(n), "allocs/item")
}

// BenchmarkParseImaplib reads and parses a 10,000-message FETCH response
// of flags, sizes and From/Subject headers with imaplib.
func BenchmarkParseImaplib(b *testing.B) { benchParse(b, syntheticFetch(10000), readImaplib) }

// BenchmarkParseGoIMAP reads and parses the same bytes with go-imap v2.
func BenchmarkParseGoIMAP(b *testing.B) { benchParse(b, syntheticFetch(10000), readGoIMAP) }

// TestReplayParsers checks that both clients read the replayed responses
// whole, to the same flags, sizes and header bytes.
func TestReplayParsers(t *testing.T) {
	body := syntheticFetch(50)
	ours, err := readImaplib(body, 50)
	if err != nil || len(ours) != 50 {
		t.Fatalf("imaplib: %d messages, %v", len(ours), err)
	}
	theirs, err := readGoIMAP(body, 50)
	if err != nil || len(theirs) != 50 {
		t.Fatalf("go-imap: %d messages, %v", len(theirs), err)
	}
	for i := range ours {
		o, g := ours[i], theirs[i]
		var gflags []string
		for _, f := range g.Flags {
			gflags = append(gflags, string(f))
		}
		if o.SeqNum != g.SeqNum || o.RFC822Size != g.RFC822Size || fmt.Sprint(o.Flags) != fmt.Sprint(gflags) ||
			len(g.BodySection) != 1 || !bytes.Equal(o.Body("HEADER.FIELDS (FROM SUBJECT)"), g.BodySection[0].Bytes) {
			t.Fatalf("message %d: imaplib %+v, go-imap %+v", i+1, o, g)
		}
	}
}
