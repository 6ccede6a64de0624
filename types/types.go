package types

import "embed"

// FS holds the annotation files, *.lua at its root.
//
//go:embed *.lua
var FS embed.FS
