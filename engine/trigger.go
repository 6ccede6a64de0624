package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
)

// ModuleName is the name of the Lua module the engine gives every run:
// engine.every(interval, fn) and engine.on_file(path, fn).
const ModuleName = "engine"

// runHooks let Watch follow a run: onActive is called when the rule's
// main chunk has ended with triggers registered, so it stays alive.
type runHooks struct {
	onActive func(triggers []string)
}

type hooksKey struct{}

func withHooks(ctx context.Context, h *runHooks) context.Context {
	return context.WithValue(ctx, hooksKey{}, h)
}

func hooksOf(ctx context.Context) *runHooks {
	h, _ := ctx.Value(hooksKey{}).(*runHooks)
	return h
}

// event is a handler a trigger asks the rule's goroutine to run.
type event struct {
	fn    func(L *lua.LState) error
	reply chan error
}

// react serves the triggers of a rule whose main chunk has ended: each
// trigger runs on a goroutine of its own and hands its events to this
// loop, which runs them one at a time on the state's own goroutine, until
// the rule's life ends. It returns when every trigger has returned.
func (rs *runState) react(L *lua.LState, trigs []host.Trigger) {
	if rs.first != nil {
		rs.first.Stop() // the timeout bounded the main chunk; callbacks have their own
	}
	names := make([]string, len(trigs))
	for i, t := range trigs {
		names[i] = t.Describe()
	}
	rs.mu.Lock()
	rs.reactive = true
	rs.triggers = names
	rs.mu.Unlock()
	board := rs.e.board.add(rs.name, names)
	defer rs.e.board.remove(board)
	rs.e.logger.Info("rule active", "file", rs.name, "triggers", names)
	if rs.hooks != nil && rs.hooks.onActive != nil {
		rs.hooks.onActive(names)
	}

	events := make(chan *event)
	var wg sync.WaitGroup
	for i, t := range trigs {
		s := &sink{rs: rs, events: events, name: names[i], status: &board.Triggers[i], board: rs.e.board}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := t.Run(rs.life, s)
			switch {
			case rs.life.Err() != nil:
				s.SetState("stopped")
			case err != nil:
				s.SetState("failed: " + err.Error())
				rs.e.logger.Error("trigger failed; the rule's other triggers go on", "file", rs.name, "trigger", s.name, "err", err)
			default:
				s.SetState("ended")
			}
		}()
	}
	for rs.life.Err() == nil {
		select {
		case ev := <-events:
			ev.reply <- rs.callback(L, ev.fn)
		case <-rs.life.Done():
		}
	}
	wg.Wait()
	rs.e.logger.Info("rule stopped", "file", rs.name, "reason", context.Cause(rs.life))
}

// callback runs one handler, bounded by the callback timeout, and logs
// its failure.
func (rs *runState) callback(L *lua.LState, fn func(L *lua.LState) error) error {
	rs.mu.Lock()
	if rs.life.Err() != nil {
		rs.mu.Unlock()
		return host.ErrStopped
	}
	rs.busy = true
	rs.mu.Unlock()

	ctx := rs.ctx
	timeout := rs.h.Tuning.CallbackTimeout
	if timeout == 0 {
		timeout = rs.e.timeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, ErrTimeout)
		defer cancel()
	}
	L.SetContext(ctx)
	err := fn(L)
	showError(L, err)
	L.SetContext(rs.ctx)

	rs.mu.Lock()
	rs.busy = false
	ended := rs.life.Err() != nil
	rs.mu.Unlock()
	if ended {
		rs.stopHard(context.Cause(rs.life))
	}
	if err != nil {
		se := newScriptError(rs.name, err)
		if ctx.Err() != nil && rs.ctx.Err() == nil {
			se.Message = fmt.Sprintf("callback timed out after %s", timeout)
			se.Cause = ErrTimeout
		}
		attrs := []any{"file", rs.name, "err", se.text()}
		if se.Traceback != "" {
			attrs = append(attrs, "traceback", se.Traceback)
		}
		rs.e.logger.Error("callback failed", attrs...)
		return se
	}
	return nil
}

// sink is a trigger's way into its rule.
type sink struct {
	rs     *runState
	events chan *event
	name   string
	status *TriggerStatus
	board  *statusBoard
}

func (s *sink) Deliver(fn func(L *lua.LState) error) error {
	ev := &event{fn: fn, reply: make(chan error, 1)}
	select {
	case s.events <- ev:
	case <-s.rs.life.Done():
		return host.ErrStopped
	}
	err := <-ev.reply
	s.board.event(s.status, err)
	return err
}

func (s *sink) SetState(state string) {
	if s.board.setState(s.status, state) {
		s.rs.e.logger.Info("trigger", "file", s.rs.name, "trigger", s.name, "state", state)
	}
}

