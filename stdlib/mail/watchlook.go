package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
)

// The lane looking and waiting (see watchhub.go).

// lookDirty looks at every mailbox marked as changed, then returns to
// the mailbox the lane idles on (looking at it again: what changed there
// meanwhile was not told), or to no mailbox.
func (l *lane) lookDirty() error {
	away := false
	for _, r := range l.members {
		if !r.dirty || r.ctx.Err() != nil {
			continue
		}
		if err := l.look(r); err != nil {
			return err
		}
		away = away || r.w.mbox != l.primary
	}
	if l.primary != "" && (away || l.selected != l.primary) {
		for _, r := range l.members {
			if !r.polled && r.ctx.Err() == nil {
				if err := l.look(r); err != nil {
					return err
				}
			}
		}
	}
	if l.primary == "" {
		// STATUS of the selected mailbox may not see changes (RFC 3501,
		// 6.3.10), and NOTIFY would tell of them with EXISTS.
		return l.unselect()
	}
	return nil
}

// look selects r's mailbox and catches r up: the same look as a watcher
// with a connection of its own. The STATUS compared later is taken first.
func (l *lane) look(r *member) error {
	r.dirty = false
	r.s.SetState("checking")
	if err := l.takeNotifications(); err != nil {
		return err
	}
	if r.polled || l.notify {
		st, err := l.m.MailboxStatus(r.w.mbox, l.items(r)...)
		if err != nil {
			return fmt.Errorf("mail: %s: status %q: %w", l.a.Name(), r.w.mbox, err)
		}
		r.last = st
		r.due = time.Now().Add(l.pollEvery(r))
	}
	ws := &watchSession{w: r.w, ctx: r.ctx, s: r.s, m: l.m, a: l.a}
	l.selected = ""
	if err := ws.selectBox(); err != nil {
		return err
	}
	l.selected = r.w.mbox
	r.validity = ws.info.UIDValidity
	err := ws.check()
	if err != nil && (r.ctx.Err() != nil || errors.Is(err, host.ErrStopped)) {
		return nil // its rule stopped: the messages come again to its next run
	}
	if err != nil || !l.notify {
		return err
	}
	return l.leave(r)
}

// leave unselects r's mailbox after a look with NOTIFY and marks r (and
// the other members of that mailbox) to look again when its STATUS
// changed since their look began: what arrives
// while a mailbox is selected is told with EXISTS, which the server may
// not send when it arrives as the mailbox is left; after that it tells
// with STATUS. Once a look sees no change, r rests.
func (l *lane) leave(r *member) error {
	if err := l.unselect(); err != nil {
		return err
	}
	news(l.m) // of the mailbox left: the STATUS below decides
	st, err := l.m.MailboxStatus(r.w.mbox, l.items(r)...)
	if err != nil {
		return fmt.Errorf("mail: %s: status %q: %w", l.a.Name(), r.w.mbox, err)
	}
	if l.changedBox(r.w.mbox, st) {
		l.settle = true
	}
	return nil
}

// unselect leaves the selected mailbox, so that NOTIFY tells of changes
// everywhere with STATUS.
func (l *lane) unselect() error {
	if l.selected == "" {
		return nil
	}
	l.selected = ""
	var err error
	if l.m.HasCapability("UNSELECT") {
		_, _, err = l.m.Unselect()
	} else {
		_, _, err = l.m.CloseMailbox() // examined: nothing is expunged
	}
	return err
}

// items are the STATUS items that tell whether r must look.
func (l *lane) items(r *member) []string {
	if !r.w.condStore {
		return []string{"UIDNEXT", "UIDVALIDITY"}
	}
	items := []string{"MESSAGES", "UIDNEXT", "UIDVALIDITY"}
	if l.condstore {
		items = append(items, "HIGHESTMODSEQ")
	}
	return items
}

func (l *lane) pollEvery(r *member) time.Duration {
	if r.w.poll > 0 {
		return r.w.poll
	}
	return l.tun.Poll
}

// statusChanged reports whether cur differs from prev in what matters to
// r: UIDNEXT and UIDVALIDITY, and for on_change MESSAGES and
// HIGHESTMODSEQ. Items missing from either are not compared.
func statusChanged(r *member, prev, cur *imaplib.StatusData) bool {
	if prev == nil {
		return true
	}
	diff := func(a, b *uint32) bool { return a != nil && b != nil && *a != *b }
	if diff(prev.UIDNext, cur.UIDNext) || diff(prev.UIDValidity, cur.UIDValidity) {
		return true
	}
	if !r.w.condStore {
		return false
	}
	return diff(prev.Messages, cur.Messages) ||
		prev.HighestModSeq != nil && cur.HighestModSeq != nil && *prev.HighestModSeq != *cur.HighestModSeq
}

// setStates says each member's mode.
func (l *lane) setStates() {
	others := len(l.members) - l.countPrimary()
	for _, r := range l.members {
		switch {
		case r.polled:
			r.s.SetState(fmt.Sprintf("polling every %s (%s)", l.pollEvery(r), l.pollReason(r)))
		case l.notify:
			r.s.SetState(fmt.Sprintf("idle with NOTIFY (uidvalidity %d; one connection watches the account's %d mailboxes)", r.validity, l.countPrimary()))
		default:
			r.s.SetState(fmt.Sprintf("idle (on the account's shared connection, which also polls %d mailboxes)", others))
		}
	}
}

