package rulecheck

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	rules "github.com/mailscript/mailscript/stdlib/mail"
)

// FlagsFile is the name of the optional file, at the root of a fixture
// folder, that gives the fixtures' flags and internal dates.
const FlagsFile = "flags.txt"

// Fixture is one sample message.
type Fixture struct {
	// Name identifies the fixture: its path in the fixture folder with
	// forward slashes ("INBOX/boss.eml"), or "Lists/go.mbox#3" for the
	// third message of an mbox file.
	Name string
	// Mailbox is the mailbox it is loaded into: its folder's path, with
	// "/" as the hierarchy separator.
	Mailbox string
	// Raw is the message with CRLF line ends, as the server stores it.
	Raw []byte
	// Flags are the flags it is loaded with, sorted.
	Flags []string
	// Date is its internal date.
	Date time.Time
}

// Subject returns the fixture's Subject header, decoded, "" when it has
// none: what a report shows beside the fixture's name.
func (f *Fixture) Subject() string {
	msg, err := mail.ReadMessage(bytes.NewReader(f.Raw))
	if err != nil {
		return ""
	}
	return rules.DecodeHeader(msg.Header.Get("Subject"))
}

// MessageID returns the fixture's Message-ID header, "" when it has none.
func (f *Fixture) MessageID() string {
	msg, err := mail.ReadMessage(bytes.NewReader(f.Raw))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(msg.Header.Get("Message-Id"))
}

// key identifies a message by its content.
type key [sha256.Size]byte

func keyOf(raw []byte) key { return sha256.Sum256(raw) }

// Fixtures are the sample messages of a fixture folder and its mailboxes.
type Fixtures struct {
	// Dir is the folder they were read from.
	Dir string
	// Messages are the fixtures, sorted by name.
	Messages []Fixture
	// Mailboxes are the mailboxes to create, every folder of Dir (empty
	// ones too), sorted.
	Mailboxes []string
}

