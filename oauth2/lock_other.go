//go:build !unix

package oauth2

import "io/fs"

// lockFile is a no-op where flock is missing: refreshes are serialised
// within the process only.
func lockFile(dir, name string) (unlock func(), err error) { return func() {}, nil }

func inode(fs.FileInfo) uint64 { return 0 }
