// Package imapfilter runs imapfilter configurations unchanged: it gives a
// Lua state imapfilter's API (the options table, IMAP accounts, mailboxes
// with their searches and actions, result sets with + * -, messages, and
// the auxiliary functions such as regex_search, recover and
// become_daemon) as globals.
//
// As in imapfilter itself, the API is two tiers: a small core of Go
// functions, each one IMAP request over the connection of a mail.Account
// (so there is one IMAP client, the Go imaplib), and the convenience in
// Lua, embedded in the binary. The core works on whole sets: fetching the
// headers of a thousand messages is one UID FETCH, not a thousand.
//
// The semantics are imapfilter's: searches are sent as imapfilter sends
// them; match_* and regex_search compile PCRE patterns with no options
// and match the raw header bytes (see Regex); moves are UID COPY, then
// \Deleted; [TRYCREATE] creates the mailbox (and subscribes it with
// options.subscribe); mailbox names are UTF-8, in the config and in what
// list_all and list_subscribed return, and are sent in modified UTF-7
// ("&" as "&-"), so a name a config writes in modified UTF-7
// ('Entw&APw-rfe') is a name with an "&" under both. One difference is
// deliberate: where imapfilter sends a bare EXPUNGE after storing
// \Deleted, which also destroys mail other clients had marked \Deleted,
// this package sends UID EXPUNGE of exactly the messages the config acted
// on. With Options.DeferExpunge (the
// command's setting), the STORE of \Deleted and the UID EXPUNGE of moved
// and deleted messages wait and go for many messages at once, before
// anything could tell the difference (Teardown sends what still waits).
//
// Patterns are PCRE's, read by a scanner that writes them for Go's RE2
// so that they match the same bytes (see Compile); a construct with no
// exact equivalent is refused by name.
//
// imapfilter 2.8 runs Lua 5.2, and this package runs on gopher-lua, a
// Lua 5.1 with goto: a config's string escapes of Lua 5.2 are translated
// before it is parsed (TranslateEscapes), and Install gives its globals
// the Lua 5.2 library functions configs use where gopher-lua's differ
// (xpcall, error, string.format, bit32...). docs/imapfilter.md lists
// what stays different.
//
// Check finds, before a config runs, what would stop it half-way: syntax
// of Lua 5.3 that gopher-lua cannot parse (with what to write instead)
// and literal patterns that have no RE2 equivalent.
package imapfilter
