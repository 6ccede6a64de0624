package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/journal"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// TestJournalReadInBatches: before a move or a delete, the journal reads
// the set's Message-IDs and flags (and for a delete the messages) in
// batches pipelined on the rule's own connection, so that memory holds a
// few batches, not the set; not over the scan pool, even for a set above
// its threshold. The journal holds every message, in UID order, and undo
// puts every one back in INBOX.
func TestJournalReadInBatches(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	defer mail.SetScanTuning(100, 0, 400)() // batches of 100; the pool from 400 messages on
	for _, tc := range []struct{ action, rule string }{
		{"move", `print(box:all():move_to("Archive"))`},
		{"delete", `print(box:all():delete())`},
	} {
		t.Run(tc.action, func(t *testing.T) {
			srv := dovecottest.Start(t)
			inbox, _ := scanMessages("in", 1000)
			srv.Seed(t, "alice", "INBOX", inbox)
			proxy := startProxy(t, srv.Addr())
			state := t.TempDir()
			env := map[string]string{"MAILSCRIPT_ACCOUNT": accountURL(srv, proxy.Addr(), "alice", "&create=true&scan_connections=3")}
			e := engine.New(
				engine.WithCapture(),
				engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
				engine.WithStateDir(state),
				engine.WithTimeout(5*time.Minute),
			)
			src := `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT")):mailbox("INBOX")
` + tc.rule
			res, err := e.RunString(context.Background(), "rule.lua", src)
			if err != nil {
				t.Fatalf("rule failed: %v\n%s", err, res.Output)
			}
			if got := strings.TrimSpace(string(res.Output)); got != "1000" {
				t.Fatalf("printed %q, want 1000", got)
			}
			mail.CloseScanPools()
			if st := proxy.Stats(); st.Conns != 1 || st.Commands["UID FETCH"] != 10 {
				t.Fatalf("%d connection(s) and %d UID FETCH commands, want the rule's connection and 10 batches: %v", st.Conns, st.Commands["UID FETCH"], st.Log)
			}
			// What the server holds, read through a connection of its own.
			m := dial(t, srv, "alice")
			if left := mailboxIDs(t, m, "INBOX"); len(left) != 0 {
				t.Fatalf("after the %s INBOX holds %d messages, want none", tc.action, len(left))
			}
			if tc.action == "move" {
				if moved := mailboxIDs(t, m, "Archive"); len(moved) != 1000 {
					t.Fatalf("after the move Archive holds %d messages, want 1000", len(moved))
				}
			}

			dir := filepath.Join(state, engine.JournalDir)
			entries, err := journal.Read(dir, res.RunID)
			if err != nil {
				t.Fatal(err)
			}
			begin := entries[0]
			if begin.Phase != journal.Begin || begin.Action != tc.action {
				t.Fatalf("first entry: %s %s, want the %s's begin", begin.Phase, begin.Action, tc.action)
			}
			if len(begin.UIDs) != 1000 || !slices.IsSorted(begin.UIDs) {
				t.Fatalf("the begin entry holds %d UIDs (sorted: %v), want 1000 in order", len(begin.UIDs), slices.IsSorted(begin.UIDs))
			}
			ids := map[string]bool{}
			for _, u := range begin.UIDs {
				ids[begin.MessageIDs[u]] = true
			}
			for i := range 1000 {
				if id := fmt.Sprintf("<in%d@scan.test>", i); !ids[id] {
					t.Fatalf("the journal has no Message-ID %s", id)
				}
			}
			if tc.action == "delete" && len(begin.Saved) != 1000 {
				t.Fatalf("the journal saved %d messages, want 1000", len(begin.Saved))
			}

			undoJournal(t, srv, dir, entries)
			back := mailboxIDs(t, m, "INBOX")
			if len(back) != 1000 {
				t.Fatalf("after undo INBOX holds %d messages, want 1000", len(back))
			}
			for id := range ids {
				if !back[strings.TrimSpace(id)] {
					t.Fatalf("%s is not back in INBOX", id)
				}
			}
		})
	}
}

// undoJournal undoes a run's entries as `mailscript undo` does, with
// alice's password (the journal keeps none).
func undoJournal(t *testing.T, srv *dovecottest.Server, dir string, entries []journal.Entry) {
	t.Helper()
	h := &host.Host{Context: context.Background(), Stdout: os.Stdout, Logger: slog.New(slog.DiscardHandler)}
	u := &mail.Undo{Dir: dir, Account: func(name string, rec json.RawMessage) (*mail.Account, error) {
		cfg, err := mail.ConfigFromJournal(rec)
		if err != nil {
			return nil, err
		}
		cfg.Password = srv.Users["alice"]
		return mail.NewAccount(cfg, h)
	}}
	steps, err := u.Run(entries)
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	for _, st := range steps {
		if len(st.Problems) > 0 {
			t.Fatalf("undo of %s: %v", st.Action, st.Problems)
		}
	}
}

