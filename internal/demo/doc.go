// Package demo is what `mailscript demo` runs: an IMAP server in the
// process, on a loopback port, holding a realistic sample mailbox
// (mailgen.Demo); the starter rules run against it through the engine; and
// a report of what each rule did and of the mailbox counts before and
// after.
//
// Scripts learn where the server is the way they learn it in real use:
// from the environment variable MAILSCRIPT_ACCOUNT, which mail.account()
// reads when it is given no argument. Server.URL is that account URL and
// Server.LookupEnv an environment with it set, for engine.WithEnv.
package demo
