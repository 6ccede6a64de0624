package imaplib

import (
	"strings"
	"time"
)

// This file holds the methods that mirror Python 3.14's imaplib.IMAP4
// methods of the same name. Arguments are sent verbatim, as Python sends
// them: Python 3 quotes nothing but LOGIN's password (its _quote; there is
// no _checkquote any more, whatever the class docstring says), so the
// caller quotes a mailbox name holding spaces ("\"My Folder\"") and
// encodes one holding non-ASCII characters (EncodeMailboxName). An
// argument holding CR, LF or NUL is refused with a ValueError before
// anything is sent (CVE-2025-15366; Python 3.14 does the same).
//
// Where Python has a None default or accepts None, the Go method takes the
// zero value instead: an empty string is Python's None (or the default
// argument) for Append's flags and date, Search's, Sort's and Thread's
// charset, Select's mailbox ("INBOX") and List's and Lsub's directory and
// pattern (`""` and "*").
//
// The rest of Python's API maps as follows: the IMAP4, IMAP4_SSL and
// IMAP4_stream constructors and open() are Dial, DialTLS and DialStream
// (New for a connection made by the caller); socket() is Conn; shutdown()
// is Shutdown; read(), readline() and send() are Read, Readline and Send;
// close() is CloseMailbox, because Close closes the connection as Go's
// io.Closer does; the attributes capabilities, state, welcome,
// PROTOCOL_VERSION, is_readonly, utf8_enabled and untagged_responses are
// the methods Capabilities, State, Welcome, ProtocolVersion, IsReadonly,
// UTF8Enabled and UntaggedResponses.

// Capability asks for the server's capabilities (CAPABILITY).
func (m *IMAP4) Capability() (string, []Item, error) {
	typ, dat, err := m.simple("CAPABILITY")
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "CAPABILITY")
	return typ, dat, nil
}

// Noop sends NOOP; the server may answer with pending untagged responses,
// which stay filed for Response.
func (m *IMAP4) Noop() (string, []Item, error) {
	return m.simple("NOOP")
}

// Check asks for a checkpoint of the selected mailbox (CHECK).
func (m *IMAP4) Check() (string, []Item, error) { return m.simple("CHECK") }

// CloseMailbox closes the selected mailbox (Python's close(), IMAP CLOSE):
// messages flagged \Deleted are removed from a writable mailbox. The state
// returns to AUTH whatever the outcome.
func (m *IMAP4) CloseMailbox() (string, []Item, error) {
	typ, dat, err := m.simple("CLOSE")
	m.state = "AUTH"
	return typ, dat, err
}

// Copy copies messages to newMailbox (COPY).
func (m *IMAP4) Copy(messageSet, newMailbox string) (string, []Item, error) {
	return m.simple("COPY", messageSet, newMailbox)
}

// Create creates a mailbox (CREATE).
func (m *IMAP4) Create(mailbox string) (string, []Item, error) {
	return m.simple("CREATE", mailbox)
}

// Delete deletes a mailbox (DELETE).
func (m *IMAP4) Delete(mailbox string) (string, []Item, error) {
	return m.simple("DELETE", mailbox)
}

// DeleteACL removes every right of who on mailbox (DELETEACL, RFC 4314).
func (m *IMAP4) DeleteACL(mailbox, who string) (string, []Item, error) {
	return m.simple("DELETEACL", mailbox, who)
}

// Expunge removes the messages flagged \Deleted from the selected mailbox;
// data lists the expunged sequence numbers in the order received.
func (m *IMAP4) Expunge() (string, []Item, error) {
	return m.withUntagged("EXPUNGE", "EXPUNGE")
}

// Fetch fetches parts of messages. messageParts is an IMAP fetch attribute
// or a parenthesised list of them, e.g. "(UID BODY[TEXT])"; data holds the
// FETCH responses, with (line, literal) pairs where the server sent
// literals.
func (m *IMAP4) Fetch(messageSet, messageParts string) (string, []Item, error) {
	return m.withUntagged("FETCH", "FETCH", messageSet, messageParts)
}