// TestJournalDeleteMemoryBounded deletes 240 messages of 256 KiB (60 MiB)
// with a journal, which keeps a copy of each: the live heap grows by a
// few batches' worth, not by the set (it held every message at once
// before the journal read in batches). Every copy is on disk.
func TestJournalDeleteMemoryBounded(t *testing.T) {
	const n, size = 240, 256 << 10
	srv := dovecottest.Start(t)
	body := strings.Repeat(strings.Repeat("y", 76)+"\r\n", size/78)
	msgs := make([]dovecottest.Message, n)
	for i := range msgs {
		msgs[i] = dovecottest.Message{Raw: fmt.Appendf(nil, "From: a@example.org\r\nSubject: big %d\r\nMessage-ID: <big%d@mem.test>\r\n\r\n%s", i, i, body)}
	}
	srv.Seed(t, "alice", "INBOX", msgs)
	dir := t.TempDir()
	h := &host.Host{Context: context.Background(), Stdout: os.Stdout, Logger: slog.New(slog.DiscardHandler)}
	run := journal.NewRunID(time.Now())
	h.Journal = journal.Open(dir, run, "rule.lua")
	defer h.Journal.Close()
	all, err := goAccount(t, srv, h).Mailbox("INBOX").All()
	if err != nil {
		t.Fatal(err)
	}
	var deleted int
	before, grew := heapGrowth(func() { deleted, err = all.Delete() })
	if err != nil {
		t.Fatal(err)
	}
	if deleted != n {
		t.Fatalf("deleted %d, want %d", deleted, n)
	}
	if left := mailboxIDs(t, dial(t, srv, "alice"), "INBOX"); len(left) != 0 {
		t.Fatalf("after the delete INBOX holds %d messages, want none", len(left))
	}
	t.Logf("live heap before %.1f MiB, grew by at most %.1f MiB while deleting %d MiB of mail", float64(before)/(1<<20), float64(grew)/(1<<20), n*size>>20)
	if limit := int64(24 << 20); grew > limit {
		t.Fatalf("the live heap grew by %d MiB while deleting %d MiB of mail (limit %d MiB)", grew>>20, n*size>>20, limit>>20)
	}
	h.Journal.Close()
	entries, err := journal.Read(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || len(entries[0].Saved) != n {
		t.Fatalf("the journal's begin entry keeps copies of %d messages, want %d", len(entries[0].Saved), n)
	}
	for uid, name := range entries[0].Saved {
		raw, err := journal.ReadSaved(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, msgs[uid-1].Raw) {
			t.Fatalf("the copy of UID %d differs from the message (%d bytes, want %d)", uid, len(raw), len(msgs[uid-1].Raw))
		}
	}
}

// TestRuleRoundTrips: the rule of bench/ (every subject read, the matches
// moved), with its journal, costs the client no more round trips (turns,
// counted by a proxy) than the Python script of bench/scripts/rule.py
// takes: 6 (CAPABILITY, LOGIN, SELECT, UID FETCH, UID MOVE, LOGOUT). Here
// they are LOGIN, SELECT with the search of all() right behind it, the
// scan's UID FETCH, the journal's UID FETCH, UID MOVE and LOGOUT.
func TestRuleRoundTrips(t *testing.T) {
	srv := dovecottest.Start(t)
	inbox, want := scanMessages("in", 1000)
	srv.Seed(t, "alice", "INBOX", inbox)
	srv.Seed(t, "alice", "Archive", nil)
	proxy := startProxy(t, srv.Addr())
	env := map[string]string{"MAILSCRIPT_ACCOUNT": accountURL(srv, proxy.Addr(), "alice", "")}
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithStateDir(t.TempDir()),
		engine.WithTimeout(time.Minute),
	)
	res, err := e.RunString(context.Background(), "rule.lua", `local mail = require("mail")
local box = mail.account(os.getenv("MAILSCRIPT_ACCOUNT")):mailbox("INBOX")
print(box:all():match{subject = "^invoice"}:move_to("Archive"))`)
	if err != nil {
		t.Fatalf("rule failed: %v\n%s", err, res.Output)
	}
	if got := strings.TrimSpace(string(res.Output)); got != fmt.Sprint(len(want)) {
		t.Fatalf("printed %q, want %d", got, len(want))
	}
	if res.RunID == "" {
		t.Fatal("the run kept no journal")
	}
	st := proxy.Stats()
	if st.Turns > 6 {
		t.Fatalf("%d round trips, want at most the Python script's 6: %v", st.Turns, st.Log)
	}
	// The matches are in Archive and nothing else, read through a
	// connection of its own.
	m := dial(t, srv, "alice")
	moved := mailboxIDs(t, m, "Archive")
	if len(moved) != len(want) {
		t.Fatalf("Archive holds %d messages, want %d", len(moved), len(want))
	}
	for id := range want {
		if !moved[id] {
			t.Fatalf("%s is not in Archive", id)
		}
	}
	if left := mailboxIDs(t, m, "INBOX"); len(left) != 1000-len(want) {
		t.Fatalf("INBOX holds %d messages, want %d", len(left), 1000-len(want))
	}
}