func (l *lane) pollReason(r *member) string {
	switch {
	case !l.idle:
		return "server without IDLE"
	case l.notify && r.w.condStore && !l.condstore:
		return "flag changes are not told without CONDSTORE"
	case l.notify:
		return "NOTIFY does not report this mailbox"
	}
	return fmt.Sprintf("the account's %d connections are in use", l.h.budget)
}

// wait waits for the server to tell of a change, for the next poll, or
// for the members to change, then marks what must be looked at.
func (l *lane) wait(gen int) error {
	if news(l.m) && l.primary != "" && l.selected == l.primary {
		l.markPrimary()
		return nil
	}
	wake, g := l.h.woken()
	if err := l.takeNotifications(); err != nil || g != gen {
		return err
	}
	due := l.nextPoll()
	if l.anyDirty() {
		if !l.settle {
			return nil
		}
		// Mail arrived while the lane looked: a burst, likely still
		// coming. Let it settle a moment so that one look takes it.
		l.settle = false
		due = time.Now().Add(l.tun.Coalesce)
	}
	wctx, cancel := context.WithCancel(l.ctx)
	defer cancel()
	if !due.IsZero() {
		var c2 context.CancelFunc
		wctx, c2 = context.WithDeadline(wctx, due)
		defer c2()
	}
	defer context.AfterFunc(wake, cancel)()
	if l.notify || l.primary != "" {
		rs, err := l.m.WaitIdleBurst(wctx, l.tun.IdleRenew, l.tun.Coalesce)
		if err != nil && (wctx.Err() == nil || l.ctx.Err() != nil) {
			return err
		}
		if err := l.told(rs); err != nil {
			return err
		}
		// The members told of news time it from when the news came
		// (the latency metric), as a watcher with its own connection does.
		if at := firstReceived(rs); !at.IsZero() {
			for _, r := range l.members {
				if r.dirty && r.w.newsAt.IsZero() {
					r.w.newsAt = at
				}
			}
		}
	} else {
		<-wctx.Done()
	}
	return l.pollDue()
}

// told marks what the responses pushed during IDLE say changed.
func (l *lane) told(rs []imaplib.IdleResponse) error {
	for _, r := range rs {
		switch r.Type {
		case "STATUS":
			st, err := imaplib.ParseStatus(r.Data)
			if err != nil {
				return fmt.Errorf("mail: %s: %w", l.a.Name(), err)
			}
			l.statusTold(st)
		case "NO", "BAD":
			return fmt.Errorf("mail: %s: the server reported a problem during IDLE: %s %s", l.a.Name(), r.Type, itemsText(r.Data))
		case "OK":
			if strings.Contains(strings.ToUpper(itemsText(r.Data)), "[NOTIFICATIONOVERFLOW]") {
				l.overflow()
			}
		case "EXISTS", "EXPUNGE", "FETCH", "VANISHED":
			if l.primary != "" && l.selected == l.primary {
				l.markPrimary()
			}
		}
	}
	return nil
}

// takeNotifications marks what the STATUS responses filed during
// commands say changed.
func (l *lane) takeNotifications() error {
	if !l.notified {
		return nil
	}
	st, overflow, err := l.m.Notifications()
	if overflow {
		l.overflow()
	}
	l.statusTold(st)
	return err
}

// statusTold marks the members whose mailbox a STATUS shows changed.
func (l *lane) statusTold(sts []imaplib.StatusData) {
	for _, st := range sts {
		name := st.Mailbox
		if dec, err := imaplib.DecodeMailboxName(name); err == nil {
			name = dec
		}
		l.changedBox(name, &st)
	}
}

// changedBox marks the members told of mailbox box whose view is older
// than st (every one of them: a change made while the lane had the
// mailbox selected is told to none).
func (l *lane) changedBox(box string, st *imaplib.StatusData) (marked bool) {
	for _, r := range l.members {
		if !r.polled && sameBox(box, r.w.mbox) && statusChanged(r, r.last, st) {
			r.dirty, marked = true, true
		}
	}
	return marked
}

// overflow: the server stopped telling; look everywhere and ask again.
func (l *lane) overflow() {
	for _, r := range l.members {
		r.dirty = true
	}
	l.replan = true
}

func (l *lane) markPrimary() {
	for _, r := range l.members {
		if !r.polled && r.w.mbox == l.primary {
			r.dirty = true
		}
	}
}

func (l *lane) anyDirty() bool {
	for _, r := range l.members {
		if r.dirty {
			return true
		}
	}
	return false
}

// nextPoll is when the next polled mailbox is due (zero: none).
func (l *lane) nextPoll() time.Time {
	var due time.Time
	for _, r := range l.members {
		if r.polled && (due.IsZero() || r.due.Before(due)) {
			due = r.due
		}
	}
	return due
}

// pollDue polls the mailboxes that are due and marks those that changed
// (on_change without CONDSTORE: always, flags do not show in STATUS).
func (l *lane) pollDue() error {
	now := time.Now()
	for _, r := range l.members {
		if !r.polled || r.due.After(now) || r.ctx.Err() != nil {
			continue
		}
		if err := l.takeNotifications(); err != nil {
			return err
		}
		st, err := l.m.MailboxStatus(r.w.mbox, l.items(r)...)
		if err != nil {
			return fmt.Errorf("mail: %s: status %q: %w", l.a.Name(), r.w.mbox, err)
		}
		r.due = now.Add(l.pollEvery(r))
		if statusChanged(r, r.last, st) || (r.w.condStore && !l.condstore) {
			r.dirty = true
		}
	}
	return nil
}
