package engine

import lua "github.com/yuin/gopher-lua"

// WithSetup runs fn on every run's Lua state after the modules and
// globals are in place and before the script starts: a host uses it to
// give scripts a vocabulary of globals (as the imapfilter command gives
// imapfilter's). An error fails the run before the script runs.
func WithSetup(fn func(L *lua.LState) error) Option {
	return func(e *Engine) { e.setups = append(e.setups, fn) }
}
