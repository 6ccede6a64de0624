package mail

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/journal"
)

// UndoStep is what undoing one recorded action did (or, in dry-run, would
// do).
type UndoStep struct {
	// Seq is the action's number in its run's journal, Action its name
	// (move, copy, delete, store, append, create), Where the rule line.
	Seq    int
	Action string
	Where  string
	// Account and Mailbox are where the action took its messages from,
	// Dest where it put them.
	Account, Mailbox, Dest string
	// Messages is how many messages the action touched, Restored how many
	// were put back as they were.
	Messages, Restored int
	// Problems say plainly what could not be undone, and why.
	Problems []string
}

// Undo reverses what a run did, from its journal.
type Undo struct {
	// Dir is the journal folder (saved copies of deleted messages).
	Dir string
	// Account returns a connection to the account a journal entry names,
	// from its recorded configuration (ConfigFromJournal).
	Account func(name string, config json.RawMessage) (*Account, error)
	// DryRun only says what would be done.
	DryRun bool

	accounts map[string]*Account
	// now maps a message as the journal knows it (account, mailbox, UID)
	// to its UID now, for messages that undo itself moved back or
	// restored (they get new UIDs).
	now map[msgKey]uint32
}

// unknownUID marks the key of a destination copy whose UID the journal
// does not know (the action was cut before the server answered): it is
// found by Message-ID only.
const unknownUID = 1 << 31

type msgKey struct {
	account, mailbox string
	uid              uint32
}

// Run undoes the actions of entries (a run's journal) in reverse order,
// so that each action finds the messages as the action after it left
// them. It goes on after a problem with one action; the error is about
// reaching the accounts.
func (u *Undo) Run(entries []journal.Entry) ([]UndoStep, error) {
	u.accounts, u.now = map[string]*Account{}, map[msgKey]uint32{}
	ends := map[int]*journal.Entry{}
	for i := range entries {
		if entries[i].Phase == journal.End {
			ends[entries[i].Of] = &entries[i]
		}
	}
	// Newest first; the folders a run created go last, once the messages
	// moved into them are out again.
	var order []*journal.Entry
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Phase == journal.Begin && entries[i].Action != "create" {
			order = append(order, &entries[i])
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Phase == journal.Begin && entries[i].Action == "create" {
			order = append(order, &entries[i])
		}
	}
	var steps []UndoStep
	for _, b := range order {
		st := UndoStep{Seq: b.Seq, Action: b.Action, Where: b.Where, Account: b.Account, Mailbox: b.Mailbox, Dest: b.Dest, Messages: len(b.UIDs)}
		if b.DestAccount != "" {
			st.Dest = b.DestAccount + ":" + b.Dest
		}
		a, err := u.account(b.Account, b.AccountConfig)
		if err != nil {
			return steps, err
		}
		e := ends[b.Seq]
		switch b.Action {
		case "move", "copy":
			err = u.undoTransfer(a, b, e, &st)
		case "delete":
			err = u.undoDelete(a, b, &st)
		case "store":
			err = u.undoStore(a, b, &st)
		case "append":
			st.Messages = 1
			err = u.undoAppend(a, b, e, &st)
		case "create":
			err = u.undoCreate(a, b, &st)
		default:
			st.Problems = append(st.Problems, fmt.Sprintf("unknown action %q: left as it is", b.Action))
		}
		if err != nil {
			st.Problems = append(st.Problems, err.Error())
		}
		steps = append(steps, st)
	}
	for _, a := range u.accounts {
		a.Close()
	}
	return steps, nil
}

func (u *Undo) account(name string, config json.RawMessage) (*Account, error) {
	if a, ok := u.accounts[name]; ok {
		return a, nil
	}
	if u.Account == nil {
		return nil, errors.New("mail: undo: no way to reach accounts")
	}
	a, err := u.Account(name, config)
	if err != nil {
		return nil, err
	}
	if _, err := a.Conn(); err != nil {
		return nil, err
	}
	u.accounts[name] = a
	return a, nil
}

