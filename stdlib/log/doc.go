// Package log is the Lua module "log": leveled, structured logging into
// the run's logger (the slog.Logger of package host).
//
//	local log = require("log")
//	log.info("moved", {count = n, to = "Archive"})
//	log.warning("quota at %d%%", pct)          -- string.format arguments
//	log.error("login failed", {user = u, err = tostring(e)})
//	log.log("debug", "raw", {line = l})
//
// Functions debug, info, warning (alias warn), error, critical and
// log(level, ...) take a message, optional string.format arguments, and
// an optional last table of fields. Fields become slog attributes (sorted
// by key; nested tables become groups, arrays lists); every record also
// carries "source", the Lua file and line of the call. Levels map to
// slog: debug -4, info 0, warning 4, error 8, critical 12.
package log
