package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// startGCPercent is the garbage collector's target while the command
// starts. Starting allocates a few megabytes that mostly stay live (the
// Lua states, the imapfilter layer's compiled functions, the modules'
// tables): at Go's default of 100 the collector runs several times over
// them for almost nothing, on the same cores as the compile and the first
// IMAP round trips. A higher target lets the start finish first.
const startGCPercent = 400

// gcAtStart raises the collector's target for the command's start, unless
// GOGC is set (then the user's setting stands). The returned function puts
// the target back; it is safe to call more than once and from any
// goroutine.
func gcAtStart() (started func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(startGCPercent)
	var once sync.Once
	return func() { once.Do(func() { debug.SetGCPercent(old) }) }
}

// startFinished puts the collector's target back once the command has
// started: newEngine calls it when a run's Lua state is set up. main sets
// it; elsewhere (tests) it does nothing.
var startFinished = func() {}
