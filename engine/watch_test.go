package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
)

// watching is a Watch running on a goroutine of a test.
type watching struct {
	results chan *engine.Result
	cancel  context.CancelFunc
	done    chan error
}

func startWatch(t *testing.T, dir string, eopts []engine.Option, wopts ...engine.WatchOption) *watching {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watching{results: make(chan *engine.Result, 100), cancel: cancel, done: make(chan error, 1)}
	e := engine.New(append([]engine.Option{engine.WithCapture()}, eopts...)...)
	wopts = append([]engine.WatchOption{engine.WithOnResult(func(r *engine.Result) { w.results <- r })}, wopts...)
	go func() { w.done <- e.Watch(ctx, dir, wopts...) }()
	t.Cleanup(func() { w.stop(t) })
	return w
}

// next returns the next result; it fails the test when none comes in a
// long while (a safety net against hanging, not a measurement).
func (w *watching) next(t *testing.T) *engine.Result {
	t.Helper()
	select {
	case r := <-w.results:
		return r
	case err := <-w.done:
		t.Fatalf("watch ended: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("no run")
	}
	return nil
}

// nextN returns the next n results by file base name.
func (w *watching) nextN(t *testing.T, n int) map[string]*engine.Result {
	t.Helper()
	got := map[string]*engine.Result{}
	for range n {
		r := w.next(t)
		got[filepath.Base(r.File)] = r
	}
	return got
}

func (w *watching) stop(t *testing.T) {
	w.cancel()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("watch: %v", err)
		}
		w.done <- nil
	case <-time.After(20 * time.Second):
		t.Error("watch did not stop")
	}
}

// quiet checks that the runs after a sentinel rule's run are only the
// sentinel's: the runs the test expects are over and no other came.
func (w *watching) quiet(t *testing.T, dir string) {
	t.Helper()
	writeFile(t, dir, "sentinel.lua", `print("sentinel")`)
	for {
		r := w.next(t)
		if filepath.Base(r.File) == "sentinel.lua" {
			return
		}
		t.Errorf("unexpected run of %s (output %q, err %v)", r.File, r.Output, r.Err)
	}
}

func output(r *engine.Result) string { return strings.TrimSpace(string(r.Output)) }

func TestWatchRunsAtStartAndOnChanges(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.lua", `print("a1")`)
	writeFile(t, dir, "sub/deep/b.lua", `print("b1")`)
	writeFile(t, dir, "notes.txt", `not a rule`)
	writeFile(t, dir, ".hidden.lua", `print("hidden")`)
	w := startWatch(t, dir, nil, engine.WithParallel(1))

	got := w.nextN(t, 2)
	if output(got["a.lua"]) != "a1" || output(got["b.lua"]) != "b1" {
		t.Fatalf("initial runs: %v", got)
	}
	w.quiet(t, dir)

	// Write, create, create in a new subfolder.
	writeFile(t, dir, "a.lua", `print("a2")`)
	if r := w.next(t); output(r) != "a2" {
		t.Fatalf("after a write: %q", r.Output)
	}
	writeFile(t, dir, "new/folder/c.lua", `print("c1")`)
	if r := w.next(t); output(r) != "c1" {
		t.Fatalf("in a new folder: %q", r.Output)
	}
	writeFile(t, dir, "sub/deep/b.lua", `print("b2")`)
	if r := w.next(t); output(r) != "b2" {
		t.Fatalf("in a subfolder: %q", r.Output)
	}

	// Editor litter makes no run.
	for _, name := range []string{"a.lua~", ".a.lua.swp", ".#a.lua", "a.lua.tmp", "4913"} {
		writeFile(t, dir, name, `print("litter")`)
	}
	w.quiet(t, dir)
}

