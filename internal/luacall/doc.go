// Package luacall is Lua's pcall for gopher-lua states, without a fault of
// gopher-lua's own.
//
// When an error is raised under gopher-lua's pcall (or a Go PCall without
// an error handler), gopher-lua closes the open upvalues of every Lua
// frame of the state, those below the protected call too
// (yuin/gopher-lua#448). A function that keeps a count in a local of the
// script, called under pcall, then counts in a copy of that local after
// its first error, and the script never sees the count change again:
//
//	local failures = 0
//	local function try(uid) ... failures = failures + 1 ... error(...) end
//	for _, uid in ipairs(uids) do pcall(try, uid) end
//	print(failures) -- 1, however many failed
//
// Pcall, Lua's pcall, runs the protected function in a coroutine of its
// own. An error unwinds and closes only the coroutine's frames, as Lua
// closes only the frames of the failed call; the script's locals stay
// shared with every closure that uses them. Install puts it in a state's
// globals. xpcall stays gopher-lua's: with an error handler, gopher-lua
// closes nothing, and the handler must run where the error was raised.
//
// The cost is a coroutine per protected call: about 14 µs and 27 KB
// (BenchmarkPcall), against well under a microsecond for gopher-lua's
// pcall. A script's protected calls are around IMAP commands, which
// take far longer.
package luacall
