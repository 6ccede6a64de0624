package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
)

// probe is a host module through which test rules report to the test:
// probe.send(v) puts v (a string or a number) on the channel.
func probe(ch chan<- string) engine.Option {
	return engine.WithModule("probe", func(L *lua.LState) int {
		mod := L.NewTable()
		L.SetField(mod, "send", L.NewFunction(func(L *lua.LState) int {
			ch <- L.CheckAny(1).String()
			return 0
		}))
		L.Push(mod)
		return 1
	})
}

// runAsync runs src in the background and returns a channel of its result.
func runAsync(ctx context.Context, e *engine.Engine, name, src string) <-chan *engine.Result {
	done := make(chan *engine.Result, 1)
	go func() {
		res, _ := e.RunString(ctx, name, src)
		done <- res
	}()
	return done
}

// TestEvery runs a schedule in a synctest bubble: the fake clock moves
// only when every goroutine waits, so the test reads the exact times of
// the calls without sleeping. A failing call does not stop the schedule.
func TestEvery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan string)
		e := engine.New(probe(ch))
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		done := runAsync(ctx, e, "every.lua", `
local engine, probe = require("engine"), require("probe")
local n = 0
engine.every("10m", function()
  n = n + 1
  probe.send(n)
  if n == 2 then error("second call fails") end
end)
probe.send("registered")
`)
		if got := <-ch; got != "registered" {
			t.Fatalf("first message %q", got)
		}
		for i := 1; i <= 3; i++ {
			got := <-ch
			if want := string(rune('0' + i)); got != want {
				t.Fatalf("call %d reported %q", i, got)
			}
			if d := time.Since(start); d != time.Duration(i)*10*time.Minute {
				t.Errorf("call %d after %v, want %v", i, d, time.Duration(i)*10*time.Minute)
			}
		}
		synctest.Wait()
		st := e.Status()
		if len(st) != 1 || len(st[0].Triggers) != 1 || st[0].Triggers[0].Calls != 3 || st[0].Triggers[0].Failures != 1 {
			t.Errorf("status %+v", st)
		}
		cancel()
		res := <-done
		if res.Err != nil {
			t.Fatalf("a rule stopped by its context ends without error, got %v", res.Err)
		}
		if !slices.Equal(res.Triggers, []string{"every 10m0s"}) {
			t.Errorf("triggers %q", res.Triggers)
		}
		if len(e.Status()) != 0 {
			t.Errorf("status after the end: %+v", e.Status())
		}
	})
}

// TestEveryRefusesBadIntervals checks the arguments of engine.every.
func TestEveryRefusesBadIntervals(t *testing.T) {
	e := engine.New()
	for _, src := range []string{
		`require("engine").every("soon", function() end)`,
		`require("engine").every(0.001, function() end)`,
		`require("engine").every("10m")`,
	} {
		_, err := e.RunString(t.Context(), "bad.lua", src)
		if err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}

// TestTriggerNotFromCallback: triggers are registered by the main chunk.
func TestTriggerNotFromCallback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan string)
		e := engine.New(probe(ch))
		ctx, cancel := context.WithCancel(t.Context())
		done := runAsync(ctx, e, "nested.lua", `
local engine, probe = require("engine"), require("probe")
engine.every(60, function()
  local ok, err = pcall(engine.every, 60, function() end)
  probe.send(tostring(ok) .. " " .. tostring(err))
end)`)
		got := <-ch
		if !strings.HasPrefix(got, "false") || !strings.Contains(got, "not from a callback") {
			t.Errorf("nested registration: %s", got)
		}
		cancel()
		<-done
	})
}

// TestShutdownLetsCallbackFinish: when the rule stops during a callback,
// the callback finishes (within the grace) and its effects are kept.
func TestShutdownLetsCallbackFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan string)
		release := make(chan struct{})
		e := engine.New(probe(ch), engine.WithShutdownGrace(time.Minute),
			engine.WithModule("gate", func(L *lua.LState) int {
				mod := L.NewTable()
				L.SetField(mod, "wait", L.NewFunction(func(L *lua.LState) int { <-release; return 0 }))
				L.Push(mod)
				return 1
			}))
		ctx, cancel := context.WithCancel(t.Context())
		done := runAsync(ctx, e, "slow.lua", `
local engine, probe, gate, state = require("engine"), require("probe"), require("gate"), require("state")
engine.every(60, function()
  probe.send("started")
  gate.wait()
  for i = 1, 1000 do end -- Lua work after the stop was asked for
  state.set("done", true)
  probe.send("finished")
end)`)
		if got := <-ch; got != "started" {
			t.Fatal(got)
		}
		cancel()
		synctest.Wait()
		close(release)
		if got := <-ch; got != "finished" {
			t.Fatal(got)
		}
		if res := <-done; res.Err != nil {
			t.Fatal(res.Err)
		}
		// The same engine keeps the rule's state for its next run.
		res, err := e.RunString(t.Context(), "slow.lua", `assert(require("state").get("done") == true)`)
		if err != nil {
			t.Fatal(err, res)
		}
	})
}

