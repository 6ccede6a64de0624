package engine

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/acctlock"
	"github.com/mailscript/mailscript/journal"
	"github.com/mailscript/mailscript/stdlib"
	lua "github.com/yuin/gopher-lua"
	luar "layeh.com/gopher-luar"
)

// Run runs the Lua file at path with args, as the lua command would:
// the arguments are in the global table arg (arg[0] is path) and are the
// values of the chunk's "...". The script may require modules of its own
// folder. The returned error is the Result's Err.
//
// The run ends when the script ends, fails, calls os.exit, or when ctx is
// done or the engine's timeout passes; in every case the connections the
// script opened are closed before Run returns.
func (e *Engine) Run(ctx context.Context, path string, args ...string) (*Result, error) {
	return e.exec(ctx, path, filepath.Dir(path), args, func() ([]byte, error) {
		return os.ReadFile(path)
	})
}

// RunString runs the Lua source src as Run runs a file; name is the chunk's
// name in error messages and tracebacks. The script has no folder of its
// own: require finds only the standard and host modules.
func (e *Engine) RunString(ctx context.Context, name, src string, args ...string) (*Result, error) {
	return e.exec(ctx, name, "", args, func() ([]byte, error) { return []byte(src), nil })
}

// Check compiles the file at path without running it and reports the
// first syntax error as a *ScriptError.
func (e *Engine) Check(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if _, err := e.cache.compile(path, src); err != nil {
		return newScriptError(path, err)
	}
	return nil
}

// readSource reads a run's source and passes it through WithSource's
// function.
func (e *Engine) readSource(name string, read func() ([]byte, error)) ([]byte, error) {
	src, err := read()
	if err == nil && e.source != nil {
		src, err = e.source(name, src)
	}
	return src, err
}

// errExit is the cause a run's context is cancelled with by os.exit.
var errExit = errors.New("engine: script called os.exit")

// runState is what the sandboxed functions of one run share.
type runState struct {
	e      *Engine
	name   string
	h      *host.Host
	ctx    context.Context         // hard: stops the VM, closes connections
	cancel context.CancelCauseFunc // stops the run at once (os.exit)
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader

	// life ends when the rule must stop (its context, its timeout during
	// the main chunk, a change of its file); then a callback in progress
	// may still finish (WithShutdownGrace) before ctx ends.
	life     context.Context
	stopLife context.CancelCauseFunc
	stopHard context.CancelCauseFunc
	hooks    *runHooks
	first    *time.Timer      // the main chunk's timeout
	locks    *acctlock.Holder // the accounts the chunk or callback in progress works on

	mu       sync.Mutex
	loaded   []string
	exited   bool
	code     int
	perm     *host.PermissionError
	env      map[string]*string // os.setenv overlay; nil value = unset
	reactive bool
	busy     bool
	triggers []string
}

type outcome struct {
	err       error
	abandoned bool
}

func (e *Engine) exec(ctx context.Context, name, dir string, args []string, read func() ([]byte, error)) (*Result, error) {
	res := &Result{File: name, Args: args, Start: time.Now()}
	defer func() {
		res.Duration = time.Since(res.Start)
		e.logger.Debug("run finished", "file", name, "duration", res.Duration, "err", res.Err)
	}()
	src, err := e.readSource(name, read)
	if err != nil {
		res.Err = fmt.Errorf("engine: %w", err)
		return res, res.Err
	}
	proto, err := e.cache.compile(name, src)
	if err != nil {
		res.Err = newScriptError(name, err)
		return res, res.Err
	}

	life, stopLife := context.WithCancelCause(ctx)
	defer stopLife(nil)
	hard, stopHard := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopHard(nil)
	locks := e.newHolder(name)
	defer locks.ReleaseAll()
	hard = acctlock.NewContext(e.observe(hard, name, ""), locks)

	var captured *lockedBuffer
	stdout := e.stdout
	if e.capture {
		captured = &lockedBuffer{}
		stdout = captured
	}
	rs := &runState{e: e, name: name, ctx: hard, stdout: stdout, stderr: e.stderr, stdin: e.stdin,
		life: life, stopLife: stopLife, stopHard: stopHard, hooks: hooksOf(ctx), locks: locks}
	rs.cancel = func(cause error) {
		stopLife(cause)
		stopHard(cause)
	}
	if e.timeout > 0 {
		rs.first = time.AfterFunc(e.timeout, func() { stopLife(ErrTimeout) })
		defer rs.first.Stop()
	}
	rs.h = &host.Host{
		Context:  hard,
		Stdout:   stdout,
		Logger:   e.logger.With("script", name),
		Debug:    e.debug,
		Perms:    e.perms,
		DryRun:   e.dryRun,
		Env:      rs.lookupEnv,
		Reactive: true,
		State:    e.states.forRule(name),
		StateDir: e.stateDir,
		Tuning:   e.tuning,
	}
	if dir != "" {
		rs.h.ScriptDir = dir
	}
	defer e.instrument(rs.h, res, name)()
	stopEnding := context.AfterFunc(life, rs.lifeEnded)
	stopClosing := context.AfterFunc(hard, rs.h.CloseAll)

	e.logger.Debug("run started", "file", name)
	done := make(chan outcome, 1)
	go func() { done <- rs.execute(proto, dir, args) }()
	out := rs.await(hard, done)
	stopEnding()
	stopClosing()
	rs.h.CloseAll()
	if captured != nil {
		res.Output = captured.Bytes()
	}
	rs.mu.Lock()
	res.Loaded = append([]string(nil), rs.loaded...)
	res.Triggers = append([]string(nil), rs.triggers...)
	rs.mu.Unlock()
	res.Err = rs.finish(out)
	return res, res.Err
}

