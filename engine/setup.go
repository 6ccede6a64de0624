package engine

import lua "github.com/yuin/gopher-lua"

// WithSetup runs fn on every run's Lua state after the modules and
// globals are in place and before the script starts: a host uses it to
// give scripts a vocabulary of globals (as the imapfilter command gives
// imapfilter's). An error fails the run before the script runs.
func WithSetup(fn func(L *lua.LState) error) Option {
	return func(e *Engine) { e.setups = append(e.setups, fn) }
}

// WithTeardown runs fn on every run's Lua state once its main chunk has
// ended, whether it returned or failed (err is how it ended, nil when it
// returned), while the state and the run's connections are still there:
// a host uses it to finish work its vocabulary deferred (the imapfilter
// command expunges the messages a config moved). An error of fn fails a
// run that had not failed already.
func WithTeardown(fn func(L *lua.LState, err error) error) Option {
	return func(e *Engine) { e.ends = append(e.ends, fn) }
}

// WithSource makes every run compile fn(name, src) in place of the
// source it read (a file, or RunString's string): a host uses it to take
// in a dialect (the imapfilter command translates the string escapes of
// Lua 5.2). fn must keep the source's lines where they are, since errors
// name them. An error of fn fails the run before it starts.
func WithSource(fn func(name string, src []byte) ([]byte, error)) Option {
	return func(e *Engine) { e.source = fn }
}
