package journal_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/mailscript/mailscript/journal"
)

// A run's journal as a tool reads it: the run's entries, an action's begin
// (what it was about to do) paired with its end (what the server
// confirmed), and the summary of every run in the folder.
func Example() {
	dir, err := os.MkdirTemp("", "journal")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// What the mail module writes around a move of two messages.
	run := journal.NewRunID(time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC))
	w := journal.Open(dir, run, "rules/10-junk.lua")
	seq, err := w.Write(journal.Entry{
		Phase: journal.Begin, Action: "move", Where: "rules/10-junk.lua:4",
		Account: "alice@imap.example.org", Mailbox: "INBOX", UIDValidity: 7,
		UIDs:       []uint32{41, 42},
		MessageIDs: map[uint32]string{41: "<a@example.org>", 42: "<b@example.org>"},
		Flags:      map[uint32][]string{41: {`\Seen`}, 42: {}},
		Dest:       "Junk",
	})
	if err != nil {
		log.Fatal(err)
	}
	w.Write(journal.Entry{Phase: journal.End, Of: seq, Action: "move", Account: "alice@imap.example.org",
		Mailbox: "INBOX", Count: 2, Dest: "Junk", DestUIDValidity: 3, DestUIDs: []uint32{900, 901}})
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	entries, err := journal.Read(dir, run)
	if err != nil {
		log.Fatal(err)
	}
	ends := map[int]journal.Entry{}
	for _, e := range entries {
		if e.Phase == journal.End {
			ends[e.Of] = e
		}
	}
	for _, b := range entries {
		if b.Phase != journal.Begin {
			continue
		}
		e := ends[b.Seq]
		fmt.Printf("%s: %s %d of %s to %s, %d confirmed\n", b.Where, b.Action, len(b.UIDs), b.Mailbox, b.Dest, e.Count)
		for i, uid := range b.UIDs {
			fmt.Printf("  UID %d %s is UID %d of %s\n", uid, b.MessageIDs[uid], e.DestUIDs[i], b.Dest)
		}
	}

	runs, err := journal.Runs(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range runs {
		fmt.Println(r.ID == run, r.Rules, r.Actions, r.Messages, r.Failed)
	}
	// Output:
	// rules/10-junk.lua:4: move 2 of INBOX to Junk, 2 confirmed
	//   UID 41 <a@example.org> is UID 900 of Junk
	//   UID 42 <b@example.org> is UID 901 of Junk
	// true [rules/10-junk.lua] map[move:1] 2 0
}
