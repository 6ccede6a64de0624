package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The state of rules (state.get/set, the progress of mail.on_new and
// mbox:new_since) is kept in one small JSON file per rule in the state
// folder, replaced atomically on every change: the new content is written
// to a temporary file in the same folder, synced, renamed over the old
// file, and the folder is synced. A crash leaves the old or the new
// content, never a mix. One file per rule keeps rules independent (a
// damaged file harms one rule only), lets `mailscript run` and a running
// `mailscript watch` use the folder at the same time without a database
// lock, and lets users read their rules' state with any text tool. The
// data of a rule is small (a few keys), so rewriting its file is cheap.
//
// Without a state folder the engine keeps state in memory: it survives
// the restart of a rule within the program, not the program's end.

// stateStores hands out the store of each rule; stores are shared by the
// successive runs of one rule.
type stateStores struct {
	dir string // "" keeps state in memory

	mu     sync.Mutex
	byRule map[string]*ruleState
}

func newStateStores(dir string) *stateStores {
	return &stateStores{dir: dir, byRule: make(map[string]*ruleState)}
}

// forRule returns the store of the rule named name (a file path, or the
// name given to RunString).
func (s *stateStores) forRule(name string) *ruleState {
	if abs, err := filepath.Abs(name); err == nil && !strings.ContainsAny(name, "\n") {
		if _, err := os.Stat(name); err == nil {
			name = abs
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs := s.byRule[name]; rs != nil {
		return rs
	}
	rs := &ruleState{rule: name}
	if s.dir != "" {
		rs.path = filepath.Join(s.dir, stateFileName(name))
	}
	s.byRule[name] = rs
	return rs
}

// stateFileName is the file of a rule's state: the rule's base name,
// readable, and a hash of its full name, unique.
func stateFileName(rule string) string {
	sum := sha256.Sum256([]byte(rule))
	base := strings.TrimSuffix(filepath.Base(rule), ".lua")
	base = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, base)
	if len(base) > 40 {
		base = base[:40]
	}
	return base + "-" + hex.EncodeToString(sum[:6]) + ".json"
}

// ruleState is the store of one rule; it implements host.State.
type ruleState struct {
	rule string
	path string // "" in memory

	mu     sync.Mutex
	loaded bool
	data   map[string]json.RawMessage
	// pending holds the changes of a batch (Begin..Commit), a nil value
	// deleting its key; nil when no batch is open.
	pending map[string]json.RawMessage
	// saves holds, for each batch opened inside another (a backfill in an
	// on_new callback), pending as it was when it began.
	saves []map[string]json.RawMessage
}

// stateFile is the content of a state file.
type stateFile struct {
	Rule   string                     `json:"rule"`
	Values map[string]json.RawMessage `json:"values"`
}

func (r *ruleState) load() error {
	if r.loaded {
		return nil
	}
	r.data = make(map[string]json.RawMessage)
	if r.path != "" {
		raw, err := os.ReadFile(r.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("engine: state of %s: %w", r.rule, err)
		default:
			var f stateFile
			if err := json.Unmarshal(raw, &f); err != nil {
				return fmt.Errorf("engine: state file %s is damaged (%w); move it away to start the rule afresh", r.path, err)
			}
			if f.Values != nil {
				r.data = f.Values
			}
		}
	}
	r.loaded = true
	return nil
}

// Get returns the value of key.
func (r *ruleState) Get(key string) ([]byte, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.load(); err != nil {
		return nil, false, err
	}
	v, ok := r.data[key]
	if pv, inBatch := r.pending[key]; inBatch {
		v, ok = pv, pv != nil
	}
	return bytes.Clone(v), ok, nil
}

// Begin opens a batch: Sets are only recorded until Commit writes them
// all at once, or Rollback forgets them (host.Batcher). A batch opened
// inside another is part of it: its Commit keeps its changes for the
// outer batch's Commit, its Rollback forgets only its own changes.
func (r *ruleState) Begin() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending != nil {
		r.saves = append(r.saves, maps.Clone(r.pending))
		return
	}
	r.pending = map[string]json.RawMessage{}
}

// Rollback forgets the changes of the open batch.
func (r *ruleState) Rollback() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.saves); n > 0 {
		r.pending, r.saves = r.saves[n-1], r.saves[:n-1]
		return
	}
	r.pending = nil
}

// Commit writes the changes of the open batch in one atomic write and
// closes it (an inner batch leaves them to the outer one). When writing
// fails, nothing changes and the batch is closed.
func (r *ruleState) Commit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.saves); n > 0 {
		r.saves = r.saves[:n-1]
		return nil
	}
	changes := r.pending
	r.pending = nil
	if len(changes) == 0 {
		return nil
	}
	if err := r.load(); err != nil {
		return err
	}
	return r.write(changes)
}

// Set stores value under key (nil deletes) and writes the file before it
// returns. When writing fails, nothing changes.
func (r *ruleState) Set(key string, value []byte) error {
	if value != nil && !json.Valid(value) {
		return fmt.Errorf("engine: state of %s: value of %q is not JSON", r.rule, key)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.load(); err != nil {
		return err
	}
	if r.pending != nil {
		r.pending[key] = bytes.Clone(value)
		return nil
	}
	return r.write(map[string]json.RawMessage{key: value})
}

// write applies changes (a nil value deletes its key) and writes the file;
// when writing fails, nothing changes. r.mu is held.
func (r *ruleState) write(changes map[string]json.RawMessage) error {
	next := make(map[string]json.RawMessage, len(r.data)+len(changes))
	for k, v := range r.data {
		next[k] = v
	}
	for key, value := range changes {
		if value == nil {
			delete(next, key)
		} else {
			next[key] = bytes.Clone(value)
		}
	}
	if r.path != "" {
		raw, err := json.MarshalIndent(stateFile{Rule: r.rule, Values: next}, "", "  ")
		if err != nil {
			return fmt.Errorf("engine: state of %s: %w", r.rule, err)
		}
		if err := writeAtomic(r.path, append(raw, '\n')); err != nil {
			return fmt.Errorf("engine: state of %s: %w", r.rule, err)
		}
	}
	r.data = next
	return nil
}

// Keys returns the keys stored, for status reports.
func (r *ruleState) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.load() != nil {
		return nil
	}
	keys := make([]string, 0, len(r.data))
	for k := range r.data {
		if v, inBatch := r.pending[k]; !inBatch || v != nil {
			keys = append(keys, k)
		}
	}
	for k, v := range r.pending {
		if _, ok := r.data[k]; !ok && v != nil {
			keys = append(keys, k)
		}
	}
	return keys
}

// writeAtomic replaces the file at path with data: temporary file in the
// same folder, fsync, rename, fsync of the folder. The folder is created
// (0700: state may tell what mail a user has) when missing.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// DefaultStateDir returns the state folder used by the CLI when none is
// given: $XDG_STATE_HOME/mailscript, else ~/.local/state/mailscript.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mailscript"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("engine: no state folder: %w", err)
	}
	return filepath.Join(home, ".local", "state", "mailscript"), nil
}
