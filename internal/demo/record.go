package demo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Recorder is a slog.Handler that keeps the records of the runs it is
// given to (the mail module logs one line per action through the run's
// logger), and passes them on to Next when it is set.
type Recorder struct {
	// Next, when not nil, also receives every record.
	Next slog.Handler

	mu      *sync.Mutex
	records *[]Record
	attrs   []slog.Attr
}

// Record is one log record of a run.
type Record struct {
	Time    time.Time
	Level   slog.Level
	Message string
	// Attrs are the record's attributes in order, values resolved.
	Attrs []slog.Attr
}

// NewRecorder returns an empty Recorder passing records on to next (nil
// for none).
func NewRecorder(next slog.Handler) *Recorder {
	return &Recorder{Next: next, mu: new(sync.Mutex), records: new([]Record)}
}

// Enabled reports whether level is recorded: Info and above always,
// Debug when Next wants it.
func (r *Recorder) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo || (r.Next != nil && r.Next.Enabled(ctx, level))
}

// Handle keeps rec and hands it to Next.
func (r *Recorder) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelInfo {
		kept := Record{Time: rec.Time, Level: rec.Level, Message: rec.Message, Attrs: slices.Clone(r.attrs)}
		rec.Attrs(func(a slog.Attr) bool {
			kept.Attrs = append(kept.Attrs, slog.Attr{Key: a.Key, Value: a.Value.Resolve()})
			return true
		})
		r.mu.Lock()
		*r.records = append(*r.records, kept)
		r.mu.Unlock()
	}
	if r.Next != nil && r.Next.Enabled(ctx, rec.Level) {
		return r.Next.Handle(ctx, rec)
	}
	return nil
}

// WithAttrs returns a handler recording attrs with every record.
func (r *Recorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *r
	c.attrs = append(slices.Clone(r.attrs), attrs...)
	if r.Next != nil {
		c.Next = r.Next.WithAttrs(attrs)
	}
	return &c
}

// WithGroup returns r: groups are flattened, which the report does not
// need to tell apart.
func (r *Recorder) WithGroup(name string) slog.Handler {
	c := *r
	if r.Next != nil {
		c.Next = r.Next.WithGroup(name)
	}
	return &c
}

// Take returns the records kept so far and forgets them.
func (r *Recorder) Take() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	recs := *r.records
	*r.records = nil
	return recs
}

// Attr returns the value of the attribute key as a string, "" when absent.
func (rec Record) Attr(key string) string {
	for _, a := range rec.Attrs {
		if a.Key == key {
			return a.Value.String()
		}
	}
	return ""
}

// strings returns the value of the attribute key when it is a list of
// strings (the subjects of a dry run), nil otherwise.
func (rec Record) strings(key string) []string {
	for _, a := range rec.Attrs {
		if a.Key == key && a.Value.Kind() == slog.KindAny {
			if ss, ok := a.Value.Any().([]string); ok {
				return slices.Clone(ss)
			}
		}
	}
	return nil
}

// hidden are the attributes a report line leaves out: the engine adds the
// script to every record, the log module the Lua line, and durations
// change from run to run.
var hidden = map[string]bool{"script": true, "source": true, "account": true, "duration": true}

// String describes the record in one line, for the report: a mail action
// as "move 10 messages from INBOX to Archive", anything else as its
// message and attributes.
func (rec Record) String() string {
	var b strings.Builder
	if rec.Level >= slog.LevelWarn {
		b.WriteString(strings.ToLower(rec.Level.String()) + ": ")
	}
	action := rec.Attr("action")
	count := rec.Attr("count")
	if action == "" || count == "" || rec.Level >= slog.LevelError {
		b.WriteString(strings.TrimPrefix(rec.Message, "mail: "))
		if mbox := rec.Attr("mailbox"); mbox != "" {
			b.WriteString(" mailbox " + mbox)
		}
		for _, a := range rec.Attrs {
			// "source" is the Lua line of a log record, but the mailbox
			// of a mail action.
			if (!hidden[a.Key] || a.Key == "source" && action != "") && a.Key != "mailbox" {
				fmt.Fprintf(&b, " %s=%s", a.Key, quoteIfNeeded(a.Value.String()))
			}
		}
		return b.String()
	}
	if strings.Contains(rec.Message, "dry-run") {
		b.WriteString("would ")
	}
	plural := "s"
	if count == "1" {
		plural = ""
	}
	fmt.Fprintf(&b, "%s %s message%s", action, count, plural)
	src, dst := rec.Attr("source"), rec.Attr("destination")
	switch {
	case src != "" && dst != "":
		fmt.Fprintf(&b, " from %s to %s", src, dst)
	case src != "":
		fmt.Fprintf(&b, " in %s", src)
	case dst != "":
		fmt.Fprintf(&b, " to %s", dst)
	}
	if f := rec.Attr("flags"); f != "" {
		fmt.Fprintf(&b, " (%s)", f)
	}
	if note := rec.Attr("note"); note != "" {
		fmt.Fprintf(&b, "; %s", note)
	}
	if subjects := rec.strings("subjects"); len(subjects) > 0 {
		for i, s := range subjects {
			subjects[i] = strconv.Quote(s)
		}
		fmt.Fprintf(&b, ", such as %s", strings.Join(subjects, ", "))
	}
	return b.String()
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"=") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
