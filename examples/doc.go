// Package examples holds mailscript's runnable examples: Lua scripts, each
// with a header saying what it shows and how to run it, a Python script
// next to its Lua translation, and Go programs embedding the engine (in
// subfolders). The package itself has no code: its tests run every
// example against the in-process demo server and check what it did.
package examples
