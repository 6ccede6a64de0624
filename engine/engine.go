package engine

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/acctlock"
	lua "github.com/yuin/gopher-lua"
)

// Engine runs Lua scripts. It is safe for concurrent use: every run gets a
// fresh Lua state of its own; only compiled chunks are shared.
type Engine struct {
	stdout io.Writer // locked; never nil
	stderr io.Writer // locked; never nil
	stdin  io.Reader // may be nil
	logger *slog.Logger
	debug  io.Writer // locked, or nil
	// progress receives the progress of long operations, or nil.
	progress func(script, label string, done, total int)
	timeout  time.Duration
	perms    host.Permissions
	dryRun   bool
	capture  bool
	env      func(string) (string, bool)
	limits   Limits
	modules  []module
	globals  []global
	setups   []func(*lua.LState) error
	ends     []func(*lua.LState, error) error
	source   func(name string, src []byte) ([]byte, error) // nil: as read
	grace    time.Duration

	shutdownGrace time.Duration
	tuning        host.Tuning
	stateDir      string
	states        *stateStores
	board         *statusBoard
	locks         *acctlock.Table // per-account serialisation of runs
	metrics       *engineMetrics  // nil without WithMetrics
	shard         Shard           // the accounts watched; zero: all
	// newsHook, when set, receives each latency of new mail (latency.go).
	newsHook func(rule, trigger string, d time.Duration)

	cache *chunkCache
}

type module struct {
	name   string
	loader lua.LGFunction
}

type global struct {
	name  string
	value any
}

// Limits bound what one run may use of the Lua virtual machine.
type Limits struct {
	// CallStack is the deepest Lua call nesting allowed; deeper recursion
	// fails with a "stack overflow" error. Default 200.
	CallStack int
	// Registry is the initial size of the value stack shared by all
	// calls. Default 1024.
	Registry int
	// RegistryMax is how far the value stack may grow; beyond it the run
	// fails with a "registry overflow" error. Default 1,048,576.
	RegistryMax int
	// MaxString is the longest string string.rep may build, in bytes.
	// Default 64 MiB.
	MaxString int
}

// DefaultLimits returns the limits of an engine made without WithLimits
// (a copy: changing it changes nothing else).
func DefaultLimits() Limits { return defaultLimits }

var defaultLimits = Limits{CallStack: 200, Registry: 1024, RegistryMax: 1 << 20, MaxString: 64 << 20}

// Option configures an Engine made by New.
type Option func(*Engine)

// New makes an Engine. Without options, scripts print to io.Discard, logs are
// discarded, runs have no timeout and scripts have no permissions beyond
// the network, the environment, the clock and the files of their own folder.
func New(opts ...Option) *Engine {
	e := &Engine{
		stdout: io.Discard,
		stderr: io.Discard,
		logger: slog.New(slog.DiscardHandler),
		limits: defaultLimits,
		grace:  2 * time.Second,
		cache:  newChunkCache(1024),

		shutdownGrace: 10 * time.Second,
		board:         newStatusBoard(),
		locks:         acctlock.NewTable(),
	}
	for _, o := range opts {
		o(e)
	}
	e.states = newStateStores(e.stateDir)
	return e
}

// WithStdout sends what scripts print (print, io.write) to w. Writes of
// concurrent runs are serialized, so w need not be safe for concurrent use.
func WithStdout(w io.Writer) Option {
	return func(e *Engine) { e.stdout = lockWriter(w) }
}

// WithStderr sends what scripts write to io.stderr to w.
func WithStderr(w io.Writer) Option {
	return func(e *Engine) { e.stderr = lockWriter(w) }
}

// WithStdin lets scripts read r through io.read and io.stdin. Concurrent
// runs share it; by default scripts read an empty input.
func WithStdin(r io.Reader) Option {
	return func(e *Engine) { e.stdin = r }
}

// WithCapture keeps what each run prints in Result.Output instead of
// writing it to the engine's stdout.
func WithCapture() Option {
	return func(e *Engine) { e.capture = true }
}

