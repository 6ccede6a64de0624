package engine_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/engine"
)

func TestLockStateDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := engine.LockStateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.LockStateDir(dir)
	var le *engine.StateLockedError
	if !errors.Is(err, engine.ErrStateLocked) || !errors.As(err, &le) {
		t.Fatalf("second lock: %v, want ErrStateLocked", err)
	}
	if le.PID != os.Getpid() || !strings.Contains(err.Error(), "--shard") {
		t.Errorf("error %q names pid %d", err, le.PID)
	}
	// Another folder is free.
	u2, err := engine.LockStateDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u2()
	unlock()
	unlock, err = engine.LockStateDir(dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock()
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want engine.Shard
		ok   bool
	}{
		{"0/1", engine.Shard{Index: 0, Count: 1}, true},
		{"2/3", engine.Shard{Index: 2, Count: 3}, true},
		{"3/3", engine.Shard{}, false},
		{"-1/3", engine.Shard{}, false},
		{"1/0", engine.Shard{}, false},
		{"1", engine.Shard{}, false},
		{"a/b", engine.Shard{}, false},
	} {
		got, err := engine.ParseShard(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, got, err)
		}
	}
	// Every account is in exactly one shard.
	for _, name := range []string{"alice@example.org", "bob@example.org", "u7@127.0.0.1"} {
		n := 0
		for i := range 5 {
			if (engine.Shard{Index: i, Count: 5}).Owns(name) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is in %d of 5 shards", name, n)
		}
	}
}