// present returns, for the UIDs a journal entry names in box, the UIDs
// they have now among those that still exist: moved back by undo, or
// unchanged when the mailbox's UIDVALIDITY is the recorded one. With
// byID, messages not found so are looked for by Message-ID, skipping
// those in taken.
func (u *Undo) present(a *Account, box string, validity uint32, uids []uint32, ids map[uint32]string, byID bool) (map[uint32]uint32, error) {
	m, v, err := a.selectBox(box, true)
	if err != nil {
		return nil, err
	}
	out := map[uint32]uint32{}
	var check imaplib.SeqSet
	for _, uid := range uids {
		if n, ok := u.now[msgKey{a.Name(), box, uid}]; ok {
			check.Add(n)
		} else if uid&unknownUID == 0 && (validity == 0 || v == validity) {
			check.Add(uid)
		}
	}
	exists := imaplib.SeqSet{}
	if !check.IsEmpty() {
		fd, err := m.UIDFetch(check, "(UID)")
		if err != nil {
			return nil, a.check(err)
		}
		for _, f := range fd {
			exists.Add(f.UID)
		}
	}
	taken := imaplib.SeqSet{}
	for _, uid := range uids {
		n, ok := u.now[msgKey{a.Name(), box, uid}]
		if !ok && uid&unknownUID == 0 && (validity == 0 || v == validity) {
			n = uid
		}
		if n != 0 && exists.Contains(n) {
			out[uid] = n
			taken.Add(n)
		}
	}
	if !byID {
		return out, nil
	}
	for _, uid := range uids {
		if _, ok := out[uid]; ok || ids[uid] == "" {
			continue
		}
		found, err := m.UIDSearch("HEADER", "Message-ID", imaplib.Text(ids[uid]))
		if err != nil {
			return nil, a.check(err)
		}
		nums, _ := found.Nums()
		for _, n := range nums {
			if !taken.Contains(n) {
				out[uid] = n
				taken.Add(n)
				break
			}
		}
	}
	return out, nil
}

// undoTransfer undoes a move or a copy: the copies in the destination go
// (for a move, back to the source).
func (u *Undo) undoTransfer(a *Account, b, e *journal.Entry, st *UndoStep) error {
	d := a
	if b.DestAccount != "" {
		var err error
		if d, err = u.account(b.DestAccount, nil); err != nil {
			return fmt.Errorf("the destination account %s: %w", b.DestAccount, err)
		}
	}
	destOf, inDest, err := u.findCopies(d, b, e)
	if err != nil {
		return err
	}
	// A move cut short may have left the message in the source too.
	var inSource map[uint32]uint32
	if b.Action == "move" {
		if inSource, err = u.present(a, b.Mailbox, b.UIDValidity, b.UIDs, nil, false); err != nil {
			return err
		}
	}
	var back, drop []uint32 // dest UIDs now: to move back; to delete
	backSrc := map[uint32]uint32{}
	var restore []uint32 // source UIDs still there whose flags to restore
	for _, s := range b.UIDs {
		dNow, inD := inDest[destOf[s]]
		_, inS := inSource[s]
		switch {
		case b.Action == "copy" && inD:
			drop = append(drop, dNow)
		case b.Action == "copy":
			st.Problems = append(st.Problems, fmt.Sprintf("the copy of %s is not in %s any more: nothing to remove", describeMsg(b, s), b.Dest))
		case inS && inD:
			drop = append(drop, dNow)
			restore = append(restore, s)
		case inS:
			restore = append(restore, s)
		case inD:
			back = append(back, dNow)
			backSrc[dNow] = s
		default:
			st.Problems = append(st.Problems, fmt.Sprintf("%s is neither in %s nor in %s any more: not restored", describeMsg(b, s), b.Mailbox, b.Dest))
		}
	}
	if u.DryRun {
		st.Restored = len(back) + len(drop) + len(restore) - overlap(drop, restore)
		return nil
	}
	return u.applyTransfer(a, d, b, st, transferUndo{drop: drop, restore: restore, back: back, backSrc: backSrc, inSource: inSource})
}

// findCopies finds where the destination copy of each message of a move
// or copy is now: by the UIDs the server reported (e), else by
// Message-ID. destOf maps each source UID to the key of its copy in
// inDest, which maps keys to UIDs now.
func (u *Undo) findCopies(d *Account, b, e *journal.Entry) (destOf, inDest map[uint32]uint32, err error) {
	var destUIDs []uint32
	destOf = map[uint32]uint32{}
	var validity uint32
	if e != nil && len(e.DestUIDs) == len(b.UIDs) {
		validity = e.DestUIDValidity
		for i, s := range b.UIDs {
			if e.DestUIDs[i] != 0 {
				destOf[s] = e.DestUIDs[i]
				destUIDs = append(destUIDs, e.DestUIDs[i])
			}
		}
	}
	ids := map[uint32]string{}
	for _, s := range b.UIDs {
		if _, ok := destOf[s]; !ok && b.MessageIDs[s] != "" {
			// Unknown dest UID: a key of its own, looked for by Message-ID.
			destOf[s] = s | unknownUID
			destUIDs = append(destUIDs, destOf[s])
		}
		if b.MessageIDs[s] != "" {
			ids[destOf[s]] = b.MessageIDs[s]
		}
	}
	inDest, err = u.present(d, b.Dest, validity, destUIDs, ids, true)
	return destOf, inDest, err
}

