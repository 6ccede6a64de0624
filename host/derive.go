package host

import "context"

// Derive returns a Host for work done on behalf of h apart from its run, such
// as a trigger's own IMAP session: the same output, logger, trace, permissions,
// script folder, dry-run switch, environment, state and tuning, but ctx as its
// context and connections of its own, closed by its CloseAll and not by h's.
// The derived Host registers no triggers (Reactive is false).
//
// Every exported field of Host but Context and Reactive is copied, so a field
// added later reaches derived hosts without a change here.
func (h *Host) Derive(ctx context.Context) *Host {
	return &Host{
		Context:   ctx,
		Stdout:    h.Stdout,
		Logger:    h.Logger,
		Debug:     h.Debug,
		Perms:     h.Perms,
		ScriptDir: h.ScriptDir,
		DryRun:    h.DryRun,
		Env:       h.Env,
		State:     h.State,
		Tuning:    h.Tuning,
	}
}
