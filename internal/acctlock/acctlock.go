package acctlock

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Table is a set of locks, one per key, made as they are asked for.
// The zero value is not usable; call NewTable.
type Table struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{locks: make(map[string]chan struct{})}
}

func (t *Table) lock(key string) chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.locks[key]
	if c == nil {
		c = make(chan struct{}, 1)
		t.locks[key] = c
	}
	return c
}

// Holder takes locks of a table for one run of a rule. Its methods are
// safe for concurrent use, but a holder is meant for one goroutine.
type Holder struct {
	t *Table
	// OnWait, when set, is called after a lock was waited for, with the
	// key and the time waited.
	OnWait func(key string, waited time.Duration)
	// OnRequeue, when set, is called when the holder gave back its locks
	// to take them again in order (see the package documentation).
	OnRequeue func(held []string, wanted string)

	mu   sync.Mutex
	held map[string]bool
}

// Holder returns a holder of locks of t that holds none.
func (t *Table) Holder() *Holder {
	return &Holder{t: t, held: make(map[string]bool)}
}

// Acquire takes the locks of keys that h does not hold yet, waiting for
// them until ctx is done.
func (h *Holder) Acquire(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("acctlock: %w", context.Cause(ctx))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var missing []string
	for _, k := range keys {
		if !h.held[k] && !slices.Contains(missing, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	// Without busy locks, take them at once.
	var got []string
take:
	for _, k := range missing {
		select {
		case h.t.lock(k) <- struct{}{}:
			got = append(got, k)
		default:
			break take
		}
	}
	for _, k := range got {
		h.held[k] = true
	}
	if len(got) == len(missing) {
		return nil
	}
	wanted := missing[len(got)]
	if len(h.held) > 0 {
		// Waiting while holding locks could deadlock: give them back and
		// take everything again in key order.
		held := h.keysLocked()
		if h.OnRequeue != nil {
			h.OnRequeue(held, wanted)
		}
		h.releaseLocked()
		missing = append(held, missing[len(got):]...)
		slices.Sort(missing)
		missing = slices.Compact(missing)
	} else {
		missing = missing[len(got):]
	}
	for _, k := range missing {
		start := time.Now()
		select {
		case h.t.lock(k) <- struct{}{}:
			h.held[k] = true
		case <-ctx.Done():
			return fmt.Errorf("acctlock: waiting for %s: %w", k, context.Cause(ctx))
		}
		if w := time.Since(start); h.OnWait != nil && w > time.Millisecond {
			h.OnWait(k, w)
		}
	}
	return nil
}

// Held returns the keys h holds, sorted.
func (h *Holder) Held() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.keysLocked()
}

func (h *Holder) keysLocked() []string {
	keys := make([]string, 0, len(h.held))
	for k := range h.held {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ReleaseAll gives back every lock h holds.
func (h *Holder) ReleaseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseLocked()
}

func (h *Holder) releaseLocked() {
	for k := range h.held {
		<-h.t.lock(k)
		delete(h.held, k)
	}
}

type ctxKey struct{}

// NewContext returns ctx carrying h, for Acquire.
func NewContext(ctx context.Context, h *Holder) context.Context {
	return context.WithValue(ctx, ctxKey{}, h)
}

// FromContext returns the holder ctx carries, or nil.
func FromContext(ctx context.Context) *Holder {
	h, _ := ctx.Value(ctxKey{}).(*Holder)
	return h
}

// Acquire takes the lock of key for the holder ctx carries; without one
// it does nothing.
func Acquire(ctx context.Context, key string) error {
	if h := FromContext(ctx); h != nil {
		return h.Acquire(ctx, key)
	}
	return nil
}
