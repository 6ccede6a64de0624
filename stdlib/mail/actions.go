package mail

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// crossBatch is how many messages a move or copy between accounts holds in
// memory at once.
const crossBatch = 50

// dryRunSubjects is how many subjects a dry-run line shows.
const dryRunSubjects = 3

// action is one action over a set: it logs its summary line at the end.
type action struct {
	s     *Set
	name  string
	dest  *Mailbox
	flags []string
	op    imaplib.StoreOp
	start time.Time
	count int
	notes []string
	// cu and au are what the server said the last part's messages became
	// in the destination (COPYUID; APPENDUID by source UID), for the
	// journal.
	cu *imaplib.CopyUID
	au map[uint32]uint32
}

func (s *Set) newAction(name string, dest *Mailbox, flags []string) *action {
	return &action{s: s, name: name, dest: dest, flags: flags, start: time.Now()}
}

func (ac *action) sources() string {
	var names []string
	for _, p := range ac.s.parts {
		names = append(names, p.mbox.name)
	}
	return strings.Join(names, ",")
}

func (ac *action) destName() string {
	if ac.dest == nil {
		return ""
	}
	for _, p := range ac.s.parts {
		if p.mbox.acct != ac.dest.acct {
			return ac.dest.acct.Name() + ":" + ac.dest.name
		}
	}
	return ac.dest.name
}

// account is the account whose logger the summary goes to.
func (ac *action) account() *Account {
	if len(ac.s.parts) > 0 {
		return ac.s.parts[0].mbox.acct
	}
	if ac.dest != nil {
		return ac.dest.acct
	}
	return nil
}

func (ac *action) attrs() []any {
	at := []any{"action", ac.name, "source", ac.sources()}
	if ac.dest != nil {
		at = append(at, "destination", ac.destName())
	}
	if len(ac.flags) > 0 {
		at = append(at, "flags", strings.Join(ac.flags, " "))
	}
	return at
}

// finish logs the summary line and returns the count.
func (ac *action) finish(err error) (int, error) {
	a := ac.account()
	if a == nil {
		return 0, err
	}
	at := append(ac.attrs(), "count", ac.count, "duration", time.Since(ac.start))
	if len(ac.notes) > 0 {
		at = append(at, "note", strings.Join(ac.notes, "; "))
	}
	if err != nil {
		a.logger().Error("mail: "+ac.name+" failed", append(at, "err", err.Error())...)
		return ac.count, err
	}
	a.logger().Info("mail: "+ac.name, at...)
	return ac.count, nil
}

// dryRun logs what the action would do, with a few subjects, and sends
// nothing that changes a mailbox. It reports whether the run is dry.
func (ac *action) dryRun() (bool, error) {
	var dry bool
	for _, p := range ac.s.parts {
		if p.mbox.acct.DryRun() {
			dry = true
		}
	}
	if ac.dest != nil && ac.dest.acct.DryRun() {
		dry = true
	}
	if !dry {
		return false, nil
	}
	var subjects []string
	for _, p := range ac.s.parts {
		if len(subjects) >= dryRunSubjects {
			break
		}
		if p.uids.IsEmpty() {
			continue
		}
		m, err := p.open(true)
		if err != nil {
			return true, err
		}
		var first imaplib.SeqSet
		n := 0
		for _, piece := range p.uids.Split(24) {
			first = first.Union(piece)
			n = first.Len()
			if n >= dryRunSubjects-len(subjects) {
				break
			}
		}
		nums, _ := first.Nums()
		if len(nums) > dryRunSubjects-len(subjects) {
			nums = nums[:dryRunSubjects-len(subjects)]
		}
		fd, err := m.UIDFetch(imaplib.SeqSetOf(nums...), "(UID ENVELOPE)")
		if err != nil {
			return true, p.mbox.acct.check(err)
		}
		for _, f := range fd {
			if f.Envelope != nil && len(subjects) < dryRunSubjects {
				subjects = append(subjects, DecodeHeader(f.Envelope.Subject))
			}
		}
	}
	at := append(ac.attrs(), "count", ac.s.Len(), "subjects", subjects)
	ac.account().logger().Info("mail: dry-run: would "+ac.name, at...)
	return true, nil
}

// MoveTo moves the set's messages to dest and returns how many were moved.
//
// Within an account it sends one UID MOVE per mailbox (split only by the
// line limit). Without MOVE but with UIDPLUS it copies, flags \Deleted and
// expunges exactly those UIDs (UID EXPUNGE). With neither it copies and
// flags them \Deleted but expunges nothing, as a plain EXPUNGE would also
// remove other deleted mail; the summary line says so.
//
// To another account the messages are downloaded and appended with their
// flags and internal date, checked to be there (APPENDUID, else a search
// by Message-ID), and only then removed at the source as Delete does.
func (s *Set) MoveTo(dest *Mailbox) (int, error) {
	ac := s.newAction("move", dest, nil)
	return ac.eachPart(func(p *part) error {
		switch {
		case p.mbox.same(dest):
			ac.notes = append(ac.notes, "source and destination are the same mailbox")
			return nil
		case p.mbox.acct != dest.acct:
			return ac.across(p, true)
		default:
			return ac.retry(p, func() error { return ac.moveWithin(p) })
		}
	})
}