// GetACL returns the access control list of mailbox (GETACL).
func (m *IMAP4) GetACL(mailbox string) (string, []Item, error) {
	return m.withUntagged("GETACL", "ACL", mailbox)
}

// GetAnnotation returns annotations (GETANNOTATION, draft-daboo).
func (m *IMAP4) GetAnnotation(mailbox, entry, attribute string) (string, []Item, error) {
	return m.withUntagged("GETANNOTATION", "ANNOTATION", mailbox, entry, attribute)
}

// GetQuota returns the usage and limits of a quota root (GETQUOTA).
func (m *IMAP4) GetQuota(root string) (string, []Item, error) {
	return m.withUntagged("GETQUOTA", "QUOTA", root)
}

// GetQuotaRoot returns the quota roots of mailbox and their quotas: data
// holds two items per Python's shape, [quotaroot list, quota list]; in Go
// they are returned separately.
func (m *IMAP4) GetQuotaRoot(mailbox string) (typ string, quotaRoot, quota []Item, err error) {
	typ, dat, err := m.simple("GETQUOTAROOT", mailbox)
	if err != nil {
		return "", nil, nil, err
	}
	_, quota = m.untaggedResponse(typ, dat, "QUOTA")
	typ, quotaRoot = m.untaggedResponse(typ, dat, "QUOTAROOT")
	return typ, quotaRoot, quota, nil
}

// List lists mailboxes (LIST); data holds the LIST responses. An empty
// directory or pattern takes Python's default, `""` and "*" (so List("",
// "") is Python's list()); both are sent verbatim otherwise.
func (m *IMAP4) List(directory, pattern string) (string, []Item, error) {
	directory, pattern = listDefaults(directory, pattern)
	return m.withUntagged("LIST", "LIST", directory, pattern)
}

// Lsub lists subscribed mailboxes (LSUB), with List's defaults.
func (m *IMAP4) Lsub(directory, pattern string) (string, []Item, error) {
	directory, pattern = listDefaults(directory, pattern)
	return m.withUntagged("LSUB", "LSUB", directory, pattern)
}

func listDefaults(directory, pattern string) (string, string) {
	if directory == "" {
		directory = `""`
	}
	if pattern == "" {
		pattern = "*"
	}
	return directory, pattern
}

// Login identifies the client with a plaintext password (LOGIN). The
// password is always sent quoted, as Python does. A refused login is an
// error of kind error carrying the server's text.
func (m *IMAP4) Login(user, password string) (string, []Item, error) {
	typ, dat, err := m.run(&command{name: "LOGIN", args: []any{user, quote(password)}, redact: true, redactFrom: 1})
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		return "", nil, newError(KindError, nil, "%s", pyBytes(lastLine(dat)))
	}
	m.state = "AUTH"
	return typ, dat, nil
}

// Logout ends the session (LOGOUT) and closes the connection; typ is "BYE"
// with the server's BYE text, as in Python.
func (m *IMAP4) Logout() (string, []Item, error) {
	m.state = "LOGOUT"
	typ, dat, err := m.simple("LOGOUT")
	m.Close()
	return typ, dat, err
}

// MyRights returns the caller's rights on mailbox (MYRIGHTS).
func (m *IMAP4) MyRights(mailbox string) (string, []Item, error) {
	return m.withUntagged("MYRIGHTS", "MYRIGHTS", mailbox)
}

// Namespace returns the server's namespaces (NAMESPACE, RFC 2342).
func (m *IMAP4) Namespace() (string, []Item, error) {
	return m.withUntagged("NAMESPACE", "NAMESPACE")
}

// Partial fetches part of a message (the obsolete PARTIAL command of IMAP2bis,
// which IMAP4rev1 servers no longer offer); data holds the FETCH responses.
func (m *IMAP4) Partial(messageNum, messagePart, start, length string) (string, []Item, error) {
	typ, dat, err := m.simple("PARTIAL", messageNum, messagePart, start, length)
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "FETCH")
	return typ, dat, nil
}

// ProxyAuth assumes the identity of user (PROXYAUTH).
func (m *IMAP4) ProxyAuth(user string) (string, []Item, error) {
	return m.simple("PROXYAUTH", user)
}

