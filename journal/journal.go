package journal

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits of the journal folder, applied by Prune; PruneEvery is how often
// PruneDue applies them.
const (
	MaxAge     = 30 * 24 * time.Hour
	MaxBytes   = 512 << 20
	PruneEvery = time.Hour
)

// Phases of an entry.
const (
	Begin = "begin"
	End   = "end"
)

// Entry is one line of a run's journal: one action on one mailbox, before
// (Begin) or after (End) it happened.
type Entry struct {
	// Seq numbers the entries of a run from 1; an End entry has the Seq of
	// its Begin in Of.
	Seq int `json:"seq"`
	Of  int `json:"of,omitempty"`
	// Phase is Begin or End.
	Phase string    `json:"phase"`
	Time  time.Time `json:"time"`
	// Rule is the rule's file, Where the Lua line that called the action
	// ("rules/10-junk.lua:17").
	Rule  string `json:"rule,omitempty"`
	Where string `json:"where,omitempty"`
	// Action is move, copy, delete, store, append or create.
	Action string `json:"action"`
	// Account names the account (user@host); AccountConfig is how to reach
	// it again, without its password (JSON of the mail module's Config).
	Account       string          `json:"account"`
	AccountConfig json.RawMessage `json:"account_config,omitempty"`
	// Mailbox and UIDValidity locate the messages, UIDs are them.
	Mailbox     string   `json:"mailbox"`
	UIDValidity uint32   `json:"uidvalidity,omitempty"`
	UIDs        []uint32 `json:"uids,omitempty"`
	// MessageIDs and Flags are each message's Message-ID and flags before
	// the action, by UID.
	MessageIDs map[uint32]string   `json:"message_ids,omitempty"`
	Flags      map[uint32][]string `json:"flags,omitempty"`
	// Saved are the files (relative to the journal folder) holding copies
	// of messages about to be deleted, by UID.
	Saved map[uint32]string `json:"saved,omitempty"`
	// Dates are the internal dates of the saved messages, by UID.
	Dates map[uint32]time.Time `json:"dates,omitempty"`
	// Op and StoreFlags describe a flag change: +FLAGS, -FLAGS or FLAGS.
	Op         string   `json:"op,omitempty"`
	StoreFlags []string `json:"store_flags,omitempty"`
	// Dest is the destination mailbox of a move or copy (DestAccount when
	// it is another account's), DestUIDValidity and DestUIDs what the
	// server said the messages became there (COPYUID, APPENDUID): DestUIDs[i]
	// is the copy of UIDs[i]; 0 where it is not known.
	Dest            string   `json:"dest,omitempty"`
	DestAccount     string   `json:"dest_account,omitempty"`
	DestUIDValidity uint32   `json:"dest_uidvalidity,omitempty"`
	DestUIDs        []uint32 `json:"dest_uids,omitempty"`
	// Count is what the server confirmed, Err the action's error.
	Count int    `json:"count,omitempty"`
	Err   string `json:"err,omitempty"`
	// Why says how the messages were chosen.
	Why []Reason `json:"why,omitempty"`
}

// Reason is one step of how a set of messages was chosen: a SEARCH sent to
// the server, or a match on a header made by mailscript.
type Reason struct {
	// Where is the Lua line of the step.
	Where string `json:"where,omitempty"`
	// Search is the SEARCH criteria sent, as on the wire.
	Search string `json:"search,omitempty"`
	// Match is the kind of match ("subject", "header List-Id", ...) and
	// Pattern the pattern; Values hold, per UID, the raw header value the
	// pattern was tried on and its decoded form.
	Match   string               `json:"match,omitempty"`
	Pattern string               `json:"pattern,omitempty"`
	Values  map[uint32][2]string `json:"values,omitempty"`
}

// Writer appends the entries of one run to its file. Its methods may be
// called from several goroutines.
type Writer struct {
	dir  string
	run  string
	rule string

	mu   sync.Mutex
	f    *os.File
	seq  int
	err  error
	save int
}

// idTime is the layout of the time in a run id: UTC to the microsecond,
// so that ids sort in the order the runs started.
const idTime = "20060102T150405.000000"

// NewRunID returns a new run id: the time of the run and a random suffix
// ("20261205T142233.048211-3fa9c1").
func NewRunID(now time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return now.UTC().Format(idTime) + "-" + hex.EncodeToString(b[:])
}

// Open starts the journal of run in dir (created if needed) for the rule
// file rule. The file is created on the first entry, so runs that act on
// no mail leave nothing behind.
func Open(dir, run, rule string) *Writer {
	return &Writer{dir: dir, run: run, rule: rule}
}

// Run is the run's id.
func (w *Writer) Run() string { return w.run }

// Write appends e, numbering it, and syncs the file when e is a Begin
// entry, before the action it announces. It returns e's Seq.
func (w *Writer) Write(e Entry) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.f == nil {
		if err := os.MkdirAll(w.dir, 0o700); err != nil {
			w.err = fmt.Errorf("journal: %w", err)
			return 0, w.err
		}
		f, err := os.OpenFile(filepath.Join(w.dir, w.run+".jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			w.err = fmt.Errorf("journal: %w", err)
			return 0, w.err
		}
		w.f = f
	}
	w.seq++
	e.Seq = w.seq
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.Rule == "" {
		e.Rule = w.rule
	}
	b, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	if _, err := w.f.Write(append(b, '\n')); err != nil {
		w.err = fmt.Errorf("journal: %w", err)
		return 0, w.err
	}
	if e.Phase == Begin {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("journal: %w", err)
			return 0, w.err
		}
	}
	return e.Seq, nil
}

