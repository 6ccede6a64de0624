package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// handleSignals returns a context cancelled by the first signal received on
// sigs; a second signal calls exit(130) at once. stop ends the watching.
func handleSignals(parent context.Context, sigs <-chan os.Signal, exit func(int), stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			fmt.Fprintf(stderr, "mailscript: %v: stopping the runs (again to exit at once)\n", sig)
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			exit(130)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		cancel()
	}
}