// Rename renames a mailbox (RENAME).
func (m *IMAP4) Rename(oldMailbox, newMailbox string) (string, []Item, error) {
	return m.simple("RENAME", oldMailbox, newMailbox)
}

// Search searches the selected mailbox (SEARCH). charset "" sends no
// CHARSET; criteria are sent as given, space separated. In UTF-8 mode the
// charset must be "".
func (m *IMAP4) Search(charset string, criteria ...string) (string, []Item, error) {
	args := make([]any, 0, len(criteria)+2)
	if charset != "" {
		if m.utf8 {
			return "", nil, newError(KindError, nil, "Non-None charset not valid in UTF8 mode")
		}
		args = append(args, "CHARSET", charset)
	}
	for _, c := range criteria {
		args = append(args, c)
	}
	return m.withUntagged("SEARCH", "SEARCH", args...)
}

// Select selects a mailbox (SELECT, or EXAMINE when readonly) and returns
// the EXISTS count as data. Untagged responses are flushed first; the
// others (FLAGS, UIDVALIDITY...) stay available through Response. A
// mailbox the server opens read-only although readonly is false yields an
// error of kind readonly, as in Python.
func (m *IMAP4) Select(mailbox string, readonly bool) (string, []Item, error) {
	if mailbox == "" {
		mailbox = "INBOX"
	}
	return m.selectMailbox(mailbox, readonly)
}

func (m *IMAP4) selectMailbox(mailbox string, readonly bool) (string, []Item, error) {
	m.untagged = make(map[string][]Item)
	m.isReadonly = readonly
	name := "SELECT"
	if readonly {
		name = "EXAMINE"
	}
	typ, dat, err := m.simple(name, mailbox)
	if err != nil {
		return "", nil, err
	}
	if typ != "OK" {
		m.state = "AUTH"
		return typ, dat, nil
	}
	m.state = "SELECTED"
	if _, ro := m.untagged["READ-ONLY"]; ro && !readonly {
		return "", nil, newError(KindReadonly, nil, "%s is not writable", mailbox)
	}
	exists, ok := m.untagged["EXISTS"]
	if !ok {
		return typ, []Item{NoneItem}, nil
	}
	return typ, append([]Item(nil), exists...), nil
}

// SetACL sets the rights of who on mailbox (SETACL).
func (m *IMAP4) SetACL(mailbox, who, what string) (string, []Item, error) {
	return m.simple("SETACL", mailbox, who, what)
}

// SetAnnotation sets annotations of mailbox (SETANNOTATION, the
// ANNOTATEMORE draft): entryAttrs are the entries and their attribute
// lists, e.g. "/comment", `("value.priv" "hello")`, sent verbatim. data
// holds the ANNOTATION responses.
func (m *IMAP4) SetAnnotation(mailbox string, entryAttrs ...string) (string, []Item, error) {
	return m.withUntagged("SETANNOTATION", "ANNOTATION", append([]any{mailbox}, strArgs(entryAttrs)...)...)
}

// SetQuota sets the limits of a quota root (SETQUOTA).
func (m *IMAP4) SetQuota(root, limits string) (string, []Item, error) {
	return m.withUntagged("SETQUOTA", "QUOTA", root, limits)
}

// Sort sorts the selected mailbox (SORT, RFC 5256); sortCriteria are put
// in parentheses when the caller did not. charset is required by the RFC
// ("UTF-8", "US-ASCII"); "" leaves it out, as Python does with None.
// data holds the SORT responses.
func (m *IMAP4) Sort(sortCriteria, charset string, searchCriteria ...string) (string, []Item, error) {
	sortCriteria = parenthesise(sortCriteria)
	args := append([]any{sortCriteria, optional(charset)}, strArgs(searchCriteria)...)
	return m.withUntagged("SORT", "SORT", args...)
}

// Status asks for the status items names (e.g. "(MESSAGES UNSEEN)") of
// mailbox (STATUS).
func (m *IMAP4) Status(mailbox, names string) (string, []Item, error) {
	return m.withUntagged("STATUS", "STATUS", mailbox, names)
}

