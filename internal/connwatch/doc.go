// Package connwatch observes the IMAP connections of a rule: how many
// are open, how many commands they send and how long the server takes
// to answer each (the time from the command line to its tagged
// response).
//
// The engine puts an Observer in the context of a run (NewContext); the
// mail module passes each connection it opens through Wrap, which returns
// it unchanged when the context has no observer. The observed connection
// reads the protocol stream without changing it: a command is a line the
// client writes that starts with a tag, its answer the first line the
// server writes that starts with the same tag. IDLE commands are counted
// but not timed (their answer comes when the client ends them).
//
// ForAccount relabels a context for the connections of one account's
// watchers, so that the engine can tell how many each account holds.
package connwatch
