package mail

import (
	"errors"
	"fmt"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// A Mailbox is a mailbox of an account, by name. It is only a name: it is
// selected when a search or an action needs it.
type Mailbox struct {
	acct *Account
	name string
}

// Name returns the mailbox name.
func (b *Mailbox) Name() string { return b.name }

// Account returns the mailbox's account.
func (b *Mailbox) Account() *Account { return b.acct }

// String returns the mailbox name (with the account in front when asked
// for by %v on a set of several accounts, see Set.String).
func (b *Mailbox) String() string { return b.name }

func (b *Mailbox) same(o *Mailbox) bool { return b.acct == o.acct && b.name == o.name }

// Status is what mbox:status() returns.
type Status struct {
	Messages, Unseen, Recent, UIDNext, UIDValidity uint32
}

// Status asks for the mailbox's counters (STATUS), without selecting it.
func (b *Mailbox) Status() (*Status, error) {
	a := b.acct
	var sd *imaplib.StatusData
	err := a.retryRead("status", func() error {
		m, err := a.Conn()
		if err != nil {
			return err
		}
		sd, err = m.MailboxStatus(b.name, "MESSAGES", "UNSEEN", "RECENT", "UIDNEXT", "UIDVALIDITY")
		if err != nil {
			return fmt.Errorf("mail: %s: status %q: %w", a.Name(), b.name, a.check(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	get := func(p *uint32) uint32 {
		if p == nil {
			return 0
		}
		return *p
	}
	return &Status{Messages: get(sd.Messages), Unseen: get(sd.Unseen), Recent: get(sd.Recent),
		UIDNext: get(sd.UIDNext), UIDValidity: get(sd.UIDValidity)}, nil
}

// Append adds a message to the mailbox with the given flags and internal
// date (zero: now) and returns its UID when the server says (UIDPLUS), else
// 0. In dry-run it only logs. A missing mailbox is created first when the
// account has Create.
func (b *Mailbox) Append(raw []byte, flags []string, date time.Time) (uint32, error) {
	a := b.acct
	start := time.Now()
	if a.DryRun() {
		a.logger().Info("mail: dry-run: would append", "account", a.Name(), "destination", b.name, "count", 1, "size", len(raw))
		return 0, nil
	}
	au, err := b.appendOne(raw, flags, date)
	if err != nil {
		return 0, err
	}
	b.journalAppend(raw, au)
	a.logger().Info("mail: append", "action", "append", "destination", b.name, "count", 1, "duration", time.Since(start))
	if au == nil {
		return 0, nil
	}
	return au.UID, nil
}

func (b *Mailbox) appendOne(raw []byte, flags []string, date time.Time) (*imaplib.AppendUID, error) {
	a := b.acct
	var au *imaplib.AppendUID
	err := b.withCreate(func(m *imaplib.IMAP4) error {
		var err error
		au, err = m.AppendMessage(b.name, flags, date, raw)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: %s: append to %q: %w", a.Name(), b.name, err)
	}
	return au, nil
}

// withCreate runs f, a command that puts messages into b; when the server
// answers TRYCREATE and the account creates missing mailboxes, it creates
// and subscribes b and runs f once more.
func (b *Mailbox) withCreate(f func(m *imaplib.IMAP4) error) error {
	a := b.acct
	m, err := a.Conn()
	if err != nil {
		return err
	}
	err = f(m)
	var re *imaplib.ResponseError
	if err != nil && a.cfg.Create && errors.As(err, &re) && re.Code == "TRYCREATE" {
		if cerr := m.CreateMailbox(b.name); cerr != nil {
			return fmt.Errorf("creating %q: %w", b.name, a.check(cerr))
		}
		a.logger().Info("mail: create", "account", a.Name(), "mailbox", b.name)
		b.journalCreate()
		if serr := m.SubscribeMailbox(b.name); serr != nil {
			return a.check(serr)
		}
		err = f(m)
	}
	return a.check(err)
}

// All returns every message of the mailbox.
func (b *Mailbox) All() (*Set, error) { return b.SearchCriteria() }

// Search runs q as one SEARCH command and returns the messages found. On
// a big mailbox, a search that may make the server read every message is
// cut into pieces by UID, some of them searched on a connection of the
// scan pool (searchsplit.go).
func (b *Mailbox) Search(q *Query) (*Set, error) {
	m, err := b.acct.Conn()
	if err != nil {
		return nil, err
	}
	return b.search(q.Criteria(time.Now(), m.HasCapability("WITHIN")), q.splittable())
}

// SearchCriteria runs a search given as imaplib.UIDSearch criteria.
func (b *Mailbox) SearchCriteria(criteria ...any) (*Set, error) { return b.search(criteria, false) }

// searchPieces selects b and runs criteria cut into pieces, some searched
// on a connection of the scan pool (searchsplit.go).
func (b *Mailbox) searchPieces(criteria []any) (imaplib.SeqSet, uint32, error) {
	a := b.acct
	m, validity, err := a.selectCurrent(b.name, a.DryRun())
	if err != nil {
		return imaplib.SeqSet{}, 0, err
	}
	uids, err := a.uidSearchPieces(m, b.name, validity, criteria)
	if err != nil {
		return imaplib.SeqSet{}, 0, fmt.Errorf("mail: %s: search %q: %w", a.Name(), b.name, a.check(err))
	}
	return uids, validity, nil
}

// search runs criteria, cut in two when splittable allows.
func (b *Mailbox) search(criteria []any, splittable bool) (*Set, error) {
	a := b.acct
	var set *Set
	err := a.retryRead("search", func() error {
		var validity uint32
		var uids imaplib.SeqSet
		var err error
		if splittable {
			uids, validity, err = b.searchPieces(criteria)
		} else {
			_, validity, uids, err = a.selectSearch(b.name, a.DryRun(), criteria)
		}
		if err != nil {
			return err
		}
		p := part{mbox: b, validity: validity, uids: uids}
		p.why = p.searchWhy(criteria)
		set = &Set{parts: []part{p}}
		return nil
	})
	return set, err
}