// transferUndo is what undoing a move or copy does: delete the copies in
// drop, give the sources in restore their old flags back, move back.
type transferUndo struct {
	drop, restore, back []uint32
	backSrc, inSource   map[uint32]uint32
}

func (u *Undo) applyTransfer(a, d *Account, b *journal.Entry, st *UndoStep, t transferUndo) error {
	if len(t.drop) > 0 {
		if err := u.expunge(d, b.Dest, t.drop); err != nil {
			return err
		}
	}
	if len(t.restore) > 0 {
		if err := u.setFlags(a, b.Mailbox, b, t.restore, t.inSource); err != nil {
			return err
		}
	}
	if len(t.back) > 0 {
		n, err := u.moveBack(a, d, b, t.back, t.backSrc)
		st.Restored += n
		if err != nil {
			return err
		}
	}
	if b.Action == "copy" {
		st.Restored += len(t.drop)
	} else {
		st.Restored += len(t.restore)
	}
	return nil
}

func overlap(a, b []uint32) int {
	if len(a) < len(b) {
		return len(a)
	}
	return len(b)
}

// moveBack moves messages (their dest UIDs now) from b.Dest back to
// b.Mailbox and remembers their new UIDs there.
func (u *Undo) moveBack(a, d *Account, b *journal.Entry, back []uint32, backSrc map[uint32]uint32) (int, error) {
	set := NewSet(d.Mailbox(b.Dest), 0, imaplib.SeqSetOf(back...))
	src := a.Mailbox(b.Mailbox)
	if d != a {
		// To another account: the messages travel as a cross-account move
		// does (download, append with flags and date, check, remove).
		ac := set.newAction("undo move", src, nil)
		if err := ac.across(&set.parts[0], true); err != nil {
			return ac.count, err
		}
		for dUID, nUID := range ac.au {
			u.now[msgKey{a.Name(), b.Mailbox, backSrc[dUID]}] = nUID
		}
		return ac.count, nil
	}
	ac := set.newAction("undo move", src, nil)
	if err := ac.moveWithin(&set.parts[0]); err != nil {
		return ac.count, err
	}
	if ac.cu != nil {
		mp, err := ac.cu.Map()
		if err == nil {
			for dUID, nUID := range mp {
				u.now[msgKey{a.Name(), b.Mailbox, backSrc[dUID]}] = nUID
			}
		}
	}
	return ac.count, nil
}

// expunge removes exactly the given UIDs of box.
func (u *Undo) expunge(a *Account, box string, uids []uint32) error {
	set := NewSet(a.Mailbox(box), 0, imaplib.SeqSetOf(uids...))
	ac := set.newAction("undo copy", nil, nil)
	_, err := ac.remove(&set.parts[0], set.parts[0].uids)
	return err
}

// setFlags gives messages of box (by their journal UIDs; now maps them to
// their UIDs now) the flags the journal recorded before the action.
func (u *Undo) setFlags(a *Account, box string, b *journal.Entry, uids []uint32, now map[uint32]uint32) error {
	m, _, err := a.selectBox(box, false)
	if err != nil {
		return err
	}
	groups := map[string]imaplib.SeqSet{}
	flagsOf := map[string][]string{}
	for _, s := range uids {
		f := slices.Clone(b.Flags[s])
		slices.Sort(f)
		k := strings.Join(f, " ")
		set := groups[k]
		set.Add(now[s])
		groups[k], flagsOf[k] = set, f
	}
	for k, set := range groups {
		if _, err := m.UIDStore(set, imaplib.ReplaceFlags, flagsOf[k], true); err != nil {
			return fmt.Errorf("restoring flags in %s: %w", box, a.check(err))
		}
	}
	return nil
}

