package imaplib

import (
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// NOTIFY (RFC 5465): one connection told of changes in many mailboxes.
//
// After NotifySet, the server reports changes to the mailboxes named by
// the filters without being asked: for the selected mailbox as usual
// (EXISTS, EXPUNGE, FETCH), for the others as unsolicited STATUS
// responses (MESSAGES, UIDNEXT and UIDVALIDITY after MessageNew or
// MessageExpunge, HIGHESTMODSEQ after FlagChange once CONDSTORE is on).
// They arrive at any time the server chooses, in practice between
// commands and during IDLE: Notifications takes those filed so far, and
// ParseStatus reads those an Idler hands out (type "STATUS").

// Notify filters (RFC 5465 section 6).
const (
	NotifySelected        = "SELECTED"
	NotifySelectedDelayed = "SELECTED-DELAYED"
	NotifyInboxes         = "INBOXES"
	NotifyPersonal        = "PERSONAL"
	NotifySubscribed      = "SUBSCRIBED"
	NotifySubtree         = "SUBTREE"
	NotifyMailboxes       = "MAILBOXES"
)

// Notify events (RFC 5465 section 5).
const (
	EventMessageNew     = "MessageNew"
	EventMessageExpunge = "MessageExpunge"
	EventFlagChange     = "FlagChange"
	EventMailboxName    = "MailboxName"
)

// A NotifyFilter is one event group of NOTIFY SET: which mailboxes
// (Filter, with Mailboxes for NotifySubtree and NotifyMailboxes) and the
// events wanted for them (none means NONE: no events for those
// mailboxes).
type NotifyFilter struct {
	Filter    string
	Mailboxes []string
	Events    []string
}

// notifyStates are the states NOTIFY may be sent in (it is not in
// Python's table).
var notifyStates = []string{"AUTH", "SELECTED"}

// NotifySet asks the server to report the events of filters (NOTIFY SET,
// RFC 5465), replacing what an earlier NotifySet asked for. With status
// the server first sends a STATUS response for every mailbox the filters
// name (other than the selected one), collected by Notifications.
//
// It is refused without sending anything when the server does not
// advertise NOTIFY, and for an unknown filter or an event that is not an
// atom. A NO (a [BADEVENT] the server does not support, an unknown
// mailbox) is an error.
func (m *IMAP4) NotifySet(status bool, filters ...NotifyFilter) error {
	if !m.HasCapability("NOTIFY") {
		return newError(KindError, nil, "Server does not support NOTIFY")
	}
	if len(filters) == 0 {
		return newError(KindValue, nil, "NOTIFY SET needs at least one filter")
	}
	for _, f := range filters {
		if err := checkNotifyFilter(f); err != nil {
			return err
		}
	}
	_, err := m.do("NOTIFY", &command{name: "NOTIFY", build: func(c *wire.Command) {
		c.RawString(" SET")
		if status {
			c.RawString(" STATUS")
		}
		for _, f := range filters {
			m.writeNotifyFilter(c, f)
		}
	}})
	return err
}

// NotifyNone asks the server to stop reporting events (NOTIFY NONE).
func (m *IMAP4) NotifyNone() error {
	if !m.HasCapability("NOTIFY") {
		return newError(KindError, nil, "Server does not support NOTIFY")
	}
	_, err := m.do("NOTIFY", &command{name: "NOTIFY", args: []any{"NONE"}})
	return err
}

func checkNotifyFilter(f NotifyFilter) error {
	switch strings.ToUpper(f.Filter) {
	case NotifySelected, NotifySelectedDelayed, NotifyInboxes, NotifyPersonal, NotifySubscribed:
		if len(f.Mailboxes) > 0 {
			return newError(KindValue, nil, "NOTIFY filter %s takes no mailboxes", f.Filter)
		}
	case NotifySubtree, NotifyMailboxes:
		if len(f.Mailboxes) == 0 {
			return newError(KindValue, nil, "NOTIFY filter %s needs mailboxes", f.Filter)
		}
		for _, mb := range f.Mailboxes {
			if err := checkMailbox(mb); err != nil {
				return err
			}
		}
	default:
		return newError(KindValue, nil, "unknown NOTIFY filter %q", f.Filter)
	}
	return checkAtoms("NOTIFY event", f.Events)
}

// writeNotifyFilter writes ` (filter [mailboxes] (events))`.
func (m *IMAP4) writeNotifyFilter(c *wire.Command, f NotifyFilter) {
	c.RawString(" (" + strings.ToLower(f.Filter))
	if len(f.Mailboxes) > 0 {
		c.RawString(" (")
		for i, mb := range f.Mailboxes {
			if i > 0 {
				c.SP()
			}
			c.AString(m.encodeMailbox(mb))
		}
		c.RawString(")")
	}
	if len(f.Events) == 0 {
		c.RawString(" NONE)")
		return
	}
	c.RawString(" (" + strings.Join(f.Events, " ") + "))")
}

// Notifications takes the unsolicited STATUS responses received since
// the last call (or since a command took them), with mailbox names
// decoded, and reports whether the server said it dropped some
// ([NOTIFICATIONOVERFLOW]: it stopped notifying, and NotifySet must be
// sent again after looking at every mailbox). Responses that do not
// parse are returned as an error beside the others.
func (m *IMAP4) Notifications() (status []StatusData, overflow bool, err error) {
	if data := m.pop("NOTIFICATIONOVERFLOW"); len(data) > 0 {
		overflow = true
	}
	data := m.pop("STATUS")
	if len(data) == 0 {
		return nil, overflow, nil
	}
	status, err = ParseStatus(data)
	for i := range status {
		status[i].Mailbox = m.decodeMailbox(status[i].Mailbox)
	}
	if err != nil {
		err = newError(KindError, err, "%v", err)
	}
	return status, overflow, err
}
