package mail

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/journal"
)

// accountRecord is how the journal remembers an account so that undo can
// reach it again: everything but secrets (a password or token given
// directly is left out; their commands and variables are kept).
type accountRecord struct {
	Host           string        `json:"host"`
	Port           int           `json:"port,omitempty"`
	TLS            string        `json:"tls,omitempty"`
	User           string        `json:"user"`
	PasswordCmd    string        `json:"password_cmd,omitempty"`
	PasswordEnvVar string        `json:"password_env,omitempty"`
	TokenCmd       string        `json:"token_cmd,omitempty"`
	CAFile         string        `json:"ca_file,omitempty"`
	Insecure       bool          `json:"insecure,omitempty"`
	Timeout        time.Duration `json:"timeout,omitempty"`
}

func (a *Account) record() json.RawMessage {
	c := a.cfg
	r := accountRecord{Host: c.Host, Port: c.Port, TLS: c.TLS, User: c.User, PasswordCmd: c.PasswordCmd,
		PasswordEnvVar: c.PasswordEnvVar, CAFile: c.CAFile, Insecure: c.Insecure, Timeout: c.Timeout}
	if c.OAuth2 != nil {
		r.TokenCmd = c.OAuth2.TokenCmd
	}
	b, _ := json.Marshal(r)
	return b
}

// ConfigFromJournal returns the configuration of an account as a journal
// entry recorded it, without its password: the caller supplies one when
// the account had it written down rather than taken from a command or a
// variable.
func ConfigFromJournal(raw json.RawMessage) (Config, error) {
	var r accountRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return Config{}, fmt.Errorf("mail: journal: account: %w", err)
	}
	c := Config{Host: r.Host, Port: r.Port, TLS: r.TLS, User: r.User, PasswordCmd: r.PasswordCmd,
		PasswordEnvVar: r.PasswordEnvVar, CAFile: r.CAFile, Insecure: r.Insecure, Timeout: r.Timeout}
	if r.TokenCmd != "" {
		c.OAuth2 = &OAuth2{TokenCmd: r.TokenCmd}
	}
	return c, nil
}

// where is the Lua line of the running action, "" when unknown.
func (a *Account) where() string {
	if a.h.Where == nil {
		return ""
	}
	return strings.TrimSuffix(a.h.Where(), ":")
}

// jrec is an action's Begin entry, written before the action touched a
// mailbox, waiting for its End.
type jrec struct {
	w   *journal.Writer
	e   journal.Entry
	seq int
}

// journalBegin records, before the action changes part p, what it is about
// to act on: the UIDs that exist, their Message-IDs and flags, and for a
// delete a copy of each message. It returns nil when the run keeps no
// journal.
func (ac *action) journalBegin(p *part) (*jrec, error) {
	a := p.mbox.acct
	w := a.h.Journal
	if w == nil || p.uids.IsEmpty() {
		return nil, nil
	}
	e := journal.Entry{
		Phase: journal.Begin, Action: ac.journalAction(), Where: a.where(),
		Account: a.Name(), AccountConfig: a.record(), Mailbox: p.mbox.name,
		Flags: map[uint32][]string{}, MessageIDs: map[uint32]string{}, Why: p.why,
	}
	if ac.dest != nil {
		e.Dest = ac.dest.name
		if ac.dest.acct != a {
			e.DestAccount = ac.dest.acct.Name()
		}
	}
	if ac.name != "move" && ac.name != "copy" && ac.name != "delete" {
		e.Op, e.StoreFlags = string(ac.op), ac.flags
	}
	m, err := p.open(false)
	if err != nil {
		return nil, err
	}
	e.UIDValidity = a.validity
	if err := ac.journalRead(m, p, &e); err != nil {
		return nil, err
	}
	seq, err := w.Write(e)
	if err != nil {
		return nil, err
	}
	return &jrec{w: w, e: e, seq: seq}, nil
}