// TestShutdownGraceBounds: a callback that does not finish within the
// grace is stopped. (Real time: a busy loop never lets a synctest clock
// move.)
func TestShutdownGraceBounds(t *testing.T) {
	ch := make(chan string)
	e := engine.New(probe(ch), engine.WithShutdownGrace(50*time.Millisecond))
	ctx, cancel := context.WithCancel(t.Context())
	done := runAsync(ctx, e, "loop.lua", `
local engine, probe = require("engine"), require("probe")
engine.every(1, function()
  probe.send("started")
  while true do end
end)`)
	<-ch
	cancel()
	res := <-done
	if len(res.Triggers) != 1 {
		t.Errorf("result %+v", res)
	}
}

// TestStatePersists: state.set writes the rule's file in the state
// folder; a new engine (a restarted program) reads it back, tables
// included; bad values are refused with a clear error.
func TestStatePersists(t *testing.T) {
	dir := t.TempDir()
	rules := t.TempDir()
	rule := writeFile(t, rules, "count.lua", `
local state = require("state")
local n = state.get("n") or 0
if n > 0 then -- written by the previous run, read back by a new engine
  local t = state.get("t")
  assert(t.list[1] == 1 and t.list[2] == "two" and t.list[3] == true and #t.list == 3)
  assert(t.name == "x" and t.nested.deep[1] == 1.5)
  assert(state.get("gone") == nil)
end
state.set("n", n + 1)
state.set("t", {list = {1, "two", true}, name = "x", nested = {deep = {1.5}}})
state.set("gone", "soon")
state.set("gone", nil)
print(n + 1)
`)
	for i := 1; i <= 2; i++ {
		var out strings.Builder
		e := engine.New(engine.WithStateDir(dir), engine.WithStdout(&out))
		if _, err := e.Run(t.Context(), rule); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(out.String()); got != string(rune('0'+i)) {
			t.Fatalf("run %d printed %q", i, got)
		}
	}
	e := engine.New(engine.WithStateDir(dir))
	if _, err := e.Run(t.Context(), writeFile(t, rules, "other.lua", `assert(require("state").get("n") == nil, "state is per rule")`)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "count-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	if !strings.Contains(string(raw), `"rule": "`+rule+`"`) {
		t.Errorf("state file does not name its rule:\n%s", raw)
	}
	for _, bad := range []struct{ src, want string }{
		{`require("state").set("f", function() end)`, "only strings, numbers, booleans and tables"},
		{`require("state").set("m", {1, 2, x = 3})`, "must all be strings, or the table a sequence"},
		{`local t = {} t.self = t require("state").set("c", t)`, "refers back"},
		{`require("state").set("b", "\255")`, "not valid UTF-8"},
	} {
		_, err := e.RunString(t.Context(), "bad.lua", bad.src)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want %q", bad.src, err, bad.want)
		}
	}
}

// TestStateDamagedFile: a damaged state file is reported, never
// overwritten.
func TestStateDamagedFile(t *testing.T) {
	dir := t.TempDir()
	rules := t.TempDir()
	rule := writeFile(t, rules, "r.lua", `require("state").set("k", 1)`)
	e := engine.New(engine.WithStateDir(dir))
	if _, err := e.Run(t.Context(), rule); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "r-*.json"))
	if err := os.WriteFile(files[0], []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := engine.New(engine.WithStateDir(dir)).Run(t.Context(), rule)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("error %v", err)
	}
	if raw, _ := os.ReadFile(files[0]); string(raw) != "{not json" {
		t.Errorf("damaged file was overwritten: %q", raw)
	}
}

// TestOnFile: a change of the watched file runs the callback with its
// path; reading the file needs the permission.
func TestOnFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "list.txt")
	writeFile(t, dir, "list.txt", "a")
	ch := make(chan string, 10)
	e := engine.New(probe(ch), engine.WithPermissions(host.Permissions{Read: []string{dir}}))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := runAsync(ctx, e, "onfile.lua", `
local engine, probe = require("engine"), require("probe")
engine.on_file("`+target+`", function(path)
  local f = assert(io.open(path))
  probe.send(path .. "=" .. f:read("a"))
  f:close()
end)
probe.send("ready")`)
	if got := <-ch; got != "ready" {
		t.Fatal(got)
	}
	// The watcher starts on the trigger's goroutine: wait for its state.
	waitFor(t, func() bool {
		st := e.Status()
		return len(st) == 1 && st[0].Triggers[0].State == "watching"
	}, e.StatusChanged)
	writeFile(t, dir, "other.txt", "ignored")
	writeFile(t, dir, "list.txt", "b")
	if got := <-ch; got != target+"=b" {
		t.Fatalf("callback got %q", got)
	}
	cancel()
	<-done

	_, err := engine.New().RunString(t.Context(), "denied.lua", `require("engine").on_file("`+target+`", function() end)`)
	if !errors.Is(err, host.ErrPermission) {
		t.Fatalf("on_file without permission: %v", err)
	}
}

// waitFor waits until cond holds, re-checking at each change signalled by
// changed (bounded by the test's deadline).
func waitFor(t *testing.T, cond func() bool, changed func() <-chan struct{}) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		ch := changed()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatal("condition not reached within 30s")
		}
	}
}
