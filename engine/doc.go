// Package engine runs mailscript's Lua scripts: once on demand, over a
// watched folder of rules, or inside another Go program.
//
// An Engine is made once, with options, and is then safe for concurrent
// use:
//
//	e := engine.New(
//		engine.WithStdout(os.Stdout),
//		engine.WithLogger(logger),
//		engine.WithTimeout(5*time.Minute),
//	)
//	res, err := e.Run(ctx, "scripts/newsletters.lua")
//
// # Runs
//
// Every run gets a fresh Lua state, used by one goroutine only and closed
// at the end; compiled chunks are cached by file name and content, so a
// rule that did not change is not compiled again. The standard modules of
// package stdlib and the host's own modules (WithModule) are preloaded for
// require; Go values of the host (WithGlobal) are globals, bridged with
// gopher-luar. As with the lua command, a script's arguments are in the
// table arg (arg[0] is the script) and in the chunk's "...".
//
// A run ends when the script ends, fails, calls os.exit (which ends the
// run, never the program), when its context is done, or when the engine's
// timeout passes. The context stops the Lua VM between two instructions
// and, because a Go function blocked on the network does not see it, also
// closes every connection the run opened (modules register them with
// host.Host.Track); a connection is closed the same way when the script
// fails or forgets to close it. Each run returns a Result: file, start,
// duration, the error (a *ScriptError with file:line and the Lua
// traceback, or an *ExitError), the output when captured (WithCapture),
// and the Lua files it loaded.
//
// # Sandbox
//
// Scripts may use the network, read environment variables, read the clock,
// and read and require the files of their own folder. Everything else is
// refused unless the host grants it with WithPermissions (the CLI's
// --allow-run, --allow-read, --allow-write and --allow-all): running
// programs (os.execute, io.popen), reading other files (io.open, io.lines,
// dofile, loadfile, require along a changed package.path), writing files
// (io.open for writing, os.remove, os.rename, os.tmpname, io.tmpfile). A
// refused call raises a Lua error naming the permission, and the run's
// error matches host.ErrPermission with errors.Is. Native code
// (package.loadlib) and binary chunks are never loaded; string.dump is
// absent; of the debug library only debug.traceback remains; os.setenv
// changes the run's own view of the environment only. Limits bound the
// call depth and the value stack, so runaway recursion is an error, not a
// crash.
//
// # Rules that react
//
// A rule may register triggers while it runs: mail.on_new(mbox, fn) and
// mail.on_change(mbox, fn) (package stdlib/mail), engine.every(interval,
// fn) and engine.on_file(path, fn) (the Lua module "engine", ModuleName;
// on_file needs read permission for path). Such a rule stays alive after
// its main chunk: Run returns only when ctx is done (Result.Triggers lists
// them). Each trigger runs on a goroutine of its own and hands its events
// to the rule's goroutine, the only one that touches the Lua state, so
// the rule's callbacks run one at a time. A failing callback is logged
// and the rule goes on. The engine's timeout bounds the main chunk and,
// unless host.Tuning.CallbackTimeout says otherwise, each callback.
//
// When the rule must stop (ctx done, its file changed or deleted under
// Watch), triggers stop at once (IDLE ended with DONE, connections logged
// out) and a callback in progress may finish within WithShutdownGrace.
// Status reports the active rules and the state of each trigger (idle,
// polling, reconnecting and why...), and every change of state is logged.
//
// # State
//
// Each rule has a store (the Lua module "state": state.get, state.set;
// and the progress of mail.on_new and mbox:new_since) that survives
// restarts when the engine has WithStateDir: one JSON file per rule,
// replaced atomically (temporary file, fsync, rename) at each change.
//
// # Watching a folder
//
// Watch runs the rules of a folder as they change; see its documentation
// for which files are rules and how changes are debounced, serialized and
// coalesced. At start it runs the rules one after another in file-name
// order.
//
// # One account, one rule at a time
//
// Runs of one Engine never interleave their work on one account: the
// mail module takes the account's lock at the first command a main chunk
// or a callback sends to it, and the engine gives it back when the chunk
// or callback ends; a trigger's callback takes its account's lock before
// it starts. Rules on different accounts run in parallel. (An embedder
// running long scripts on one account concurrently sees them run one
// after another.)
//
// # Running as a daemon
//
// WithMetrics keeps Prometheus metrics of the active rules, and Handler
// serves them (/metrics) with a health check (/healthz; see Health).
// host.Tuning bounds every wait: CommandTimeout is the deadline of each
// IMAP command, IdleRenew the IDLE heartbeat that notices a server that
// stopped answering; Coalesce is how long an on_new trigger listens for
// further news before it looks (latency.go has the latency it adds). LockStateDir keeps two processes from sharing a
// state folder, and WithShard splits the accounts' triggers over several
// processes (Shard, ShardOf).
package engine
