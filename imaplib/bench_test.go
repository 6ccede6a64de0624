package imaplib

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// recordedFetch returns a greeting followed by the server side of a FETCH
// of n messages' FLAGS, RFC822.SIZE and From/Subject header fields, as
// Dovecot sends them.
func recordedFetch(n int) []byte {
	var b bytes.Buffer
	b.WriteString("* OK [CAPABILITY IMAP4rev1] ready\r\n* CAPABILITY IMAP4rev1\r\nA0 OK done\r\n")
	for i := 1; i <= n; i++ {
		hdr := fmt.Sprintf("From: \"Sender %d\" <sender%d@example.org>\r\nSubject: =?UTF-8?Q?Newsletter_n=C2=B0_%d?= about things\r\n\r\n", i%97, i%97, i)
		flags := `\Seen`
		if i%3 == 0 {
			flags = `\Seen \Flagged`
		}
		fmt.Fprintf(&b, "* %d FETCH (FLAGS (%s) RFC822.SIZE %d BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}\r\n%s)\r\n", i, flags, 2000+i, len(hdr), hdr)
	}
	b.WriteString("A1 OK Fetch completed (0.012 + 0.000 + 0.011 secs).\r\n")
	return b.Bytes()
}

func benchFetch(b *testing.B, parse bool) {
	const n = 10000
	rec := recordedFetch(n)
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		m, err := New(&scriptedConn{r: bytes.NewReader(rec)}, &Options{TagPrefix: "A"})
		if err != nil {
			b.Fatal(err)
		}
		m.state = "SELECTED"
		_, data, err := m.Fetch("1:*", "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
		if err != nil || len(data) != 2*n {
			b.Fatalf("%d items, %v", len(data), err)
		}
		if parse {
			msgs, err := ParseFetch(data)
			if err != nil || len(msgs) != n {
				b.Fatalf("%d messages, %v", len(msgs), err)
			}
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/n, "allocs/item")
}

// BenchmarkFetch10000 reads a recorded 10,000-message FETCH response into
// Python-shaped data (the work every Fetch call does).
func BenchmarkFetch10000(b *testing.B) { benchFetch(b, false) }

// BenchmarkFetchParse10000 also parses the data into FetchData values.
func BenchmarkFetchParse10000(b *testing.B) { benchFetch(b, true) }

// BenchmarkUIDFetch10000 reads the same response, with UIDs, through the
// typed UIDFetch, as the mail module does.
func BenchmarkUIDFetch10000(b *testing.B) {
	const n = 10000
	rec := bytes.ReplaceAll(recordedFetch(n), []byte(" FETCH (FLAGS"), []byte(" FETCH (UID 7 FLAGS"))
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	all, _ := ParseSeqSet("1:*")
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		m, err := New(&scriptedConn{r: bytes.NewReader(rec)}, &Options{TagPrefix: "A"})
		if err != nil {
			b.Fatal(err)
		}
		m.state = "SELECTED"
		fd, err := m.UIDFetch(all, "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
		if err != nil || len(fd) != n {
			b.Fatalf("%d messages, %v", len(fd), err)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/n, "allocs/item")
}
