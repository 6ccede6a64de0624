package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchOption configures Watch.
type WatchOption func(*watchConfig)

type watchConfig struct {
	onResult    func(*Result)
	debounce    time.Duration
	parallel    int
	skipInitial bool
	poll        time.Duration
	retry       time.Duration
}

// DefaultWatchTimeout limits each run of Watch when the engine has no
// timeout of its own, so that a rule that hangs frees its place.
const DefaultWatchTimeout = 10 * time.Minute

// WithOnResult has f called with the result of every run. Calls are
// serialized: f need not be safe for concurrent use, but a slow f delays
// the reports of other runs.
func WithOnResult(f func(*Result)) WatchOption {
	return func(c *watchConfig) { c.onResult = f }
}

// WithDebounce sets how long a file must stay unchanged before it runs;
// default 100ms.
func WithDebounce(d time.Duration) WatchOption {
	return func(c *watchConfig) {
		if d > 0 {
			c.debounce = d
		}
	}
}

// WithParallel sets how many rules may run at once; default 4.
func WithParallel(n int) WatchOption {
	return func(c *watchConfig) {
		if n > 0 {
			c.parallel = n
		}
	}
}

// WithSkipInitial skips running every rule once when Watch starts.
func WithSkipInitial() WatchOption {
	return func(c *watchConfig) { c.skipInitial = true }
}

// WithPolling makes Watch look for changes by listing the folders every
// interval instead of asking the operating system to report them; for
// network and other file systems without change notification. Watch
// falls back to polling every second by itself when notification fails.
func WithPolling(interval time.Duration) WatchOption {
	return func(c *watchConfig) {
		if interval > 0 {
			c.poll = interval
		}
	}
}

