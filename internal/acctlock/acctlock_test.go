package acctlock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestAcquireExcludes(t *testing.T) {
	tab := NewTable()
	a, b := tab.Holder(), tab.Holder()
	ctx := context.Background()
	if err := a.Acquire(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	// Taking it again is free.
	if err := a.Acquire(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- b.Acquire(ctx, "x") }()
	select {
	case err := <-got:
		t.Fatalf("b took a held lock (err %v)", err)
	default:
	}
	a.ReleaseAll()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if h := b.Held(); len(h) != 1 || h[0] != "x" {
		t.Fatalf("b holds %v", h)
	}
	// Another key is independent.
	if err := a.Acquire(ctx, "y"); err != nil {
		t.Fatal(err)
	}
}

func TestAcquireCancelled(t *testing.T) {
	tab := NewTable()
	a, b := tab.Holder(), tab.Holder()
	if err := a.Acquire(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stop")
	cancel(stop)
	if err := b.Acquire(ctx, "x"); !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the context's cause", err)
	}
	if len(b.Held()) != 0 {
		t.Fatal("b holds a lock after failing")
	}
}

// Two holders taking two keys in opposite orders, many times, end
// without deadlock, and never hold one key at once.
func TestNoDeadlock(t *testing.T) {
	tab := NewTable()
	var mu sync.Mutex
	inside := map[string]int{}
	enter := func(k string) {
		mu.Lock()
		defer mu.Unlock()
		inside[k]++
		if inside[k] > 1 {
			t.Errorf("two holders inside %s", k)
		}
	}
	leave := func(k string) {
		mu.Lock()
		defer mu.Unlock()
		inside[k]--
	}
	var wg sync.WaitGroup
	for i, order := range [][]string{{"a", "b"}, {"b", "a"}} {
		h := tab.Holder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for range 500 {
				for _, k := range order {
					if err := h.Acquire(ctx, k); err != nil {
						t.Errorf("holder %d: %v", i, err)
						return
					}
				}
				for _, k := range h.Held() {
					enter(k)
				}
				for _, k := range h.Held() {
					leave(k)
				}
				h.ReleaseAll()
			}
		}()
	}
	wg.Wait()
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if err := Acquire(ctx, "x"); err != nil {
		t.Fatalf("without a holder: %v", err)
	}
	h := NewTable().Holder()
	ctx = NewContext(ctx, h)
	if FromContext(ctx) != h {
		t.Fatal("FromContext lost the holder")
	}
	if err := Acquire(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if got := h.Held(); len(got) != 1 || got[0] != "x" {
		t.Fatalf("held %v", got)
	}
}
