package imaplib

import (
	"strings"
)

// This file holds the commands whose Python counterparts only send the
// arguments they are given and collect one kind of untagged response.
// Arguments are sent verbatim, as Python sends them: the caller quotes
// what needs quoting (Python's rule), and an argument holding CR, LF or
// NUL is refused with a ValueError before anything is sent.

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

// List lists mailboxes (LIST). Python's defaults are directory `""` and
// pattern "*"; pass them explicitly.
func (m *IMAP4) List(directory, pattern string) (string, []Item, error) {
	return m.withUntagged("LIST", "LIST", directory, pattern)
}

// Lsub lists subscribed mailboxes (LSUB).
func (m *IMAP4) Lsub(directory, pattern string) (string, []Item, error) {
	return m.withUntagged("LSUB", "LSUB", directory, pattern)
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

// Partial fetches part of a message (the obsolete PARTIAL command).
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

// SetAnnotation sets annotations: mailbox followed by entry and attribute
// lists (SETANNOTATION).
func (m *IMAP4) SetAnnotation(args ...string) (string, []Item, error) {
	return m.withUntagged("SETANNOTATION", "ANNOTATION", strArgs(args)...)
}

// SetQuota sets the limits of a quota root (SETQUOTA).
func (m *IMAP4) SetQuota(root, limits string) (string, []Item, error) {
	return m.withUntagged("SETQUOTA", "QUOTA", root, limits)
}

// Sort sorts the selected mailbox (SORT, RFC 5256); sortCriteria are put
// in parentheses when the caller did not.
func (m *IMAP4) Sort(sortCriteria, charset string, searchCriteria ...string) (string, []Item, error) {
	sortCriteria = parenthesise(sortCriteria)
	args := append([]any{sortCriteria, charset}, strArgs(searchCriteria)...)
	return m.withUntagged("SORT", "SORT", args...)
}

// Status asks for the status items names (e.g. "(MESSAGES UNSEEN)") of
// mailbox (STATUS).
func (m *IMAP4) Status(mailbox, names string) (string, []Item, error) {
	return m.withUntagged("STATUS", "STATUS", mailbox, names)
}

// Store changes flags (STORE): command is e.g. "+FLAGS" or
// "-FLAGS.SILENT"; flags are put in parentheses when the caller did not.
// data holds the FETCH responses the server sent.
func (m *IMAP4) Store(messageSet, command, flags string) (string, []Item, error) {
	flags = parenthesise(flags)
	return m.withUntagged("STORE", "FETCH", messageSet, command, flags)
}

// Subscribe subscribes to a mailbox (SUBSCRIBE).
func (m *IMAP4) Subscribe(mailbox string) (string, []Item, error) {
	return m.simple("SUBSCRIBE", mailbox)
}

// Thread threads the selected mailbox (THREAD, RFC 5256).
func (m *IMAP4) Thread(algorithm, charset string, searchCriteria ...string) (string, []Item, error) {
	args := append([]any{algorithm, charset}, strArgs(searchCriteria)...)
	return m.withUntagged("THREAD", "THREAD", args...)
}

// UID runs command (FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT,
// THREAD) with UIDs instead of sequence numbers. The data returned is the
// SEARCH, SORT or THREAD responses for those commands, FETCH responses for
// the others.
func (m *IMAP4) UID(command string, args ...string) (string, []Item, error) {
	command = strings.ToUpper(command)
	if _, ok := commandStates[command]; !ok {
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
	if last := dat[len(dat)-1]; !last.IsNone {
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

// Append appends message to mailbox (APPEND). flags are put in
// parentheses when the caller did not ("" sends none); dateTime is an
// INTERNALDATE string as Time2Internaldate makes it ("" sends none).
// Line endings of message are normalised to CRLF, as Python does. The
// message goes as a literal: {n+} when the server has LITERAL+, otherwise
// {n} after the server's go-ahead; in UTF-8 mode as UTF8 (~{n}).
func (m *IMAP4) Append(mailbox, flags, dateTime string, message []byte) (string, []Item, error) {
	if mailbox == "" {
		mailbox = "INBOX"
	}
	var f, d any
	if flags != "" {
		f = parenthesise(flags)
	}
	if dateTime != "" {
		d = dateTime
	}
	return m.run(&command{
		name:       "APPEND",
		args:       []any{mailbox, f, d},
		literal:    normaliseCRLF(message),
		hasLiteral: true,
		utf8Lit:    true,
	})
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
