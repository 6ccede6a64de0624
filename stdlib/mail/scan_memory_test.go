package mail_test

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// bigServer is an IMAP server of one mailbox of n messages whose header
// sections it makes up as it sends them, so that a test can scan a
// mailbox far larger than it could keep: each message has a Subject
// ("invoice N" for every seventh, "note N" otherwise) padded to about
// 500 bytes. It answers the few commands a scan sends.
type bigServer struct {
	ln    net.Listener
	n     int
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func startBigServer(t *testing.T, n int) *bigServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &bigServer{ln: ln, n: n}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		mail.CloseScanPools()
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

var bigPad = strings.Repeat("x", 440)

func (s *bigServer) serve(c net.Conn) {
	r := bufio.NewReader(c)
	w := bufio.NewWriterSize(c, 64<<10)
	caps := "IMAP4rev1 LITERAL+ UIDPLUS ESEARCH"
	fmt.Fprintf(w, "* OK [CAPABILITY %s] big\r\n", caps)
	w.Flush()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return
		}
		tag, cmd := f[0], strings.ToUpper(f[1])
		if cmd == "UID" && len(f) > 2 {
			cmd += " " + strings.ToUpper(f[2])
		}
		switch cmd {
		case "LOGIN":
			fmt.Fprintf(w, "%s OK [CAPABILITY %s] in\r\n", tag, caps)
		case "SELECT", "EXAMINE":
			mode := "READ-WRITE"
			if cmd == "EXAMINE" {
				mode = "READ-ONLY"
			}
			fmt.Fprintf(w, "* %d EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT %d] n\r\n%s OK [%s] done\r\n", s.n, s.n+1, tag, mode)
		case "UID SEARCH":
			fmt.Fprintf(w, "* ESEARCH (TAG \"%s\") UID ALL 1:%d\r\n%s OK done\r\n", tag, s.n, tag)
		case "UID FETCH":
			set, err := imaplib.ParseSeqSet(f[3])
			if err != nil {
				fmt.Fprintf(w, "%s BAD set\r\n", tag)
				break
			}
			nums, err := set.Nums()
			if err != nil {
				fmt.Fprintf(w, "%s BAD set\r\n", tag)
				break
			}
			for _, n := range nums {
				u := int(n)
				if u > s.n {
					continue
				}
				subj := fmt.Sprintf("note %d", u)
				if u%7 == 3 {
					subj = fmt.Sprintf("invoice %d", u)
				}
				h := fmt.Sprintf("Subject: %s %s\r\n\r\n", subj, bigPad)
				fmt.Fprintf(w, "* %d FETCH (UID %d BODY[HEADER.FIELDS (SUBJECT)] {%d}\r\n%s)\r\n", u, u, len(h), h)
			}
			fmt.Fprintf(w, "%s OK done\r\n", tag)
		case "LOGOUT":
			fmt.Fprintf(w, "* BYE bye\r\n%s OK done\r\n", tag)
			w.Flush()
			return
		default:
			fmt.Fprintf(w, "%s OK done\r\n", tag)
		}
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

// peakLive samples the live heap (as of the last GC) until stop is
// closed and returns the highest value seen.
func peakLive(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// heapGrowth runs fn and returns the live heap before it (after a GC) and
// by how much at most the live heap grew above that while fn ran.
func heapGrowth(fn func()) (before uint64, grew int64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	before = s[0].Value.Uint64()
	stop := make(chan struct{})
	peak := peakLive(stop)
	fn()
	close(stop)
	return before, int64(<-peak) - int64(before)
}

// TestScanMemoryBounded matches the subjects of a 200,000-message mailbox
// (about 100 MB of header sections) and checks that the live heap never
// grows by more than a few batches' worth while doing so: the scan holds
// no more than the batches in flight, not the mailbox.
func TestScanMemoryBounded(t *testing.T) {
	const n = 200000
	srv := startBigServer(t, n)
	host, port, _ := net.SplitHostPort(srv.ln.Addr().String())
	pn, _ := strconv.Atoi(port)
	acct, err := mail.NewAccount(mail.Config{Host: host, Port: pn, TLS: mail.TLSNone, User: "u", Password: "p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer acct.Close()
	all, err := acct.Mailbox("INBOX").All()
	if err != nil {
		t.Fatal(err)
	}
	var got *mail.Set
	before, grew := heapGrowth(func() {
		got, err = all.Match(&mail.Match{Subject: regexp.MustCompile(`^invoice`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for u := 1; u <= n; u++ {
		if u%7 == 3 {
			want++
		}
	}
	if got.Len() != want {
		t.Fatalf("matched %d, want %d", got.Len(), want)
	}
	t.Logf("live heap before %.1f MiB, grew by at most %.1f MiB during the scan", float64(before)/(1<<20), float64(grew)/(1<<20))
	if limit := int64(24 << 20); grew > limit {
		t.Fatalf("the live heap grew by %d MiB during a scan of %d messages (limit %d MiB)", grew>>20, n, limit>>20)
	}
}
