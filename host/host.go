package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Permissions are the capabilities a script has beyond the network, the
// environment, the clock and the modules of its own folder.
type Permissions struct {
	// Run allows running programs (os.execute, io.popen, imaplib.IMAP4_stream).
	Run bool
	// ReadAll allows reading any file; Read lists the files and folders
	// that may be read when ReadAll is false.
	ReadAll bool
	Read    []string
	// WriteAll allows writing any file; Write lists the files and folders
	// that may be written when WriteAll is false.
	WriteAll bool
	Write    []string
}

// All grants everything.
func All() Permissions { return Permissions{Run: true, ReadAll: true, WriteAll: true} }

// PermissionError is the error of a call that needs a permission the run
// was not granted. Flag names the CLI flag that would grant it.
type PermissionError struct {
	What string // what was attempted, e.g. `running "ls"`
	Flag string // e.g. "--allow-run"
}

// Error describes the error.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("permission denied: %s needs %s", e.What, e.Flag)
}

// ErrPermission matches every *PermissionError with errors.Is.
var ErrPermission = errors.New("permission denied")

// Is reports whether target is ErrPermission.
func (e *PermissionError) Is(target error) bool { return target == ErrPermission }

// Host is the per-run environment of a Lua state.
type Host struct {
	// Context is the run's context: cancelled when the run must stop.
	Context context.Context
	// Stdout receives what the script prints.
	Stdout io.Writer
	// Logger receives the script's log records and the modules' summaries.
	Logger *slog.Logger
	// Debug, when not nil, receives IMAP protocol traces (passwords redacted).
	Debug io.Writer
	// Perms are the run's permissions.
	Perms Permissions
	// ScriptDir is the folder of the running script; its files may always
	// be read (it is where `require` finds the script's own modules).
	ScriptDir string
	// DryRun asks the modules that change mailboxes to log what they would
	// do instead of doing it.
	DryRun bool
	// Env looks up environment variables; nil means os.LookupEnv.
	Env func(string) (string, bool)
	// Reactive is true when the rule may register triggers (AddTrigger):
	// the engine then keeps it alive after its main chunk.
	Reactive bool
	// State is the rule's persistent store; nil when there is none.
	State State
	// Tuning sets the timings of triggers (zero fields: defaults).
	Tuning Tuning

	mu       sync.Mutex
	closers  map[*closerEntry]struct{}
	closed   bool
	triggers []Trigger
	sealed   bool
	keys     map[string]int
	refused  *PermissionError
}

type closerEntry struct{ c io.Closer }

// Getenv looks an environment variable up through h.Env.
func (h *Host) Getenv(name string) (string, bool) {
	if h.Env != nil {
		return h.Env(name)
	}
	return os.LookupEnv(name)
}

// Track registers c to be closed by CloseAll, and returns a function that
// forgets it again (call it when c was closed normally). Tracking after
// CloseAll closes c at once.
func (h *Host) Track(c io.Closer) (release func()) {
	e := &closerEntry{c}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		c.Close()
		return func() {}
	}
	if h.closers == nil {
		h.closers = make(map[*closerEntry]struct{})
	}
	h.closers[e] = struct{}{}
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(h.closers, e)
		h.mu.Unlock()
	}
}

// Open reports how many tracked closers are still registered.
func (h *Host) Open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.closers)
}

// CloseAll closes every tracked closer; later Track calls close at once.
func (h *Host) CloseAll() {
	h.mu.Lock()
	list := make([]io.Closer, 0, len(h.closers))
	for e := range h.closers {
		list = append(list, e.c)
	}
	h.closers = nil
	h.closed = true
	h.mu.Unlock()
	for _, c := range list {
		c.Close()
	}
}

// CheckRun returns a *PermissionError unless running programs is allowed.
func (h *Host) CheckRun(what string) error {
	if h.Perms.Run {
		return nil
	}
	return h.refuse(&PermissionError{What: what, Flag: "--allow-run"})
}

// CheckRead returns a *PermissionError unless path may be read.
func (h *Host) CheckRead(path string) error {
	if h.Perms.ReadAll || within(path, h.Perms.Read) || (h.ScriptDir != "" && within(path, []string{h.ScriptDir})) {
		return nil
	}
	return h.refuse(&PermissionError{What: fmt.Sprintf("reading %q", path), Flag: "--allow-read"})
}

// CheckWrite returns a *PermissionError unless path may be written.
func (h *Host) CheckWrite(path string) error {
	if h.Perms.WriteAll || within(path, h.Perms.Write) {
		return nil
	}
	return h.refuse(&PermissionError{What: fmt.Sprintf("writing %q", path), Flag: "--allow-write"})
}

// refuse remembers the latest refusal, so that a host can tell a run that
// failed for want of a permission even when a module reported it as text.
func (h *Host) refuse(pe *PermissionError) error {
	h.mu.Lock()
	h.refused = pe
	h.mu.Unlock()
	return pe
}

// Refused returns the latest permission the run was refused, or nil.
func (h *Host) Refused() *PermissionError {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.refused
}

// within reports whether path is one of roots or below one of them, after
// making both absolute and resolving symbolic links where they exist.
func within(path string, roots []string) bool {
	p := canonical(path)
	for _, r := range roots {
		r = canonical(r)
		if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) || r == string(filepath.Separator) {
			return true
		}
	}
	return false
}

func canonical(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	// The file may not exist yet: resolve its folder.
	dir, base := filepath.Split(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(real, base)
	}
	return abs
}

const registryKey = "mailscript.host"

// Set attaches h to L.
func Set(L *lua.LState, h *Host) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetField(L.Get(lua.RegistryIndex), registryKey, ud)
}

// Get returns the Host attached to L, or a restrictive default attached on
// first use.
func Get(L *lua.LState) *Host {
	if ud, ok := L.GetField(L.Get(lua.RegistryIndex), registryKey).(*lua.LUserData); ok {
		if h, ok := ud.Value.(*Host); ok {
			return h
		}
	}
	h := &Host{Context: context.Background(), Stdout: io.Discard, Logger: slog.New(slog.DiscardHandler)}
	Set(L, h)
	return h
}
