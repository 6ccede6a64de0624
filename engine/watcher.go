package engine

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher reports changes in folders, each added one by one (not
// recursively). Events name the changed entry; a folder that disappears
// is reported as a Remove of its own path.
type watcher interface {
	Add(dir string) error
	Remove(dir string) error
	Events() <-chan fsnotify.Event
	Errors() <-chan error
	Close() error
}

// notifyWatcher is the fsnotify watcher (inotify on Linux).
type notifyWatcher struct{ w *fsnotify.Watcher }

func newNotifyWatcher() (*notifyWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	return &notifyWatcher{w}, nil
}

func (n *notifyWatcher) Add(dir string) error          { return n.w.Add(dir) }
func (n *notifyWatcher) Remove(dir string) error       { return n.w.Remove(dir) }
func (n *notifyWatcher) Events() <-chan fsnotify.Event { return n.w.Events }
func (n *notifyWatcher) Errors() <-chan error          { return n.w.Errors }
func (n *notifyWatcher) Close() error                  { return n.w.Close() }
func (n *notifyWatcher) String() string                { return "fsnotify" }

// pollWatcher finds changes by listing its folders every interval, for
// file systems without change notification (network and FUSE mounts).
// A file whose size or modification time changed is reported as written.
type pollWatcher struct {
	interval time.Duration
	events   chan fsnotify.Event
	errors   chan error
	done     chan struct{}
	stopped  sync.WaitGroup

	mu   sync.Mutex
	dirs map[string]dirSnap
}

type entrySnap struct {
	mod  time.Time
	size int64
	dir  bool
}

type dirSnap map[string]entrySnap

func newPollWatcher(interval time.Duration) *pollWatcher {
	p := &pollWatcher{
		interval: interval,
		events:   make(chan fsnotify.Event, 64),
		errors:   make(chan error, 1),
		done:     make(chan struct{}),
		dirs:     make(map[string]dirSnap),
	}
	p.stopped.Add(1)
	go p.loop()
	return p
}

func readSnap(dir string) (dirSnap, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	snap := make(dirSnap, len(entries))
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue // vanished meanwhile
		}
		snap[e.Name()] = entrySnap{mod: info.ModTime(), size: info.Size(), dir: info.IsDir()}
	}
	return snap, nil
}

// Add starts watching dir; its current entries are the baseline.
func (p *pollWatcher) Add(dir string) error {
	snap, err := readSnap(dir)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.dirs[dir] = snap
	p.mu.Unlock()
	return nil
}

func (p *pollWatcher) String() string                { return "polling every " + p.interval.String() }
func (p *pollWatcher) Events() <-chan fsnotify.Event { return p.events }
func (p *pollWatcher) Errors() <-chan error          { return p.errors }

// Remove stops watching dir.
func (p *pollWatcher) Remove(dir string) error {
	p.mu.Lock()
	delete(p.dirs, dir)
	p.mu.Unlock()
	return nil
}

// Close stops the watcher and closes its channels.
func (p *pollWatcher) Close() error {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	p.stopped.Wait()
	return nil
}

func (p *pollWatcher) loop() {
	defer p.stopped.Done()
	defer close(p.events)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		for _, ev := range p.scan() {
			select {
			case p.events <- ev:
			case <-p.done:
				return
			}
		}
	}
}

// scan lists every watched folder and returns the differences.
func (p *pollWatcher) scan() []fsnotify.Event {
	p.mu.Lock()
	dirs := make([]string, 0, len(p.dirs))
	for d := range p.dirs {
		dirs = append(dirs, d)
	}
	p.mu.Unlock()
	var evs []fsnotify.Event
	for _, dir := range dirs {
		snap, err := readSnap(dir)
		p.mu.Lock()
		old, still := p.dirs[dir]
		if !still {
			p.mu.Unlock()
			continue
		}
		if err != nil {
			delete(p.dirs, dir)
			p.mu.Unlock()
			evs = append(evs, fsnotify.Event{Name: dir, Op: fsnotify.Remove})
			continue
		}
		p.dirs[dir] = snap
		p.mu.Unlock()
		for name, now := range snap {
			path := filepath.Join(dir, name)
			was, ok := old[name]
			switch {
			case !ok:
				evs = append(evs, fsnotify.Event{Name: path, Op: fsnotify.Create})
			case !now.dir && (now.mod != was.mod || now.size != was.size):
				evs = append(evs, fsnotify.Event{Name: path, Op: fsnotify.Write})
			}
		}
		for name := range old {
			if _, ok := snap[name]; !ok {
				evs = append(evs, fsnotify.Event{Name: filepath.Join(dir, name), Op: fsnotify.Remove})
			}
		}
	}
	return evs
}
