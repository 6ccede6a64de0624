package imaplib

import (
	"errors"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// ListMailboxes lists the mailboxes matching pattern under reference
// (LIST): ("", "*") lists them all, "%" one level. Names in the result are
// UTF-8 (decoded from modified UTF-7 unless UTF8=ACCEPT is on), so they
// can be passed back to the other typed methods as they are. Attributes
// include the SPECIAL-USE ones (\Sent, \Trash, \Junk...) when the server
// has that extension: see ListEntry.HasAttr.
func (m *IMAP4) ListMailboxes(reference, pattern string) ([]ListEntry, error) {
	return m.list("LIST", reference, pattern)
}

// ListSubscribed lists the subscribed mailboxes matching pattern under
// reference (LSUB), as ListMailboxes lists them all: names in the result
// are UTF-8.
func (m *IMAP4) ListSubscribed(reference, pattern string) ([]ListEntry, error) {
	return m.list("LSUB", reference, pattern)
}

// list sends LIST or LSUB (name) with reference and pattern encoded and
// returns the entries, their names decoded.
func (m *IMAP4) list(name, reference, pattern string) ([]ListEntry, error) {
	if err := checkMailbox(reference + pattern); err != nil {
		return nil, err
	}
	ref, pat := m.encodeMailbox(reference), m.encodeMailbox(pattern)
	m.takeCodes(name)
	if _, err := m.do(name, &command{name: name, build: func(c *wire.Command) {
		c.SP()
		c.AString(ref)
		c.SP()
		c.ListMailbox(pat)
	}}); err != nil {
		return nil, err
	}
	return m.listEntries(m.pop(name))
}

// listEntries parses LIST responses and decodes their names.
func (m *IMAP4) listEntries(data []Item) ([]ListEntry, error) {
	entries, err := ParseList(data)
	for i := range entries {
		entries[i].Name = m.decodeMailbox(entries[i].Name)
	}
	if err != nil {
		return entries, newError(KindError, err, "%v", err)
	}
	return entries, nil
}

// ListStatusEntry is a mailbox with its status, as ListStatus returns it.
type ListStatusEntry struct {
	ListEntry
	// Status is the mailbox's status; nil for a mailbox that cannot be
	// selected (\Noselect, \NonExistent) or whose status the server
	// refused.
	Status *StatusData
}

// ListStatus lists mailboxes as ListMailboxes does, with the status items
// of each (see MailboxStatus; none means MESSAGES, RECENT, UIDNEXT,
// UIDVALIDITY, UNSEEN and HIGHESTMODSEQ with CONDSTORE). With LIST-STATUS
// (RFC 5819) this is one command, LIST ... RETURN (STATUS (...));
// otherwise a LIST followed by a STATUS per selectable mailbox.
func (m *IMAP4) ListStatus(reference, pattern string, items ...string) ([]ListStatusEntry, error) {
	if err := checkMailbox(reference + pattern); err != nil {
		return nil, err
	}
	items, err := m.statusItems(items)
	if err != nil {
		return nil, err
	}
	if !m.HasCapability("LIST-STATUS") {
		return m.listThenStatus(reference, pattern, items)
	}
	ref, pat := m.encodeMailbox(reference), m.encodeMailbox(pattern)
	m.takeCodes("LIST", "STATUS")
	if _, err := m.do("LIST", &command{name: "LIST", build: func(c *wire.Command) {
		c.SP()
		c.AString(ref)
		c.SP()
		c.ListMailbox(pat)
		c.RawString(" RETURN (STATUS (" + strings.Join(items, " ") + "))")
	}}); err != nil {
		return nil, err
	}
	rawEntries, lerr := ParseList(m.pop("LIST"))
	statuses, serr := ParseStatus(m.pop("STATUS"))
	byName := make(map[string]*StatusData, len(statuses))
	for i := range statuses {
		byName[statuses[i].Mailbox] = &statuses[i]
	}
	out := make([]ListStatusEntry, len(rawEntries))
	for i, e := range rawEntries {
		st := byName[e.Name]
		if st == nil && strings.EqualFold(e.Name, "INBOX") {
			for name, s := range byName {
				if strings.EqualFold(name, "INBOX") {
					st = s
				}
			}
		}
		e.Name = m.decodeMailbox(e.Name)
		if st != nil {
			st.Mailbox = e.Name
		}
		out[i] = ListStatusEntry{ListEntry: e, Status: st}
	}
	if err := errors.Join(lerr, serr); err != nil {
		return out, newError(KindError, err, "%v", err)
	}
	return out, nil
}

// listThenStatus is ListStatus for servers without LIST-STATUS.
func (m *IMAP4) listThenStatus(reference, pattern string, items []string) ([]ListStatusEntry, error) {
	entries, err := m.ListMailboxes(reference, pattern)
	if err != nil && entries == nil {
		return nil, err
	}
	out := make([]ListStatusEntry, len(entries))
	for i, e := range entries {
		out[i].ListEntry = e
		if e.HasAttr(`\Noselect`) || e.HasAttr(`\NonExistent`) {
			continue
		}
		st, serr := m.MailboxStatus(e.Name, items...)
		var re *ResponseError
		switch {
		case serr == nil:
			out[i].Status = st
		case errors.As(serr, &re):
			// Refused for this mailbox (gone meanwhile, no rights):
			// reported as no status, as LIST-STATUS servers do.
		default:
			return out, serr
		}
	}
	return out, err
}
