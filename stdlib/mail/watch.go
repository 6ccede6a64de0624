package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
)

// Watching mailboxes: mail.on_new and mail.on_change.
//
// A trigger watches through connections separate from the rule's account
// (whose connection serves the rule's searches and actions), with the
// mailbox selected read-only (EXAMINE): the account's shared connection
// (watchhub.go), or, as described here, a connection of its own (run).
// With IDLE it waits in IDLE,
// re-issued before 29 minutes (imaplib.WaitIdle); without, it polls every
// host.Tuning.Poll with STATUS and looks closer only when the mailbox
// changed. A lost connection, a server restart or a failed login is
// retried with exponential backoff and jitter; refused credentials wait
// host.Tuning.AuthBackoff. Every change of state is logged.
//
// # Progress of on_new
//
// on_new keeps, in the rule's state, the mailbox's UIDVALIDITY, the
// highest UID handled and the newest INTERNALDATE handled. Each check
// fetches the messages above that UID, hands them to the callback as one
// set (so a burst makes one call, or a few), and records the new highest
// UID once the callback has returned, in one write with what the
// callback recorded with the state module. So a message is handled once:
// not twice across reconnects, restarts and crashes (a process killed at
// any moment has recorded both the callback's records and the progress,
// or neither), and none is skipped while the rule was disconnected or
// not running. A callback that fails because of the script still counts
// as handling (its error is logged; it is not called again for the same
// messages, which could fail forever); a callback that ended on a
// connection or server failure does not (its messages come again after
// the trigger reconnected, with backoff; see handled.go), nor does one
// cut short because the rule stopped (its messages come again to the next
// run; what it recorded in its state before is kept).
//
// The first time a rule watches a mailbox, the messages already in it
// are taken as handled: on_new is about mail that arrives from then on
// (mbox:new_since is the tool for a backlog).
//
// # UIDVALIDITY changes
//
// When the mailbox's UIDVALIDITY changed (it was deleted and created
// again, or the server rebuilt its index), the UIDs recorded name nothing
// any more. Treating every message as new could act on old mail a second
// time (replies sent twice, mail moved again); treating every message as
// handled would skip mail that arrived meanwhile. The rule is reset
// instead by arrival time: messages whose INTERNALDATE is after the
// newest one handled before are new, the others are taken as handled.
// INTERNALDATE is the server's arrival time (one-second resolution), so a
// message that arrived in the very second of the last one handled is
// taken as handled: on a reset, mailscript prefers missing such a message
// to handling one twice. Mail copied in with old dates (a migration)
// counts as old.
//
// A set handed out before the change (kept by a rule between callbacks)
// names UIDs of the old mailbox: reading or acting on it is an error
// (ErrUIDValidity), never an action on other messages. Connections that
// had the old mailbox selected are not asked about the new one: the
// trigger's session and the rule's account connect again (view.go).

// mark is the progress recorded for a mailbox.
type mark struct {
	Validity uint32 `json:"uidvalidity"`
	UID      uint32 `json:"uid"`
	Date     int64  `json:"date,omitempty"` // newest INTERNALDATE handled, Unix seconds
}

func loadMark(st host.State, key string) (*mark, error) {
	if st == nil {
		return nil, errors.New("mail: this run has no state store")
	}
	raw, ok, err := st.Get(key)
	if err != nil || !ok {
		return nil, err
	}
	var mk mark
	if err := json.Unmarshal(raw, &mk); err != nil {
		return nil, fmt.Errorf("mail: state %q is damaged: %w", key, err)
	}
	return &mk, nil
}

func saveMark(st host.State, key string, mk *mark) error {
	raw, _ := json.Marshal(mk)
	return st.Set(key, raw)
}

