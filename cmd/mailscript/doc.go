// Command mailscript runs Lua scripts that automate mail.
//
// Usage:
//
//	mailscript [flags] run FILE [ARGS...]   run a script once
//	mailscript [flags] check FILE...        compile scripts without running them
//	mailscript [flags] watch [DIR]          run the rules of DIR (default ./scripts) as they change
//	mailscript [flags] status               show the rules and triggers of a running watch
//	mailscript [flags] demo [--serve]       run the starter rules against a built-in sample mailbox
//	mailscript [flags] test [RULES...]      check rules against sample mail and expected outcomes
//	mailscript [flags] runs [--ids]         list recent runs and what they did
//	mailscript [flags] explain RUN-ID [MSG] show what a run did to which message, and why
//	mailscript [flags] undo RUN-ID...       reverse what runs did
//	mailscript [flags] auth SUBCOMMAND      OAuth2 sign-ins: login NAME, list, show NAME, logout NAME
//	mailscript [flags] imapfilter [-c FILE] run an imapfilter config unchanged
//	mailscript types [DIR]                  write the editor annotations of the Lua API (default ./types)
//	mailscript version                      print the version
//	mailscript help [COMMAND]               show help
//
// Flags go before the command or right after it, before its files:
//
//	-v                        log more (debug level)
//	--debug                   trace IMAP traffic to stderr, passwords redacted
//	--timeout DURATION        stop each run after DURATION (30s, 5m, ...)
//	--log-format text|json    log format (default: text on a terminal, else json)
//	--dry-run                 modules that change mailboxes only log what they would do
//	--allow-run               let scripts run programs (os.execute, io.popen)
//	--allow-read[=PATH,...]   let scripts read all files, or the listed ones
//	--allow-write[=PATH,...]  let scripts write all files, or the listed ones
//	--allow-all               all of the above
//	--state-dir DIR           where rules keep their state (default
//	                          $XDG_STATE_HOME/mailscript or ~/.local/state/mailscript)
//
// "mailscript help COMMAND" tells each command's own flags.
//
// Without permissions a script may use the network, read environment
// variables and the clock, and read and require the files of its own
// folder.
//
// watch also takes --no-initial (do not run every rule at start),
// --parallel N (rules running at once, default 4), --debounce DURATION
// (quiet time after a change, default 100ms) and --poll DURATION (list the
// folders every DURATION instead of using file change notification); for
// running as a daemon, --listen, --command-timeout, --idle-renew,
// --coalesce (how long an on_new trigger listens for further news after
// the server announced mail, default 20ms) and --shard (see help watch).
//
// demo starts an IMAP server inside the process on a loopback port, fills
// it with a sample mailbox, runs the starter rules of scripts/ (built into
// the binary; --rules DIR for others) and prints what each did and the
// mailbox counts before and after; --serve keeps the server up instead and
// prints its account URL; --addr HOST:PORT picks the loopback address.
// run --demo FILE runs any script against a fresh demo server. Scripts find
// the server as they find a real account: mail.account() with no argument
// reads the account URL in MAILSCRIPT_ACCOUNT, which the demo sets.
//
// types writes the lua-language-server annotation files of every module
// into a folder, for editors.
//
// The first SIGINT or SIGTERM stops the runs in progress cleanly (their
// connections are closed); a second one exits at once.
//
// Exit status: 0 when every script succeeded, 1 when one failed, 2 for a
// usage error; a script that calls os.exit(N) makes run exit with N.
package main