// await returns the outcome of the run once done delivers it, or, after
// hard is cancelled, once the grace period has passed (the run is then
// abandoned).
func (rs *runState) await(hard context.Context, done <-chan outcome) outcome {
	select {
	case out := <-done:
		return out
	case <-hard.Done():
	}
	wait := rs.e.grace
	if rs.isReactive() {
		// Triggers end their IDLE and log out first.
		wait += triggerStopGrace
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case out := <-done:
		return out
	case <-t.C:
		return outcome{abandoned: true}
	}
}

// triggerStopGrace is how long a stopping rule's triggers get to end
// their IDLE commands and log out, beyond the engine's grace.
const triggerStopGrace = 5 * time.Second

// lifeEnded runs when the rule must stop: at once, unless a callback is
// running, which then gets the shutdown grace to finish.
func (rs *runState) lifeEnded() {
	cause := context.Cause(rs.life)
	rs.mu.Lock()
	if rs.reactive && rs.busy {
		rs.mu.Unlock()
		rs.e.logger.Info("rule stopping; waiting for its callback to finish", "file", rs.name, "grace", rs.e.shutdownGrace)
		time.AfterFunc(rs.e.shutdownGrace, func() { rs.stopHard(cause) })
		return
	}
	rs.mu.Unlock()
	rs.stopHard(cause)
}

func (rs *runState) isReactive() bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.reactive
}

// registryGrowStep is how many slots the value stack grows by when it is
// full. gopher-lua adds its default, 32, copying the whole stack each
// time, so that pushing n values costs n²/64 copies: table.concat of a
// 10,000-element table pushes 20,000 and took 270 ms and 100 MB in a new
// state; with 4096 it takes 12 ms and 3 MB (BenchmarkTableConcat).
const registryGrowStep = 4096

// execute makes the run's state, runs the chunk, serves the rule's
// triggers if it registered any, and closes the state. It runs on a
// goroutine of its own, the only one that touches the state.
func (rs *runState) execute(proto *lua.FunctionProto, dir string, args []string) (out outcome) {
	lim := rs.e.limits
	L := lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       lim.CallStack,
		RegistrySize:        lim.Registry,
		RegistryMaxSize:     lim.RegistryMax,
		RegistryGrowStep:    registryGrowStep,
		MinimizeStackMemory: true,
	})
	defer L.Close()
	defer func() {
		// Setup code runs outside PCall; a panic there (a host module
		// or value that cannot be converted) must not kill the program.
		if r := recover(); r != nil {
			out = outcome{err: fmt.Errorf("engine: setting up the run: %v", r)}
		}
	}()
	// The running coroutine's line: a protected call (pcall) runs in
	// one of its own.
	rs.h.Where = func() string {
		if th := L.G.CurrentThread; th != nil {
			return th.Where(1)
		}
		return L.Where(1)
	}
	host.Set(L, rs.h)
	rs.openLibs(L, dir)
	stdlib.Preload(L)
	L.PreloadModule(ModuleName, rs.engineModule)
	for _, m := range rs.e.modules {
		L.PreloadModule(m.name, m.loader)
	}
	for _, g := range rs.e.globals {
		L.SetGlobal(g.name, luar.New(L, g.value))
	}
	for _, setup := range rs.e.setups {
		if err := setup(L); err != nil {
			return outcome{err: err}
		}
	}
	argt := L.CreateTable(len(args), 1)
	argt.RawSetInt(0, lua.LString(rs.name))
	for i, a := range args {
		argt.RawSetInt(i+1, lua.LString(a))
	}
	L.SetGlobal("arg", argt)

	// The main chunk stops as soon as the rule's life ends.
	L.SetContext(rs.life)
	L.Push(L.NewFunctionFromProto(proto))
	for _, a := range args {
		L.Push(lua.LString(a))
	}
	err := L.PCall(len(args), 0, nil)
	for _, end := range rs.e.ends {
		if e := end(L, err); e != nil && err == nil {
			err = e
		}
	}
	rs.locks.ReleaseAll()
	showError(L, err)
	trigs := rs.e.ownTriggers(rs.name, rs.h.Seal())
	if err != nil || len(trigs) == 0 || rs.life.Err() != nil {
		return outcome{err: err}
	}
	rs.react(L, trigs)
	return outcome{}
}

