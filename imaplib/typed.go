package imaplib

// The typed API: methods for Go callers that take Go values, quote them
// with the wire writer (atom, quoted string or literal, never verbatim),
// and return parsed results. Mailbox names are ordinary UTF-8 strings:
// they are encoded in modified UTF-7 on the way out and decoded on the way
// back, unless UTF8=ACCEPT is enabled, when they travel as UTF-8. A server
// that refuses a command (NO) gives an *Error of kind error whose cause is
// a *ResponseError.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// maxCommandLine is the longest command line the typed API builds, in
// bytes. RFC 7162 asks clients to keep lines under 8192 octets; longer
// UID sets are split over several commands, or built up in the saved
// search result "$" (searchres.go). Tests lower it.
var maxCommandLine = 8000

// setBudget returns how many bytes a sequence set may take in a command
// whose other parts take overhead bytes (tag and spaces included).
func setBudget(overhead int) int {
	const tag = 16 // a tag prefix, up to ten digits and a space
	b := maxCommandLine - tag - overhead
	if b < 21 { // "4294967293:4294967294": every range fits
		b = 21
	}
	return b
}

// ResponseError describes a command the server refused with NO: errors.As
// on an error of the typed API finds it, with the response code (such as
// TRYCREATE, NONEXISTENT or ALREADYEXISTS) split out.
type ResponseError struct {
	// Command is the command refused, such as "UID COPY".
	Command string
	// Type is the server's answer, "NO" (or "BAD", as the cause of an
	// error of kind error).
	Type string
	// Code is the response code's name, "" when there is none; CodeArg its
	// argument text.
	Code, CodeArg string
	// Text is the human-readable text after the code.
	Text string
}

// Error describes the error.
func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Command)
	b.WriteString(": ")
	b.WriteString(e.Type)
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		if e.CodeArg != "" {
			b.WriteByte(' ')
			b.WriteString(e.CodeArg)
		}
		b.WriteByte(']')
	}
	if e.Text != "" {
		b.WriteByte(' ')
		b.WriteString(e.Text)
	}
	return b.String()
}

// refused turns a tagged NO into an error.
func refused(label, typ string, dat []Item) error {
	re := responseError(label, typ, dat)
	return &Error{Kind: KindError, Message: re.Error(), Err: re}
}

// responseError splits a tagged NO or BAD into its parts.
func responseError(label, typ string, dat []Item) *ResponseError {
	re := &ResponseError{Command: label, Type: typ}
	text := lastLine(dat)
	if code, arg, ok := matchResponseCode(text); ok {
		re.Code, re.CodeArg = code, string(arg)
		if end := strings.LastIndexByte(string(text), ']'); end >= 0 {
			text = text[end+1:]
		}
	}
	re.Text = strings.TrimSpace(string(text))
	return re
}

// do runs cmd and returns the data of its tagged OK; a NO becomes an error
// labelled label.
func (m *IMAP4) do(label string, cmd *command) ([]Item, error) {
	typ, dat, err := m.run(cmd)
	if err != nil {
		return nil, err
	}
	if typ != "OK" {
		return nil, refused(label, typ, dat)
	}
	return dat, nil
}

// takeCodes forgets the untagged responses and response codes named, so
// that what a command files under them afterwards is its own.
func (m *IMAP4) takeCodes(names ...string) {
	for _, n := range names {
		delete(m.untagged, n)
	}
}

// pop hands out and forgets the untagged responses of name.
func (m *IMAP4) pop(name string) []Item {
	v := m.untagged[name]
	delete(m.untagged, name)
	return v
}

// popLast hands out the last response of name (nil when none) and forgets
// them all.
func (m *IMAP4) popLast(name string) []byte {
	v := m.pop(name)
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1].Line
}

// errUnsupported reports a missing capability.
func errUnsupported(capability, what string) error {
	return newError(KindError, nil, "%s needs %s, which the server does not advertise", what, capability)
}

