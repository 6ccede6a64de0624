// Package imaplib is an IMAP4rev1 client (RFC 3501) shaped like Python's
// imaplib, with the extensions servers offer today.
//
// # Python's API, in Go
//
// An *IMAP4 is one connection. Dial, DialTLS and DialStream are Python's
// IMAP4, IMAP4_SSL and IMAP4_stream; New starts a session over any
// connection. Each command method is named after Python's (Login, Select,
// Fetch, Search, Store, UID, ...) and returns what Python returns: a type
// string ("OK", "NO", or the server's word) and a data list of Items, each a
// line, a (line, literal) pair, or None:
//
//	m, err := imaplib.DialTLS("imap.example.org", 0, nil)
//	...
//	_, _, err = m.Login("alice", password)
//	typ, data, err := m.Select("INBOX", false) // data[0].Line is the EXISTS count
//	typ, data, err = m.Search("", "UNSEEN")
//	typ, data, err = m.Fetch("1", "(RFC822)") // data[0] is a pair: (header, message)
//
// Arguments of these methods are sent as Python sends them: verbatim, the
// caller quoting what needs quoting ("(\\Seen)", `"two words"`), except the
// password of Login, which is always quoted. An argument holding CR, LF or
// NUL is refused before anything is sent (Python's ValueError): no caller
// input can start a second command.
//
// # Errors
//
// Every error is an *Error whose Kind models Python's exceptions: KindError
// (IMAP4.error: a tagged BAD, a refused LOGIN, a command in the wrong
// state), KindAbort (IMAP4.abort: EOF, BYE, malformed or oversized server
// data, timeouts — the connection is closed), KindReadonly (IMAP4.readonly:
// the mailbox became read-only), and KindValue (ValueError). errors.Is
// follows Python's hierarchy upward: errors.Is(err, ErrError) is true for
// all three IMAP4 kinds, errors.Is(err, ErrAbort) for abort and readonly. A
// tagged NO is not an error: the type is "NO".
//
// # Limits and timeouts
//
// Server input is bounded by Options.Limits (a 32 MiB line, a 512 MiB
// literal, a 1 GiB response, lists nested 100 deep, by default): a SEARCH
// result over a 500,000-message mailbox fits, a literal announced at
// {99999999999} allocates nothing. Literals are read as their bytes
// arrive. Options.Timeout bounds connecting and each read; Options.Context
// interrupts a blocked read by closing the connection.
//
// # Parsed results
//
// ParseFetch, ParseList, ParseStatus, ParseSearch and ParseESearch turn
// data lists into Go values (FetchData with Envelope and BodyStructure,
// ListEntry, StatusData); SeqSet parses, writes and splits sequence sets;
// EncodeMailboxName and DecodeMailboxName convert mailbox names to and
// from modified UTF-7.
//
// # The typed API
//
// Beside the Python-shaped methods, methods for Go callers take Go values,
// quote them with the wire writer (atom, quoted string or literal) and
// return parsed results: SelectMailbox (MailboxInfo, with HIGHESTMODSEQ
// under CONDSTORE), ListMailboxes (SPECIAL-USE attributes), ListSubscribed
// (LSUB), ListStatus (LIST-STATUS, or LIST and STATUS), MailboxStatus,
// SearchMessages,
// UIDSearch and UIDSearchStats (ESEARCH when advertised), SelectUIDSearch
// (a SELECT and a search in one round trip), UIDFetch,
// UIDStore, UIDCopy, UIDMove, UIDExpunge, AppendMessage, Namespaces,
// CreateMailbox, DeleteMailbox, RenameMailbox, and the CONDSTORE variants
// UIDFetchChangedSince and UIDStoreUnchangedSince. Mailbox names are UTF-8,
// converted to and from modified UTF-7 unless UTF8=ACCEPT is on. UID sets
// too long for one command line are split over several commands, except
// that UIDStore, UIDCopy, UIDMove and UIDExpunge, when the server has
// SEARCHRES, build such a set in the saved search result "$" (searches of
// one line each, which change nothing) and act once, on "$"; the next of
// them on the same set uses "$" as it is, unless a command sent since may
// have changed it (anything but FETCH, STORE, COPY, MOVE, EXPUNGE, NOOP
// and CHECK). UIDMove uses MOVE, or else UID COPY, UID STORE \Deleted
// and UID EXPUNGE of exactly the UIDs moved (UIDPLUS); it never sends a
// plain EXPUNGE, and without either extension it refuses
// (ErrNoSafeMove). A refusal (NO) is an *Error whose cause is a
// *ResponseError holding the response code.
//
// For large sets, UIDFetchStream hands each message (and each literal) to
// a function as it comes off the network instead of collecting the
// responses, and UIDFetchPipeline does so for a sequence of batches with
// several UID FETCH commands in flight, sent in bursts, so that a scan of
// a whole mailbox waits neither a round trip per batch nor for a whole
// response, and holds one response at a time.
//
// Extensions used when advertised: MOVE, UIDPLUS (APPENDUID, COPYUID, UID
// EXPUNGE), CONDSTORE (MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE,
// HIGHESTMODSEQ), ESEARCH (RETURN MIN MAX COUNT ALL), LIST-STATUS,
// SPECIAL-USE, NAMESPACE, UNSELECT, LITERAL+ and LITERAL-, UTF8=ACCEPT,
// ENABLE, ID, IDLE, SASL-IR, STARTTLS.
//
// # Authentication and TLS
//
// Login sends LOGIN; Authenticate(mechanism, authobject) is Python's
// authenticate, byte for byte; AuthenticateSASL runs a Mechanism (PLAIN,
// LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER built in), with the initial
// response on the command line when the server has SASL-IR. StartTLS
// upgrades a plain connection, refusing when the server does not offer
// STARTTLS and aborting when the server sent anything after its OK
// (response injection); DialStartTLS never falls back to plaintext.
// Certificates and host names are verified unless the caller's tls.Config
// says otherwise.
//
// # IDLE
//
// Idle returns an Idler (Python 3.14's): iterate the responses the server
// pushes, in bursts if wanted, until a duration ends; Close always sends
// DONE, and IdleFunc guarantees it even when the caller's function fails.
// WaitIdle waits for news for as long as a context allows, renewing the
// IDLE before the servers' 30-minute limit.
//
// # Utilities
//
// Int2AP, ParseFlags, Internaldate2tuple and Time2Internaldate are
// Python's four module functions.
//
// # Debugging
//
// Options.Debug receives a trace in the style of Python's debug output,
// with LOGIN passwords and AUTHENTICATE exchanges redacted.
//
// An *IMAP4 is not safe for concurrent use (Close excepted), as Python's
// is not.
package imaplib
