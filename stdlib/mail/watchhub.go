package mail

import (
	"context"
	"fmt"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/connwatch"
)

// Many mailboxes, few connections.
//
// The watchers of one account (every mail.on_new and mail.on_change of
// the rules that name the same server and user) share a hub. The hub's
// own connection, its lane (watchlane.go), learns what the server offers
// and serves the watchers in one of three modes, which their state says
// ("idle with NOTIFY ...", "idle ...", "polling ..."):
//
//   - notify: with NOTIFY (RFC 5465) the lane asks, in one NOTIFY SET, to
//     be told of new, expunged and changed messages in every watched
//     mailbox, and waits in IDLE with no mailbox selected; a STATUS the
//     server pushes names the mailbox to look at. One connection per
//     account, whatever the number of mailboxes.
//   - idle: without NOTIFY, a watcher gets a connection of its own,
//     waiting in IDLE, while the account's budget (the account key
//     connections, DefaultConnections) allows, one connection being kept
//     for the lane; the lane waits in IDLE on the first mailbox left over.
//   - poll: the mailboxes beyond the budget (or that NOTIFY does not
//     cover) are polled by the lane with STATUS (UIDNEXT and UIDVALIDITY;
//     MESSAGES and HIGHESTMODSEQ for on_change) at their polling interval.
//
// Looking at a mailbox is the same whatever the mode (select it, catch up
// from the recorded position, hand the new messages to the callback), so
// a message is read once whichever connection saw it first. The STATUS
// that later decides whether to look again is taken before looking: a
// change made while looking shows at the next comparison.
//
// The rules' own connections (their searches and actions) are not part
// of the budget.

// hubKey names an account for sharing: the same server, user and
// transport, watched with the same timings.
type hubKey struct {
	account, addr, tls, dial string
	tuning                   host.Tuning
}

var hubs = struct {
	sync.Mutex
	m map[hubKey]*hub
}{m: make(map[hubKey]*hub)}

// memberMode is how a watcher is served.
type memberMode int

const (
	modeWaiting memberMode = iota // until the lane learned the server's capabilities
	modeShared                    // by the lane: NOTIFY, its IDLE, or polling
	modeSolo                      // by a connection of its own (watcher.run)
)

// member is one watcher of a hub.
type member struct {
	w     *watcher
	ctx   context.Context
	s     host.Sink
	mode  memberMode      // guarded by hub.mu
	grant chan memberMode // the mode, when assigned

	// Used by the lane goroutine only.
	polled bool                // polled with STATUS, not told by the server
	last   *imaplib.StatusData // taken before the last look
	due    time.Time           // next poll
	dirty  bool                // to look at
	// validity is the UIDVALIDITY the last look found (the state says
	// it, as a watcher with its own connection's does).
	validity uint32
}

// hub is the watchers of one account.
type hub struct {
	key    hubKey
	budget int
	cancel context.CancelFunc
	done   chan struct{} // closed when the lane has ended

	mu      sync.Mutex
	members []*member
	solos   int
	known   bool // capabilities learned
	notify  bool // the server has NOTIFY
	idle    bool // the server has IDLE
	gen     int  // bumped when the shared members change
	// wakeCtx is cancelled, and replaced, at each bump: the lane waits on
	// the one it took before it looked at the members.
	wakeCtx context.Context
	wake    context.CancelFunc
}

func keyOf(w *watcher) hubKey {
	c := &w.cfg
	return hubKey{account: c.name(), addr: c.addr(), tls: c.tlsMode(), dial: fmt.Sprintf("%p", c.Dial),
		tuning: w.h.Tuning.WithDefaults()}
}

// runHub is the Run of a trigger: it joins the account's hub and is
// served by the lane, or runs a session of its own when given one.
func (w *watcher) runHub(ctx context.Context, s host.Sink) error {
	h, m := joinHub(w, ctx, s)
	defer h.leave(m)
	for {
		select {
		case <-ctx.Done():
			return nil
		case mode := <-m.grant:
			if mode == modeSolo {
				return w.run(connwatch.ForAccount(ctx, w.cfg.name(), false), s)
			}
		}
	}
}

