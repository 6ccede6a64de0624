package scripts

import "embed"

// FS holds the starter rules, *.lua at its root, in the order they are
// meant to run when sorted by name.
//
//go:embed *.lua
var FS embed.FS