// Watch runs the rules of the folder dir and its subfolders as they
// change, until ctx is done; it returns after the runs in progress have
// stopped. Its error is nil then, and not nil only when dir cannot be
// watched at all.
//
// Rules are the *.lua files of the folder tree, except modules: files in a
// folder named lib, files whose name starts with "_", and files a rule
// loaded with require (or dofile, loadfile) during its last run. When a
// module changes, the rules that loaded it run again instead. Names
// starting with "." (editor lock and swap files) are ignored, and so is
// every other file.
//
// At start every rule runs once (unless SkipInitial); then a rule runs
// when it is created or saved, once its file has been quiet for the
// debounce delay, so that a burst of writes and an editor's
// write-then-rename save make one run. A deleted rule's pending run is
// dropped. Runs of one rule never overlap: changes during a run make one
// more run after it. At most Parallel rules run at once; each run is
// limited by the engine's timeout, or DefaultWatchTimeout, and a failing
// or hanging rule never stops the others. If dir vanishes, Watch waits
// for it to come back and then runs all its rules.
//
// A rule that registers triggers stays alive (without holding one of the
// WithParallel places) until it changes, which stops it and runs the new
// version, or is deleted, which stops it, or Watch ends.
func (e *Engine) Watch(ctx context.Context, dir string, opts ...WatchOption) error {
	cfg := watchConfig{debounce: 100 * time.Millisecond, parallel: 4, retry: 500 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("engine: watch: %w", err)
	}
	if st, err := os.Stat(root); err != nil {
		return fmt.Errorf("engine: watch: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("engine: watch: %s is not a folder", dir)
	}
	runner := e
	if e.timeout == 0 {
		c := *e
		c.timeout = DefaultWatchTimeout
		runner = &c
	}
	wl := &watchLoop{
		e:        runner,
		root:     root,
		cfg:      cfg,
		dirs:     make(map[string]bool),
		deps:     make(map[string]map[string]bool),
		ruleDeps: make(map[string][]string),
		live:     make(map[string]context.CancelCauseFunc),
	}
	if err := wl.start(); err != nil {
		return err
	}
	defer wl.w.Close()
	wl.s = newScheduler(ctx, cfg.debounce, cfg.parallel, wl.resolve, wl.run)
	rules := wl.addTree(root)
	e.logger.Info("watching", "dir", root, "rules", len(rules), "watcher", fmt.Sprint(wl.w))
	var first sync.WaitGroup
	if !cfg.skipInitial {
		// One after another in file-name order, as demo runs them, so
		// that the outcome of the first pass does not depend on timing.
		first.Add(1)
		go func() {
			defer first.Done()
			wl.firstPass(ctx, rules)
		}()
	}
	wl.loop(ctx)
	first.Wait()
	wl.s.close()
	return nil
}

// firstPass runs rules one after another, each once its predecessor's
// main chunk is over (it ended, or stays alive with triggers).
//
// It starts after the debounce delay. A rule written while Watch was
// starting runs once: by its change, or by the first pass when the change
// is still in its debounce. A save after the change's run runs again.
func (wl *watchLoop) firstPass(ctx context.Context, rules []string) {
	t := time.NewTimer(wl.cfg.debounce)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
		return
	}
	for _, r := range rules {
		if !wl.s.claimFirst(r) {
			continue // written while Watch was starting: it ran already
		}
		done := make(chan struct{})
		wl.s.requestWait(r, done)
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
	wl.e.logger.Debug("first pass done", "dir", wl.root, "rules", len(rules))
}

// watchLoop is the state of one Watch.
type watchLoop struct {
	e    *Engine
	root string
	cfg  watchConfig
	w    watcher
	s    *scheduler
	dirs map[string]bool // watched folders; only the loop goroutine uses it

	mu       sync.Mutex
	deps     map[string]map[string]bool         // module -> rules that loaded it
	ruleDeps map[string][]string                // rule -> modules it loaded
	live     map[string]context.CancelCauseFunc // active rules (with triggers)

	reportMu sync.Mutex
}

// start makes the watcher: fsnotify, or polling when asked or when
// fsnotify cannot watch the folder.
func (wl *watchLoop) start() error {
	if wl.cfg.poll == 0 {
		nw, err := newNotifyWatcher()
		if err == nil {
			if err = nw.Add(wl.root); err == nil {
				wl.w = nw
				return nil
			}
			nw.Close()
		}
		wl.e.logger.Warn("file change notification unavailable; polling", "dir", wl.root, "err", err)
		wl.cfg.poll = time.Second
	}
	pw := newPollWatcher(wl.cfg.poll)
	if err := pw.Add(wl.root); err != nil {
		pw.Close()
		return fmt.Errorf("engine: watch: %w", err)
	}
	wl.w = pw
	return nil
}

func (wl *watchLoop) loop(ctx context.Context) {
	var retry <-chan time.Time // ticks while the root folder is gone
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-wl.w.Events():
			if !ok {
				return
			}
			if wl.handle(ev) && ticker == nil {
				wl.e.logger.Warn("rules folder vanished; waiting for it", "dir", wl.root)
				ticker = time.NewTicker(wl.cfg.retry)
				retry = ticker.C
			}
		case err, ok := <-wl.w.Errors():
			if !ok {
				return
			}
			wl.e.logger.Warn("watching files", "dir", wl.root, "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Changes were lost: look at everything again.
				for _, r := range wl.addTree(wl.root) {
					wl.s.changed(r)
				}
			}
		case <-retry:
			if st, err := os.Stat(wl.root); err != nil || !st.IsDir() {
				continue
			}
			if err := wl.w.Add(wl.root); err != nil {
				continue
			}
			ticker.Stop()
			ticker, retry = nil, nil
			wl.dirs[wl.root] = true
			rules := wl.addTree(wl.root)
			wl.e.logger.Info("rules folder is back", "dir", wl.root, "rules", len(rules))
			for _, r := range rules {
				wl.s.changed(r)
			}
		}
	}
}

// handle acts on one event; it reports whether the root folder vanished.
func (wl *watchLoop) handle(ev fsnotify.Event) (rootGone bool) {
	path := filepath.Clean(ev.Name)
	if strings.HasPrefix(filepath.Base(path), ".") && path != wl.root {
		return false
	}
	switch {
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		if wl.dirs[path] {
			wl.dropTree(path)
			return path == wl.root
		}
		if isLua(path) {
			wl.s.cancel(path)
			wl.stopLive(path, errRuleDeleted)
			wl.forgetRule(path)
		}
	case ev.Has(fsnotify.Create):
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			if !wl.dirs[path] {
				for _, r := range wl.addTree(path) {
					wl.s.changed(r)
				}
			}
			return false
		}
		if isLua(path) {
			wl.s.changed(path)
		}
	case ev.Has(fsnotify.Write):
		if isLua(path) {
			wl.s.changed(path)
		}
	}
	return false
}

// addTree watches dir and its subfolders and returns the rules found in
// them, sorted.
func (wl *watchLoop) addTree(dir string) []string {
	var rules []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished or unreadable: skip
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if !wl.dirs[path] {
				if err := wl.w.Add(path); err != nil {
					wl.e.logger.Warn("cannot watch folder", "dir", path, "err", err)
					return filepath.SkipDir
				}
				wl.dirs[path] = true
			}
			return nil
		}
		if isRuleFile(path, d) && isLua(path) && !wl.isModule(path) {
			rules = append(rules, path)
		}
		return nil
	})
	sort.Strings(rules)
	return rules
}

