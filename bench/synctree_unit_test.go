package bench

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// treeOf returns every path under root with its contents ("/" for a
// folder) and modification time.
func treeOf(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		info, _ := d.Info()
		content := "/"
		if !d.IsDir() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			content = string(b)
		}
		out[rel] = content + " " + info.Mode().String() + " " + info.ModTime().UTC().Format(time.RFC3339Nano)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeAt(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func TestSyncTree(t *testing.T) {
	day := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	src := filepath.Join(t.TempDir(), "Maildir")
	writeAt(t, filepath.Join(src, "Rules/cur/1.M1:2,S"), "message one", day)
	writeAt(t, filepath.Join(src, "Rules/cur/2.M2:2,"), "message two", day.Add(time.Hour))
	writeAt(t, filepath.Join(src, "Rules/dovecot.index"), "index v1", day)
	writeAt(t, filepath.Join(src, "Rules/dovecot-uidlist"), "3 V1 N3\n", day)
	if err := os.MkdirAll(filepath.Join(src, "Archive/cur"), 0o700); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "Maildir")
	if err := syncTree(src, dst); err != nil {
		t.Fatal(err)
	}
	want := treeOf(t, src)
	if got := treeOf(t, dst); !maps.Equal(got, want) {
		t.Fatalf("first copy:\n got %v\nwant %v", got, want)
	}

	// A rule's run: a message moved (hard link in Archive, unlinked in
	// Rules), the index rewritten in place with the same size and time,
	// new files and folders.
	if err := os.Link(filepath.Join(dst, "Rules/cur/2.M2:2,"), filepath.Join(dst, "Archive/cur/9.M9:2,")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dst, "Rules/cur/2.M2:2,"))
	writeAt(t, filepath.Join(dst, "Rules/dovecot.index"), "index v2", day)
	writeAt(t, filepath.Join(dst, "Rules/dovecot.index.log"), "log", day)
	writeAt(t, filepath.Join(dst, "Archive/dovecot-uidlist"), "2 V2 N2\n", day)
	writeAt(t, filepath.Join(dst, "Junk/cur/5.M5:2,"), "junk", day)
	if err := syncTree(src, dst); err != nil {
		t.Fatal(err)
	}
	if got := treeOf(t, dst); !maps.Equal(got, want) {
		t.Fatalf("restore:\n got %v\nwant %v", got, want)
	}
	// The snapshot is a copy: writing the restored files leaves it alone.
	writeAt(t, filepath.Join(dst, "Rules/cur/1.M1:2,S"), "changed", day)
	if got := treeOf(t, src); !maps.Equal(got, want) {
		t.Fatalf("the snapshot changed:\n got %v\nwant %v", got, want)
	}
}