// undoDelete puts deleted messages back from their saved copies (or, when
// the delete was cut before the expunge, takes their \Deleted flag away).
func (u *Undo) undoDelete(a *Account, b *journal.Entry, st *UndoStep) error {
	still, err := u.present(a, b.Mailbox, b.UIDValidity, b.UIDs, nil, false)
	if err != nil {
		return err
	}
	var restore []uint32
	for _, s := range b.UIDs {
		if _, ok := still[s]; ok {
			restore = append(restore, s)
		}
	}
	if !u.DryRun && len(restore) > 0 {
		if err := u.setFlags(a, b.Mailbox, b, restore, still); err != nil {
			return err
		}
	}
	st.Restored += len(restore)
	box := a.Mailbox(b.Mailbox)
	for _, s := range b.UIDs {
		if _, ok := still[s]; ok {
			continue
		}
		name := b.Saved[s]
		if name == "" {
			st.Problems = append(st.Problems, fmt.Sprintf("%s was expunged and no copy was saved: it cannot be restored", describeMsg(b, s)))
			continue
		}
		raw, err := journal.ReadSaved(u.Dir, name)
		if err != nil {
			st.Problems = append(st.Problems, fmt.Sprintf("%s: its saved copy is unreadable: %v", describeMsg(b, s), err))
			continue
		}
		if u.DryRun {
			st.Restored++
			continue
		}
		au, err := box.appendOne(raw, b.Flags[s], b.Dates[s])
		if err != nil {
			return err
		}
		if au != nil && au.UID != 0 {
			u.now[msgKey{a.Name(), b.Mailbox, s}] = au.UID
		}
		st.Restored++
	}
	return nil
}

// undoStore gives the messages back the flags they had before.
func (u *Undo) undoStore(a *Account, b *journal.Entry, st *UndoStep) error {
	now, err := u.present(a, b.Mailbox, b.UIDValidity, b.UIDs, b.MessageIDs, true)
	if err != nil {
		return err
	}
	var restore []uint32
	for _, s := range b.UIDs {
		if _, ok := now[s]; ok {
			restore = append(restore, s)
		} else {
			st.Problems = append(st.Problems, fmt.Sprintf("%s is not in %s any more: its flags are not restored", describeMsg(b, s), b.Mailbox))
		}
	}
	if !u.DryRun && len(restore) > 0 {
		if err := u.setFlags(a, b.Mailbox, b, restore, now); err != nil {
			return err
		}
	}
	st.Restored = len(restore)
	return nil
}

// undoAppend takes an appended message out again.
func (u *Undo) undoAppend(a *Account, b, e *journal.Entry, st *UndoStep) error {
	if e == nil || len(e.DestUIDs) != 1 {
		if b.MessageIDs[0] == "" {
			st.Problems = append(st.Problems, "the appended message's UID is unknown and it has no Message-ID: left in "+b.Mailbox)
			return nil
		}
	}
	var uid uint32
	var validity uint32
	if e != nil && len(e.DestUIDs) == 1 {
		uid, validity = e.DestUIDs[0], e.DestUIDValidity
	}
	ids := map[uint32]string{uid: b.MessageIDs[0]}
	now, err := u.present(a, b.Mailbox, validity, []uint32{uid}, ids, true)
	if err != nil {
		return err
	}
	n, ok := now[uid]
	if !ok {
		st.Problems = append(st.Problems, "the appended message is not in "+b.Mailbox+" any more")
		return nil
	}
	if !u.DryRun {
		if err := u.expunge(a, b.Mailbox, []uint32{n}); err != nil {
			return err
		}
	}
	st.Restored = 1
	return nil
}

// undoCreate deletes a mailbox a rule created, when it is empty.
func (u *Undo) undoCreate(a *Account, b *journal.Entry, st *UndoStep) error {
	m, err := a.Conn()
	if err != nil {
		return err
	}
	sd, err := m.MailboxStatus(b.Mailbox, "MESSAGES")
	if err != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("mailbox %s: %v", b.Mailbox, a.check(err)))
		return nil
	}
	if sd.Messages != nil && *sd.Messages > 0 {
		st.Problems = append(st.Problems, fmt.Sprintf("mailbox %s holds %d messages now: not deleted", b.Mailbox, *sd.Messages))
		return nil
	}
	if u.DryRun {
		return nil
	}
	if a.selected == b.Mailbox {
		a.Unselected()
		m.Unselect()
	}
	m.UnsubscribeMailbox(b.Mailbox)
	if err := m.DeleteMailbox(b.Mailbox); err != nil {
		return fmt.Errorf("deleting mailbox %s: %w", b.Mailbox, a.check(err))
	}
	return nil
}

// describeMsg names a message of an entry for a problem line.
func describeMsg(b *journal.Entry, uid uint32) string {
	if id := b.MessageIDs[uid]; id != "" {
		return fmt.Sprintf("message %s (UID %d of %s)", id, uid, b.Mailbox)
	}
	return fmt.Sprintf("message UID %d of %s", uid, b.Mailbox)
}