// dropTree forgets dir and everything below it.
func (wl *watchLoop) dropTree(dir string) {
	prefix := dir + string(filepath.Separator)
	for d := range wl.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			wl.w.Remove(d) // already gone with the folder, usually
			delete(wl.dirs, d)
		}
	}
	wl.s.cancelUnder(dir)
	wl.mu.Lock()
	for r, stop := range wl.live {
		if strings.HasPrefix(r, prefix) {
			stop(errRuleDeleted)
		}
	}
	for r := range wl.ruleDeps {
		if strings.HasPrefix(r, prefix) {
			wl.forgetRuleLocked(r)
		}
	}
	wl.mu.Unlock()
}

// isRuleFile reports whether d is a regular file, or a link to one (as
// in a Kubernetes ConfigMap mounted as a folder).
func isRuleFile(path string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func isLua(path string) bool {
	return strings.HasSuffix(path, ".lua") && !strings.HasPrefix(filepath.Base(path), ".")
}

// isModule reports whether path is a module by its place or name, or
// because a rule loaded it.
func (wl *watchLoop) isModule(path string) bool {
	if strings.HasPrefix(filepath.Base(path), "_") {
		return true
	}
	if rel, err := filepath.Rel(wl.root, filepath.Dir(path)); err == nil {
		for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
			if part == "lib" {
				return true
			}
		}
	}
	wl.mu.Lock()
	defer wl.mu.Unlock()
	return len(wl.deps[path]) > 0
}

// resolve maps a changed file to the rules to run: itself when it is a
// rule, the rules that loaded it when it is a module, none when it is gone.
func (wl *watchLoop) resolve(changed string) []string {
	if st, err := os.Stat(changed); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	wl.mu.Lock()
	var dependents []string
	for r := range wl.deps[changed] {
		dependents = append(dependents, r)
	}
	wl.mu.Unlock()
	targets := []string{changed}
	if len(dependents) > 0 || wl.isModule(changed) {
		sort.Strings(dependents)
		targets = dependents
	}
	// A rule alive with triggers stops (its callback in progress may
	// finish), and its new version runs after it.
	for _, t := range targets {
		wl.stopLive(t, errRuleChanged)
	}
	return targets
}

var (
	errRuleChanged = errors.New("engine: the rule changed")
	errRuleDeleted = errors.New("engine: the rule was deleted")
)

// stopLive stops the active instance of rule, if any.
func (wl *watchLoop) stopLive(rule string, cause error) {
	wl.mu.Lock()
	stop := wl.live[rule]
	wl.mu.Unlock()
	if stop != nil {
		wl.e.logger.Info("stopping rule", "file", rule, "reason", cause)
		stop(cause)
	}
}

// run runs one rule, records the modules it loaded and reports the result.
// A rule that registers triggers stays alive until it is stopped; it then
// gives its slot back (release).
func (wl *watchLoop) run(ctx context.Context, rule string, release func()) {
	rctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	rctx = withHooks(rctx, &runHooks{onActive: func([]string) {
		wl.mu.Lock()
		wl.live[rule] = stop
		wl.mu.Unlock()
		release()
	}})
	res, _ := wl.e.Run(rctx, rule)
	wl.mu.Lock()
	delete(wl.live, rule)
	wl.mu.Unlock()
	if ctx.Err() != nil && res.Err != nil {
		// Watch is stopping: the rule was cut short, not broken.
		wl.e.logger.Info("run stopped", "file", rule)
	}
	wl.mu.Lock()
	wl.forgetRuleLocked(rule)
	var mods []string
	for _, m := range res.Loaded {
		if strings.HasPrefix(m, wl.root+string(filepath.Separator)) && m != rule {
			mods = append(mods, m)
			if wl.deps[m] == nil {
				wl.deps[m] = make(map[string]bool)
			}
			wl.deps[m][rule] = true
		}
	}
	wl.ruleDeps[rule] = mods
	wl.mu.Unlock()
	if wl.cfg.onResult != nil {
		wl.reportMu.Lock()
		defer wl.reportMu.Unlock()
		wl.cfg.onResult(res)
	}
}

func (wl *watchLoop) forgetRule(rule string) {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	wl.forgetRuleLocked(rule)
}

func (wl *watchLoop) forgetRuleLocked(rule string) {
	for _, m := range wl.ruleDeps[rule] {
		delete(wl.deps[m], rule)
		if len(wl.deps[m]) == 0 {
			delete(wl.deps, m)
		}
	}
	delete(wl.ruleDeps, rule)
}