// CallFunction calls fn with args in protected mode: the way a trigger's
// handler calls the rule's callback.
func CallFunction(L *lua.LState, fn *lua.LFunction, args ...lua.LValue) error {
	return L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}, args...)
}

// ---- the Lua module

func (rs *runState) engineModule(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"every":   rs.luaEvery,
		"on_file": rs.luaOnFile,
	})
	L.Push(mod)
	return 1
}

// ParseInterval reads an interval: a Go duration ("10m", "1h30m", "90s")
// or a number of seconds.
func ParseInterval(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("engine: bad interval %q (a duration such as \"10m\", or seconds)", s)
	}
	return d, nil
}

// minEvery is the shortest interval engine.every accepts.
const minEvery = time.Second

func (rs *runState) luaEvery(L *lua.LState) int {
	var d time.Duration
	switch v := L.CheckAny(1).(type) {
	case lua.LNumber:
		d = time.Duration(float64(v) * float64(time.Second))
	case lua.LString:
		var err error
		if d, err = ParseInterval(string(v)); err != nil {
			L.ArgError(1, err.Error())
		}
	default:
		L.ArgError(1, "an interval such as \"10m\" or a number of seconds expected")
	}
	if d < minEvery {
		L.ArgError(1, fmt.Sprintf("the interval must be at least %s", minEvery))
	}
	fn := L.CheckFunction(2)
	if err := host.Get(L).AddTrigger(&everyTrigger{d: d, fn: fn}); err != nil {
		L.RaiseError("engine.every: %v", err)
	}
	return 0
}

// everyTrigger calls its function every d, the first time d after the
// rule started. A call that lasts longer than d delays the next one;
// ticks are never queued up.
type everyTrigger struct {
	d  time.Duration
	fn *lua.LFunction
}

func (t *everyTrigger) Describe() string { return "every " + t.d.String() }

func (t *everyTrigger) Run(ctx context.Context, s host.Sink) error {
	tk := time.NewTicker(t.d)
	defer tk.Stop()
	s.SetState("waiting")
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
		}
		err := s.Deliver(func(L *lua.LState) error { return CallFunction(L, t.fn) })
		if errors.Is(err, host.ErrStopped) {
			return nil
		}
	}
}

func (rs *runState) luaOnFile(L *lua.LState) int {
	path := L.CheckString(1)
	fn := L.CheckFunction(2)
	abs, err := filepath.Abs(path)
	if err != nil {
		L.ArgError(1, err.Error())
	}
	h := host.Get(L)
	if err := h.CheckRead(abs); err != nil {
		var pe *host.PermissionError
		if errors.As(err, &pe) {
			rs.mu.Lock()
			rs.perm = pe
			rs.mu.Unlock()
		}
		L.RaiseError("engine.on_file: %v", err)
	}
	if err := h.AddTrigger(&fileTrigger{path: abs, fn: fn, debounce: fileDebounce}); err != nil {
		L.RaiseError("engine.on_file: %v", err)
	}
	return 0
}

// fileDebounce is how long a watched file must stay quiet before its
// callback runs.
const fileDebounce = 100 * time.Millisecond

// fileTrigger calls its function when a file, or an entry of a folder,
// is created, written, removed or renamed; bursts of changes (an editor's
// save) make one call, with the changed path.
type fileTrigger struct {
	path     string
	fn       *lua.LFunction
	debounce time.Duration
}

func (t *fileTrigger) Describe() string { return "on_file " + t.path }

func (t *fileTrigger) Run(ctx context.Context, s host.Sink) error {
	dir, isDir := t.path, true
	if st, err := os.Stat(t.path); err != nil || !st.IsDir() {
		dir, isDir = filepath.Dir(t.path), false
	}
	var w watcher
	if nw, err := newNotifyWatcher(); err == nil {
		if err := nw.Add(dir); err == nil {
			w = nw
		} else {
			nw.Close()
		}
	}
	if w == nil {
		pw := newPollWatcher(time.Second)
		if err := pw.Add(dir); err != nil {
			pw.Close()
			return fmt.Errorf("engine: on_file %s: %w", t.path, err)
		}
		w = pw
	}
	defer w.Close()
	s.SetState("watching")
	pending := map[string]bool{}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case err, ok := <-w.Errors():
			if !ok {
				return nil
			}
			s.SetState("watching (error: " + err.Error() + ")")
		case ev, ok := <-w.Events():
			if !ok {
				return nil
			}
			name := filepath.Clean(ev.Name)
			if ev.Op == fsnotify.Chmod || (!isDir && name != t.path) {
				continue
			}
			pending[name] = true
			if timer == nil {
				timer = time.NewTimer(t.debounce)
			} else {
				timer.Reset(t.debounce)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			clear(pending)
			for _, p := range paths {
				err := s.Deliver(func(L *lua.LState) error { return CallFunction(L, t.fn, lua.LString(p)) })
				if errors.Is(err, host.ErrStopped) {
					return nil
				}
			}
		}
	}
}
