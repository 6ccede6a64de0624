package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is the run function of a test scheduler: it records the
// targets it ran, and each run blocks until released when gate is set.
type recorder struct {
	mu      sync.Mutex
	ran     []string
	running int
	most    int
	gate    chan struct{}
}

func (r *recorder) run(ctx context.Context, target string, _ func()) {
	r.mu.Lock()
	r.ran = append(r.ran, target)
	r.running++
	r.most = max(r.most, r.running)
	r.mu.Unlock()
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
		}
	}
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
}

func (r *recorder) runs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ran)
}

func identity(p string) []string { return []string{p} }

const debounce = 100 * time.Millisecond

func TestDebounceBurstMakesOneRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		s := newScheduler(t.Context(), debounce, 4, identity, rec.run)
		defer s.close()
		start := time.Now()
		for range 10 { // 10 writes in 50ms
			s.changed("a.lua")
			time.Sleep(5 * time.Millisecond)
		}
		synctest.Wait()
		if got := rec.runs(); len(got) != 0 {
			t.Fatalf("ran %v before the file was quiet", got)
		}
		time.Sleep(debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua"}) {
			t.Fatalf("runs %v, want one of a.lua", got)
		}
		// In the bubble's clock the run came one debounce after the last write.
		if el := time.Since(start); el != 50*time.Millisecond+debounce {
			t.Errorf("ran after %v", el)
		}
	})
}

func TestDebounceIsPerFile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		s := newScheduler(t.Context(), debounce, 4, identity, rec.run)
		defer s.close()
		s.changed("a.lua")
		time.Sleep(60 * time.Millisecond)
		s.changed("b.lua") // must not postpone a.lua
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua"}) {
			t.Fatalf("runs %v, want a.lua only", got)
		}
		time.Sleep(debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua", "b.lua"}) {
			t.Fatalf("runs %v", got)
		}
	})
}

func TestChangesDuringRunCoalesce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{gate: make(chan struct{})}
		s := newScheduler(t.Context(), debounce, 4, identity, rec.run)
		defer s.close()
		s.changed("a.lua")
		time.Sleep(debounce)
		synctest.Wait() // the first run is blocked in the gate
		for range 3 {
			s.changed("a.lua")
			time.Sleep(2 * debounce) // each change fires on its own
		}
		synctest.Wait()
		rec.mu.Lock()
		if rec.running != 1 || len(rec.ran) != 1 {
			t.Fatalf("running %d, ran %v: runs of one file overlapped", rec.running, rec.ran)
		}
		rec.mu.Unlock()
		rec.gate <- struct{}{} // end the first run: exactly one more starts
		synctest.Wait()
		rec.gate <- struct{}{}
		synctest.Wait()
		if got := rec.runs(); len(got) != 2 || rec.most != 1 {
			t.Fatalf("runs %v (at most %d at once), want 2 runs one at a time", got, rec.most)
		}
	})
}

func TestDeleteCancelsPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{gate: make(chan struct{})}
		s := newScheduler(t.Context(), debounce, 4, identity, rec.run)
		defer s.close()
		s.changed("gone.lua")
		time.Sleep(debounce / 2)
		s.cancel("gone.lua")
		time.Sleep(2 * debounce)
		synctest.Wait()
		if got := rec.runs(); len(got) != 0 {
			t.Fatalf("runs %v after the file was deleted", got)
		}

		// A deletion during a run drops the run asked for after it.
		s.changed("busy.lua")
		time.Sleep(debounce)
		synctest.Wait()
		s.changed("busy.lua")
		time.Sleep(debounce)
		synctest.Wait()
		s.cancel("busy.lua")
		rec.gate <- struct{}{}
		time.Sleep(2 * debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"busy.lua"}) {
			t.Fatalf("runs %v, want busy.lua once", got)
		}
	})
}

func TestParallelBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{gate: make(chan struct{})}
		s := newScheduler(t.Context(), debounce, 2, identity, rec.run)
		defer s.close()
		for i := range 5 {
			s.request(fmt.Sprintf("r%d.lua", i))
		}
		synctest.Wait()
		if rec.running != 2 {
			t.Fatalf("%d running, want 2", rec.running)
		}
		for range 5 {
			rec.gate <- struct{}{}
		}
		synctest.Wait()
		if got := rec.runs(); len(got) != 5 || rec.most != 2 {
			t.Fatalf("runs %v, at most %d at once", got, rec.most)
		}
	})
}

func TestResolveFansOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		resolve := func(p string) []string {
			if p == "lib/common.lua" {
				return []string{"a.lua", "b.lua"}
			}
			return nil
		}
		s := newScheduler(t.Context(), debounce, 4, resolve, rec.run)
		defer s.close()
		s.changed("lib/common.lua")
		s.changed("deleted.lua")
		time.Sleep(debounce)
		synctest.Wait()
		got := rec.runs()
		slices.Sort(got)
		if !slices.Equal(got, []string{"a.lua", "b.lua"}) {
			t.Fatalf("runs %v", got)
		}
	})
}

func TestCloseWaitsAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		rec := &recorder{gate: make(chan struct{})}
		s := newScheduler(ctx, debounce, 1, identity, rec.run)
		s.request("a.lua")
		synctest.Wait()
		s.request("b.lua") // waits for the only slot
		s.changed("c.lua")
		synctest.Wait()
		cancel() // the run of a.lua sees ctx done
		s.close()
		time.Sleep(2 * debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua"}) {
			t.Fatalf("runs %v, want only a.lua", got)
		}
	})
}

// TestClaimFirstWhileAChangeFires: the first pass asks for a rule just as
// the debounce of a change of it ends, while the change is being resolved
// into runs: the rule runs once, for the change (twice before, when the
// first pass looked between the end of the debounce and the request).
func TestClaimFirstWhileAChangeFires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		resolving, resume := make(chan struct{}), make(chan struct{})
		resolve := func(p string) []string {
			close(resolving)
			<-resume
			return []string{p}
		}
		s := newScheduler(t.Context(), debounce, 4, resolve, rec.run)
		defer s.close()
		s.changed("a.lua")
		<-resolving // the debounce ended; the run is not requested yet
		if s.claimFirst("a.lua") {
			t.Error("the first pass claimed a rule whose change is about to run it")
		}
		close(resume)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua"}) {
			t.Errorf("ran %v, want a.lua once", got)
		}
		// A change still in its debounce is the first pass's: dropped,
		// and the first pass runs the rule.
		s.changed("b.lua")
		if !s.claimFirst("b.lua") {
			t.Error("the first pass may not run a rule whose change is still in its debounce")
		}
		time.Sleep(2 * debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua"}) {
			t.Errorf("ran %v after the dropped change, want a.lua once", got)
		}
		if !s.claimFirst("c.lua") {
			t.Error("the first pass may not run a rule nothing changed")
		}
	})
}

// A rule saved while Watch starts may run by its change before the first
// pass reaches it; a second save arriving as the first pass does must not
// be lost. (The first pass once dropped it: the rule's save made no run.)
func TestClaimFirstKeepsALaterSave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		s := newScheduler(t.Context(), debounce, 4, identity, rec.run)
		defer s.close()
		s.changed("a.lua") // saved while Watch was starting
		time.Sleep(2 * debounce)
		synctest.Wait()
		s.changed("a.lua") // saved again, just before the first pass
		if s.claimFirst("a.lua") {
			t.Error("the first pass claimed a rule a change has run already")
		}
		time.Sleep(2 * debounce)
		synctest.Wait()
		if got := rec.runs(); !slices.Equal(got, []string{"a.lua", "a.lua"}) {
			t.Errorf("ran %v, want a.lua twice: once per save", got)
		}
	})
}
