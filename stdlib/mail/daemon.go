package mail

// What the engine's watch asks of triggers to run as a daemon: the
// account a trigger watches, to serialise the rules that act on it and to
// pick the shard that watches it.

// Account returns the account the trigger watches, user@host: the name
// rules are serialised by and sharded by.
func (t *NewMailTrigger) Account() string { return t.owner.acct.Name() }

// Account returns the account the trigger watches, user@host.
func (t *ChangeTrigger) Account() string { return t.owner.acct.Name() }
