package mail

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// Moves and copies that survive a cut.
//
// Without MOVE a move is three commands: UID COPY, UID STORE +FLAGS
// \Deleted, UID EXPUNGE. A connection cut between them used to leave the
// work half done, and running the move again copied the messages a second
// time (and, after the STORE, copied them with their \Deleted flag). So
// the steps are recorded in the rule's state before and after the COPY:
// which UIDs are being copied, the destination's UIDNEXT before, and then
// the UIDs the server confirmed copied (COPYUID, or the COPY's OK). A
// move or copy of the same mailbox to the same destination first
// completes what was recorded: messages confirmed copied are not copied
// again (a move only flags and expunges them at the source); messages
// whose COPY had no answer are looked for in the destination, above the
// recorded UIDNEXT, by Message-ID, and count as copied when found there.
// Only the rest is copied. The record goes when the work is complete.
//
// With MOVE, the server moves each message whole: a cut move is redone
// for the UIDs still in the source, which is all a rerun sees.
//
// A cut action is retried once, on a new connection, within the same
// call; if that fails too, the error goes to the script, and the record
// stays for the next run.

// moveRecord is the record of a copy or move in progress.
type moveRecord struct {
	Dest     string `json:"dest"`
	DestNext uint32 `json:"dest_uidnext"`
	Inflight string `json:"inflight,omitempty"` // UIDs sent in a COPY not yet answered
	Copied   string `json:"copied,omitempty"`   // UIDs the server confirmed copied
}

func moveKey(p *part, dest *Mailbox, remove bool) string {
	op := "copy"
	if remove {
		op = "move"
	}
	return fmt.Sprintf("mail.%s %s %s %d -> %s", op, p.mbox.acct.Name(), p.mbox.name, p.validity, dest.name)
}

func (a *Account) journalGet(key string) (*moveRecord, error) {
	var raw []byte
	if st := a.h.State; st != nil {
		v, ok, err := st.Get(key)
		if err != nil || !ok {
			return nil, err
		}
		raw = v
	} else if v, ok := a.journal[key]; ok {
		raw = v
	} else {
		return nil, nil
	}
	var r moveRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("mail: state %q is damaged: %w", key, err)
	}
	return &r, nil
}

func (a *Account) journalSet(key string, r *moveRecord) error {
	var raw []byte
	if r != nil {
		raw, _ = json.Marshal(r)
	}
	if st := a.h.State; st != nil {
		return st.Set(key, raw)
	}
	if a.journal == nil {
		a.journal = map[string][]byte{}
	}
	if raw == nil {
		delete(a.journal, key)
	} else {
		a.journal[key] = raw
	}
	return nil
}

func parseSet(s string) imaplib.SeqSet {
	if s == "" {
		return imaplib.SeqSet{}
	}
	set, err := imaplib.ParseSeqSet(s)
	if err != nil {
		return imaplib.SeqSet{}
	}
	return set
}