// newMessages returns the messages of the selected mailbox that are new
// after mk, with their internal dates: UIDs above mk.UID under the same
// UIDVALIDITY, else (a reset) those that arrived after mk.Date. all says
// what a missing mark means: every message is new (true) or none is.
// top is the highest UID in the mailbox (0 when empty or unknown).
func newMessages(m *imaplib.IMAP4, mk *mark, validity uint32, all bool) (uids []uint32, newest int64, top uint32, err error) {
	sameValidity := mk != nil && mk.Validity == validity
	set := rangeSet(1)
	switch {
	case sameValidity:
		set = rangeSet(mk.UID + 1)
	case mk == nil && !all:
		set = imaplib.SeqSetOf(imaplib.Star) // only the top UID is needed
	}
	fd, err := m.UIDFetch(set, "(UID INTERNALDATE)")
	if err != nil {
		return nil, 0, 0, err
	}
	for _, f := range fd {
		if f.UID > top {
			top = f.UID
		}
		switch {
		case sameValidity && f.UID <= mk.UID:
			continue // "n:*" names the last message when n is above it
		case !sameValidity && mk == nil && !all:
			continue
		case !sameValidity && mk != nil && f.InternalDate.Unix() <= mk.Date:
			continue
		}
		uids = append(uids, f.UID)
		if d := f.InternalDate.Unix(); d > newest {
			newest = d
		}
	}
	if sameValidity && top < mk.UID {
		top = mk.UID
	}
	slices.Sort(uids)
	return uids, newest, top, nil
}

// rangeSet is from:*.
func rangeSet(from uint32) imaplib.SeqSet {
	var s imaplib.SeqSet
	s.AddRange(from, imaplib.Star)
	return s
}

// backoff is the wait before the next reconnection: doubling from min to
// max, each wait drawn between half and all of it (jitter, so that many
// rules do not reconnect in step).
type backoff struct {
	min, max time.Duration
	attempt  int
}

func (b *backoff) next() time.Duration {
	d := b.min << min(b.attempt, 30)
	if d > b.max || d <= 0 {
		d = b.max
	}
	b.attempt++
	return jitter(d)
}

func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

func (b *backoff) reset() { b.attempt = 0 }

// watcher is what on_new and on_change share: the connection, the loop
// of IDLE or polling, and reconnection.
type watcher struct {
	cfg   Config
	h     *host.Host // the rule's host: logger, permissions, state, tuning
	mbox  string
	desc  string
	poll  time.Duration
	check func(ctx context.Context, s host.Sink, m *imaplib.IMAP4, info *imaplib.MailboxInfo) error
	// condStore asks for SELECT (CONDSTORE) when the server has it.
	condStore bool
	// pollChanged tells from two STATUS results whether to look closer.
	pollItems   []string
	pollChanged func(prev, cur *imaplib.StatusData) bool
	// newsAt is when the server's news that woke the watcher from IDLE
	// was read, during the check it started (zero otherwise): for the
	// latency of on_new (daemon.go).
	newsAt time.Time
}

