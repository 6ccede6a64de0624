package engine

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// scheduler turns change notifications into runs. It debounces changes
// per path (a timer restarted by every change; the run is asked for when
// the path has been quiet for the debounce delay), never runs one target
// twice at once (a request during a run is remembered, and any number of
// them make exactly one more run), and runs at most cap(slots) targets at
// once.
//
// A changed path is mapped to the targets to run by resolve, called when
// the path's debounce ends: a rule is its own target, a module's targets
// are the rules that require it, a deleted file has none.
type scheduler struct {
	ctx      context.Context
	debounce time.Duration
	resolve  func(changed string) []string
	run      func(ctx context.Context, target string, release func())
	slots    chan struct{}

	mu      sync.Mutex
	pending map[string]*pendingChange
	targets map[string]*targetState
	// changedRun holds the targets a change made run, so that the first
	// pass does not run a rule again that a change already ran.
	changedRun map[string]bool
	// fired holds the paths whose debounce has ended: the runs they
	// make are requested, or about to be (fire resolves them outside
	// the lock).
	fired  map[string]bool
	closed bool
	wg     sync.WaitGroup
}

type pendingChange struct {
	timer *time.Timer
	gen   uint64
}

type targetState struct {
	again   bool            // requested again while running
	waiters []chan struct{} // closed when the next run's main chunk is over
}

func newScheduler(ctx context.Context, debounce time.Duration, parallel int, resolve func(string) []string, run func(context.Context, string, func())) *scheduler {
	if parallel < 1 {
		parallel = 1
	}
	return &scheduler{
		ctx:        ctx,
		debounce:   debounce,
		resolve:    resolve,
		run:        run,
		slots:      make(chan struct{}, parallel),
		pending:    make(map[string]*pendingChange),
		targets:    make(map[string]*targetState),
		changedRun: make(map[string]bool),
		fired:      make(map[string]bool),
	}
}

// changed notes a change of path, (re)starting its debounce.
func (s *scheduler) changed(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	p := s.pending[path]
	if p == nil {
		p = &pendingChange{}
		s.pending[path] = p
	} else {
		p.timer.Stop()
	}
	p.gen++
	gen := p.gen
	p.timer = time.AfterFunc(s.debounce, func() { s.fire(path, gen) })
}

// fire ends the debounce of path, unless a later change restarted it.
func (s *scheduler) fire(path string, gen uint64) {
	s.mu.Lock()
	p := s.pending[path]
	if s.closed || p == nil || p.gen != gen {
		s.mu.Unlock()
		return
	}
	delete(s.pending, path)
	s.fired[path] = true
	s.mu.Unlock()
	for _, t := range s.resolve(path) {
		s.request(t)
	}
}

// request asks for a run of target now: it starts one, or, when one is
// running, asks for one more after it.
func (s *scheduler) request(target string) {
	s.requestWait(target, nil)
}

// requestWait is request, closing done (when not nil) once the run it
// asked for has released its slot: its main chunk is over, whether the
// rule ended or stays alive with triggers. done is closed at once when
// the scheduler is closed.
func (s *scheduler) requestWait(target string, done chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		if done != nil {
			close(done)
		}
		return
	}
	if done == nil {
		s.changedRun[target] = true
	}
	if st := s.targets[target]; st != nil {
		st.again = true
		if done != nil {
			st.waiters = append(st.waiters, done)
		}
		return
	}
	st := &targetState{}
	if done != nil {
		st.waiters = append(st.waiters, done)
	}
	s.targets[target] = st
	s.wg.Add(1)
	go s.loop(target, st)
}

// takeWaiters returns st's waiters and forgets them.
func (s *scheduler) takeWaiters(st *targetState) []chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := st.waiters
	st.waiters = nil
	return w
}

// loop runs target, and again as long as it was requested during a run.
// The run holds one of the slots until it calls release or ends.
func (s *scheduler) loop(target string, st *targetState) {
	defer s.wg.Done()
	for {
		select {
		case s.slots <- struct{}{}:
		case <-s.ctx.Done():
			s.mu.Lock()
			delete(s.targets, target)
			for _, w := range st.waiters {
				close(w)
			}
			st.waiters = nil
			s.mu.Unlock()
			return
		}
		// A rule that stays alive with triggers gives its slot back
		// (release) once its main chunk is over.
		waiters := s.takeWaiters(st)
		var once sync.Once
		release := func() {
			once.Do(func() {
				<-s.slots
				for _, w := range waiters {
					close(w)
				}
			})
		}
		s.run(s.ctx, target, release)
		release()
		s.mu.Lock()
		if st.again && !s.closed && s.ctx.Err() == nil {
			st.again = false
			s.mu.Unlock()
			continue
		}
		delete(s.targets, target)
		for _, w := range st.waiters {
			close(w) // its run was cancelled
		}
		st.waiters = nil
		s.mu.Unlock()
		return
	}
}

// cancel forgets the pending change of path and a run of it asked for
// after the current one (the file was deleted). A run in progress ends on
// its own.
func (s *scheduler) cancel(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancelLocked(path)
}

func (s *scheduler) cancelLocked(path string) {
	if p := s.pending[path]; p != nil {
		p.timer.Stop()
		delete(s.pending, path)
	}
	if st := s.targets[path]; st != nil {
		st.again = false
	}
}

// claimFirst is the first pass's turn at target: it reports whether the
// first pass should run it, false when a change has made it run already
// or is about to (its debounce ended: fire is resolving it). When it
// reports true it also forgets a pending change of target, which the
// first pass's run covers; when false, a pending change is a later save
// and stays, to run once its debounce ends. In one step, so that a change
// whose debounce ends meanwhile cannot make the rule run twice.
func (s *scheduler) claimFirst(target string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changedRun[target] || s.fired[target] {
		return false
	}
	if p := s.pending[target]; p != nil {
		p.timer.Stop()
		delete(s.pending, target)
	}
	return true
}

// cancelUnder cancels every path below dir.
func (s *scheduler) cancelUnder(dir string) {
	prefix := dir + string(filepath.Separator)
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.pending {
		if strings.HasPrefix(p, prefix) {
			s.cancelLocked(p)
		}
	}
	for p := range s.targets {
		if strings.HasPrefix(p, prefix) {
			s.cancelLocked(p)
		}
	}
}

// close stops every pending change and waits for the runs in progress.
func (s *scheduler) close() {
	s.mu.Lock()
	s.closed = true
	for p, c := range s.pending {
		c.timer.Stop()
		delete(s.pending, p)
	}
	s.mu.Unlock()
	s.wg.Wait()
}
