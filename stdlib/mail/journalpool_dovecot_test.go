package mail_test

import (
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

// TestJournalReadOverPool: before a move or a delete of a set larger than
// the pool threshold, the journal's read of the set (Message-IDs and
// flags, and the messages themselves for a delete) is spread over the
// scan pool's connections too. The journal still holds every message, in
// UID order, and undo puts every one back in INBOX.
func TestJournalReadOverPool(t *testing.T) {
	defer mail.SetScanSlow(time.Hour)()
	defer mail.SetScanTuning(100, 0, 400)() // the pool from 400 messages on, batches of 100
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
			if n := proxy.Stats().Conns; n < 2 {
				t.Fatalf("%d connection(s): the journal's read of 1,000 messages did not use the pool", n)
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
			m := dial(t, srv, "alice")
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
