// Package host is what an embedding program grants the Lua state of one run:
// its context, where its output and logs go, its permissions, and the
// connections it opened, so that all of them are closed when the run ends.
//
// The engine creates one Host per run and attaches it to the run's LState
// with Set; the stdlib modules read it back with Get. A state without a Host
// gets a restrictive default: no permissions beyond the network, output to
// io.Discard, a background context.
package host
