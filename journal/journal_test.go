package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteReadRuns(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	id1, id2 := NewRunID(t0), NewRunID(t0.Add(time.Millisecond))
	if id1 >= id2 {
		t.Fatalf("run ids do not sort by time: %s, %s", id1, id2)
	}
	w := Open(dir, id1, "rules/junk.lua")
	seq, err := w.Write(Entry{Phase: Begin, Action: "move", Account: "a@h", Mailbox: "INBOX", UIDs: []uint32{1, 2}, Dest: "Junk"})
	if err != nil || seq != 1 {
		t.Fatalf("Write = %d, %v", seq, err)
	}
	w.Write(Entry{Phase: End, Of: seq, Action: "move", Count: 2, DestUIDs: []uint32{7, 8}})
	w.Write(Entry{Phase: Begin, Action: "delete", Mailbox: "Junk", UIDs: []uint32{7}})
	saved, err := w.Save([]byte("Subject: x\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b, err := ReadSaved(dir, saved); err != nil || string(b) != "Subject: x\r\n\r\nbody\r\n" {
		t.Errorf("ReadSaved = %q, %v", b, err)
	}
	if _, err := ReadSaved(dir, "../../etc/passwd"); err == nil {
		t.Error("ReadSaved left the journal folder")
	}
	info, _ := os.Stat(filepath.Join(dir, id1+".jsonl"))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("journal file mode %v, want 0600", info.Mode().Perm())
	}
	w2 := Open(dir, id2, "rules/vip.lua")
	s, _ := w2.Write(Entry{Phase: Begin, Action: "store", Mailbox: "INBOX", UIDs: []uint32{3}})
	w2.Write(Entry{Phase: End, Of: s, Action: "store", Count: 1, Err: "mail: store: NO"})
	w2.Close()
	// A crash cut the last line of the first run short.
	f, _ := os.OpenFile(filepath.Join(dir, id1+".jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":4,"phase":"beg`)
	f.Close()
	entries, err := Read(dir, id1)
	if err != nil || len(entries) != 3 || entries[0].Rule != "rules/junk.lua" || entries[1].DestUIDs[1] != 8 {
		t.Fatalf("Read = %+v, %v", entries, err)
	}
	runs, err := Runs(dir)
	if err != nil || len(runs) != 2 {
		t.Fatalf("Runs = %+v, %v", runs, err)
	}
	if runs[0].ID != id2 || runs[0].Failed != 1 || runs[0].Actions["store"] != 1 {
		t.Errorf("newest run = %+v", runs[0])
	}
	// The delete never ended: it counts as failed (cut short).
	if runs[1].ID != id1 || runs[1].Messages != 2 || runs[1].Failed != 1 || runs[1].Rules[0] != "rules/junk.lua" {
		t.Errorf("older run = %+v", runs[1])
	}
	if _, err := Read(dir, "../x"); err == nil || !strings.Contains(err.Error(), "bad run id") {
		t.Errorf("Read of a path: %v", err)
	}
	if _, err := Read(dir, "20200101T000000.000000-000000"); err == nil || !strings.Contains(err.Error(), "no run") {
		t.Errorf("Read of an unknown run: %v", err)
	}
}

func TestWriteNothingLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "journal")
	Open(dir, NewRunID(time.Now()), "r.lua").Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a run without actions created %s (%v)", dir, err)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	var ids []string
	for _, age := range []time.Duration{40 * 24 * time.Hour, 10 * 24 * time.Hour, 5 * 24 * time.Hour, time.Hour} {
		id := NewRunID(now.Add(-age))
		ids = append(ids, id)
		w := Open(dir, id, "r.lua")
		w.Write(Entry{Phase: Begin, Action: "delete", Mailbox: "INBOX", UIDs: []uint32{1}})
		w.Save([]byte(strings.Repeat("x", 1000)))
		w.Close()
	}
	if err := Prune(dir, now, 30*24*time.Hour, 1<<30); err != nil {
		t.Fatal(err)
	}
	left, _ := runIDs(dir)
	if len(left) != 3 || left[0] != ids[1] {
		t.Fatalf("after pruning by age: %q", left)
	}
	if _, err := os.Stat(filepath.Join(dir, ids[0])); !os.IsNotExist(err) {
		t.Error("the saved messages of a pruned run are still there")
	}
	// By size: keep what fits, newest last to go.
	if err := Prune(dir, now, 30*24*time.Hour, 2500); err != nil {
		t.Fatal(err)
	}
	left, _ = runIDs(dir)
	if len(left) != 2 || left[1] != ids[3] {
		t.Fatalf("after pruning by size: %q", left)
	}
}

// TestPruneDue: the folder is pruned at the first start, then not again
// until the period has passed, whatever piles up meanwhile.
func TestPruneDue(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	run := func(at time.Time) {
		t.Helper()
		w := Open(dir, NewRunID(at), "r.lua")
		w.Write(Entry{Phase: Begin, Action: "delete", Mailbox: "INBOX", UIDs: []uint32{1}})
		w.Close()
	}
	count := func() int {
		t.Helper()
		ids, err := runIDs(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(ids)
	}
	old := now.Add(-40 * 24 * time.Hour)
	run(old)
	if err := PruneDue(dir, now, MaxAge, MaxBytes, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("first start: %d runs left, want the old one pruned", n)
	}
	run(old)
	for _, at := range []time.Time{now.Add(time.Minute), now.Add(59 * time.Minute)} {
		if err := PruneDue(dir, at, MaxAge, MaxBytes, time.Hour); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Fatalf("%v after the last prune: %d runs, want it left for the next period", at.Sub(now), n)
		}
	}
	if err := PruneDue(dir, now.Add(time.Hour), MaxAge, MaxBytes, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("a period later: %d runs left", n)
	}
	// A clock set back (a stamp from the future) prunes rather than waits.
	run(old)
	if err := PruneDue(dir, now, MaxAge, MaxBytes, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("clock set back: %d runs left", n)
	}
}
