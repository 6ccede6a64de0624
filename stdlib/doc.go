// Package stdlib holds the Lua modules that mailscript scripts `require`.
//
// Each module lives in its own package below this folder (imaplib, email,
// re, json, time, log, ...) and exports a Loader. Preload registers all of
// them on a Lua state so that `require("name")` finds them; the host
// environment of a run (permissions, output, logger, tracked connections)
// is attached with package host.
package stdlib