// require checks that the server advertised capability.
func (m *IMAP4) require(capability, what string) error {
	if !m.HasCapability(capability) {
		return errUnsupported(capability, what)
	}
	return nil
}

// encodeMailbox turns a caller's UTF-8 mailbox name into its wire form.
func (m *IMAP4) encodeMailbox(name string) string {
	if m.utf8 {
		return name
	}
	return EncodeMailboxName(name)
}

// decodeMailbox turns a mailbox name from the server into UTF-8; a name
// that is not valid modified UTF-7 is returned as sent.
func (m *IMAP4) decodeMailbox(raw string) string {
	if m.utf8 {
		return raw
	}
	if s, err := DecodeMailboxName(raw); err == nil {
		return s
	}
	return raw
}

// checkMailbox refuses a name that no command could carry.
func checkMailbox(name string) error {
	if strings.ContainsAny(name, "\x00") {
		return newError(KindValue, nil, "mailbox name %q holds NUL", name)
	}
	return nil
}

// checkFlags refuses what is not a flag: `\` followed by an atom, or a
// keyword atom.
func checkFlags(flags []string) error {
	for _, f := range flags {
		if !isFlag(f) {
			return newError(KindValue, nil, "invalid flag %q", f)
		}
	}
	return nil
}

func isFlag(f string) bool {
	return wire.IsAtom(strings.TrimPrefix(f, `\`))
}

// appendLiteralSafe reports whether an APPEND with flags may send its
// message at once (LITERAL+): whether a server must accept the flags, so
// that it reads the literal that follows. A server that refuses an APPEND
// before its literal (Dovecot, for \Recent or a system flag it does not
// know, such as \Bogus) reads a literal sent without its go-ahead as
// commands: the message's lines would run as IMAP commands. Keywords and
// the five system flags of RFC 3501 are safe; anything else waits for
// the go-ahead, and the message is not sent when the server refuses.
func appendLiteralSafe(flags []string) bool {
	for _, f := range flags {
		if !strings.HasPrefix(f, `\`) {
			if !wire.IsAtom(f) {
				return false
			}
			continue
		}
		switch strings.ToLower(f) {
		case `\answered`, `\flagged`, `\deleted`, `\seen`, `\draft`:
		default:
			return false
		}
	}
	return true
}

// writeFlags writes " (f1 f2)".
func writeFlags(c *wire.Command, flags []string) {
	c.RawString(" (")
	c.RawString(strings.Join(flags, " "))
	c.RawString(")")
}

// checkAtoms refuses status or fetch item names that are not atoms.
func checkAtoms(what string, names []string) error {
	for _, n := range names {
		if !wire.IsAtom(n) {
			return newError(KindValue, nil, "invalid %s %q", what, n)
		}
	}
	return nil
}

// MailboxInfo is what SELECT or EXAMINE tells about the selected mailbox.
type MailboxInfo struct {
	// Name is the mailbox selected.
	Name string
	// Exists is the number of messages; Recent the number with \Recent.
	Exists, Recent uint32
	// FirstUnseen is the sequence number of the first unseen message (the
	// UNSEEN code), 0 when the server did not say.
	FirstUnseen uint32
	// Flags are the flags defined in the mailbox; PermanentFlags those the
	// client can change for good (`\*` means new keywords may be created).
	Flags, PermanentFlags []string
	// UIDValidity and UIDNext are the UID validity value and the predicted
	// next UID (0 when the server did not send them).
	UIDValidity, UIDNext uint32
	// HighestModSeq is the CONDSTORE highest mod-sequence (0 when not
	// sent); NoModSeq is true when the mailbox has no mod-sequences.
	HighestModSeq uint64
	NoModSeq      bool
	// ReadOnly is true when the mailbox was opened read-only, on request
	// or by the server's choice.
	ReadOnly bool
}

// SelectOptions modify SelectMailboxWith.
type SelectOptions struct {
	// ReadOnly opens the mailbox with EXAMINE.
	ReadOnly bool
	// CondStore enables CONDSTORE for the session (RFC 7162): the SELECT
	// gets the CONDSTORE parameter, so HIGHESTMODSEQ is reported and FETCH
	// responses carry MODSEQ. It needs the CONDSTORE capability.
	CondStore bool
}

// SelectMailbox selects mailbox (SELECT, or EXAMINE when readonly) and
// returns what the server said about it. Unlike Select, a mailbox the
// server opens read-only is not an error: MailboxInfo.ReadOnly tells.
func (m *IMAP4) SelectMailbox(mailbox string, readonly bool) (*MailboxInfo, error) {
	return m.SelectMailboxWith(mailbox, SelectOptions{ReadOnly: readonly})
}

// SelectMailboxWith is SelectMailbox with options. When a part of the
// server's answer is malformed (a UIDVALIDITY that is not a number), the
// mailbox is selected and the rest is returned with an error.
func (m *IMAP4) SelectMailboxWith(mailbox string, o SelectOptions) (*MailboxInfo, error) {
	if err := checkMailbox(mailbox); err != nil {
		return nil, err
	}
	if o.CondStore {
		if err := m.require("CONDSTORE", "SELECT (CONDSTORE)"); err != nil {
			return nil, err
		}
	}
	cmd := m.selectCommand(mailbox, o)
	typ, dat, err := m.run(cmd)
	if err != nil {
		return nil, err
	}
	return m.selected(mailbox, o, cmd.name, typ, dat)
}

// selectCommand returns the SELECT or EXAMINE of mailbox and, as Select
// does, starts from no untagged responses: what follows describes the
// new mailbox.
func (m *IMAP4) selectCommand(mailbox string, o SelectOptions) *command {
	name := "SELECT"
	if o.ReadOnly {
		name = "EXAMINE"
	}
	wireName := m.encodeMailbox(mailbox)
	m.untagged = make(map[string][]Item)
	m.isReadonly = o.ReadOnly
	return &command{name: name, build: func(c *wire.Command) {
		c.SP()
		c.AString(wireName)
		if o.CondStore {
			c.RawString(" (CONDSTORE)")
		}
	}}
}

// selected sets the state after the answer typ, dat to a SELECT or
// EXAMINE (name) of mailbox and returns what the server said of it.
func (m *IMAP4) selected(mailbox string, o SelectOptions, name, typ string, dat []Item) (*MailboxInfo, error) {
	if typ != "OK" {
		m.state = "AUTH"
		return nil, refused(name, typ, dat)
	}
	m.state = "SELECTED"
	return m.selectedInfo(mailbox, o.ReadOnly)
}

// SelectUIDSearch selects mailbox as SelectMailboxWith does and searches
// it as UIDSearch does, sending the search right behind the SELECT
// without waiting for its answer: one round trip instead of two. When
// the SELECT is refused, so is the search (no mailbox is selected then):
// its answer is read and dropped, and the SELECT's error returned. When
// the SELECT succeeds and the search fails, the mailbox is selected and
// its MailboxInfo returned with the search's error.
func (m *IMAP4) SelectUIDSearch(mailbox string, o SelectOptions, criteria ...any) (*MailboxInfo, SeqSet, error) {
	if err := checkMailbox(mailbox); err != nil {
		return nil, SeqSet{}, err
	}
	if o.CondStore {
		if err := m.require("CONDSTORE", "SELECT (CONDSTORE)"); err != nil {
			return nil, SeqSet{}, err
		}
	}
	search, err := m.searchCommand(true, m.searchReturn(), criteria)
	if err != nil {
		return nil, SeqSet{}, err
	}
	cmd := m.selectCommand(mailbox, o)
	cmd.buffered = true // goes out with the search, in one write
	selectTag, err := m.send(cmd)
	if err != nil {
		return nil, SeqSet{}, err
	}
	// The search may be sent in the selected state only; the SELECT's
	// answer decides the state below.
	was := m.state
	m.state = "SELECTED"
	searchTag, searchErr := m.send(search.cmd)
	if searchErr != nil {
		// The SELECT waits in the write buffer: it goes out alone.
		m.state = was
		if err := m.flush(); err != nil {
			return nil, SeqSet{}, err
		}
		typ, dat, err := m.complete(cmd.name, selectTag)
		if err != nil {
			return nil, SeqSet{}, err
		}
		info, err := m.selected(mailbox, o, cmd.name, typ, dat)
		if err != nil {
			return nil, SeqSet{}, err
		}
		return info, SeqSet{}, searchErr
	}
	typ, dat, err := m.complete(cmd.name, selectTag)
	if err != nil {
		m.state = was
		if !errors.Is(err, ErrAbort) {
			m.searchComplete(search, searchTag) // refused too: dropped
		}
		return nil, SeqSet{}, err
	}
	info, selErr := m.selected(mailbox, o, cmd.name, typ, dat)
	set, _, err := m.searchComplete(search, searchTag)
	if selErr != nil {
		if errors.Is(err, ErrAbort) {
			return nil, SeqSet{}, err
		}
		return nil, SeqSet{}, selErr
	}
	return info, set, err
}

// selectedInfo reads the untagged responses of a successful SELECT or
// EXAMINE into a MailboxInfo.
func (m *IMAP4) selectedInfo(mailbox string, readOnly bool) (*MailboxInfo, error) {
	info := &MailboxInfo{Name: mailbox, ReadOnly: readOnly}
	var perr error
	num := func(name string) uint32 {
		line := m.popLast(name)
		if line == nil {
			return 0
		}
		n, err := strconv.ParseUint(strings.TrimSpace(string(line)), 10, 32)
		if err != nil {
			perr = errors.Join(perr, fmt.Errorf("imaplib: malformed %s %q: %w", name, line, err))
		}
		return uint32(n)
	}
	flags := func(name string) []string {
		line := m.popLast(name)
		if line == nil {
			return nil
		}
		p := newParser()
		p.Reset(&wire.Response{Text: [][]byte{line}})
		f := p.FlagList()
		p.ExpectEnd()
		if p.Err() != nil {
			perr = errors.Join(perr, fmt.Errorf("imaplib: malformed %s %q: %w", name, line, p.Err()))
		}
		return f
	}
	info.Exists = num("EXISTS")
	info.Recent = num("RECENT")
	info.FirstUnseen = num("UNSEEN")
	info.UIDValidity = num("UIDVALIDITY")
	info.UIDNext = num("UIDNEXT")
	info.Flags = flags("FLAGS")
	info.PermanentFlags = flags("PERMANENTFLAGS")
	if line := m.popLast("HIGHESTMODSEQ"); line != nil {
		n, err := strconv.ParseUint(strings.TrimSpace(string(line)), 10, 64)
		if err != nil {
			perr = errors.Join(perr, fmt.Errorf("imaplib: malformed HIGHESTMODSEQ %q: %w", line, err))
		}
		info.HighestModSeq = n
	}
	info.NoModSeq = m.pop("NOMODSEQ") != nil
	if m.pop("READ-ONLY") != nil {
		info.ReadOnly = true
		// Opened read-only by the server's choice: later commands must not
		// take that for a change of state.
		m.isReadonly = true
	}
	m.pop("READ-WRITE")
	if perr != nil {
		return info, newError(KindError, perr, "SELECT %s: %v", mailbox, perr)
	}
	return info, nil
}

// CreateMailbox creates a mailbox (CREATE).
func (m *IMAP4) CreateMailbox(mailbox string) error {
	return m.mailboxCommand("CREATE", mailbox)
}

// DeleteMailbox deletes a mailbox (DELETE).
func (m *IMAP4) DeleteMailbox(mailbox string) error {
	return m.mailboxCommand("DELETE", mailbox)
}

// SubscribeMailbox subscribes to a mailbox (SUBSCRIBE).
func (m *IMAP4) SubscribeMailbox(mailbox string) error {
	return m.mailboxCommand("SUBSCRIBE", mailbox)
}

// UnsubscribeMailbox unsubscribes from a mailbox (UNSUBSCRIBE).
func (m *IMAP4) UnsubscribeMailbox(mailbox string) error {
	return m.mailboxCommand("UNSUBSCRIBE", mailbox)
}

// RenameMailbox renames a mailbox (RENAME).
func (m *IMAP4) RenameMailbox(oldName, newName string) error {
	return m.mailboxCommand("RENAME", oldName, newName)
}

func (m *IMAP4) mailboxCommand(name string, mailboxes ...string) error {
	wireNames := make([]string, len(mailboxes))
	for i, mb := range mailboxes {
		if err := checkMailbox(mb); err != nil {
			return err
		}
		wireNames[i] = m.encodeMailbox(mb)
	}
	_, err := m.do(name, &command{name: name, build: func(c *wire.Command) {
		for _, n := range wireNames {
			c.SP()
			c.AString(n)
		}
	}})
	return err
}

// Namespace is one namespace of a NAMESPACE response (RFC 2342).
type Namespace struct {
	// Prefix is the namespace's prefix, such as "" or "#shared/" (decoded
	// to UTF-8 like mailbox names).
	Prefix string
	// Delim is the hierarchy delimiter, "" when the server sent NIL.
	Delim string
	// Extensions holds namespace response extensions by name, nil when
	// there are none.
	Extensions map[string][]string
}

// Namespaces are the three kinds of namespace a server has; each list may
// be empty.
type Namespaces struct {
	Personal, Other, Shared []Namespace
}

// Namespaces asks for the server's namespaces (NAMESPACE, RFC 2342).
func (m *IMAP4) Namespaces() (*Namespaces, error) {
	if err := m.require("NAMESPACE", "NAMESPACE"); err != nil {
		return nil, err
	}
	m.takeCodes("NAMESPACE")
	if _, err := m.do("NAMESPACE", &command{name: "NAMESPACE"}); err != nil {
		return nil, err
	}
	line := m.popLast("NAMESPACE")
	if line == nil {
		return nil, newError(KindError, nil, "no NAMESPACE response from server")
	}
	ns, err := parseNamespaces(line)
	if err != nil {
		return nil, newError(KindError, err, "malformed NAMESPACE response: %v", err)
	}
	for _, list := range [][]Namespace{ns.Personal, ns.Other, ns.Shared} {
		for i := range list {
			list[i].Prefix = m.decodeMailbox(list[i].Prefix)
		}
	}
	return ns, nil
}

// parseNamespaces parses the text of a NAMESPACE response:
// `(("" "/")) NIL (("#shared/" "/" "X-EXT" ("a")))`.
func parseNamespaces(line []byte) (*Namespaces, error) {
	p := newParser()
	p.Reset(&wire.Response{Text: [][]byte{line}})
	ns := &Namespaces{}
	for i, list := range []*[]Namespace{&ns.Personal, &ns.Other, &ns.Shared} {
		if i > 0 {
			p.SP()
		}
		if p.NIL() {
			continue
		}
		// "(" 1*namespace-descr ")", the descriptions not separated (RFC
		// 2342); a space between them is tolerated.
		p.Open()
		for p.Err() == nil {
			var n Namespace
			p.Open()
			n.Prefix = string(p.String())
			p.SP()
			if !p.NIL() {
				n.Delim = string(p.Quoted())
			}
			for p.Err() == nil && p.Special(' ') {
				name := string(p.String())
				p.SP()
				var vals []string
				p.List(func() { vals = append(vals, string(p.String())) })
				if n.Extensions == nil {
					n.Extensions = make(map[string][]string)
				}
				n.Extensions[name] = vals
			}
			p.Close()
			*list = append(*list, n)
			if c, _ := p.PeekByte(); c == ' ' && string(p.PeekBytes(2)) == " (" {
				p.SP()
			}
			if c, _ := p.PeekByte(); c != '(' {
				break
			}
		}
		p.Close()
	}
	p.ExpectEnd()
	if err := p.Err(); err != nil {
		return nil, err
	}
	return ns, nil
}