// WithLogger sets the logger of the engine and of the scripts' log records.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) {
		if l != nil {
			e.logger = l
		}
	}
}

// WithProgress has f told how far the long operations of scripts (a
// mail backfill) are: done of total items, with the script's name and a
// label such as "backfill INBOX". f may be called from several runs at
// once.
func WithProgress(f func(script, label string, done, total int)) Option {
	return func(e *Engine) { e.progress = f }
}

// WithDebug sends IMAP protocol traces of the scripts' connections to w
// (passwords redacted by the modules that write them).
func WithDebug(w io.Writer) Option {
	return func(e *Engine) {
		if w != nil {
			e.debug = lockWriter(w)
		}
	}
}

// WithTimeout stops every run that lasts longer than d; zero means no limit.
func WithTimeout(d time.Duration) Option {
	return func(e *Engine) { e.timeout = d }
}

// WithPermissions grants scripts more than the default sandbox allows.
func WithPermissions(p host.Permissions) Option {
	return func(e *Engine) { e.perms = p }
}

// WithDryRun asks the modules that change mailboxes to log what they would
// do instead of doing it.
func WithDryRun(on bool) Option {
	return func(e *Engine) { e.dryRun = on }
}

// WithEnv sets how scripts look environment variables up; the default is
// os.LookupEnv.
func WithEnv(lookup func(string) (string, bool)) Option {
	return func(e *Engine) { e.env = lookup }
}

// WithLimits replaces the VM limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(e *Engine) {
		if l.CallStack > 0 {
			e.limits.CallStack = l.CallStack
		}
		if l.Registry > 0 {
			e.limits.Registry = l.Registry
		}
		if l.RegistryMax > 0 {
			e.limits.RegistryMax = l.RegistryMax
		}
		if l.MaxString > 0 {
			e.limits.MaxString = l.MaxString
		}
	}
}

// WithModule makes a module of the host available to scripts through
// require(name). It replaces a standard module of the same name.
func WithModule(name string, loader lua.LGFunction) Option {
	return func(e *Engine) { e.modules = append(e.modules, module{name, loader}) }
}

// WithGlobal hands a Go value to scripts as the global name, converted
// with gopher-luar: its exported fields and methods become reachable from
// Lua, so pass a narrow facade, never an internal type.
func WithGlobal(name string, value any) Option {
	return func(e *Engine) { e.globals = append(e.globals, global{name, value}) }
}

// WithGrace sets how long a cancelled run may take to unwind before Run
// returns without it (the run's goroutine then finishes on its own).
// Default 2s.
func WithGrace(d time.Duration) Option {
	return func(e *Engine) {
		if d > 0 {
			e.grace = d
		}
	}
}

// lockedWriter serializes writes of concurrent runs.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func lockWriter(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	if w == io.Discard {
		return w
	}
	if lw, ok := w.(*lockedWriter); ok {
		return lw
	}
	return &lockedWriter{w: w}
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// JournalDir is the folder of the state folder that holds the journal of
// the runs (package journal).
const JournalDir = "journal"

// WithStateDir keeps the state of rules (the state module, the progress
// of mail.on_new and mbox:new_since) in the folder dir, one JSON file per
// rule, so that it survives restarts of the program. Without it, state is
// kept in memory for the life of the Engine. The folder also holds the
// journal of the runs (JournalDir): what each run did to mail, for
// "mailscript runs", "explain" and "undo".
func WithStateDir(dir string) Option {
	return func(e *Engine) { e.stateDir = dir }
}

// WithShutdownGrace sets how long a callback that is running when its
// rule stops (its context is cancelled, its file changed or was deleted)
// may take to finish before it is stopped. Default 10s.
func WithShutdownGrace(d time.Duration) Option {
	return func(e *Engine) {
		if d > 0 {
			e.shutdownGrace = d
		}
	}
}

// WithTuning sets the timings of triggers: polling interval, reconnection
// backoff, the wait after refused credentials, the callback timeout.
// Zero fields keep their defaults (host.DefaultTuning()).
func WithTuning(t host.Tuning) Option {
	return func(e *Engine) { e.tuning = t }
}
