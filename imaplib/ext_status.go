package imaplib

import (
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// defaultStatusItems are what MailboxStatus asks for when given no items.
var defaultStatusItems = []string{"MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN"}

// statusItems returns the items to ask for: the caller's, upper-cased, or
// the defaults (with HIGHESTMODSEQ when the server has CONDSTORE).
func (m *IMAP4) statusItems(items []string) ([]string, error) {
	if len(items) == 0 {
		items = append([]string(nil), defaultStatusItems...)
		if m.HasCapability("CONDSTORE") {
			items = append(items, "HIGHESTMODSEQ")
		}
		return items, nil
	}
	if err := checkAtoms("status item", items); err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = strings.ToUpper(it)
	}
	return out, nil
}

// MailboxStatus asks for the status of mailbox (STATUS) without selecting
// it. items are status item names such as "MESSAGES", "UNSEEN", "UIDNEXT",
// "HIGHESTMODSEQ" (CONDSTORE) or "SIZE" (STATUS=SIZE); none means
// MESSAGES, RECENT, UIDNEXT, UIDVALIDITY and UNSEEN, plus HIGHESTMODSEQ
// when the server has CONDSTORE. StatusData.Mailbox is mailbox as given.
func (m *IMAP4) MailboxStatus(mailbox string, items ...string) (*StatusData, error) {
	if err := checkMailbox(mailbox); err != nil {
		return nil, err
	}
	items, err := m.statusItems(items)
	if err != nil {
		return nil, err
	}
	wireName := m.encodeMailbox(mailbox)
	m.takeCodes("STATUS")
	if _, err := m.do("STATUS", &command{name: "STATUS", build: func(c *wire.Command) {
		c.SP()
		c.AString(wireName)
		c.RawString(" (" + strings.Join(items, " ") + ")")
	}}); err != nil {
		return nil, err
	}
	all, err := ParseStatus(m.pop("STATUS"))
	if err != nil {
		return nil, newError(KindError, err, "%v", err)
	}
	// Pick the response about this mailbox (a server may send others).
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Mailbox == wireName || strings.EqualFold(wireName, "INBOX") && strings.EqualFold(all[i].Mailbox, "INBOX") {
			s := all[i]
			s.Mailbox = mailbox
			return &s, nil
		}
	}
	if len(all) == 1 {
		// One answer, naming the mailbox in another spelling.
		s := all[0]
		s.Mailbox = mailbox
		return &s, nil
	}
	return nil, newError(KindError, nil, "no STATUS response for %s from server", mailbox)
}
