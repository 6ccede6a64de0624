package engine

import (
	"sort"
	"sync"
	"time"
)

// RuleStatus is the state of a rule that stays alive with triggers.
type RuleStatus struct {
	// File is the rule.
	File string `json:"file"`
	// Since is when the rule became active.
	Since time.Time `json:"since"`
	// Triggers are its triggers, in the order it registered them.
	Triggers []TriggerStatus `json:"triggers"`
}

// TriggerStatus is the state of one trigger.
type TriggerStatus struct {
	// Trigger says what it waits for: "on_new INBOX (alice@host)".
	Trigger string `json:"trigger"`
	// State is what it is doing: "idle", "polling every 2m0s",
	// "reconnecting in 4s (attempt 3): ...".
	State string `json:"state"`
	// StateSince is when State last changed.
	StateSince time.Time `json:"state_since"`
	// Calls and Failures count the callbacks run and those that failed;
	// LastCall is when the last one ran.
	Calls    int       `json:"calls"`
	Failures int       `json:"failures"`
	LastCall time.Time `json:"last_call,omitzero"`
	// Messages counts the messages handed to callbacks (mail.on_new).
	Messages int `json:"messages,omitempty"`
	// Reconnects counts the times the connection was lost and retried.
	Reconnects int `json:"reconnects,omitempty"`
	// LastCheck is when the trigger last reached its waiting state
	// (idle, polling, waiting) after looking at its mailbox.
	LastCheck time.Time `json:"last_check,omitzero"`
}

// statusBoard keeps the status of the active rules of an engine.
type statusBoard struct {
	mu      sync.Mutex
	rules   map[*RuleStatus]bool
	changed chan struct{} // closed and replaced at each change
}

func newStatusBoard() *statusBoard {
	return &statusBoard{rules: make(map[*RuleStatus]bool), changed: make(chan struct{})}
}

func (b *statusBoard) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

func (b *statusBoard) add(file string, triggers []string) *RuleStatus {
	now := time.Now()
	r := &RuleStatus{File: file, Since: now, Triggers: make([]TriggerStatus, len(triggers))}
	for i, t := range triggers {
		r.Triggers[i] = TriggerStatus{Trigger: t, State: "starting", StateSince: now}
	}
	b.mu.Lock()
	b.rules[r] = true
	b.notifyLocked()
	b.mu.Unlock()
	return r
}

func (b *statusBoard) remove(r *RuleStatus) {
	b.mu.Lock()
	delete(b.rules, r)
	b.notifyLocked()
	b.mu.Unlock()
}

// setState records a state; it reports whether it changed.
func (b *statusBoard) setState(t *TriggerStatus, state string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	switch stateClass(state) {
	case "idle", "polling", "waiting", "watching":
		t.LastCheck = now
	case "reconnecting":
		if t.State != state {
			t.Reconnects++
		}
	}
	if t.State == state {
		return false
	}
	t.State, t.StateSince = state, now
	b.notifyLocked()
	return true
}

func (b *statusBoard) event(t *TriggerStatus, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t.Calls++
	if err != nil {
		t.Failures++
	}
	t.LastCall = time.Now()
	b.notifyLocked()
}

// handled counts n messages handed to a callback of t.
func (b *statusBoard) handled(t *TriggerStatus, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t.Messages += n
	b.notifyLocked()
}

// snapshot returns a copy of the board, sorted by file, and a channel
// closed at the next change.
func (b *statusBoard) snapshot() ([]RuleStatus, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]RuleStatus, 0, len(b.rules))
	for r := range b.rules {
		c := *r
		c.Triggers = append([]TriggerStatus(nil), r.Triggers...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Since.Before(out[j].Since)
	})
	return out, b.changed
}

// Status returns the rules that are alive with triggers, and the state of
// each trigger, sorted by file.
func (e *Engine) Status() []RuleStatus {
	s, _ := e.board.snapshot()
	return s
}

// StatusChanged returns a channel closed at the next change of Status.
func (e *Engine) StatusChanged() <-chan struct{} {
	_, c := e.board.snapshot()
	return c
}
