package mail_test

import (
	"net"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// BenchmarkScan10000 times box:all():match{subject = ...} over 10,000
// messages on Dovecot in three shapes, which take turns in every round
// so that a busy machine slows them alike: one connection and one UID
// FETCH for the whole set (the baseline: how scans worked before), one
// connection with pipelined batches, and the default (pipelined batches
// over the account's connection and two of its scan pool). It reports
// the median time of each shape and its ratio to the baseline. Each shape
// scans once before the timed rounds, so that its connections are open
// and the server's caches warm.
//
//	go test ./stdlib/mail -run '^$' -bench Scan10000 -benchtime 15x
func BenchmarkScan10000(b *testing.B) {
	srv := dovecottest.Start(b)
	msgs, want := scanMessages("b", 10000)
	srv.Seed(b, "alice", "INBOX", msgs)
	host, port, _ := net.SplitHostPort(srv.Addr())
	pn, _ := strconv.Atoi(port)
	re := regexp.MustCompile(`^invoice`)
	shapes := []struct {
		name                string
		conns, batch, depth int
		times               []time.Duration
		acct                *mail.Account
	}{
		{name: "baseline", conns: 1, batch: 1 << 20, depth: 1},
		{name: "pipelined", conns: 1},
		{name: "pool3", conns: 3},
	}
	defer mail.CloseScanPools()
	defer mail.SetScanSlow(time.Hour)()
	scan := func(i int) time.Duration {
		sh := &shapes[i]
		defer mail.SetScanTuning(sh.batch, sh.depth, 0)()
		start := time.Now()
		all, err := sh.acct.Mailbox("INBOX").All()
		if err != nil {
			b.Fatal(err)
		}
		got, err := all.Match(&mail.Match{Subject: re})
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		if got.Len() != len(want) {
			b.Fatalf("%s matched %d, want %d", sh.name, got.Len(), len(want))
		}
		return d
	}
	for i := range shapes {
		cfg := mail.Config{Host: host, Port: pn, TLS: mail.TLSNone, User: "alice", Password: srv.Users["alice"], ScanConnections: shapes[i].conns}
		acct, err := mail.NewAccount(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer acct.Close()
		shapes[i].acct = acct
		scan(i)
	}
	b.ResetTimer()
	for range b.N {
		for i := range shapes {
			shapes[i].times = append(shapes[i].times, scan(i))
		}
	}
	b.StopTimer()
	names := make([]string, len(shapes))
	times := make([][]time.Duration, len(shapes))
	for i, sh := range shapes {
		names[i], times[i] = sh.name, sh.times
	}
	reportMedians(b, names, times)
}

// reportMedians reports the median time of each shape of a benchmark, in
// milliseconds, and its ratio to the first shape's, the baseline.
func reportMedians(b *testing.B, names []string, times [][]time.Duration) {
	b.Helper()
	median := func(d []time.Duration) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[len(s)/2]
	}
	base := median(times[0])
	for i, name := range names {
		m := median(times[i])
		b.ReportMetric(float64(m.Microseconds())/1000, name+"-ms")
		b.ReportMetric(float64(m)/float64(base), name+"-ratio")
	}
	b.ReportMetric(0, "ns/op")
}
