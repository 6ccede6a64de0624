package rulecheck

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// ExpectFile is the name "mailscript test --init" gives the expectations
// file it writes beside the fixture folder.
const ExpectFile = "expect.txt"

// InitOptions says what Init copies.
type InitOptions struct {
	// Mailboxes are the mailboxes to copy from; empty means INBOX.
	Mailboxes []string
	// Last is how many of the newest messages of each mailbox to copy
	// (by UID); 0 means 50.
	Last int
}

// Init writes a fixture folder, dir/fixtures, from the newest messages of
// mailboxes read through m (selected read-only: nothing on the server
// changes), with their flags and internal dates in fixtures/flags.txt, and
// dir/expect.txt listing every message where it is now, to be edited into
// what the rules must do. dir must not exist or be empty. It returns the
// number of messages written.
func Init(m *imaplib.IMAP4, dir string, opts InitOptions) (int, error) {
	if opts.Last <= 0 {
		opts.Last = 50
	}
	if len(opts.Mailboxes) == 0 {
		opts.Mailboxes = []string{"INBOX"}
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("rulecheck: init: %s is not empty; give a new folder", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("rulecheck: init: %w", err)
	}
	var flags, expect strings.Builder
	flags.WriteString("# fixture\tinternal date and flags (written by mailscript test --init)\n")
	expect.WriteString("# fixture\tmailbox\tflags: where each message must be after the rules ran.\n" +
		"# Written by mailscript test --init with where each message is now: edit the\n" +
		"# lines of the messages your rules should move or flag. \"-\" as the mailbox\n" +
		"# means expunged; \"()\" no flags; leave the flags out to not check them.\n")
	n := 0
	for _, box := range opts.Mailboxes {
		info, err := m.SelectMailbox(box, true)
		if err != nil {
			return n, fmt.Errorf("rulecheck: init: %w", err)
		}
		if info.Exists == 0 {
			if err := os.MkdirAll(filepath.Join(dir, "fixtures", filepath.FromSlash(box)), 0o755); err != nil {
				return n, fmt.Errorf("rulecheck: init: %w", err)
			}
			os.WriteFile(filepath.Join(dir, "fixtures", filepath.FromSlash(box), ".keep"), nil, 0o644)
			continue
		}
		uids, err := m.UIDSearch("ALL")
		if err != nil {
			return n, fmt.Errorf("rulecheck: init: %s: %w", box, err)
		}
		nums, err := uids.Nums()
		if err != nil {
			return n, fmt.Errorf("rulecheck: init: %s: %w", box, err)
		}
		if len(nums) > opts.Last {
			nums = nums[len(nums)-opts.Last:]
		}
		fd, err := m.UIDFetch(imaplib.SeqSetOf(nums...), "(UID FLAGS INTERNALDATE BODY.PEEK[])")
		if err != nil {
			return n, fmt.Errorf("rulecheck: init: %s: %w", box, err)
		}
		slices.SortFunc(fd, func(a, b *imaplib.FetchData) int { return cmp.Compare(a.UID, b.UID) })
		for i := range fd {
			f := fd[i]
			body := f.Section("BODY[]")
			if body == nil {
				return n, fmt.Errorf("rulecheck: init: %s UID %d: the server sent no BODY[]", box, f.UID)
			}
			name := fmt.Sprintf("%s/%07d.eml", box, f.UID)
			file := filepath.Join(dir, "fixtures", filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return n, fmt.Errorf("rulecheck: init: %w", err)
			}
			if err := os.WriteFile(file, body.Data, 0o644); err != nil {
				return n, fmt.Errorf("rulecheck: init: %w", err)
			}
			fl := normFlags(f.Flags)
			fmt.Fprintf(&flags, "%s\t%s\n", name, strings.TrimSpace(f.InternalDate.Format(time.RFC3339)+" "+strings.Join(fl, " ")))
			fmt.Fprintf(&expect, "%s\t%s\t%s\n", name, box, flagsColumn(fl))
			n++
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "fixtures", FlagsFile), []byte(flags.String()), 0o644); err != nil {
		return n, fmt.Errorf("rulecheck: init: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ExpectFile), []byte(expect.String()), 0o644); err != nil {
		return n, fmt.Errorf("rulecheck: init: %w", err)
	}
	return n, nil
}

func flagsColumn(flags []string) string {
	if len(flags) == 0 {
		return "()"
	}
	return strings.Join(flags, " ")
}