// transferWithin copies (remove false) or moves the messages of p to
// ac.dest, an other mailbox of the same account, without MOVE: completing
// first what a cut earlier attempt recorded.
func (ac *action) transferWithin(p *part, remove bool) error {
	a := p.mbox.acct
	key := moveKey(p, ac.dest, remove)
	m, err := p.open(false)
	if err != nil {
		return err
	}
	// What exists now: a cut attempt may have moved some already.
	exact, err := m.UIDSearch("UID", p.uids)
	if err != nil {
		return fmt.Errorf("mail: %s: search %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	done, err := ac.alreadyCopied(p, key, exact)
	if err != nil {
		return err
	}
	if m, err = p.open(false); err != nil {
		return err
	}
	todo := exact.Difference(done)
	var copied imaplib.SeqSet
	if !todo.IsEmpty() {
		next := uint32(0)
		if st, err := m.MailboxStatus(ac.dest.name, "UIDNEXT"); err == nil {
			next = u32(st.UIDNext)
		} else if errors.Is(err, imaplib.ErrAbort) {
			return fmt.Errorf("mail: %s: status %q: %w", a.Name(), ac.dest.name, a.check(err))
		}
		r := &moveRecord{Dest: ac.dest.name, DestNext: next, Inflight: todo.String(), Copied: done.String()}
		if err := a.journalSet(key, r); err != nil {
			return err
		}
		var cu *imaplib.CopyUID
		err = ac.dest.withCreate(func(m *imaplib.IMAP4) error {
			var err error
			cu, err = m.UIDCopy(todo, ac.dest.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("mail: %s: copy %q to %q: %w", a.Name(), p.mbox.name, ac.dest.name, err)
		}
		copied = todo // the COPY's OK: every message of it was copied
		if cu != nil {
			copied = cu.Source
		}
		ac.cu = cu
		r.Inflight, r.Copied = "", done.Union(copied).String()
		if err := a.journalSet(key, r); err != nil {
			return err
		}
	}
	all := done.Union(copied)
	if !remove {
		ac.count += copied.Len()
		return a.journalSet(key, nil)
	}
	if all.IsEmpty() {
		return a.journalSet(key, nil)
	}
	if _, err := m.UIDStore(all, imaplib.AddFlags, []string{`\Deleted`}, true); err != nil {
		return fmt.Errorf("mail: %s: store %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	if !m.HasCapability("UIDPLUS") {
		ac.notes = append(ac.notes, fmt.Sprintf("the server has neither MOVE nor UIDPLUS: the originals in %s are flagged \\Deleted but not expunged, so that no other deleted message is removed", p.mbox.name))
		ac.count += all.Len()
		return nil // the record stays: a rerun must not copy them again
	}
	m.Response("EXPUNGE")
	if err := m.UIDExpunge(all); err != nil {
		return fmt.Errorf("mail: %s: expunge %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	_, ex := m.Response("EXPUNGE")
	ac.count += expunges(ex)
	return a.journalSet(key, nil)
}

// alreadyCopied returns the UIDs of exact (still in the source) that an
// earlier, interrupted attempt recorded under key copied to the
// destination, or whose copy is found there by Message-ID.
func (ac *action) alreadyCopied(p *part, key string, exact imaplib.SeqSet) (imaplib.SeqSet, error) {
	a := p.mbox.acct
	rec, err := a.journalGet(key)
	if err != nil || rec == nil {
		return imaplib.SeqSet{}, err
	}
	copied := parseSet(rec.Copied)
	if inflight := parseSet(rec.Inflight).Intersect(exact); !inflight.IsEmpty() {
		found, err := ac.findCopies(p, inflight, rec.DestNext)
		if err != nil {
			return imaplib.SeqSet{}, err
		}
		copied = copied.Union(found)
	}
	done := copied.Intersect(exact)
	if !done.IsEmpty() {
		a.logger().Info("mail: completing an interrupted "+ac.name, "account", a.Name(), "source", p.mbox.name,
			"destination", ac.dest.name, "already_copied", done.Len())
	}
	return done, nil
}

// findCopies returns the UIDs of uids (in p's mailbox) whose Message-ID
// is found in the destination at or above UID next: copies made by a COPY
// whose answer was lost. It leaves the destination selected.
func (ac *action) findCopies(p *part, uids imaplib.SeqSet, next uint32) (imaplib.SeqSet, error) {
	a := p.mbox.acct
	ids := func(m *imaplib.IMAP4, set imaplib.SeqSet) (map[uint32]string, error) {
		fd, err := m.UIDFetch(set, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
		if err != nil {
			return nil, a.check(err)
		}
		out := map[uint32]string{}
		for _, f := range fd {
			v, _ := email.Parse(headerSection(f)).Get("Message-ID")
			if id := strings.TrimSpace(v); id != "" && f.UID != 0 {
				out[f.UID] = id
			}
		}
		return out, nil
	}
	m, err := p.open(false)
	if err != nil {
		return imaplib.SeqSet{}, err
	}
	src, err := ids(m, uids)
	if err != nil {
		return imaplib.SeqSet{}, fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), p.mbox.name, err)
	}
	dm, _, err := a.selectBox(ac.dest.name, true)
	if err != nil {
		if !errors.Is(err, imaplib.ErrAbort) {
			return imaplib.SeqSet{}, nil // no destination: nothing was copied
		}
		return imaplib.SeqSet{}, err
	}
	var above imaplib.SeqSet
	above.AddRange(max(next, 1), imaplib.Star)
	dst, err := ids(dm, above)
	if err != nil {
		return imaplib.SeqSet{}, fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), ac.dest.name, err)
	}
	there := map[string]bool{}
	for uid, id := range dst {
		if uid >= next {
			there[id] = true
		}
	}
	var found imaplib.SeqSet
	for uid, id := range src {
		if there[id] {
			found.Add(uid)
		}
	}
	return found, nil
}

// retry runs f, one step of an action on p; when the connection failed,
// it runs f once more on a new connection. Each step is safe to redo:
// it works on the UIDs still in the source and completes what was
// recorded.
func (ac *action) retry(p *part, f func() error) error {
	a := p.mbox.acct
	err := f()
	if err == nil || !errors.Is(err, imaplib.ErrAbort) || a.ctx().Err() != nil {
		return err
	}
	a.drop()
	a.logger().Warn("mail: connection lost during "+ac.name+"; connecting again to finish it", "account", a.Name(), "source", p.mbox.name, "err", err.Error())
	return f()
}