func TestWatchRapidWritesMakeOneRun(t *testing.T) {
	dir := t.TempDir()
	// A long debounce, so that a loaded machine stalling between two
	// writes does not split the burst.
	w := startWatch(t, dir, nil, engine.WithParallel(1), engine.WithDebounce(time.Second))
	w.quiet(t, dir)
	p := filepath.Join(dir, "burst.lua")
	for i := range 10 { // 10 writes in about 50ms
		if err := os.WriteFile(p, []byte(`print("v`+string(rune('0'+i))+`")`), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // pacing the writes like an editor
	}
	if r := w.next(t); output(r) != "v9" {
		t.Fatalf("ran %q, want the last version", r.Output)
	}
	w.quiet(t, dir)
}

func TestWatchAtomicSaves(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rule.lua", `print("old")`)
	w := startWatch(t, dir, nil, engine.WithParallel(1))
	if r := w.next(t); output(r) != "old" {
		t.Fatalf("initial: %q", r.Output)
	}

	// Write a temporary file, rename it over the rule.
	tmp := writeFile(t, dir, "rule.lua.tmp1234", `print("renamed")`)
	if err := os.Rename(tmp, filepath.Join(dir, "rule.lua")); err != nil {
		t.Fatal(err)
	}
	if r := w.next(t); output(r) != "renamed" {
		t.Fatalf("after rename: %q", r.Output)
	}
	w.quiet(t, dir)

	// Vim without backupcopy: move the rule to a backup, write it anew.
	if err := os.Rename(filepath.Join(dir, "rule.lua"), filepath.Join(dir, "rule.lua~")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "rule.lua", `print("rewritten")`)
	os.Remove(filepath.Join(dir, "rule.lua~"))
	if r := w.next(t); output(r) != "rewritten" {
		t.Fatalf("after backup and write: %q", r.Output)
	}
	w.quiet(t, dir)
}

func TestWatchDeleteCancelsPending(t *testing.T) {
	dir := t.TempDir()
	w := startWatch(t, dir, nil, engine.WithParallel(1), engine.WithDebounce(time.Second))
	w.quiet(t, dir)
	p := writeFile(t, dir, "short.lua", `print("should not run")`)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	w.quiet(t, dir)
}

func TestWatchModuleChangeRerunsDependents(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lib/common.lua", `return { v = "c1" }`)
	writeFile(t, dir, "helper.lua", `return { v = "h1" }`)
	writeFile(t, dir, "uses_lib.lua", `print(require("lib.common").v)`)
	writeFile(t, dir, "uses_helper.lua", `print(require("helper").v)`)
	writeFile(t, dir, "alone.lua", `print("alone")`)
	w := startWatch(t, dir, nil, engine.WithParallel(1))
	// helper.lua is not known as a module before a rule loads it: it runs
	// once at start too.
	got := w.nextN(t, 4)
	if output(got["uses_lib.lua"]) != "c1" || output(got["uses_helper.lua"]) != "h1" || got["alone.lua"] == nil || got["helper.lua"] == nil {
		t.Fatalf("initial runs: %v", got)
	}
	w.quiet(t, dir)

	writeFile(t, dir, "lib/common.lua", `return { v = "c2" }`)
	if r := w.next(t); filepath.Base(r.File) != "uses_lib.lua" || output(r) != "c2" {
		t.Fatalf("after the lib module changed: %s %q", r.File, r.Output)
	}
	w.quiet(t, dir)

	writeFile(t, dir, "helper.lua", `return { v = "h2" }`)
	if r := w.next(t); filepath.Base(r.File) != "uses_helper.lua" || output(r) != "h2" {
		t.Fatalf("after the helper changed: %s %q", r.File, r.Output)
	}
	w.quiet(t, dir)
}

func TestWatchFailingAndHangingRulesDoNotStopOthers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.lua", `error("broken rule")`)
	writeFile(t, dir, "hang.lua", `while true do end`)
	writeFile(t, dir, "good.lua", `print("good")`)
	w := startWatch(t, dir, []engine.Option{engine.WithTimeout(time.Second)}, engine.WithParallel(2))
	got := w.nextN(t, 3)
	if r := got["bad.lua"]; r == nil || r.Err == nil || !strings.Contains(r.Err.Error(), "broken rule") {
		t.Errorf("bad.lua: %+v", r)
	}
	if r := got["hang.lua"]; r == nil || !errors.Is(r.Err, engine.ErrTimeout) {
		t.Errorf("hang.lua: %+v", r)
	}
	if r := got["good.lua"]; r == nil || r.Err != nil || output(r) != "good" {
		t.Errorf("good.lua: %+v", r)
	}
	writeFile(t, dir, "good.lua", `print("still good")`)
	if r := w.next(t); output(r) != "still good" {
		t.Fatalf("after the failures: %s %q", r.File, r.Output)
	}
}

func TestWatchFolderVanishesAndReturns(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "rules")
	writeFile(t, dir, "a.lua", `print("first")`)
	w := startWatch(t, dir, nil, engine.WithParallel(1))
	if r := w.next(t); output(r) != "first" {
		t.Fatalf("initial: %q", r.Output)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	// Build the new folder aside and move it in, as a deployment would.
	writeFile(t, parent, "staging/a.lua", `print("back")`)
	if err := os.Rename(filepath.Join(parent, "staging"), dir); err != nil {
		t.Fatal(err)
	}
	if r := w.next(t); output(r) != "back" {
		t.Fatalf("after the folder came back: %q", r.Output)
	}
	writeFile(t, dir, "a.lua", `print("edited")`)
	if r := w.next(t); output(r) != "edited" {
		t.Fatalf("edit in the returned folder: %q", r.Output)
	}
}

func TestWatchPolling(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.lua", `print("a1")`)
	w := startWatch(t, dir, nil, engine.WithParallel(1), engine.WithPolling(20*time.Millisecond))
	if r := w.next(t); output(r) != "a1" {
		t.Fatalf("initial: %q", r.Output)
	}
	writeFile(t, dir, "a.lua", `print("a2 longer")`)
	if r := w.next(t); output(r) != "a2 longer" {
		t.Fatalf("after a write: %q", r.Output)
	}
	writeFile(t, dir, "sub/b.lua", `print("b1")`)
	if r := w.next(t); output(r) != "b1" {
		t.Fatalf("new subfolder: %q", r.Output)
	}
	w.quiet(t, dir)
}

func TestWatchErrors(t *testing.T) {
	e := engine.New()
	if err := e.Watch(context.Background(), filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	f := writeFile(t, t.TempDir(), "file.lua", "")
	if err := e.Watch(context.Background(), f); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file: %v", err)
	}
}