// eachPart does the action on the set, one mailbox (part) at a time: in
// a dry run it only logs what it would do; otherwise it records each
// part's journal Begin entry, runs do, which adds what the server
// confirmed to ac.count (and sets ac.cu or ac.au where the server said
// where the messages went), records the End entry, and stops at the
// first error. It returns the summary's count and error (finish).
func (ac *action) eachPart(do func(p *part) error) (int, error) {
	if dry, err := ac.dryRun(); dry {
		return ac.s.Len(), err
	}
	for i := range ac.s.parts {
		p := &ac.s.parts[i]
		if p.uids.IsEmpty() {
			continue
		}
		rec, err := ac.journalBegin(p)
		if err != nil {
			return ac.finish(err)
		}
		before := ac.count
		ac.cu, ac.au = nil, nil
		err = do(p)
		ac.journalEnd(rec, ac.count-before, ac.cu, ac.au, err)
		if err != nil {
			return ac.finish(err)
		}
	}
	return ac.finish(nil)
}

func (ac *action) moveWithin(p *part) error {
	a := p.mbox.acct
	m, err := p.open(false)
	if err != nil {
		return err
	}
	if !m.HasCapability("MOVE") {
		// COPY, STORE and UID EXPUNGE, recorded (journal.go); never a
		// plain EXPUNGE.
		return ac.transferWithin(p, true)
	}
	var cu *imaplib.CopyUID
	err = ac.dest.withCreate(func(m *imaplib.IMAP4) error {
		var err error
		cu, err = m.UIDMove(p.uids, ac.dest.name)
		return err
	})
	if err != nil {
		return fmt.Errorf("mail: %s: move %q to %q: %w", a.Name(), p.mbox.name, ac.dest.name, err)
	}
	_, ex := m.Response("EXPUNGE") // the moved messages' news
	ac.cu = cu
	if cu != nil {
		ac.count += cu.Source.Len()
	} else {
		ac.count += expunges(ex)
	}
	return nil
}

// expunges counts the EXPUNGE responses of a command.
func expunges(ex []imaplib.Item) int {
	if len(ex) == 0 || ex[0].IsNone {
		return 0
	}
	return len(ex)
}

// confirmedStore counts the messages of uids the server answered a STORE
// for with a FETCH response.
func confirmedStore(fd []*imaplib.FetchData, uids imaplib.SeqSet) int {
	seen := map[uint32]bool{}
	for _, f := range fd {
		if f.UID != 0 && uids.Contains(f.UID) {
			seen[f.UID] = true
		}
	}
	return len(seen)
}

// CopyTo copies the set's messages to dest (one UID COPY per mailbox within
// an account; download and append to another account) and returns how many
// were copied.
func (s *Set) CopyTo(dest *Mailbox) (int, error) {
	ac := s.newAction("copy", dest, nil)
	return ac.eachPart(func(p *part) error {
		if p.mbox.acct != dest.acct {
			return ac.across(p, false)
		}
		return ac.retry(p, func() error { return ac.copyWithin(p) })
	})
}

func (ac *action) copyWithin(p *part) error { return ac.transferWithin(p, false) }

// Delete removes the set's messages: one UID STORE +FLAGS \Deleted and one
// UID EXPUNGE of exactly those UIDs per mailbox. Without UIDPLUS the
// messages are only flagged \Deleted (the summary line says so): a plain
// EXPUNGE would also remove other deleted mail.
func (s *Set) Delete() (int, error) {
	ac := s.newAction("delete", nil, nil)
	return ac.eachPart(func(p *part) error {
		return ac.retry(p, func() error {
			n, err := ac.remove(p, p.uids)
			ac.count += n
			return err
		})
	})
}

