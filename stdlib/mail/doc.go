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
// holding the password), oauth2 = {token = ... | token_cmd = ...}, ca_file
// (extra PEM roots to trust), insecure (no certificate verification),
// timeout (seconds, or "30s"), and create (create missing destination
// mailboxes). Any other key is an error. Without a password source the
// password is read from the environment variable MAILSCRIPT_PASSWORD.
// Certificates are verified by default; STARTTLS, when asked for, is
// required: a server that does not offer it is never used in plain text.
//
// mail.account("imaps://user@host[:port]") and mail.account("imap://...")
// (STARTTLS) take the same settings as a URL (query parameters tls,
// password_cmd, password_env, ca_file, insecure, timeout, create; a password
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
// date and envelope for 200 messages per command (set:messages{batch = n}).
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
// call, or a few); on_change hands the messages whose flags changed and
// the messages expunged (a set of UIDs only: they are gone). Both take an
// options table {poll = "5m"}: the polling interval for servers without
// IDLE. Each watched mailbox has a connection of its own, in IDLE
// (re-issued before 29 minutes) or polling STATUS, reconnecting with
// backoff after failures; see watch.go for how on_new keeps its progress
// (UIDVALIDITY, highest UID and newest arrival handled) in the rule's
// state so that nothing is handled twice or skipped, and how a change of
// UIDVALIDITY is handled (by arrival time). NOTIFY (RFC 5465) is not
// used: one IDLE connection per mailbox works with every server.
//
// mbox:new_since(key) returns the messages that arrived since the last
// set:ack(key) (all of them the first time); set:ack(key) records the
// set's highest UID per mailbox as handled. Together they make batch
// rules that pick up where they left off.
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
// # Go
//
// The Lua functions wrap a Go API that other Go code (the engine's
// triggers) uses directly: NewAccount with a Config (or ParseURL),
// Account.Mailbox, Mailbox.Search with a Query, Set.Union/Intersect/
// Difference, Set.Search, Set.Match, Set.MoveTo/CopyTo/Delete/Store and
// Set.Messages.
package mail
