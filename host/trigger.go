package host

import (
	"context"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// A Trigger is something a rule waits for once its main chunk has run:
// new mail in a mailbox (mail.on_new), a schedule (engine.every), a file
// change (engine.on_file). A module registers it with Host.AddTrigger while
// the rule runs; the engine then keeps the rule alive and calls Run on a
// goroutine of the trigger's own.
type Trigger interface {
	// Describe says what the trigger waits for, for logs and status:
	// `on_new INBOX (alice@example.org)`, `every 10m0s`.
	Describe() string
	// Run watches until ctx is done and returns then (its error is only
	// logged). It hands each event to s.Deliver, which runs the handler
	// on the rule's Lua state and waits for it. Run must release what it
	// opened (connections logged out, IDLE ended) before it returns.
	Run(ctx context.Context, s Sink) error
}

// A Sink is what the engine gives a running Trigger.
type Sink interface {
	// Deliver runs handler on the rule's Lua state, after the handlers
	// delivered before it (of every trigger of the rule: one runs at a
	// time), and returns its error. It returns ErrStopped without running
	// handler when the rule stops first. handler is called on the
	// goroutine that owns the state: it is the only place a trigger may
	// touch the state (call Lua functions, make userdata).
	Deliver(handler func(L *lua.LState) error) error
	// SetState records the trigger's state ("idle", "reconnecting in
	// 4s: ...") for logs and status; a change is logged.
	SetState(state string)
}

// ErrStopped is returned by Sink.Deliver when the rule stopped before the
// handler could run.
var ErrStopped = errors.New("host: the rule stopped")

// Tuning holds the timings of triggers; the engine sets it from its
// options. Zero fields take the defaults (DefaultTuning()).
type Tuning struct {
	// Poll is how often a mailbox is polled (STATUS) when the server has
	// no IDLE.
	Poll time.Duration
	// BackoffMin and BackoffMax bound the wait before reconnecting after a
	// failure; it doubles from BackoffMin to BackoffMax, with jitter.
	BackoffMin, BackoffMax time.Duration
	// AuthBackoff is the wait after the server refused the credentials:
	// retrying quickly would not help and may lock the account.
	AuthBackoff time.Duration
	// CallbackTimeout bounds each callback run; zero means the engine's
	// run timeout.
	CallbackTimeout time.Duration
	// CommandTimeout bounds connecting and each command of the rules'
	// and triggers' connections, for accounts that set no timeout of
	// their own; zero keeps the mail module's default.
	CommandTimeout time.Duration
	// IdleRenew is how long a trigger stays in one IDLE command before
	// it ends it and starts another: a heartbeat, so that a server that
	// stopped answering is noticed within IdleRenew plus the command
	// timeout. Default 29 minutes, the longest RFC 2177 allows.
	IdleRenew time.Duration
	// Coalesce is how long a trigger waiting in IDLE keeps listening
	// after the server's news before it looks at the mailbox: news that
	// follows within it (each within Coalesce of the one before) is
	// handled in the same check, so a burst of deliveries makes one
	// callback, or a few. It is also the least delay between a message's
	// announcement and its callback. Default DefaultCoalesce.
	Coalesce time.Duration
}

// DefaultCoalesce is the default of Tuning.Coalesce. Servers announce
// mail that arrives in a burst together or a few milliseconds apart
// (Dovecot gathers changes for half a second before it tells an IDLE
// session), and mail that comes while a callback runs is handled in the
// next one, so a short window keeps bursts together without delaying
// every message.
const DefaultCoalesce = 20 * time.Millisecond

// DefaultTuning returns the tuning of a host that sets none (a copy:
// changing it changes nothing else).
func DefaultTuning() Tuning { return defaultTuning }

var defaultTuning = Tuning{
	Poll:        2 * time.Minute,
	BackoffMin:  time.Second,
	BackoffMax:  5 * time.Minute,
	AuthBackoff: 30 * time.Minute,
	IdleRenew:   29 * time.Minute,
	Coalesce:    DefaultCoalesce,
}

// WithDefaults returns t with its zero fields set from defaultTuning.
func (t Tuning) WithDefaults() Tuning {
	if t.Poll <= 0 {
		t.Poll = defaultTuning.Poll
	}
	if t.BackoffMin <= 0 {
		t.BackoffMin = defaultTuning.BackoffMin
	}
	if t.BackoffMax <= 0 {
		t.BackoffMax = defaultTuning.BackoffMax
	}
	if t.BackoffMax < t.BackoffMin {
		t.BackoffMax = t.BackoffMin
	}
	if t.AuthBackoff <= 0 {
		t.AuthBackoff = defaultTuning.AuthBackoff
	}
	if t.IdleRenew <= 0 {
		t.IdleRenew = defaultTuning.IdleRenew
	}
	if t.Coalesce <= 0 {
		t.Coalesce = defaultTuning.Coalesce
	}
	return t
}

// A State is the persistent store of one rule: values by key, kept across
// runs and restarts. Values are JSON texts. Implementations are safe for
// concurrent use and write each Set durably before returning.
type State interface {
	// Get returns the value of key and whether there is one.
	Get(key string) ([]byte, bool, error)
	// Set stores value under key; a nil value deletes the key.
	Set(key string, value []byte) error
}

// Batcher is a State whose changes can be grouped: between Begin and
// Commit, Set only records (Get sees the records); Commit writes them all
// at once, atomically, and Rollback forgets them. The mail module's
// backfill uses it so that a batch's position and what the rule recorded
// about the batch are saved together or not at all.
type Batcher interface {
	Begin()
	Commit() error
	Rollback()
}

// ErrNoTriggers is returned by AddTrigger when the Lua state does not run
// under an engine that keeps rules alive.
var ErrNoTriggers = errors.New("host: triggers need a rule run by the engine (mailscript run or watch)")

// AddTrigger registers t for the rule. It fails when the host does not
// take triggers (Reactive false) or when the rule is already past its main
// chunk: triggers are registered while the rule runs, not from callbacks.
func (h *Host) AddTrigger(t Trigger) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.Reactive {
		return ErrNoTriggers
	}
	if h.sealed {
		return fmt.Errorf("host: %s: triggers must be registered when the rule runs, not from a callback", t.Describe())
	}
	h.triggers = append(h.triggers, t)
	return nil
}

// Triggers returns the triggers registered so far.
func (h *Host) Triggers() []Trigger {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Trigger(nil), h.triggers...)
}

// Seal refuses triggers from now on and returns those registered; the
// engine calls it when the rule's main chunk has ended.
func (h *Host) Seal() []Trigger {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sealed = true
	return append([]Trigger(nil), h.triggers...)
}

// Key returns a state key for a trigger: base the first time it is asked
// for in this run, then base#2, base#3..., so that two triggers of one
// rule on the same thing keep separate state, stable across restarts as
// long as the rule registers them in the same order.
func (h *Host) Key(base string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.keys == nil {
		h.keys = make(map[string]int)
	}
	h.keys[base]++
	if n := h.keys[base]; n > 1 {
		return fmt.Sprintf("%s#%d", base, n)
	}
	return base
}