// joinHub adds a member for w to its account's hub, starting the hub
// and its lane for the first.
func joinHub(w *watcher, ctx context.Context, s host.Sink) (*hub, *member) {
	m := &member{w: w, ctx: ctx, s: s, grant: make(chan memberMode, 2)}
	key := keyOf(w)
	hubs.Lock()
	defer hubs.Unlock()
	h := hubs.m[key]
	start := h == nil
	if start {
		h = &hub{key: key, budget: w.cfg.connections(), done: make(chan struct{})}
		hubs.m[key] = h
	}
	h.mu.Lock()
	h.members = append(h.members, m)
	h.assignLocked(m)
	h.bumpLocked() // the lane serves it, or tells it its mode
	h.mu.Unlock()
	if start {
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		h.cancel = cancel
		go h.lane(lctx, w)
	}
	return h, m
}

// leave removes m; the last member to leave stops the lane and waits for
// it to log out.
func (h *hub) leave(m *member) {
	hubs.Lock()
	h.mu.Lock()
	for i, x := range h.members {
		if x == m {
			h.members = append(h.members[:i], h.members[i+1:]...)
			break
		}
	}
	if m.mode == modeSolo {
		h.solos-- // a slot for a shared member, at the lane's next plan
	}
	h.bumpLocked()
	last := len(h.members) == 0
	if last && hubs.m[h.key] == h {
		delete(hubs.m, h.key)
	}
	h.mu.Unlock()
	hubs.Unlock()
	if last {
		h.cancel()
		<-h.done
	}
}

// assignLocked gives m its mode once the capabilities are known: shared
// with NOTIFY or without IDLE; else a connection of its own while the
// budget allows, one connection being the lane's.
func (h *hub) assignLocked(m *member) {
	if !h.known || m.mode != modeWaiting {
		return
	}
	mode := modeShared
	if !h.notify && h.idle && h.solos < h.budget-1 {
		mode = modeSolo
		h.solos++
	}
	m.mode = mode
	m.grant <- mode
	if mode == modeShared {
		h.bumpLocked()
	}
}

// setCaps records what the server offers and assigns the waiting members.
func (h *hub) setCaps(notify, idle bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.known && h.notify == notify && h.idle == idle {
		return
	}
	h.known, h.notify, h.idle = true, notify, idle
	for _, m := range h.members {
		h.assignLocked(m)
	}
}

// promote moves a shared member to a connection of its own when the
// budget allows (one that NOTIFY does not cover, or any without NOTIFY
// once a connection of the budget is free again); it reports whether it
// did. Only the lane calls it, between looks: it must not look at the
// member any more.
func (h *hub) promote(m *member) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.mode != modeShared || !h.idle || h.solos >= h.budget-1 {
		return false
	}
	m.mode = modeSolo
	h.solos++
	m.grant <- modeSolo
	h.bumpLocked()
	return true
}

func (h *hub) bumpLocked() {
	h.gen++
	if h.wake != nil {
		h.wake()
	}
	h.wakeCtx, h.wake = context.WithCancel(context.Background())
}

// woken returns the context cancelled at the next change of the members,
// and the generation it belongs to.
func (h *hub) woken() (context.Context, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wakeCtx, h.gen
}

// shared returns the members the lane serves (and those still waiting
// for their mode) and the generation of that list.
func (h *hub) shared() (shared, waiting []*member, gen int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.members {
		switch m.mode {
		case modeShared:
			shared = append(shared, m)
		case modeWaiting:
			waiting = append(waiting, m)
		}
	}
	return shared, waiting, h.gen
}

func (h *hub) generation() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gen
}

// setStates sets the state of the members the lane serves and of those
// waiting for it.
func (h *hub) setStates(state string) {
	shared, waiting, _ := h.shared()
	for _, m := range append(shared, waiting...) {
		m.s.SetState(state)
	}
}

// fanout is a Sink whose SetState sets the state of every member the
// lane serves; it delivers nothing.
type fanout struct{ h *hub }

func (f fanout) SetState(state string) { f.h.setStates(state) }

func (f fanout) Deliver(func(L *lua.LState) error) error { return host.ErrStopped }
