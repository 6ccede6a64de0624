package engine

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/mailscript/mailscript/host"
)

// Shards. A watch can be split over N processes (or machines): each
// takes the accounts whose name hashes to its shard, and watches only
// their mailboxes. The rules' main chunks, engine.every and
// engine.on_file run in every shard; only the triggers of accounts
// (mail.on_new, mail.on_change) are split, so that every mailbox is
// watched by exactly one shard. Each shard keeps its own state.

// Shard is a part of the accounts: Index of Count, from 0.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N", I from 0 to N-1.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("engine: shard %q: want I/N with 0 <= I < N, such as 0/3", s)
	}
	return Shard{i, n}, nil
}

// String returns "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Owns reports whether the account named name (user@host) is in the
// shard: the FNV-1a hash of the name, modulo Count, is Index.
func (s Shard) Owns(name string) bool {
	if s.Count <= 1 {
		return true
	}
	return ShardOf(name, s.Count) == s.Index
}

// ShardOf returns the shard, of n, of the account named name.
func ShardOf(name string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % uint32(n))
}

// WithShard makes the engine watch only the accounts of shard s: the
// triggers of other accounts are dropped when a rule registers them.
func WithShard(s Shard) Option {
	return func(e *Engine) { e.shard = s }
}

// ownTriggers returns the triggers of the engine's shard among trigs.
func (e *Engine) ownTriggers(rule string, trigs []host.Trigger) []host.Trigger {
	if e.shard.Count <= 1 {
		return trigs
	}
	var own []host.Trigger
	others := 0
	for _, t := range trigs {
		if accts := triggerAccounts(t); len(accts) > 0 && !e.shard.Owns(accts[0]) {
			others++
			continue
		}
		own = append(own, t)
	}
	if others > 0 {
		e.logger.Info("triggers of accounts of other shards left to them", "file", rule, "shard", e.shard.String(), "kept", len(own), "left", others)
	}
	return own
}
