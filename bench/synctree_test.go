package bench

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// syncTree makes the folder dst a copy of src: same files, contents,
// modes, owners and times (Maildir file times are internal dates), nothing
// else. Files are copied, never linked, as Dovecot changes its index files
// in place. A message file (in a cur or new folder) that dst already has
// with the same size and time is kept: Maildir never changes a message
// file, it renames it (flags) or unlinks it (expunge); so a restore after
// a rule moved 20,000 of 200,000 messages copies those and the indexes,
// not the mailbox.
func syncTree(src, dst string) error {
	want := map[string]bool{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		want[rel] = true
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if err := os.MkdirAll(target, info.Mode().Perm()); err != nil {
				return err
			}
			return keepAttrs(target, info)
		}
		if dir := filepath.Base(filepath.Dir(rel)); dir == "cur" || dir == "new" {
			if have, err := os.Lstat(target); err == nil && have.Size() == info.Size() && have.ModTime().Equal(info.ModTime()) {
				return nil
			}
		}
		return copyFile(path, target, info)
	})
	if err != nil {
		return fmt.Errorf("bench: restore %s: %w", dst, err)
	}
	// Whatever src does not have goes, deepest first.
	var extra []string
	filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dst, path)
		if err == nil && !want[rel] {
			extra = append(extra, path)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	for _, p := range extra {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("bench: restore %s: %w", dst, err)
		}
	}
	// Folder times last: adding and removing files changed them.
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		return os.Chtimes(filepath.Join(dst, rel), info.ModTime(), info.ModTime())
	})
}

// copyFile copies the regular file src (described by info) to dst.
func copyFile(src, dst string, info fs.FileInfo) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return keepAttrs(dst, info)
}

// keepAttrs gives path the mode, owner and time of info.
func keepAttrs(path string, info fs.FileInfo) error {
	if err := os.Chmod(path, info.Mode().Perm()); err != nil {
		return err
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		if err := os.Lchown(path, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	return os.Chtimes(path, info.ModTime(), info.ModTime())
}
