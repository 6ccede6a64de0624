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
	// STATUS responses already filed (NOTIFY's) stay for Notifications.
	pending := m.pop("STATUS")
	defer func() {
		if len(pending) > 0 {
			m.untagged["STATUS"] = append(pending, m.untagged["STATUS"]...)
		}
	}()
	if _, err := m.do("STATUS", &command{name: "STATUS", build: func(c *wire.Command) {
		c.SP()
		c.AString(wireName)
		c.RawString(" (" + strings.Join(items, " ") + ")")
	}}); err != nil {
		return nil, err
	}
	raw := m.pop("STATUS")
	all, err := ParseStatus(raw)
	if err != nil {
		return nil, newError(KindError, err, "%v", err)
	}
	pick := -1
	for i := len(all) - 1; i >= 0 && pick < 0; i-- {
		if sameMailbox(all[i].Mailbox, wireName) {
			pick = i
		}
	}
	if pick < 0 && len(all) == 1 {
		pick = 0 // one answer, naming the mailbox in another spelling
	}
	if pick < 0 {
		return nil, newError(KindError, nil, "no STATUS response for %s from server", mailbox)
	}
	// Responses about other mailboxes (NOTIFY's, sent meanwhile) stay
	// filed too.
	if len(raw) == len(all) {
		for i, it := range raw {
			if i != pick && !sameMailbox(all[i].Mailbox, wireName) {
				pending = append(pending, it)
			}
		}
	}
	s := all[pick]
	s.Mailbox = mailbox
	return &s, nil
}

// sameMailbox reports whether two wire names name one mailbox (INBOX is
// case-insensitive).
func sameMailbox(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}
