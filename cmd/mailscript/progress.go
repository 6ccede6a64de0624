package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// progress shows how far long operations are: a bar redrawn in place on a
// terminal, a log record every logEvery otherwise (and at the end).
type progress struct {
	w        io.Writer
	terminal bool
	logger   *slog.Logger
	now      func() time.Time

	mu    sync.Mutex
	tasks map[string]*task
}

type task struct {
	start, last time.Time
	startDone   int
}

// Redraws of the bar and progress log records are at most this frequent.
const (
	drawEvery = 100 * time.Millisecond
	logEvery  = 10 * time.Second
	barWidth  = 30
)

func newProgress(w io.Writer, logger *slog.Logger) *progress {
	return &progress{w: w, terminal: isTerminal(w), logger: logger, now: time.Now, tasks: map[string]*task{}}
}

// report is the engine's WithProgress function.
func (p *progress) report(script, label string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := script + "\x00" + label
	now := p.now()
	t := p.tasks[id]
	if t == nil {
		t = &task{start: now, startDone: done}
		p.tasks[id] = t
	}
	finished := done >= total
	every := logEvery
	if p.terminal {
		every = drawEvery
	}
	if !finished && !t.last.IsZero() && now.Sub(t.last) < every {
		return
	}
	t.last = now
	rate := 0.0
	if el := now.Sub(t.start).Seconds(); el > 0 {
		rate = float64(done-t.startDone) / el
	}
	if finished {
		delete(p.tasks, id)
	}
	if !p.terminal {
		p.logger.Info("progress", "script", script, "task", label, "done", done, "total", total, "rate", fmt.Sprintf("%.0f/s", rate))
		return
	}
	fill := 0
	if total > 0 {
		fill = barWidth * done / total
	}
	pct := 100
	if total > 0 {
		pct = 100 * done / total
	}
	line := fmt.Sprintf("\r%s [%s%s] %d/%d %3d%% %.0f/s\x1b[K", label, strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), done, total, pct, rate)
	if finished {
		line += "\n"
	}
	io.WriteString(p.w, line)
}
