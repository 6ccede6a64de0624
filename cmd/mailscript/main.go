package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	startFinished = gcAtStart()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, stop := handleSignals(context.Background(), sigs, os.Exit, os.Stderr)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}
