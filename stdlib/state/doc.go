// Package state is the Lua module "state": values a rule keeps across its
// runs and across restarts of the program.
//
//	local state = require("state")
//	local n = state.get("count") or 0
//	state.set("count", n + 1)
//
// state.get(key) returns the value stored under key, or nil.
// state.set(key, value) stores value: a string (valid UTF-8), a number, a
// boolean, or a table of those (nested tables too) whose keys are all
// strings or which is a sequence 1..n; nil deletes the key. Anything else
// (functions, userdata, cycles, mixed keys) is refused with an error that
// says where. Each set is written to disk before it returns.
//
// The store belongs to the rule (one per rule file) and is provided by
// the engine (host.Host.State): the folder given by the engine's
// WithStateDir, the CLI's --state-dir. Under a host without a store the
// functions raise an error.
package state