// remove flags uids of p \Deleted and expunges exactly them when the
// server has UIDPLUS.
func (ac *action) remove(p *part, uids imaplib.SeqSet) (int, error) {
	a := p.mbox.acct
	if uids.IsEmpty() {
		return 0, nil
	}
	m, err := p.open(false)
	if err != nil {
		return 0, err
	}
	m.Response("EXPUNGE") // forget older news: the count is of this expunge
	uidPlus := m.HasCapability("UIDPLUS")
	fd, err := m.UIDStore(uids, imaplib.AddFlags, []string{`\Deleted`}, uidPlus)
	if err != nil {
		return 0, fmt.Errorf("mail: %s: store %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	if !uidPlus {
		ac.notes = append(ac.notes, fmt.Sprintf("the server has no UIDPLUS: the messages in %s are flagged \\Deleted but not expunged, so that no other deleted message is removed", p.mbox.name))
		return confirmedStore(fd, uids), nil
	}
	if err := m.UIDExpunge(uids); err != nil {
		return 0, fmt.Errorf("mail: %s: expunge %q: %w", a.Name(), p.mbox.name, a.check(err))
	}
	_, ex := m.Response("EXPUNGE")
	return expunges(ex), nil
}

// Store changes the flags of the set's messages, one UID STORE per
// mailbox: op adds, removes or replaces; name is the action's name in the
// summary line.
func (s *Set) Store(name string, op imaplib.StoreOp, flags []string) (int, error) {
	ac := s.newAction(name, nil, flags)
	ac.op = op
	return ac.eachPart(func(p *part) error {
		return ac.retry(p, func() error {
			a := p.mbox.acct
			m, err := p.open(false)
			if err != nil {
				return err
			}
			// Not silent: the server's FETCH responses are the count.
			fd, err := m.UIDStore(p.uids, op, flags, false)
			if err != nil {
				return fmt.Errorf("mail: %s: store %q: %w", a.Name(), p.mbox.name, a.check(err))
			}
			ac.count += confirmedStore(fd, p.uids)
			return nil
		})
	})
}

// across copies (and with remove, moves) the messages of p to a mailbox of
// another account: download, append with flags and internal date, check,
// and only then remove at the source.
func (ac *action) across(p *part, remove bool) error {
	a, d := p.mbox.acct, ac.dest.acct
	nums, err := p.uids.Nums()
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	var verified imaplib.SeqSet
	pending := map[string]uint32{} // Message-ID -> source UID, to check by search
	for i := 0; i < len(nums); i += crossBatch {
		j := min(i+crossBatch, len(nums))
		m, err := p.open(false)
		if err != nil {
			return err
		}
		fd, err := m.UIDFetch(imaplib.SeqSetOf(nums[i:j]...), "(UID FLAGS INTERNALDATE BODY.PEEK[])")
		if err != nil {
			return fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), p.mbox.name, a.check(err))
		}
		for _, f := range fd {
			raw := f.Body("")
			if f.UID == 0 || raw == nil || !p.uids.Contains(f.UID) {
				continue
			}
			var flags []string
			for _, fl := range f.Flags {
				if !strings.EqualFold(fl, `\Recent`) {
					flags = append(flags, fl)
				}
			}
			au, err := ac.dest.appendOne(raw, flags, f.InternalDate)
			if err != nil {
				return err
			}
			if au != nil && au.UID != 0 {
				if ac.au == nil {
					ac.au = map[uint32]uint32{}
				}
				ac.au[f.UID] = au.UID
				verified.Add(f.UID)
			} else if id := messageID(raw); id != "" {
				pending[id] = f.UID
			} else {
				ac.notes = append(ac.notes, fmt.Sprintf("message %d of %s has no Message-ID and the destination no UIDPLUS: it was copied but is not removed", f.UID, p.mbox.name))
			}
		}
	}
	if len(pending) > 0 {
		dm, _, err := d.selectBox(ac.dest.name, true)
		if err != nil {
			return err
		}
		for id, uid := range pending {
			found, err := dm.UIDSearch("HEADER", "Message-ID", imaplib.Text(id))
			if err != nil {
				return fmt.Errorf("mail: %s: search %q: %w", d.Name(), ac.dest.name, d.check(err))
			}
			if !found.IsEmpty() {
				verified.Add(uid)
			}
		}
	}
	if !remove {
		ac.count += verified.Len()
		return nil
	}
	n, err := ac.remove(p, verified)
	ac.count += n
	return err
}

// MessageIDOf returns the Message-ID of a header block or a whole
// message, as the checks of a move across accounts read it: the first
// Message-ID field, unfolded and trimmed; "" when there is none.
func MessageIDOf(raw []byte) string { return messageID(raw) }

// messageID returns the Message-ID of a header block or a whole message:
// the first Message-ID field of the header (which ends at the first empty
// line), unfolded and trimmed; "" when there is none. Journals call it for
// every message an action touches, so it reads the bytes in place.
func messageID(raw []byte) string {
	var id []string
	found := false
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) == 0:
			return strings.Join(id, " ")
		case line[0] == ' ' || line[0] == '\t':
			if v := bytes.TrimSpace(line); found && len(v) > 0 {
				id = append(id, string(v))
			}
			continue
		case found:
			return strings.Join(id, " ")
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(bytes.TrimSpace(k), []byte("Message-ID")) {
			found = true
			if v = bytes.TrimSpace(v); len(v) > 0 {
				id = append(id, string(v))
			}
		}
	}
	return strings.Join(id, " ")
}