// LoadFixtures reads the fixture folder dir. Dates given as ages count
// back from now. Two fixtures with the same content are an error: the
// outcome of each could not be told apart.
func LoadFixtures(dir string, now time.Time) (*Fixtures, error) {
	fx := &Fixtures{Dir: dir}
	boxes := map[string]bool{}
	fsys := os.DirFS(dir)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && d.IsDir() {
			return fs.SkipDir
		}
		if d.IsDir() {
			boxes[p] = true
			return nil
		}
		box := path.Dir(p)
		switch strings.ToLower(path.Ext(p)) {
		case ".eml":
			if box == "." {
				return fmt.Errorf("%s: a message must be in a mailbox's folder (INBOX/%s)", p, p)
			}
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fx.Messages = append(fx.Messages, Fixture{Name: p, Mailbox: box, Raw: crlf(raw), Date: headerDate(raw, info.ModTime())})
		case ".mbox":
			mbox := strings.TrimSuffix(p, path.Ext(p))
			boxes[mbox] = true
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			for i, m := range splitMbox(raw) {
				fx.Messages = append(fx.Messages, Fixture{
					Name: fmt.Sprintf("%s#%d", p, i+1), Mailbox: mbox,
					Raw: crlf(m), Date: headerDate(m, info.ModTime()),
				})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rulecheck: fixtures: %w", err)
	}
	if len(fx.Messages) == 0 {
		return nil, fmt.Errorf("rulecheck: fixtures: no messages (*.eml or *.mbox files in mailbox folders) in %s", dir)
	}
	slices.SortFunc(fx.Messages, func(a, b Fixture) int { return strings.Compare(a.Name, b.Name) })
	seen := map[key]string{}
	for _, m := range fx.Messages {
		k := keyOf(m.Raw)
		if other, dup := seen[k]; dup {
			return nil, fmt.Errorf("rulecheck: fixtures: %s and %s are the same message; make them differ (a header) so their outcomes can be told apart", other, m.Name)
		}
		seen[k] = m.Name
	}
	for b := range boxes {
		fx.Mailboxes = append(fx.Mailboxes, b)
	}
	slices.Sort(fx.Mailboxes)
	for i := range fx.Messages {
		fx.Messages[i].Flags = []string{}
	}
	if err := fx.readFlags(filepath.Join(dir, FlagsFile), now); err != nil {
		return nil, err
	}
	return fx, nil
}

// Lookup returns the fixture with the given name, nil when there is none.
func (fx *Fixtures) Lookup(name string) *Fixture {
	i, ok := slices.BinarySearchFunc(fx.Messages, name, func(f Fixture, n string) int { return strings.Compare(f.Name, n) })
	if !ok {
		return nil
	}
	return &fx.Messages[i]
}

// readFlags applies flags.txt, when there is one.
func (fx *Fixtures) readFlags(file string, now time.Time) error {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rulecheck: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := columns.Split(line, -1)
		fixture := fx.Lookup(cols[0])
		if fixture == nil {
			return fmt.Errorf("rulecheck: %s:%d: no fixture %q (the name ends at a tab or two spaces)", file, n, cols[0])
		}
		fixture.Flags = nil
		for _, field := range strings.Fields(strings.Join(cols[1:], " ")) {
			if strings.HasPrefix(field, `\`) || !looksLikeDate(field) {
				if err := checkFlag(field); err != nil {
					return fmt.Errorf("rulecheck: %s:%d: %w", file, n, err)
				}
				fixture.Flags = append(fixture.Flags, field)
				continue
			}
			d, err := parseDate(field, now)
			if err != nil {
				return fmt.Errorf("rulecheck: %s:%d: %w", file, n, err)
			}
			fixture.Date = d
		}
		fixture.Flags = normFlags(fixture.Flags)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("rulecheck: %s: %w", file, err)
	}
	return nil
}

// looksLikeDate tells a date field from a keyword flag.
func looksLikeDate(s string) bool {
	return strings.HasPrefix(s, "-") || (len(s) >= 10 && s[4] == '-' && s[0] >= '0' && s[0] <= '9')
}

// parseDate reads an RFC 3339 time or an age before now (-40d, -3h, -15m).
func parseDate(s string, now time.Time) (time.Time, error) {
	if age, ok := strings.CutPrefix(s, "-"); ok {
		if len(age) < 2 {
			return time.Time{}, fmt.Errorf("bad age %q: want -40d, -3h or -15m", s)
		}
		n, err := strconv.Atoi(age[:len(age)-1])
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("bad age %q: want -40d, -3h or -15m", s)
		}
		unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute}[age[len(age)-1]]
		if unit == 0 {
			return time.Time{}, fmt.Errorf("bad age %q: the unit is d, h or m", s)
		}
		return now.Add(-time.Duration(n) * unit).Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q: want an RFC 3339 time (2026-11-03T09:15:00Z) or an age (-40d)", s)
	}
	return t, nil
}

// checkFlag refuses what is not an IMAP flag.
func checkFlag(f string) error {
	name := strings.TrimPrefix(f, `\`)
	if name == "" || strings.ContainsAny(name, "(){ %*\"\\]\x7f") || strings.IndexFunc(name, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return fmt.Errorf("%q is not an IMAP flag", f)
	}
	if _, ok := systemFlags[strings.ToLower(f)]; name != f && !ok {
		return fmt.Errorf(`%q is not a system flag (\Seen, \Answered, \Flagged, \Deleted, \Draft)`, f)
	}
	return nil
}

// systemFlags spell the system flags, which servers may send in any case.
var systemFlags = map[string]string{
	`\seen`: `\Seen`, `\answered`: `\Answered`, `\flagged`: `\Flagged`,
	`\deleted`: `\Deleted`, `\draft`: `\Draft`,
}

// normFlags spells system flags as RFC 3501 does, sorts the flags
// ignoring case, drops duplicates and drops \Recent, which a server sets by
// itself.
func normFlags(flags []string) []string {
	out := []string{}
	for _, f := range flags {
		if s, ok := systemFlags[strings.ToLower(f)]; ok {
			f = s
		}
		if !strings.EqualFold(f, `\Recent`) && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, f) }) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// equalFlags compares two normalised flag lists; flags are not case
// sensitive (some servers lower-case keywords).
func equalFlags(a, b []string) bool { return slices.EqualFunc(a, b, strings.EqualFold) }

// headerDate is the message's Date header, else fallback.
func headerDate(raw []byte, fallback time.Time) time.Time {
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		if d, err := msg.Header.Date(); err == nil {
			return d
		}
	}
	return fallback.Truncate(time.Second)
}

// crlf returns raw with every line ending in CRLF.
func crlf(raw []byte) []byte {
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
}

// splitMbox splits an mboxrd/mboxo file into messages: each starts after a
// "From " line; ">From " lines (any number of ">") lose one ">".
func splitMbox(raw []byte) [][]byte {
	var msgs [][]byte
	var cur []byte
	in := false
	for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("From ")) {
			if in {
				msgs = append(msgs, trimMboxEnd(cur))
			}
			cur, in = nil, true
			continue
		}
		if !in {
			continue
		}
		if t := bytes.TrimLeft(line, ">"); len(t) < len(line) && bytes.HasPrefix(t, []byte("From ")) {
			line = line[1:]
		}
		cur = append(cur, line...)
	}
	if in {
		msgs = append(msgs, trimMboxEnd(cur))
	}
	return msgs
}

// trimMboxEnd drops the blank line that separates mbox messages.
func trimMboxEnd(m []byte) []byte {
	if bytes.HasSuffix(m, []byte("\n\n")) {
		return m[:len(m)-1]
	}
	if bytes.HasSuffix(m, []byte("\r\n\r\n")) {
		return m[:len(m)-2]
	}
	return m
}
