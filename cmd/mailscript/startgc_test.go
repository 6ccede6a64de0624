package main

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestGCAtStart(t *testing.T) {
	before := gcPercent()
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Run("raised, then put back once", func(t *testing.T) {
		started := gcAtStart()
		if got := gcPercent(); got != startGCPercent {
			t.Fatalf("during the start the target is %d, want %d", got, startGCPercent)
		}
		started()
		if got := gcPercent(); got != before {
			t.Fatalf("after the start the target is %d, want %d as before", got, before)
		}
		// A later change (by the user's program or GOGC) is not undone
		// by a second call.
		debug.SetGCPercent(150)
		started()
		if got := gcPercent(); got != 150 {
			t.Fatalf("a second call changed the target to %d", got)
		}
		debug.SetGCPercent(before)
	})
	t.Run("GOGC set", func(t *testing.T) {
		t.Setenv("GOGC", "50")
		started := gcAtStart()
		if got := gcPercent(); got != before {
			t.Fatalf("with GOGC set the target became %d, want it left at %d", got, before)
		}
		started()
		if got := gcPercent(); got != before {
			t.Fatalf("with GOGC set the target became %d, want it left at %d", got, before)
		}
	})
}
