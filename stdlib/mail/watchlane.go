package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/connwatch"
)

// The lane: the hub's own connection (see watchhub.go).

// errLaneIdle ends a session that has no member left to serve.
var errLaneIdle = errors.New("mail: no mailbox left to watch on the shared connection")

// lane runs the hub's shared connection until ctx ends: sessions, with
// backoff between them, while it has members to serve.
func (h *hub) lane(ctx context.Context, proto *watcher) {
	defer close(h.done)
	tun := proto.h.Tuning.WithDefaults()
	bo := &backoff{min: tun.BackoffMin, max: tun.BackoffMax}
	sink := fanout{h}
	for ctx.Err() == nil {
		wake, _ := h.woken()
		if shared, waiting, _ := h.shared(); len(shared)+len(waiting) == 0 {
			// Nothing to serve (every watcher has a connection of its
			// own): no connection until that changes.
			select {
			case <-ctx.Done():
				return
			case <-wake.Done():
			}
			continue
		}
		sctx, endGuard := proto.guard(ctx)
		err := h.session(sctx, proto, bo)
		if dead := endGuard(); dead != nil {
			err = dead
		}
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errLaneIdle):
			continue
		case proto.waitSignIn(ctx, sink, err):
			bo.reset()
			continue
		}
		if proto.retryWait(ctx, sink, bo, err) != nil {
			return
		}
	}
}

// session connects the lane and serves the shared members until the
// connection fails, ctx ends or no member is left; it always logs out.
func (h *hub) session(ctx context.Context, proto *watcher, bo *backoff) error {
	base := connwatch.ForAccount(context.WithoutCancel(ctx), proto.cfg.name(), true)
	connCtx, cancel := context.WithCancel(base)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(sessionGrace, cancel) })
	defer stop()
	wh := proto.h.Derive(connCtx)
	defer wh.CloseAll()
	a, err := NewAccount(proto.cfg, wh)
	if err != nil {
		return err
	}
	defer a.Close()
	h.setStates("connecting")
	m, err := a.Conn()
	if err != nil {
		return err
	}
	idle := m.HasCapability("IDLE")
	h.setCaps(idle && m.HasCapability("NOTIFY"), idle)
	l := &lane{h: h, ctx: ctx, m: m, a: a, log: proto.logger(), tun: proto.h.Tuning.WithDefaults(),
		notify: idle && m.HasCapability("NOTIFY"), idle: idle, condstore: m.HasCapability("CONDSTORE")}
	return l.serve(bo)
}

// lane is one session of the hub's shared connection.
type lane struct {
	h   *hub
	ctx context.Context
	m   *imaplib.IMAP4
	a   *Account
	log interface {
		Info(string, ...any)
	}
	tun host.Tuning

	notify, idle, condstore bool

	members  []*member
	primary  string // the mailbox the lane idles on without NOTIFY
	selected string // the mailbox selected now
	notified bool   // a NOTIFY SET is in force
	enabled  bool   // CONDSTORE enabled
	replan   bool   // NOTIFY must be set again (an overflow)
	settle   bool   // mail arrived during a look: wait a moment before the next
}

// serve plans the members' modes, then looks at the mailboxes that
// changed and waits for the next change, until the members change.
func (l *lane) serve(bo *backoff) error {
	for {
		shared, _, gen := l.h.shared()
		if len(shared) == 0 {
			return errLaneIdle
		}
		if err := l.plan(shared); err != nil {
			return err
		}
		caughtUp := false
		for l.ctx.Err() == nil && l.h.generation() == gen && !l.replan {
			if err := l.lookDirty(); err != nil {
				return err
			}
			if !caughtUp {
				// Connected and caught up: only now is the backoff over.
				bo.reset()
				caughtUp = true
			}
			l.setStates()
			if err := l.wait(gen); err != nil {
				return err
			}
		}
		if err := l.ctx.Err(); err != nil {
			return err
		}
	}
}

