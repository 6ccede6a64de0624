//go:build !unix

package engine

import (
	"errors"
	"os"
)

var errLockBusy = errors.New("locked")

// Without flock, the lock is not enforced.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