func (w *watcher) logger() *slog.Logger {
	if w.h.Logger != nil {
		return w.h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// sessionGrace is how long a stopping watcher may take to end IDLE and
// log out before its connection is closed.
const sessionGrace = 3 * time.Second

// run is the trigger's Run: sessions, with backoff between them.
func (w *watcher) run(ctx context.Context, s host.Sink) error {
	tun := w.h.Tuning.WithDefaults()
	if w.poll <= 0 {
		w.poll = tun.Poll
	}
	bo := &backoff{min: tun.BackoffMin, max: tun.BackoffMax}
	for {
		sctx, endGuard := w.guard(ctx)
		err := w.session(sctx, s, bo)
		if dead := endGuard(); dead != nil {
			err = dead
		}
		if ctx.Err() != nil {
			return nil
		}
		if w.waitSignIn(ctx, s, err) {
			if ctx.Err() != nil {
				return nil
			}
			bo.reset()
			continue
		}
		if w.retryWait(ctx, s, bo, err) != nil {
			return nil
		}
	}
}

// retryWait says why a session ended and waits before the next one: the
// backoff, or long after refused credentials. It returns ctx's error when
// ctx ended first.
func (w *watcher) retryWait(ctx context.Context, s host.Sink, bo *backoff, err error) error {
	var wait time.Duration
	var state string
	if errors.Is(err, ErrLoginRefused) {
		wait = jitter(w.h.Tuning.WithDefaults().AuthBackoff)
		state = fmt.Sprintf("login refused, check the credentials; retrying in %s: %v", wait.Round(time.Second), err)
		w.logger().Error("mail: "+w.desc+": login refused; waiting long before trying again", "retry_in", wait.Round(time.Second), "err", err)
	} else {
		wait = bo.next()
		state = fmt.Sprintf("reconnecting in %s (attempt %d): %v", wait.Round(time.Millisecond), bo.attempt, err)
	}
	s.SetState(state)
	return sleepCtx(ctx, wait)
}

// session connects, selects the mailbox, and watches it until the
// connection fails or ctx is done; it always logs out.
func (w *watcher) session(ctx context.Context, s host.Sink, bo *backoff) error {
	// The connection outlives ctx a little, so that IDLE ends with DONE
	// and the session with LOGOUT.
	connCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(sessionGrace, cancel) })
	defer stop()
	wh := w.h.Derive(connCtx)
	defer wh.CloseAll()
	a, err := NewAccount(w.cfg, wh)
	if err != nil {
		return err
	}
	defer a.Close()
	s.SetState("connecting")
	m, err := a.Conn()
	if err != nil {
		return err
	}
	ws := &watchSession{w: w, ctx: ctx, s: s, m: m, a: a}
	if err := ws.selectBox(); err != nil {
		return err
	}
	if err := ws.check(); err != nil {
		return err
	}
	// Connected and caught up: only now is the backoff over, so that a
	// callback failing on the connection again and again backs off.
	bo.reset()
	if m.HasCapability("IDLE") {
		return ws.idle()
	}
	return ws.poll()
}

// watchSession is one connection of a watcher, from the first SELECT on.
type watchSession struct {
	w    *watcher
	ctx  context.Context
	s    host.Sink
	m    *imaplib.IMAP4
	a    *Account
	info *imaplib.MailboxInfo // of the latest SELECT
}

// selectBox examines the watched mailbox.
func (ws *watchSession) selectBox() error {
	w, m := ws.w, ws.m
	info, err := m.SelectMailboxWith(w.mbox, imaplib.SelectOptions{ReadOnly: true, CondStore: w.condStore && m.HasCapability("CONDSTORE")})
	if err != nil {
		return fmt.Errorf("mail: %s: examine %q: %w", ws.a.Name(), w.mbox, err)
	}
	if ws.info != nil && ws.info.UIDValidity != info.UIDValidity {
		// The mailbox was replaced while this connection was open: its
		// server-side state of the mailbox is not to be trusted (see
		// Account.reselectFresh), so the next session starts afresh.
		return fmt.Errorf("mail: %s: %q was replaced (UIDVALIDITY %d, now %d): %w",
			ws.a.Name(), w.mbox, ws.info.UIDValidity, info.UIDValidity, errReplaced)
	}
	ws.info = info
	sawValidity(&ws.a.cfg, w.mbox, info.UIDValidity)
	return nil
}

// errReplaced ends a watch session whose mailbox was deleted and created
// again under it; the next session catches up on a new connection.
var errReplaced = errors.New("mail: mailbox replaced; watching it again on a new connection")

// check looks again when the server reported news while it worked:
// those reports were taken by its commands and will not wake IDLE.
func (ws *watchSession) check() error {
	for {
		news(ws.m)
		if err := ws.w.check(ws.ctx, ws.s, ws.m, ws.info); err != nil {
			return err
		}
		ws.w.newsAt = time.Time{} // news taken since came with commands
		if !news(ws.m) {
			return nil
		}
	}
}

