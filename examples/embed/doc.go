// Command embed shows a Go program embedding the mailscript engine: it
// hands its scripts a Go value of its own (a notifier that collects
// alerts) and a custom Lua module (the program's settings), runs a rule,
// and reads the result.
//
// Run it with go run ./examples/embed.
package main
