package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/demo"
	"github.com/mailscript/mailscript/scripts"
)

// starterRules writes the starter rules to a folder and returns it with
// the rules' paths in name order.
func starterRules(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	names, err := fs.Glob(scripts.FS, "*.lua")
	if err != nil || len(names) == 0 {
		t.Fatalf("starter rules: %v %v", names, err)
	}
	sort.Strings(names)
	var paths []string
	for _, n := range names {
		b, err := fs.ReadFile(scripts.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return dir, paths
}

// Watching the starter rules ends in the mailbox state that running them
// one after another (the demo) ends in, every time: the first pass runs
// them in file-name order, whatever the scheduling.
func TestWatchFirstPassInNameOrder(t *testing.T) {
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	dir, paths := starterRules(t)
	ctx := context.Background()

	// The reference: the rules run one after the other, as demo does.
	ref, err := demo.Start(demo.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	before, err := ref.Contents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.WithCapture(), engine.WithEnv(ref.LookupEnv))
	for _, p := range paths {
		if _, err := e.Run(ctx, p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	want, err := ref.Contents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(before, want) {
		t.Fatal("the starter rules changed nothing: the test would prove nothing")
	}

	for i := range 20 {
		srv, err := demo.Start(demo.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		results := make(chan *engine.Result, len(paths))
		e := engine.New(engine.WithCapture(), engine.WithEnv(srv.LookupEnv))
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- e.Watch(wctx, dir, engine.WithParallel(4), engine.WithDebounce(10*time.Millisecond),
				engine.WithOnResult(func(r *engine.Result) { results <- r }))
		}()
		for range paths {
			select {
			case r := <-results:
				if r.Err != nil {
					t.Errorf("run %d: %s: %v", i, r.File, r.Err)
				}
			case err := <-done:
				t.Fatalf("run %d: watch ended: %v", i, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("run %d: the rules did not all run", i)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		got, err := srv.Contents(ctx)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			for box := range want {
				if !reflect.DeepEqual(got[box], want[box]) {
					t.Errorf("run %d: %s holds %d messages, want %d as after demo", i, box, len(got[box]), len(want[box]))
				}
			}
			t.FailNow()
		}
	}
}

// lineWriter sends each line written to it on a channel.
type lineWriter struct{ lines chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.lines <- l
	}
	return len(p), nil
}

// Two rules whose callbacks work on one account never interleave: each
// callback's commands run while the other rule waits.
func TestWatchSerialisesRulesPerAccount(t *testing.T) {
	srv, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	rule := `
local mail = require("mail")
local engine = require("engine")
local inbox = mail.account():mailbox("INBOX")
engine.every(1, function()
  local n = #inbox:search{seen = true}
  print("%s start")
  for i = 1, 5 do inbox:search{unseen = true} end
  print("%s end")
end)
`
	for _, name := range []string{"a", "b"} {
		writeFile(t, dir, name+".lua", fmt.Sprintf(rule, name, name))
	}
	lines := make(chan string, 100)
	e := engine.New(engine.WithStdout(lineWriter{lines}), engine.WithEnv(srv.LookupEnv))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Watch(ctx, dir, engine.WithDebounce(10*time.Millisecond)) }()
	defer func() {
		cancel()
		<-done
	}()
	inside := ""
	ends := map[string]int{}
	for ends["a"] < 3 || ends["b"] < 3 {
		var l string
		select {
		case l = <-lines:
		case <-time.After(30 * time.Second):
			t.Fatalf("callbacks stopped; ends %v", ends)
		}
		who, what, _ := strings.Cut(l, " ")
		switch what {
		case "start":
			if inside != "" {
				t.Fatalf("%s started while %s was working on the account", who, inside)
			}
			inside = who
		case "end":
			if inside != who {
				t.Fatalf("%s ended while %q was inside", who, inside)
			}
			inside = ""
			ends[who]++
		}
	}
}
