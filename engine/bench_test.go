package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
)

// BenchmarkRunEmpty measures the fixed cost of a run: a fresh Lua state,
// the sandboxed libraries, the stdlib preload, the host, and closing it
// all (the empty chunk comes from the cache).
func BenchmarkRunEmpty(b *testing.B) {
	e := engine.New()
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.RunString(ctx, "empty.lua", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunEmptyFile adds reading and hashing the script file.
func BenchmarkRunEmptyFile(b *testing.B) {
	p := writeFile(b, b.TempDir(), "empty.lua", "")
	e := engine.New()
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.Run(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunEmptyParallel runs empty scripts on every CPU.
func BenchmarkRunEmptyParallel(b *testing.B) {
	e := engine.New()
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.RunString(ctx, "empty.lua", ""); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkWatchLatency measures the time from saving a rule to the end of
// its run in watch mode with a 1ms debounce (the default debounce, 100ms,
// adds to it).
func BenchmarkWatchLatency(b *testing.B) {
	dir := b.TempDir()
	done := make(chan *engine.Result, 1)
	ctx, cancel := context.WithCancel(context.Background())
	e := engine.New(engine.WithCapture())
	stopped := make(chan error)
	go func() {
		stopped <- e.Watch(ctx, dir, engine.WithDebounce(time.Millisecond), engine.WithOnResult(func(r *engine.Result) { done <- r }))
	}()
	p := filepath.Join(dir, "rule.lua")
	i := 0
	for b.Loop() {
		i++
		want := fmt.Sprint(i)
		writeFile(b, dir, "rule.lua", "print("+want+")")
		for {
			r := <-done
			if r.File != p || r.Err != nil {
				b.Fatalf("result %+v", r)
			}
			if string(r.Output) == want+"\n" {
				break
			}
		}
	}
	cancel()
	<-stopped
}
