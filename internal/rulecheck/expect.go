package rulecheck

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Gone is the mailbox of an expectation that a message is expunged.
const Gone = "-"

// Expectation is where one fixture must end up.
type Expectation struct {
	// Fixture is the fixture's name.
	Fixture string
	// Mailbox is the mailbox it must be in, or Gone.
	Mailbox string
	// Flags are the flags it must have, sorted; nil when they are not
	// checked.
	Flags []string
	// Line is the line of the expectations file that says so, 0 for the
	// default expectation of a fixture the file does not name.
	Line int
}

// columns splits an expectations line: tabs, or two spaces or more.
var columns = regexp.MustCompile(`\t+|  +`)

// ReadExpectations reads an expectations file, checking each line against
// the fixtures. Fixtures it does not name are expected to stay as loaded.
func ReadExpectations(file string, fx *Fixtures) (map[string]Expectation, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("rulecheck: %w", err)
	}
	defer f.Close()
	out := map[string]Expectation{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := columns.Split(line, -1)
		if len(cols) < 2 || len(cols) > 3 {
			return nil, fmt.Errorf("rulecheck: %s:%d: want FIXTURE, MAILBOX and optional FLAGS separated by a tab or two spaces, got %q", file, n, line)
		}
		e := Expectation{Fixture: cols[0], Mailbox: cols[1], Line: n}
		if fx.Lookup(e.Fixture) == nil {
			return nil, fmt.Errorf("rulecheck: %s:%d: no fixture %q in %s", file, n, e.Fixture, fx.Dir)
		}
		if prev, dup := out[e.Fixture]; dup {
			return nil, fmt.Errorf("rulecheck: %s:%d: %s is already expected on line %d", file, n, e.Fixture, prev.Line)
		}
		if len(cols) == 3 && cols[2] != "*" {
			e.Flags = []string{}
			if cols[2] != "()" {
				for _, fl := range strings.Fields(cols[2]) {
					if err := checkFlag(fl); err != nil {
						return nil, fmt.Errorf("rulecheck: %s:%d: %w", file, n, err)
					}
					e.Flags = append(e.Flags, fl)
				}
			}
			e.Flags = normFlags(e.Flags)
		}
		out[e.Fixture] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rulecheck: %s: %w", file, err)
	}
	fillDefaults(out, fx)
	return out, nil
}

// DefaultExpectations expects every fixture to stay where it was loaded,
// with its flags: the expectations of an empty file.
func DefaultExpectations(fx *Fixtures) map[string]Expectation {
	out := map[string]Expectation{}
	fillDefaults(out, fx)
	return out
}

func fillDefaults(out map[string]Expectation, fx *Fixtures) {
	for _, m := range fx.Messages {
		if _, ok := out[m.Name]; !ok {
			out[m.Name] = Expectation{Fixture: m.Name, Mailbox: m.Mailbox, Flags: m.Flags}
		}
	}
}

// describe shows a place as the report does: "Archive \Seen", "Archive ()",
// "gone".
func describe(mailbox string, flags []string) string {
	if mailbox == Gone {
		return "gone"
	}
	if flags == nil {
		return mailbox
	}
	if len(flags) == 0 {
		return mailbox + " ()"
	}
	return mailbox + " " + strings.Join(flags, " ")
}