// Store changes flags (STORE): command is e.g. "+FLAGS" or
// "-FLAGS.SILENT"; flags are put in parentheses when the caller did not,
// so "" sends "()" (with FLAGS, clearing every flag; Python fails with an
// IndexError there). data holds the FETCH responses the server sent:
// [None] for a .SILENT store.
func (m *IMAP4) Store(messageSet, command, flags string) (string, []Item, error) {
	flags = parenthesise(flags)
	return m.withUntagged("STORE", "FETCH", messageSet, command, flags)
}

// Subscribe subscribes to a mailbox (SUBSCRIBE).
func (m *IMAP4) Subscribe(mailbox string) (string, []Item, error) {
	return m.simple("SUBSCRIBE", mailbox)
}

// Thread threads the selected mailbox (THREAD, RFC 5256) with algorithm
// ("REFERENCES", "ORDEREDSUBJECT"); charset "" is left out, as Sort's.
// data holds the THREAD responses.
func (m *IMAP4) Thread(algorithm, charset string, searchCriteria ...string) (string, []Item, error) {
	args := append([]any{algorithm, optional(charset)}, strArgs(searchCriteria)...)
	return m.withUntagged("THREAD", "THREAD", args...)
}

// UID runs command (FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT,
// THREAD) with UIDs instead of sequence numbers; args are the command's
// arguments, sent verbatim. The data returned is the SEARCH, SORT or
// THREAD responses for those commands and the FETCH responses for every
// other one, as in Python: [None] for COPY, MOVE and EXPUNGE unless the
// server sent FETCH responses (the COPYUID code stays available through
// Response). A command unknown to the command table (and not added by
// Xatom) is an error, as is one not allowed in the current state.
func (m *IMAP4) UID(command string, args ...string) (string, []Item, error) {
	command = strings.ToUpper(command)
	_, known := commandStates[command]
	if _, added := m.xatoms[command]; !known && !added {
		return "", nil, newError(KindError, nil, "Unknown IMAP4 UID command: %s", command)
	}
	if err := m.allowedIn(command); err != nil {
		return "", nil, err
	}
	typ, dat, err := m.simple("UID", append([]any{command}, strArgs(args)...)...)
	if err != nil {
		return "", nil, err
	}
	name := "FETCH"
	switch command {
	case "SEARCH", "SORT", "THREAD":
		name = command
	}
	typ, dat = m.untaggedResponse(typ, dat, name)
	return typ, dat, nil
}

// Unsubscribe unsubscribes from a mailbox (UNSUBSCRIBE).
func (m *IMAP4) Unsubscribe(mailbox string) (string, []Item, error) {
	return m.simple("UNSUBSCRIBE", mailbox)
}

// Unselect frees the selected mailbox without expunging (UNSELECT, RFC
// 3691); the state returns to AUTH.
func (m *IMAP4) Unselect() (string, []Item, error) {
	typ, dat, err := m.simple("UNSELECT")
	m.state = "AUTH"
	return typ, dat, err
}

// Xatom sends an extension command the server advertised; a name unknown
// to the command table is allowed in the current state from then on, as
// in Python.
func (m *IMAP4) Xatom(name string, args ...string) (string, []Item, error) {
	name = strings.ToUpper(name)
	if _, known := commandStates[name]; !known {
		if _, added := m.xatoms[name]; !added {
			if m.xatoms == nil {
				m.xatoms = make(map[string][]string)
			}
			m.xatoms[name] = []string{m.state}
		}
	}
	return m.simple(name, strArgs(args)...)
}

// Response hands out and forgets the untagged responses of code (e.g.
// "UIDVALIDITY", "EXISTS", "FLAGS"); data is [None] when there were none.
// typ is code itself, as in Python.
func (m *IMAP4) Response(code string) (string, []Item) {
	return m.untaggedResponse(code, []Item{NoneItem}, strings.ToUpper(code))
}

