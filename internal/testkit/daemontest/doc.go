// Package daemontest runs the system daemons of the real-server test tier
// (Dovecot, Postfix) as children of the test: each in the foreground with
// its output in a file, polled until its ports greet, and stopped with
// every process it started. dovecottest and postfixtest build on it.
//
// Whether that tier is mandatory is the environment's to say: under
// CI=true or MAILSCRIPT_REQUIRE_DOVECOT=1 a daemon that cannot start
// fails the test (Unavailable); elsewhere the test is skipped.
package daemontest
