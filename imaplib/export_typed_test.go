package imaplib

import "testing"

// SetMaxCommandLine lowers the command line limit of the typed API for
// the rest of test t. Tests that call it must not be parallel.
func SetMaxCommandLine(t *testing.T, n int) {
	t.Helper()
	old := maxCommandLine
	maxCommandLine = n
	t.Cleanup(func() { maxCommandLine = old })
}
