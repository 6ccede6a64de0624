package engine

import (
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/acctlock"
)

// Per-account serialisation. Rules run concurrently, but two rules never
// interleave their work on one account: the mail module takes the
// account's lock (internal/acctlock) at the first command a main chunk
// or a callback sends on it, and the engine gives it back when the chunk
// or the callback ends. A trigger's callback takes the lock of the
// trigger's account before it starts. So a rule that moves mail out of
// INBOX and another that files mail from INBOX see each other's work
// whole, one after the other.

// accountTrigger is a trigger that watches an account (mail.on_new,
// mail.on_change).
type accountTrigger interface {
	Account() string
}

// triggerAccounts returns the accounts t watches.
func triggerAccounts(t host.Trigger) []string {
	if at, ok := t.(accountTrigger); ok {
		if a := at.Account(); a != "" {
			return []string{a}
		}
	}
	return nil
}

// newHolder returns the lock holder of one run of the rule name.
func (e *Engine) newHolder(name string) *acctlock.Holder {
	h := e.locks.Holder()
	h.OnWait = func(key string, waited time.Duration) {
		e.logger.Debug("waited for another rule working on the account", "file", name, "account", key, "waited", waited.Round(time.Millisecond))
	}
	h.OnRequeue = func(held []string, wanted string) {
		e.logger.Info("rule gives its accounts back to wait for another in order (no deadlock)", "file", name, "held", held, "wanted", wanted)
	}
	return h
}
