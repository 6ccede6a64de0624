// Package mail is the Lua module "mail": the vocabulary of mail rules.
// Accounts, mailboxes, searches that return sets of messages, set algebra,
// and actions on sets that never lose a message.
//
//	local mail = require("mail")
//	local acct = mail.account{host = "imap.example.org", user = "alice",
//	                          password_cmd = "pass show mail/alice", create = true}
//	local inbox = acct:mailbox("INBOX")
//
//	-- newsletters by List-Id, into their folders
//	inbox:search{header = {["List-Id"] = "golang-nuts"}}:move_to("Lists/golang")
//
//	-- old spam goes
//	acct:special("\\Junk"):search{older = "30d"}:delete()
//
//	-- server-side search, then client-side regex on decoded subjects
//	local invoices = inbox:search{from = "billing@", unseen = true}
//	                      :match{subject = [[(?i)invoice\s+#\d+]]}
//	invoices:flag()
//	invoices:move_to(acct:mailbox("Invoices"))
//
//	-- set algebra: + union, * intersection, - difference
//	local boss = inbox:search{from = "boss@example.org"}
//	(boss - inbox:search{seen = true}):flag()
//
//	for msg in inbox:search{unseen = true}:messages() do
//	  print(msg.uid, msg.from, msg.subject, msg.size)
//	end
//
// # Accounts
//
// mail.account{...} takes the keys host, port, tls ("implicit", the default;
// "starttls"; "none"), user, password, password_cmd (a shell command whose
// first output line is the password; running it needs the run permission,
// the CLI's --allow-run), password_env (the name of an environment variable
// holding the password), oauth2 = "NAME" (a sign-in made with "mailscript
// auth login NAME": a fresh token at each login, refreshed and rotated as
// needed) or oauth2 = {token = ... | token_cmd = ...}, ca_file
// (extra PEM roots to trust), insecure (no certificate verification),
// timeout (seconds, or "30s"), and create (create missing destination
// mailboxes). Any other key is an error. Without a password source the
// password is read from the environment variable MAILSCRIPT_PASSWORD.
// Certificates are verified by default; STARTTLS, when asked for, is
// required: a server that does not offer it is never used in plain text.
//
// mail.account("imaps://user@host[:port]") and mail.account("imap://...")
// (STARTTLS) take the same settings as a URL (query parameters tls,
// password_cmd, password_env, oauth2, ca_file, insecure, timeout, create; a password
// may be given as user:password@), optionally followed by a table of more
// settings. mail.account() with no argument reads the URL from the
// environment variable MAILSCRIPT_ACCOUNT, for example
//
//	MAILSCRIPT_ACCOUNT='imap://alice:secret@127.0.0.1:1143?tls=none'
//
// An account connects on first use. When its connection is lost, the call
// that noticed fails and the next call connects and logs in again.
//
// Account methods: mailbox(name), mailboxes([pattern]) (a list of
// mailboxes; "*" by default, "%" for one level), special(attr) (the mailbox
// with a special-use attribute such as "\\Junk", "\\Sent", "\\Trash",
// "\\Archive", or nil), create(name), delete(name), rename(old, new),
// subscribe(name), unsubscribe(name), close(). Fields: name (user@host),
// user, host. An unknown key is an error: acct.INBOX does not name a
// mailbox, acct:mailbox("INBOX") does.
//
// # Mailboxes
//
// Methods: status() (a table of messages, unseen, recent, uidnext,
// uidvalidity), append(raw [, {flags = {...}, date = epoch-or-string}])
// (returns the new UID when the server tells it), all(), search{...}.
// Field: name, account.
//
// # Searches
//
// mbox:search{...} sends one SEARCH command (with CHARSET UTF-8 when a
// value is not ASCII) where every key given must hold:
//
//	from, to, cc, bcc, subject, body, text   string or list of strings (contains)
//	header = {["List-Id"] = "x"}            header contains (a list: all of them)
//	seen, flagged, answered, deleted, draft true / false
//	unseen, unflagged, unanswered, undeleted, undraft, recent   true
//	keyword, unkeyword                      keyword or list of keywords
//	larger, smaller                         bytes, or "500K", "2M", "1G"
//	since, before, on                       arrival date: epoch seconds,
//	sent_since, sent_before, sent_on        "2024-03-05" or "5-Mar-2024"
//	older, newer                            age: "30d", "12h", "2w", or days
//	uid                                     number, "1:100" or a list
//	any = {...}                             OR: a list of search tables, or
//	                                        one table whose keys are the
//	                                        alternatives
//	no = {...}                              NOT: excludes the messages that
//	                                        match any of the alternatives
//
// older and newer compare to the second where the server has WITHIN
// (RFC 5032), else by day. The result is a set of (mailbox, UID).
//
// On a mailbox of 4,000 messages or more and a fast link, a search with a
// key that may make the server read every message (the text keys,
// header, dates, sizes, ages) and none of recent is cut into pieces by UID
// (8 on 10,000 messages): the account's connection searches them from the
// first up while a connection of the scan pool (below) searches them from
// the last down, so that the server reads two at once;
// set:search{...} cuts a part of 4,000 messages or more the same way.
//
// # Sets
//
// set:search{...} narrows a set on the server (one SEARCH per mailbox);
// set:match{subject = re, from = re, to = re, cc = re, header = {Name = re},
// body = re} narrows it on the client, with the patterns of the re module
// (Python syntax, or compiled re patterns) searched in the decoded,
// unfolded header fields (RFC 2047, charsets) and in the readable text.
// Sets compose with + (union), * (intersection) and - (difference);
// #set counts, set:is_empty(), set:uids([mbox]) lists UIDs, set:mailboxes()
// the mailboxes.
//
// A match streams: the header fields (then, for a body pattern, the
// candidates' whole messages) are fetched in batches with several UID
// FETCH commands in flight, and each message is decoded and matched as
// its response arrives, so memory is bounded by the batches in flight,
// not by the mailbox. A set of more than 20,000 messages is spread over
// the account's connection and connections of a pool per account and
// process (scan_connections, default 3 in all, 1 for none), shared by
// every rule of the process and never larger than that; a server that
// refuses another connection turns the pool off for a while, and over a
// slow link (a last command slower than 5 ms) a scan stays on one
// connection. Pieces lends a pool connection to other work of the same
// kind (stdlib/imapfilter cuts big searches and fetches with it).
// CloseScanPools logs out the pool's connections.
//
// # Actions
//
// Each action sends one command per mailbox of the set (UID sets compressed
// into ranges, split only where a command line would be too long), returns
// the number of messages it acted on, and logs one summary line (action,
// source, destination, count, duration) through the run's logger:
//
//	move_to(dest)     UID MOVE; without MOVE, with UIDPLUS: COPY, STORE
//	                  +FLAGS \Deleted, UID EXPUNGE of exactly those UIDs;
//	                  with neither, COPY and STORE \Deleted only (the log
//	                  says the originals were not expunged). A plain
//	                  EXPUNGE, which removes other deleted mail, is never sent.
//	copy_to(dest)     UID COPY
//	delete()          STORE \Deleted + UID EXPUNGE of those UIDs (flag only
//	                  without UIDPLUS)
//	mark_seen(), unmark_seen(), flag([flag]), unflag([flag]) (default
//	\Flagged), add_keyword(kw), remove_keyword(kw), replace_flags(flags)
//
// dest is a mailbox, or a mailbox name of the set's account. A mailbox of
// another account is reached by downloading each message and appending it
// there with its flags and internal date; each copy is checked (APPENDUID,
// or a search by Message-ID) and only the checked ones are removed at the
// source. When the destination account has create = true, a missing
// destination mailbox is created (on the server's TRYCREATE) and subscribed.
// A set remembers the UIDVALIDITY its UIDs belong to; an action on a mailbox
// whose UIDVALIDITY changed since is refused.
//
// # Dry-run
//
// With mail.dry_run = true, or the host's dry-run flag (the CLI's
// --dry-run), every action and mailbox change only logs what it would do,
// with the count and a few subjects; mailboxes are opened read-only
// (EXAMINE) and nothing that changes a mailbox is sent.
//
// # Messages
//
// for msg in set:messages() do ... end fetches UID, flags, size, internal
// date and envelope for 200 messages per command (set:messages{batch = n}),
// reading ahead up to four batches with their commands pipelined.
// Fields: uid, mailbox, subject (decoded), from, to, cc (decoded, "Name
// <addr>, ..."), from_addr, message_id, date (epoch seconds of the Date
// header, else of the arrival), internal_date, size, flags. Methods:
// header(name) (decoded; nil when absent), header_all(name), has_flag(f),
// text() (the readable text part, decoded to UTF-8), raw(), attachments()
// (a list of {filename, content_type, size, data}), parse() (an email
// message of the email module). Headers and bodies are fetched when first
// asked for: for that message alone the first time, for the rest of the
// batch in one command when a second message of the batch asks.
//
// # Reacting to mail
//
// In a rule run by the engine (mailscript run or watch):
//
//	mail.on_new(acct:mailbox("INBOX"), function(set) set:move_to("Seen") end)
//	mail.on_change(acct:mailbox("INBOX"), function(changed, expunged) ... end)
//
// on_new hands the messages that arrive to fn as a set (a burst is one
// call, or a few: after the server's news the trigger listens for more
// for host.Tuning.Coalesce, 20ms by default, and mail that arrives while
// a callback runs comes in the next one); on_change hands the messages whose flags changed and
// the messages expunged (a set of UIDs only: they are gone). Both take an
// options table {poll = "5m"}: the polling interval for servers without
// IDLE. The watched mailboxes of one account share its connections
// (watchhub.go): with NOTIFY (RFC 5465) one connection watches them all;
// without, each has a connection of its own in IDLE (re-issued before 29
// minutes) within the account's budget (Config.Connections), and one
// shared connection polls the rest with STATUS; all reconnect with
// backoff after failures. See watch.go for how on_new keeps its progress
// (UIDVALIDITY, highest UID and newest arrival handled) in the rule's
// state so that nothing is handled twice or skipped, whichever connection
// saw the mail, and how a change of UIDVALIDITY is handled (by arrival
// time).
//
// mbox:new_since(key) returns the messages that arrived since the last
// set:ack(key) (all of them the first time); set:ack(key) records the
// set's highest UID per mailbox as handled. Together they make batch
// rules that pick up where they left off.
//
// mbox:backfill(key, {batch = 500, order = "newest"}, fn) applies a rule to
// the mail already in a mailbox, batch by batch, resumable from the rule's
// state: a backfill stopped halfway (a crash, Ctrl-C) goes on at the next
// run where it stopped, and the rule's own state changes of a batch are
// saved with the position, so each message is handled once.
//
// Every action is journaled when the host has a journal (package journal):
// before it changes anything (the messages, their Message-IDs and flags,
// copies of messages about to be deleted, the SEARCH or match that chose
// them) and after (what the server confirmed). Undo reverses a run from
// its journal.
//
// # Errors
//
// Every error the module raises is a value of class mail.Error or of one of
// its subclasses: mail.LoginError (the server refused the credentials),
// mail.ConnectionError (unreachable, dropped, or a broken protocol),
// mail.NoSuchMailbox, mail.ArgumentError (a bad setting, argument or search
// key, found before anything is sent) and mail.PermissionError (a missing
// permission). An error has name, message and class; tostring(e) is its
// message; mail.LoginError:is(e) tests it. Go code gets the class of an
// error with Classify.
//
// # Vocabularies
//
// The search keys and the account settings are each defined once, in the
// tables searchKeys (searchkeys.go) and accountKeys (accountkeys.go): the
// binding, ParseURL and Query.Criteria read them, and the README's tables
// are generated from them (go test ./stdlib/mail -update-docs).
//
// # Sending mail
//
// An account sends through its outgoing server: by default the IMAP host's
// submission port (587) with STARTTLS (required, never a plain-text
// fall-back), certificates verified as for IMAP, and the same login
// (password, password_cmd, password_env or OAuth2 token). Change it with
// smtp = {host = ..., port = ..., tls = "starttls" | "implicit" | "none",
// user = ..., from = "Me <me@example.org>"} in mail.account{...}, or the
// URL parameters smtp=host:port (or smtp://host:port, smtps://host:465),
// smtp_tls and smtp_from. from is the address replies, forwards and
// notices are sent from (the user when it is an address, else
// user@host); acct:from_address() returns it.
//
//	acct:send(msg [, {save_sent = true, sent_mailbox = "Sent", from =, to = {...}}])
//
// sends msg (an email.Message, such as email.message.EmailMessage(), or
// the message's bytes) and returns its Message-ID and a table of the
// recipients the server refused. The envelope is Python's send_message's:
// Sender or From; To, Cc and Bcc (Bcc is not transmitted). A Date and a
// Message-ID are added when missing. A copy, flagged \Seen, is stored in
// the \Sent special-use mailbox (or sent_mailbox); when that fails after
// the server accepted the message, the log says so and send returns
// normally: nothing is ever submitted twice, and send retries nothing.
// Envelope addresses with CR, LF, NUL, blanks or angle brackets are
// refused before anything is sent; header values with CR or LF cannot be
// set on an EmailMessage.
//
//	msg:reply{text = "...", html = "...", quote = true, all = false}
//	msg:forward{to = "a@example.org", note = "...", inline = false}
//	set:forward_each{to = ..., note = ..., mark = "$Forwarded"}
//
// reply answers Reply-To (else From), and with all = true Cc's the other
// recipients but the account's own address; the subject gets "Re: " once;
// In-Reply-To and References thread it; quote appends the original's text
// under "On DATE, SENDER wrote:" with "> " prefixes. forward attaches the
// original whole (message/rfc822) under the note, or with inline = true
// copies its text and attachments. Both send at once and return what send
// returns; send = false returns the email.Message instead. forward_each
// forwards every message of a set and returns the count; with mark, each
// message gets that keyword as soon as its forward is sent.
//
//	mail.vacation{mbox = inbox, text = "...", days = 7, addresses = {...},
//	              subject = "...", first_day = "2026-12-20", last_day = "2027-01-06"}
//
// answers, in a rule run by the engine, each new message of mbox with a
// notice (watch = false turns that off; v:answer(set) answers a set,
// v:decide(msg) says what it would do). The rules are RFC 3834's and
// Sieve vacation's (RFC 5230): no notice for mail with an Auto-Submitted
// field other than "no", Precedence bulk, list or junk, a List-* field,
// X-Auto-Response-Suppress, an empty Return-Path, a MAILER-DAEMON,
// postmaster, no-reply, owner-* or *-request sender, mail not addressed
// to one of addresses (To, Cc, Bcc, Resent-*), or mail from one of them;
// at most one notice per sender per days, remembered in the rule's state
// (--state-dir; without one, for the run only); none outside first_day to
// last_day. Notices go to the Return-Path (else From), from the address
// the mail was sent to, with "Auto-Submitted: auto-replied", In-Reply-To
// and References, and an empty envelope sender, so that no robot answers
// or bounces them. The sender is recorded before the notice is sent (and
// forgotten again only when the server certainly did not take it).
//
// In dry-run nothing is sent or stored: the envelope, the header and the
// first lines of each message are printed instead. Every send (and every
// message a vacation leaves unanswered, with the reason) logs one line.
//
// # Go
//
// The Lua functions wrap a Go API that other Go code (the engine's
// triggers) uses directly: NewAccount with a Config (or ParseURL),
// Account.Mailbox, Mailbox.Search with a Query, Set.Union/Intersect/
// Difference, Set.Search, Set.Match, Set.MoveTo/CopyTo/Delete/Store and
// Set.Messages; Account.Send, BuildReply, BuildForward and Vacation for
// sending.
package mail