// idle waits in IDLE and checks after each wake-up.
func (ws *watchSession) idle() error {
	for {
		ws.s.SetState(fmt.Sprintf("idle (uidvalidity %d)", ws.info.UIDValidity))
		tun := ws.w.h.Tuning.WithDefaults()
		rs, err := ws.m.WaitIdleBurst(ws.ctx, tun.IdleRenew, tun.Coalesce)
		if err != nil {
			if ws.ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, r := range rs {
			if r.Type == "NO" || r.Type == "BAD" {
				// The session is in trouble (Dovecot says so when the
				// mailbox was replaced under it): start afresh.
				return fmt.Errorf("mail: %s: the server reported a problem during IDLE: %s %s", ws.a.Name(), r.Type, itemsText(r.Data))
			}
		}
		ws.s.SetState("checking")
		ws.w.newsAt = firstReceived(rs)
		err = ws.check()
		ws.w.newsAt = time.Time{}
		if err != nil {
			return err
		}
	}
}

// firstReceived returns when the first of rs was read (zero when
// unknown).
func firstReceived(rs []imaplib.IdleResponse) time.Time {
	var t time.Time
	for _, r := range rs {
		if !r.Received.IsZero() && (t.IsZero() || r.Received.Before(t)) {
			t = r.Received
		}
	}
	return t
}

// poll is the loop of a server without IDLE: poll STATUS outside the
// mailbox, and look closer when it changed.
func (ws *watchSession) poll() error {
	w, m := ws.w, ws.m
	if _, _, err := m.CloseMailbox(); err != nil {
		return err
	}
	prev, err := m.MailboxStatus(w.mbox, w.pollItems...)
	if err != nil {
		return err
	}
	for {
		ws.s.SetState(fmt.Sprintf("polling every %s (server without IDLE)", w.poll))
		t := time.NewTimer(w.poll)
		select {
		case <-ws.ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		cur, err := m.MailboxStatus(w.mbox, w.pollItems...)
		if err != nil {
			return err
		}
		if w.pollChanged == nil || w.pollChanged(prev, cur) {
			if err := ws.selectBox(); err != nil {
				return err
			}
			if err := ws.check(); err != nil {
				return err
			}
			if _, _, err := m.CloseMailbox(); err != nil {
				return err
			}
		}
		prev = cur
	}
}

func itemsText(items []imaplib.Item) string {
	var b []byte
	for _, it := range items {
		b = append(b, it.Line...)
	}
	return string(b)
}

// news takes the reports of changes the server sent during commands and
// reports whether there were any.
func news(m *imaplib.IMAP4) bool {
	got := false
	for _, code := range []string{"EXISTS", "EXPUNGE", "FETCH", "VANISHED"} {
		_, dat := m.Response(code)
		if len(dat) > 0 && !dat[0].IsNone {
			got = true
		}
	}
	return got
}

func u32(p *uint32) uint32 {
	if p == nil {
		return 0
	}
	return *p
}

// ---- on_new

// NewMailTrigger is mail.on_new: it hands the messages that arrive in a
// mailbox to a Lua function, as a Set of the rule's account.
type NewMailTrigger struct {
	w     watcher
	owner *Mailbox // the rule's mailbox, for the sets handed out
	key   string
	fn    *lua.LFunction
}

// NewMailTriggerFor makes the trigger of mbox (a mailbox of the rule's
// account) calling fn; poll, when not zero, overrides the polling
// interval. It is registered with host.Host.AddTrigger.
func NewMailTriggerFor(h *host.Host, mbox *Mailbox, fn *lua.LFunction, poll time.Duration) *NewMailTrigger {
	a := mbox.acct
	t := &NewMailTrigger{owner: mbox, fn: fn,
		key: h.Key(fmt.Sprintf("mail.on_new %s %s", a.Name(), mbox.name))}
	t.w = watcher{cfg: a.cfg, h: h, mbox: mbox.name, poll: poll,
		desc:      fmt.Sprintf("on_new %s (%s)", mbox.name, a.Name()),
		check:     t.check,
		pollItems: []string{"UIDNEXT", "UIDVALIDITY"},
		pollChanged: func(prev, cur *imaplib.StatusData) bool {
			return u32(prev.UIDNext) != u32(cur.UIDNext) || u32(prev.UIDValidity) != u32(cur.UIDValidity)
		}}
	return t
}

// Describe says which mailbox the trigger watches.
func (t *NewMailTrigger) Describe() string { return t.w.desc }

// Run watches the mailbox until ctx is done.
func (t *NewMailTrigger) Run(ctx context.Context, s host.Sink) error { return t.w.runHub(ctx, s) }

// check hands the new messages to the callback and records them.
func (t *NewMailTrigger) check(ctx context.Context, s host.Sink, m *imaplib.IMAP4, info *imaplib.MailboxInfo) error {
	st := t.w.h.State
	mk, err := loadMark(st, t.key)
	if err != nil {
		return err
	}
	uids, newest, top, err := newMessages(m, mk, info.UIDValidity, false)
	if err != nil {
		return err
	}
	if mk == nil || mk.Validity != info.UIDValidity {
		old := mk
		mk = &mark{Validity: info.UIDValidity, UID: 0}
		if old != nil {
			mk.Date = old.Date
			t.w.logger().Warn("mail: "+t.w.desc+": UIDVALIDITY changed; messages that arrived after the last one handled are new",
				"old", old.Validity, "new", info.UIDValidity, "new_messages", len(uids))
		}
		if len(uids) == 0 {
			// Everything in the mailbox now counts as handled.
			mk.UID = top
			return saveMark(st, t.key, mk)
		}
		// Below the new ones, the mailbox's older messages are handled.
		mk.UID, mk.Date = top, max(mk.Date, newest)
		return t.deliver(ctx, s, info.UIDValidity, uids, mk)
	}
	if len(uids) == 0 {
		return nil
	}
	mk.UID, mk.Date = uids[len(uids)-1], max(mk.Date, newest)
	return t.deliver(ctx, s, info.UIDValidity, uids, mk)
}

// deliver runs the callback with the set of uids and records next as the
// progress once they count as handled: the callback returned, or failed
// because of the script (its error is logged by the engine). It is an
// error when the rule stopped before or during the callback, or when the
// callback ended on a connection failure (see handled.go): then they are
// not handled, and come again after the trigger reconnected.
//
// When the rule's state can group changes (host.Batcher), what the
// callback recorded in it and the progress are written together, in the
// rule's turn: a process killed at any moment has recorded both or
// neither, so a callback that counts what it read in its state reads
// each message once across crashes.
func (t *NewMailTrigger) deliver(ctx context.Context, s host.Sink, validity uint32, uids []uint32, next *mark) error {
	set := NewSet(t.owner, validity, imaplib.SeqSetOf(uids...))
	st := t.w.h.State
	handled, stopped := true, false
	var saveErr error
	newsAt := t.w.newsAt
	err := s.Deliver(func(L *lua.LState) error {
		timeNews(s, newsAt)
		bt, grouped := st.(host.Batcher)
		if grouped {
			bt.Begin()
		}
		var err error
		handled, err = callback(L, t.fn, push(L, SetType, set))
		stopped = err != nil && ctx.Err() != nil
		if handled && !stopped {
			saveErr = saveMark(st, t.key, next)
		}
		if grouped {
			if cerr := bt.Commit(); saveErr == nil {
				saveErr = cerr
			}
		}
		return err
	})
	if errors.Is(err, host.ErrStopped) || stopped {
		return fmt.Errorf("mail: %s: the rule stopped before the messages were handled: %w", t.w.desc, host.ErrStopped)
	}
	if !handled {
		t.w.logger().Warn("mail: "+t.w.desc+": the callback ended on a connection failure; its messages come again after reconnecting",
			"uids", set.String(), "err", err.Error())
		return fmt.Errorf("mail: %s: %w: %v", t.w.desc, ErrConnFailure, err)
	}
	if saveErr != nil {
		return saveErr
	}
	countHandled(s, len(uids))
	return nil
}

// ---- on_change

// ChangeTrigger is mail.on_change: it reports flag changes and expunges
// in a mailbox while the rule runs. With CONDSTORE it asks for the
// messages changed since the last mod-sequence seen; without, it compares
// the flags of every message with those seen before (more traffic on big
// mailboxes). New messages are on_new's business and are not reported.
// With CONDSTORE the baseline is kept in the rule's state, so changes made
// while the rule was not running are reported when it starts again
// (changestate.go); without, they are not.
type ChangeTrigger struct {
	w     watcher
	owner *Mailbox
	fn    *lua.LFunction
	key   string // state key of the baseline (changestate.go)

	validity uint32
	modSeq   uint64
	known    imaplib.SeqSet
	flags    map[uint32]string // without CONDSTORE
	primed   bool
}

// ChangeTriggerFor makes the trigger of mbox calling fn(changed, expunged).
func ChangeTriggerFor(h *host.Host, mbox *Mailbox, fn *lua.LFunction, poll time.Duration) *ChangeTrigger {
	a := mbox.acct
	t := &ChangeTrigger{owner: mbox, fn: fn, key: h.Key(fmt.Sprintf("mail.on_change %s %s", a.Name(), mbox.name))}
	t.w = watcher{cfg: a.cfg, h: h, mbox: mbox.name, poll: poll, condStore: true,
		desc:  fmt.Sprintf("on_change %s (%s)", mbox.name, a.Name()),
		check: t.checkSaved}
	return t
}

// Describe says which mailbox the trigger watches.
func (t *ChangeTrigger) Describe() string { return t.w.desc }

// Run watches the mailbox until ctx is done.
func (t *ChangeTrigger) Run(ctx context.Context, s host.Sink) error { return t.w.runHub(ctx, s) }

func (t *ChangeTrigger) check(ctx context.Context, s host.Sink, m *imaplib.IMAP4, info *imaplib.MailboxInfo) error {
	condStore := info.HighestModSeq > 0 && !info.NoModSeq
	if t.primed && t.validity != info.UIDValidity {
		t.w.logger().Warn("mail: "+t.w.desc+": UIDVALIDITY changed; starting over", "old", t.validity, "new", info.UIDValidity)
		t.primed = false
	}
	current, err := m.UIDSearch("ALL")
	if err != nil {
		return err
	}
	var changed []uint32
	var fd []*imaplib.FetchData
	switch {
	case !t.primed || t.known.IsEmpty():
	case condStore && t.modSeq > 0:
		fd, err = m.UIDFetchChangedSince(t.known, "(UID FLAGS)", t.modSeq)
	default:
		fd, err = m.UIDFetch(t.known, "(UID FLAGS)")
	}
	if err != nil {
		return err
	}
	newFlags := map[uint32]string{}
	for _, f := range fd {
		if !t.known.Contains(f.UID) {
			continue
		}
		key := fmt.Sprint(f.Flags)
		if condStore {
			changed = append(changed, f.UID)
		} else {
			newFlags[f.UID] = key
			if old, ok := t.flags[f.UID]; ok && old != key {
				changed = append(changed, f.UID)
			}
		}
	}
	expunged := t.known.Difference(current)
	wasPrimed := t.primed
	prevValidity, prevModSeq, prevKnown, prevFlags := t.validity, t.modSeq, t.known, t.flags
	// Record the new baseline.
	t.validity, t.known, t.primed = info.UIDValidity, current, true
	if condStore {
		// HIGHESTMODSEQ as of now: a fresh STATUS is not allowed on the
		// selected mailbox, so take the highest MODSEQ reported, or the
		// SELECT's value at the start.
		if t.modSeq == 0 || !wasPrimed {
			t.modSeq = info.HighestModSeq
		}
		for _, f := range fd {
			t.modSeq = max(t.modSeq, f.ModSeq)
		}
	} else {
		if !wasPrimed {
			all, err := m.UIDFetch(current, "(UID FLAGS)")
			if err != nil && !current.IsEmpty() {
				return err
			}
			for _, f := range all {
				newFlags[f.UID] = fmt.Sprint(f.Flags)
			}
		}
		t.flags = newFlags
	}
	if !wasPrimed || (len(changed) == 0 && expunged.IsEmpty()) {
		return nil
	}
	handled, err := t.deliverChanges(s, info.UIDValidity, changed, expunged)
	if !handled {
		t.validity, t.modSeq, t.known, t.flags = prevValidity, prevModSeq, prevKnown, prevFlags
	}
	return err
}

// deliverChanges calls the callback with the changed and expunged
// messages. handled is false when the callback ended on a connection
// failure: the caller restores its baseline, so the changes come again.
func (t *ChangeTrigger) deliverChanges(s host.Sink, validity uint32, changed []uint32, expunged imaplib.SeqSet) (handled bool, err error) {
	cs := NewSet(t.owner, validity, imaplib.SeqSetOf(changed...))
	xs := NewSet(t.owner, validity, expunged)
	handled = true
	err = s.Deliver(func(L *lua.LState) error {
		var err error
		handled, err = callback(L, t.fn, push(L, SetType, cs), push(L, SetType, xs))
		return err
	})
	if errors.Is(err, host.ErrStopped) {
		return true, err
	}
	if !handled {
		t.w.logger().Warn("mail: "+t.w.desc+": the callback ended on a connection failure; the changes come again after reconnecting", "err", err.Error())
		return false, fmt.Errorf("mail: %s: %w: %v", t.w.desc, ErrConnFailure, err)
	}
	return true, nil
}

// ---- new_since and ack

func ackKey(b *Mailbox, key string) string {
	return fmt.Sprintf("mail.ack %s %s %s", b.acct.Name(), b.name, key)
}

// NewSince returns the messages of the mailbox that arrived since the
// last Ack with the same key (every message when there was none), as
// kept in the rule's state. After a change of UIDVALIDITY, messages that
// arrived after the newest one acknowledged are new (see the package
// documentation of on_new).
func (b *Mailbox) NewSince(key string) (*Set, error) {
	a := b.acct
	mk, err := loadMark(a.h.State, ackKey(b, key))
	if err != nil {
		return nil, err
	}
	var set *Set
	err = a.retryRead("new_since", func() error {
		m, validity, err := a.selectCurrent(b.name, true)
		if err != nil {
			return err
		}
		uids, _, _, err := newMessages(m, mk, validity, true)
		if err != nil {
			return fmt.Errorf("mail: %s: new_since %q: %w", a.Name(), b.name, a.check(err))
		}
		set = NewSet(b, validity, imaplib.SeqSetOf(uids...))
		return nil
	})
	return set, err
}

// Ack records, for each mailbox of the set, that its messages up to the
// set's highest UID have been handled under key: NewSince(key) returns
// only messages after them from now on.
func (s *Set) Ack(key string) error {
	for _, p := range s.parts {
		if p.uids.IsEmpty() {
			continue
		}
		b, a := p.mbox, p.mbox.acct
		if p.validity == staleValidity {
			return fmt.Errorf("mail: ack %q: %w", key, ErrUIDValidity)
		}
		st := a.h.State
		k := ackKey(b, key)
		mk, err := loadMark(st, k)
		if err != nil {
			return err
		}
		nums, err := p.uids.Nums()
		if err != nil {
			return err
		}
		top := nums[len(nums)-1]
		m, validity, err := a.selectBox(b.name, true)
		if err != nil {
			return err
		}
		if err := a.cover(m, top); err != nil {
			return err
		}
		if p.validity != 0 && p.validity != validity {
			return fmt.Errorf("mail: ack %q in %q: %w", key, b.name, ErrUIDValidity)
		}
		if mk == nil || mk.Validity != validity {
			mk = &mark{Validity: validity}
		}
		if top <= mk.UID {
			continue
		}
		mk.UID = top
		fd, err := m.UIDFetch(imaplib.SeqSetOf(top), "(UID INTERNALDATE)")
		if err != nil {
			return fmt.Errorf("mail: %s: ack %q: %w", a.Name(), key, a.check(err))
		}
		for _, f := range fd {
			mk.Date = max(mk.Date, f.InternalDate.Unix())
		}
		if err := saveMark(st, k, mk); err != nil {
			return err
		}
	}
	return nil
}