// plan decides how each member is served: told by NOTIFY, by IDLE on the
// lane's mailbox, or polled.
func (l *lane) plan(shared []*member) error {
	l.members, l.primary, l.replan = shared, "", false
	for _, r := range shared {
		r.dirty, r.polled, r.last, r.due = true, false, nil, time.Time{}
	}
	if l.notify {
		return l.notifySet()
	}
	// A connection of the budget freed (a rule stopped): the first
	// polled mailboxes get it.
	kept := shared[:0:0]
	for _, r := range shared {
		if !l.h.promote(r) {
			kept = append(kept, r)
		}
	}
	if l.members = kept; len(kept) == 0 {
		return errLaneIdle
	}
	for _, r := range kept {
		if l.primary == "" && l.idle {
			l.primary = r.w.mbox
		}
		r.polled = !l.idle || r.w.mbox != l.primary
	}
	l.log.Info("mail: watch "+l.a.Name()+": connection budget reached; one shared connection idles on a mailbox and polls the others",
		"budget", l.h.budget, "idle", l.primary, "polled", len(kept)-l.countPrimary())
	return nil
}

// notifySet asks the server, in one NOTIFY SET, for the events of every
// member's mailbox. A mailbox the server does not confirm with a STATUS
// gets a connection of its own when the budget allows, else is polled.
func (l *lane) notifySet() error {
	var boxes []string
	flags := false
	for _, r := range l.members {
		if r.w.condStore && !l.condstore {
			r.polled = true // flag changes elsewhere are invisible without CONDSTORE
			continue
		}
		flags = flags || r.w.condStore
		if !slices.ContainsFunc(boxes, func(b string) bool { return sameBox(b, r.w.mbox) }) {
			boxes = append(boxes, r.w.mbox)
		}
	}
	if len(boxes) == 0 {
		if l.notified {
			l.notified = false
			return l.m.NotifyNone()
		}
		return nil
	}
	if err := l.unselect(); err != nil {
		return err
	}
	events := []string{imaplib.EventMessageNew, imaplib.EventMessageExpunge}
	if flags {
		if !l.enabled && l.m.HasCapability("ENABLE") {
			if _, _, err := l.m.Enable("CONDSTORE"); err != nil {
				return err
			}
			l.enabled = true
		}
		events = append(events, imaplib.EventFlagChange)
	}
	if l.notified {
		// Dovecot 2.3 reports the changes of a NOTIFY SET that replaces
		// another only at its mailbox_idle_check_interval (30 s), not at
		// once; after NOTIFY NONE it reports them at once.
		if err := l.m.NotifyNone(); err != nil {
			return err
		}
		l.notified = false
	}
	if err := l.m.NotifySet(true, imaplib.NotifyFilter{Filter: imaplib.NotifyMailboxes, Mailboxes: boxes, Events: events}); err != nil {
		return fmt.Errorf("mail: %s: NOTIFY: %w", l.a.Name(), err)
	}
	l.notified = true
	confirmed, _, err := l.m.Notifications()
	if err != nil {
		return err
	}
	return l.uncovered(confirmed)
}

// uncovered hands the members whose mailbox NOTIFY SET did not confirm
// to a connection of their own, or polls them.
func (l *lane) uncovered(confirmed []imaplib.StatusData) error {
	kept := l.members[:0:0]
	for _, r := range l.members {
		ok := r.polled || slices.ContainsFunc(confirmed, func(st imaplib.StatusData) bool { return sameBox(st.Mailbox, r.w.mbox) })
		switch {
		case ok:
		case l.h.promote(r):
			l.log.Info("mail: " + r.w.desc + ": NOTIFY does not report this mailbox; it gets a connection of its own")
			continue
		default:
			r.polled = true
			l.log.Info("mail: " + r.w.desc + ": NOTIFY does not report this mailbox and the connection budget is used; it is polled")
		}
		kept = append(kept, r)
	}
	l.members = kept
	n := 0
	for _, r := range kept {
		if !r.polled {
			n++
		}
	}
	l.log.Info("mail: watch "+l.a.Name()+": one connection watches the account's mailboxes with NOTIFY", "mailboxes", n, "polled", len(kept)-n)
	return nil
}

func (l *lane) countPrimary() int {
	n := 0
	for _, r := range l.members {
		if !r.polled {
			n++
		}
	}
	return n
}

// sameBox reports whether two mailbox names are one (INBOX in any case).
func sameBox(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}