// showError turns an error raised as a value (such as imaplib's
// exceptions) into its __tostring while the state still exists.
func showError(L *lua.LState, err error) {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil && api.Object.Type() != lua.LTString && api.Object.Type() != lua.LTNil {
		api.Object = L.ToStringMeta(api.Object)
	}
}

// finish turns the outcome of a run into the Result's error.
func (rs *runState) finish(out outcome) error {
	rs.mu.Lock()
	exited, code, perm := rs.exited, rs.code, rs.perm
	rs.mu.Unlock()
	if perm == nil {
		// A module (mail's password_cmd, imaplib's IMAP4_stream) checked
		// the permission through the host and raised the refusal as text.
		perm = rs.h.Refused()
	}
	if exited {
		if code == 0 {
			return nil
		}
		return &ExitError{File: rs.name, Code: code}
	}
	stopped := rs.ctx.Err() != nil || rs.life.Err() != nil
	if out.abandoned {
		return &ScriptError{
			File:    rs.name,
			Message: fmt.Sprintf("%s; the script did not stop within %s and was abandoned", rs.stopReason(), rs.e.grace),
			Cause:   context.Cause(rs.life),
		}
	}
	if out.err == nil {
		return nil
	}
	se := newScriptError(rs.name, out.err)
	if stopped {
		msg := se.Message
		se.Message = rs.stopReason()
		if msg != context.Cause(rs.life).Error() && msg != rs.life.Err().Error() && msg != "" {
			se.Message += " (" + msg + ")"
		}
		se.Cause = context.Cause(rs.life)
		return se
	}
	if perm != nil && strings.Contains(se.Message, perm.Error()) {
		se.Cause = perm
	}
	if strings.HasSuffix(se.Message, "stack overflow") {
		se.Message += fmt.Sprintf(" (more than %d nested calls: runaway recursion?)", rs.e.limits.CallStack)
	}
	return se
}

// stopReason says why a run's context is done.
func (rs *runState) stopReason() string {
	cause := context.Cause(rs.life)
	if cause == nil {
		cause = context.Cause(rs.ctx)
	}
	switch {
	case errors.Is(cause, ErrTimeout):
		return fmt.Sprintf("run timed out after %s", rs.e.timeout)
	case errors.Is(cause, context.DeadlineExceeded):
		return "run timed out (deadline exceeded)"
	case errors.Is(cause, context.Canceled):
		return "run cancelled"
	}
	return "run stopped: " + cause.Error()
}

// lookupEnv is the run's view of the environment: os.setenv's overlay on
// top of the engine's lookup function.
func (rs *runState) lookupEnv(name string) (string, bool) {
	rs.mu.Lock()
	v, ok := rs.env[name]
	rs.mu.Unlock()
	if ok {
		if v == nil {
			return "", false
		}
		return *v, true
	}
	if rs.e.env != nil {
		return rs.e.env(name)
	}
	return os.LookupEnv(name)
}

func (rs *runState) setEnv(name string, value *string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.env == nil {
		rs.env = make(map[string]*string)
	}
	rs.env[name] = value
}

// addLoaded records a Lua file the run loaded.
func (rs *runState) addLoaded(path string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, p := range rs.loaded {
		if p == path {
			return
		}
	}
	rs.loaded = append(rs.loaded, path)
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// stdinReader returns a buffered reader of the engine's input.
func (rs *runState) stdinReader() *bufio.Reader {
	if rs.stdin == nil {
		return bufio.NewReaderSize(strings.NewReader(""), 16)
	}
	return bufio.NewReader(rs.stdin)
}

// instrument gives the run's host its progress reporter and, with a
// state folder and outside dry-run, its journal (res.RunID names it). It
// returns what to do when the run ends.
func (e *Engine) instrument(h *host.Host, res *Result, name string) (done func()) {
	if e.progress != nil {
		h.Progress = func(label string, done, total int) { e.progress(name, label, done, total) }
	}
	if e.stateDir == "" || e.dryRun {
		return func() {}
	}
	res.RunID = journal.NewRunID(res.Start)
	dir := filepath.Join(e.stateDir, JournalDir)
	if err := journal.PruneDue(dir, res.Start, journal.MaxAge, journal.MaxBytes, journal.PruneEvery); err != nil {
		e.logger.Warn("journal: prune", "err", err.Error())
	}
	h.Journal = journal.Open(dir, res.RunID, name)
	return func() { h.Journal.Close() }
}
