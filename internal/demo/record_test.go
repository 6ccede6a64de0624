package demo

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

func TestRecordString(t *testing.T) {
	rec := func(level slog.Level, msg string, attrs ...any) Record {
		r := slog.NewRecord(time.Time{}, level, msg, 0)
		r.Add(attrs...)
		var out Record
		h := NewRecorder(nil)
		h.Handle(t.Context(), r)
		out = h.Take()[0]
		return out
	}
	for _, tc := range []struct {
		rec  Record
		want string
	}{
		{rec(slog.LevelInfo, "mail: move", "action", "move", "source", "INBOX", "destination", "Archive", "count", 3, "duration", time.Second),
			"move 3 messages from INBOX to Archive"},
		{rec(slog.LevelInfo, "mail: delete", "action", "delete", "source", "Junk", "count", 1, "note", "not expunged: no UIDPLUS"),
			"delete 1 message in Junk; not expunged: no UIDPLUS"},
		{rec(slog.LevelInfo, "mail: flag", "action", "flag", "source", "INBOX", "flags", `\Flagged`, "count", 2),
			`flag 2 messages in INBOX (\Flagged)`},
		{rec(slog.LevelInfo, "mail: dry-run: would move", "action", "move", "source", "INBOX", "destination", "Junk", "count", 2, "subjects", []string{"Win", `a "b"`}),
			`would move 2 messages from INBOX to Junk, such as "Win", "a \"b\""`},
		{rec(slog.LevelInfo, "mail: create", "script", "x.lua", "account", "demo@127.0.0.1", "mailbox", "Gopher Weekly"),
			"create mailbox Gopher Weekly"},
		{rec(slog.LevelError, "mail: move failed", "action", "move", "source", "INBOX", "count", 0, "err", "no such mailbox"),
			`error: move failed action=move source=INBOX count=0 err="no such mailbox"`},
		{rec(slog.LevelInfo, "hello", "source", "x.lua:3", "n", 3), "hello n=3"},
		{rec(slog.LevelWarn, "quota", "pct", 95), "warn: quota pct=95"},
	} {
		if got := tc.rec.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestRecorderKeepsHandlerAttrsAndPassesOn(t *testing.T) {
	var next []string
	inner := &collect{out: &next}
	r := NewRecorder(inner)
	l := slog.New(r).With("script", "a.lua")
	l.Info("one", "count", 1)
	l.Debug("hidden")
	recs := r.Take()
	if len(recs) != 1 || recs[0].Attr("script") != "a.lua" || recs[0].Attr("count") != "1" {
		t.Fatalf("records %+v", recs)
	}
	if len(next) != 2 {
		t.Errorf("next handler got %v, want both records (it enables debug)", next)
	}
	if len(r.Take()) != 0 {
		t.Error("Take did not forget the records")
	}
}

type collect struct{ out *[]string }

func (c *collect) Enabled(_ context.Context, l slog.Level) bool { return true }
func (c *collect) Handle(_ context.Context, r slog.Record) error {
	*c.out = append(*c.out, r.Message)
	return nil
}
func (c *collect) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *collect) WithGroup(string) slog.Handler      { return c }
