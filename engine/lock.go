package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFileName is the lock a running watch holds in its state folder.
const LockFileName = "watch.lock"

// ErrStateLocked is returned (wrapped in a *StateLockedError) by
// LockStateDir when another process holds the state folder.
var ErrStateLocked = errors.New("engine: the state folder is in use by another watch")

// StateLockedError says which process holds a state folder.
type StateLockedError struct {
	Dir string
	PID int // 0 when unknown
}

// Error says which folder and process, and what to do.
func (e *StateLockedError) Error() string {
	who := "another mailscript watch"
	if e.PID > 0 {
		who = fmt.Sprintf("another mailscript watch (pid %d)", e.PID)
	}
	return fmt.Sprintf("engine: %s uses the state folder %s; stop it, or give this one another --state-dir, or split the accounts with --shard I/N (each shard keeps its own state)", who, e.Dir)
}

// Is makes errors.Is(err, ErrStateLocked) true.
func (e *StateLockedError) Is(target error) bool { return target == ErrStateLocked }

// LockStateDir takes the lock of the state folder dir (creating it), so
// that two watches never share the state of rules: a second one would
// handle new mail a second time. The lock is held until unlock is called
// or the process ends (it is an advisory lock of the operating system,
// gone with the process even after a crash). It fails with a
// *StateLockedError when another process holds it.
func LockStateDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("engine: state folder: %w", err)
	}
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("engine: state folder lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		pid := 0
		if b, rerr := os.ReadFile(path); rerr == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		f.Close()
		if errors.Is(err, errLockBusy) {
			return nil, &StateLockedError{Dir: dir, PID: pid}
		}
		return nil, fmt.Errorf("engine: state folder lock: %w", err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		f.Truncate(0)
		unlockFile(f)
		f.Close()
	}, nil
}