// Save stores a copy of a message about to be deleted and returns its
// file name relative to the journal folder, for Entry.Saved.
func (w *Writer) Save(raw []byte) (string, error) {
	w.mu.Lock()
	w.save++
	n := w.save
	w.mu.Unlock()
	rel := filepath.Join(w.run, fmt.Sprintf("%06d.eml", n))
	p := filepath.Join(w.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return "", fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("journal: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	return filepath.ToSlash(rel), nil
}

// Close closes the run's file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	w.err = errors.New("journal: closed")
	return err
}

// Read returns the entries of a run, in the order they were written. A
// last line cut short by a crash is ignored.
func Read(dir, run string) ([]Entry, error) {
	if strings.ContainsAny(run, `/\`) || run == "" || run[0] == '.' {
		return nil, fmt.Errorf("journal: bad run id %q", run)
	}
	f, err := os.Open(filepath.Join(dir, run+".jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("journal: no run %q in %s (mailscript runs lists them)", run, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 256<<20)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			break // a line cut by a crash: nothing after it was written
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("journal: %s: %w", run, err)
	}
	return out, nil
}

// ReadSaved returns a message saved by Writer.Save.
func ReadSaved(dir, rel string) ([]byte, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("journal: bad saved file %q", rel)
	}
	b, err := os.ReadFile(filepath.Join(dir, clean))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return b, nil
}

// RunInfo sums up a run.
type RunInfo struct {
	ID    string
	Start time.Time
	Rules []string
	// Actions counts the actions by name (move, delete...), Messages the
	// messages they confirmed.
	Actions  map[string]int
	Messages int
	// Failed counts actions that ended with an error or never ended.
	Failed int
}

// Runs lists the runs of dir, newest first.
func Runs(dir string) ([]RunInfo, error) {
	ids, err := runIDs(dir)
	if err != nil {
		return nil, err
	}
	var out []RunInfo
	for i := len(ids) - 1; i >= 0; i-- {
		entries, err := Read(dir, ids[i])
		if err != nil {
			return nil, err
		}
		ri := RunInfo{ID: ids[i], Actions: map[string]int{}}
		ended := map[int]bool{}
		for _, e := range entries {
			if ri.Start.IsZero() {
				ri.Start = e.Time
			}
			if e.Rule != "" && !slices.Contains(ri.Rules, e.Rule) {
				ri.Rules = append(ri.Rules, e.Rule)
			}
			if e.Phase == End {
				ended[e.Of] = true
				ri.Actions[e.Action]++
				if e.Action != "create" {
					ri.Messages += e.Count
				}
				if e.Err != "" {
					ri.Failed++
				}
			}
		}
		for _, e := range entries {
			if e.Phase == Begin && !ended[e.Seq] {
				ri.Failed++
			}
		}
		out = append(out, ri)
	}
	return out, nil
}

// runIDs lists the run ids of dir, oldest first.
func runIDs(dir string) ([]string, error) {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var ids []string
	for _, de := range des {
		if id, ok := strings.CutSuffix(de.Name(), ".jsonl"); ok && !de.IsDir() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Prune removes the runs of dir older than maxAge, then the oldest ones
// while the folder holds more than maxBytes.
func Prune(dir string, now time.Time, maxAge time.Duration, maxBytes int64) error {
	ids, err := runIDs(dir)
	if err != nil {
		return err
	}
	sizes := make([]int64, len(ids))
	var total int64
	for i, id := range ids {
		sizes[i] = du(filepath.Join(dir, id+".jsonl")) + du(filepath.Join(dir, id))
		total += sizes[i]
	}
	for i, id := range ids {
		t, err := time.Parse(idTime, strings.SplitN(id, "-", 2)[0])
		old := err == nil && now.Sub(t) > maxAge
		if !old && total <= maxBytes {
			break
		}
		os.Remove(filepath.Join(dir, id+".jsonl"))
		os.RemoveAll(filepath.Join(dir, id))
		total -= sizes[i]
	}
	return nil
}

// pruneStamp is the file whose modification time is the last prune.
const pruneStamp = ".pruned"

// PruneDue prunes dir as Prune does, unless it was pruned less than every
// ago (by PruneDue, in this process or another). Pruning sizes every run
// of the folder, which for a rule run every minute means tens of
// thousands of files a month; PruneDue keeps that off most runs' start.
// The folder may hold, beyond the limits, the runs of one period.
func PruneDue(dir string, now time.Time, maxAge time.Duration, maxBytes int64, every time.Duration) error {
	stamp := filepath.Join(dir, pruneStamp)
	if fi, err := os.Stat(stamp); err == nil {
		if d := now.Sub(fi.ModTime()); d >= 0 && d < every {
			return nil
		}
	}
	if err := Prune(dir, now, maxAge, maxBytes); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.WriteFile(stamp, nil, 0o600); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.Chtimes(stamp, now, now); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// du is the size of a file or of the files of a folder.
func du(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