// journalRead reads into e what the journal keeps of the messages of p
// (m is the account's connection, p's mailbox selected): their UIDs,
// flags and Message-IDs, and for a delete a saved copy and the internal
// date of each. It reads them as a scan does, in pipelined batches, so
// that memory holds a few batches of messages, not the set; e.UIDs are in
// UID order. It reads on m alone: the Message-IDs are not in Dovecot's
// cache, and each of its processes pays for its first look into the
// message files (about 0.75 s in a Maildir of 200,000), so spreading the
// read over the scan pool gained nothing that could be measured: the
// 200,000-message rule took 1.1 times as long over all three connections,
// and 0.96 of the time with one pool connection, within the noise of the
// bed (bench/README.md).
func (ac *action) journalRead(m *imaplib.IMAP4, p *part, e *journal.Entry) error {
	a := p.mbox.acct
	w := a.h.Journal
	items, batch := "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", scanTuning.batch
	if ac.name == "delete" {
		items, batch = "(UID FLAGS INTERNALDATE BODY.PEEK[])", bodyBatch
		e.Saved, e.Dates = map[uint32]string{}, map[uint32]time.Time{}
	}
	// On m alone, fn is called on this goroutine, one message at a time.
	err := a.scanOn(m, p, items, batch, false, func(f *imaplib.FetchData) error {
		if _, seen := e.Flags[f.UID]; seen {
			return nil // sent twice: keep the first
		}
		var raw []byte
		for _, s := range f.Sections {
			raw = s.Data
		}
		if ac.name == "delete" {
			name, err := w.Save(raw)
			if err != nil {
				return err
			}
			e.Saved[f.UID] = name
			e.Dates[f.UID] = f.InternalDate
		}
		e.Flags[f.UID] = withoutRecent(f.Flags)
		if id := messageID(raw); id != "" {
			e.MessageIDs[f.UID] = id
		}
		return nil
	})
	if err != nil {
		return err // the scan's error names the account and mailbox
	}
	e.UIDs = make([]uint32, 0, len(e.Flags))
	for u := range e.Flags {
		e.UIDs = append(e.UIDs, u)
	}
	slices.Sort(e.UIDs)
	return nil
}

// journalEnd records what the server confirmed for the action begun by r.
func (ac *action) journalEnd(r *jrec, count int, cu *imaplib.CopyUID, au map[uint32]uint32, err error) {
	if r == nil {
		return
	}
	e := journal.Entry{Phase: journal.End, Of: r.seq, Action: r.e.Action, Account: r.e.Account, Mailbox: r.e.Mailbox,
		UIDValidity: r.e.UIDValidity, UIDs: r.e.UIDs, Dest: r.e.Dest, DestAccount: r.e.DestAccount, Count: count}
	var mapped map[uint32]uint32
	if cu != nil {
		e.DestUIDValidity = cu.UIDValidity
		mapped, _ = cu.Map()
	}
	if au != nil {
		mapped = au
	}
	if mapped != nil {
		e.DestUIDs = make([]uint32, len(e.UIDs))
		for i, u := range e.UIDs {
			e.DestUIDs[i] = mapped[u]
		}
	}
	if err != nil {
		e.Err = err.Error()
	}
	if _, werr := r.w.Write(e); werr != nil {
		ac.account().logger().Error("mail: journal", "err", werr.Error())
	}
}

// journalAppend records a message appended by a rule (APPENDUID), so that
// undo can take it out again.
func (b *Mailbox) journalAppend(raw []byte, au *imaplib.AppendUID) {
	a := b.acct
	w := a.h.Journal
	if w == nil {
		return
	}
	e := journal.Entry{Phase: journal.Begin, Action: "append", Where: a.where(), Account: a.Name(), AccountConfig: a.record(), Mailbox: b.name}
	if id := messageID(raw); id != "" {
		e.MessageIDs = map[uint32]string{0: id}
	}
	seq, err := w.Write(e)
	if err != nil {
		a.logger().Error("mail: journal", "err", err.Error())
		return
	}
	end := journal.Entry{Phase: journal.End, Of: seq, Action: "append", Account: a.Name(), Mailbox: b.name, Count: 1}
	if au != nil {
		end.DestUIDValidity, end.DestUIDs = au.UIDValidity, []uint32{au.UID}
	}
	w.Write(end)
}

// journalCreate records a mailbox created by a rule's action.
func (b *Mailbox) journalCreate() {
	a := b.acct
	if w := a.h.Journal; w != nil {
		e := journal.Entry{Phase: journal.Begin, Action: "create", Where: a.where(), Account: a.Name(), AccountConfig: a.record(), Mailbox: b.name}
		if seq, err := w.Write(e); err == nil {
			w.Write(journal.Entry{Phase: journal.End, Of: seq, Action: "create", Account: a.Name(), Mailbox: b.name, Count: 1})
		}
	}
}

// journalAction names the action in the journal: the flag actions
// (flag, mark_seen, ...) are all "store".
func (ac *action) journalAction() string {
	switch ac.name {
	case "move", "copy", "delete":
		return ac.name
	}
	return "store"
}

func withoutRecent(flags []string) []string {
	out := []string{}
	for _, f := range flags {
		if !strings.EqualFold(f, `\Recent`) {
			out = append(out, f)
		}
	}
	return out
}