// Recent returns the RECENT responses received, prompting the server with
// NOOP when there are none; data is [None] when there is no news.
func (m *IMAP4) Recent() (string, []Item, error) {
	typ, dat := m.untaggedResponse("OK", []Item{NoneItem}, "RECENT")
	if truthy(dat[len(dat)-1]) {
		return typ, dat, nil
	}
	typ, dat, err := m.Noop()
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, "RECENT")
	return typ, dat, nil
}

// withUntagged runs name with verbatim args and hands out the untagged
// responses called resp.
func (m *IMAP4) withUntagged(name, resp string, args ...any) (string, []Item, error) {
	typ, dat, err := m.simple(name, args...)
	if err != nil {
		return "", nil, err
	}
	typ, dat = m.untaggedResponse(typ, dat, resp)
	return typ, dat, nil
}

// truthy is Python's truth value of a data item: None and an empty line
// are false.
func truthy(it Item) bool {
	return !it.IsNone && (it.IsPair || len(it.Line) > 0)
}

// optional is an argument Python would leave out when None: nil for "".
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strArgs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// parenthesise wraps s in parentheses unless it already is (Python's rule
// for STORE flags, SORT criteria and APPEND flags).
func parenthesise(s string) string {
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		return s
	}
	return "(" + s + ")"
}

// quote returns s as an IMAP quoted string (Python's _quote).
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

func lastLine(dat []Item) []byte {
	if len(dat) == 0 {
		return nil
	}
	return dat[len(dat)-1].Line
}

// Append appends message to mailbox (APPEND; "" means INBOX). flags are
// put in parentheses when the caller did not ("" sends none). dateTime is
// the internal date as Time2Internaldate makes it, double quotes included
// ("" sends none); like Python, Append refuses any other string with a
// ValueError ("date_time not of a known type") — use AppendTime for a
// time.Time, or Time2InternaldateValue for the other forms Python
// accepts (seconds since the epoch). Line endings of message are
// normalised to CRLF, as Python does. The message goes as a literal:
// {n+} when the server has LITERAL+ (Python always waits for the
// server's go-ahead, which changes the bytes sent but not the result),
// otherwise {n} after the server's go-ahead; in UTF-8 mode as UTF8
// (~{n}). Flags other than keywords and the system flags of RFC 3501
// (\Recent, \Bogus) always wait for the go-ahead: a server may refuse
// them before the literal, and must not read the message as commands.
// data is the tagged response's text; an APPENDUID code is available
// through Response.
func (m *IMAP4) Append(mailbox, flags, dateTime string, message []byte) (string, []Item, error) {
	if dateTime != "" {
		d, err := Time2InternaldateValue(dateTime)
		if err != nil {
			return "", nil, newError(KindValue, err, "date_time not of a known type")
		}
		dateTime = d
	}
	return m.appendMessage(mailbox, flags, dateTime, message)
}

// AppendTime is Append with the internal date given as a time.Time,
// formatted by Time2Internaldate in t's own zone; the zero Time sends no
// date, leaving the server to use the time of arrival.
func (m *IMAP4) AppendTime(mailbox, flags string, t time.Time, message []byte) (string, []Item, error) {
	var d string
	if !t.IsZero() {
		d = Time2Internaldate(t)
	}
	return m.appendMessage(mailbox, flags, d, message)
}

func (m *IMAP4) appendMessage(mailbox, flags, dateTime string, message []byte) (string, []Item, error) {
	if mailbox == "" {
		mailbox = "INBOX"
	}
	return m.run(&command{
		name:        "APPEND",
		args:        []any{mailbox, optionalFlags(flags), optional(dateTime)},
		literal:     normaliseCRLF(message),
		hasLiteral:  true,
		utf8Lit:     true,
		syncLiteral: !appendLiteralSafe(strings.Fields(strings.Trim(flags, "()"))),
	})
}

func optionalFlags(flags string) any {
	if flags == "" {
		return nil
	}
	return parenthesise(flags)
}

// normaliseCRLF turns every CRLF, CR and LF into CRLF (Python's MapCRLF).
func normaliseCRLF(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/50)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			out = append(out, '\r', '\n')
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, b[i])
		}
	}
	return out
}
