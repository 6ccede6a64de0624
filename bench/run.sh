#!/bin/sh
# Runs mailscript's benchmark suite: builds the mailscript command, starts a
# private Dovecot, seeds it, and prints every benchmark as a ratio against
# its baseline (Python's imaplib, imapfilter, a raw client, go-imap v2)
# measured in the same run. Needs root (for Dovecot), Go, python3 and
# imapfilter (installed with apt-get when missing). See README.md.
#
# Settings (environment): MAILSCRIPT_BENCH_RUNS (timed runs per contender,
# default 5), MAILSCRIPT_BENCH_COUNT (messages, default 10000),
# MAILSCRIPT_BENCH_SLOW_COUNT (messages over the slow link, default 1000),
# MAILSCRIPT_BENCH_RTT_MS (its round-trip time, default 25),
# MAILSCRIPT_BENCH_IMAPFILTER_RUNS (default 1: it is slow; the 10,000-message
# rule runs it MAILSCRIPT_BENCH_RUNS times),
# MAILSCRIPT_BENCH_HUGE_COUNT (messages of the big mailbox, default 200000),
# MAILSCRIPT_BENCH_HUGE_RUNS (its timed runs, default 5),
# MAILSCRIPT_BENCH_LIMIT_S (a rule's run is stopped after, default 600),
# MAILSCRIPT_BENCH_HUGE_SKIP (contenders not run on the big mailbox, e.g.
# "imapfilter,floor" when only mailscript's figures are wanted),
# MAILSCRIPT_BENCH_OTHER_BIN (a mailscript command built from another commit:
# the rules on big mailboxes run it too, round by round, for a before/after
# under the same load),
# MAILSCRIPT_BENCH_ONLY (a comma-separated list of benchmarks, e.g. "1,5";
# "3,6" for the rule on 10,000 and 200,000 messages).
set -eu
cd "$(dirname "$0")/.."

if ! command -v imapfilter >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing imapfilter" >&2
		apt-get install -y imapfilter >/dev/null || { apt-get update >/dev/null && apt-get install -y imapfilter >/dev/null; }
	else
		echo "run.sh: imapfilter is needed (apt-get install imapfilter)" >&2
		exit 1
	fi
fi
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	# Peak memory of the contenders is read through /usr/bin/time.
	apt-get install -y time >/dev/null || true
fi

# Dovecot's mail user must be able to enter the instance's folder.
export TMPDIR="${TMPDIR:-/tmp}"
export MAILSCRIPT_BENCH=1 MAILSCRIPT_REQUIRE_DOVECOT=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
go test -tags bench -count=1 -run '^TestBench$' -v -timeout 120m ./bench/ >"$out" 2>&1 || status=$?
# Dovecot's log lines are shown only when something failed.
if [ "$status" = 0 ]; then
	grep -v '^        [A-Z][a-z][a-z] [ 0-9][0-9] ' "$out" || true
else
	cat "$out"
fi
exit "$status"
