package engine

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailscript/mailscript/host"
)

// TestStateBatch checks the grouped writes the mail backfill relies on:
// inside a batch, Get sees the changes and the file does not; Commit
// writes them at once; Rollback forgets them.
func TestStateBatch(t *testing.T) {
	dir := t.TempDir()
	st := newStateStores(dir).forRule(filepath.Join(dir, "rule.lua"))
	var _ host.Batcher = st
	if err := st.Set("a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	fromDisk := func(key string) (string, bool) {
		fresh := newStateStores(dir).forRule(filepath.Join(dir, "rule.lua"))
		v, ok, err := fresh.Get(key)
		if err != nil {
			t.Fatal(err)
		}
		return string(v), ok
	}
	st.Begin()
	st.Set("b", []byte("2"))
	st.Set("a", nil)
	if v, ok, _ := st.Get("b"); !ok || string(v) != "2" {
		t.Errorf("inside the batch, b = %q %v", v, ok)
	}
	if _, ok, _ := st.Get("a"); ok {
		t.Error("inside the batch, a deleted key is still there")
	}
	if keys := st.Keys(); !slices.Equal(keys, []string{"b"}) {
		t.Errorf("keys inside the batch: %q", keys)
	}
	if _, ok := fromDisk("b"); ok {
		t.Error("a change of an open batch reached the file")
	}
	st.Rollback()
	if _, ok, _ := st.Get("b"); ok {
		t.Error("Rollback kept b")
	}
	if v, ok := fromDisk("a"); !ok || v != "1" {
		t.Errorf("after Rollback, the file has a = %q %v", v, ok)
	}
	st.Begin()
	st.Set("b", []byte("2"))
	st.Set("c", []byte(`"x"`))
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if v, ok := fromDisk("b"); !ok || v != "2" {
		t.Errorf("after Commit, the file has b = %q %v", v, ok)
	}
	if v, ok := fromDisk("c"); !ok || v != `"x"` {
		t.Errorf("after Commit, the file has c = %q %v", v, ok)
	}
	// After the batch, Set writes at once again.
	st.Set("d", []byte("4"))
	if _, ok := fromDisk("d"); !ok {
		t.Error("a Set after the batch did not reach the file")
	}
}

// TestStateBatchNested: a batch opened inside another (a backfill run by
// an on_new callback) is part of the outer one: its Commit writes
// nothing yet, its Rollback forgets only its own changes, and the outer
// Commit writes everything kept at once.
func TestStateBatchNested(t *testing.T) {
	dir := t.TempDir()
	st := newStateStores(dir).forRule(filepath.Join(dir, "rule.lua"))
	fromDisk := func(key string) bool {
		t.Helper()
		_, ok, err := newStateStores(dir).forRule(filepath.Join(dir, "rule.lua")).Get(key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	st.Begin()
	st.Set("outer", []byte("1"))
	st.Begin()
	st.Set("inner kept", []byte("2"))
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if fromDisk("inner kept") || fromDisk("outer") {
		t.Fatal("the inner Commit wrote before the outer batch ended")
	}
	st.Begin()
	st.Set("inner dropped", []byte("3"))
	st.Set("outer", []byte("4"))
	st.Rollback()
	if v, _, _ := st.Get("outer"); string(v) != "1" {
		t.Errorf("after the inner Rollback, outer = %q, want the outer batch's 1", v)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"outer": true, "inner kept": true, "inner dropped": false} {
		if got := fromDisk(key); got != want {
			t.Errorf("after the outer Commit, %q on disk: %v, want %v", key, got, want)
		}
	}
}
