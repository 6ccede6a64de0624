// Package bench holds mailscript's benchmarks against Python's imaplib,
// imapfilter and go-imap, and the tools they need.
//
// The whole suite runs with one command, run.sh in this folder (see its
// README.md): it builds the mailscript command, starts a private Dovecot,
// seeds it, runs every benchmark a few times warm and prints each result
// as a ratio against its baseline measured in the same run. The suite is
// the test TestBench, which runs only when MAILSCRIPT_BENCH=1 is set.
//
// The parser benchmarks need no server and run with go test -bench:
//
//	go test ./bench -run '^$' -bench Parse -benchmem
//
// DelayProxy, the one exported tool, forwards TCP connections with a
// fixed delay each way and counts the client's round trips; the suite uses
// it for the benchmark over a slow link.
package bench
