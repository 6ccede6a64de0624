package mail

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/journal"
	"github.com/mailscript/mailscript/stdlib/email"
)

// searchWhy returns the reasons of p followed by a SEARCH with criteria,
// when the run keeps a journal.
func (p *part) searchWhy(criteria []any) []journal.Reason {
	a := p.mbox.acct
	if a.h.Journal == nil {
		return p.why
	}
	return joinWhy(p.why, []journal.Reason{{Where: a.where(), Search: formatCriteria(criteria)}})
}

// joinWhy returns the reasons of a and then those of b, in a new slice.
func joinWhy(a, b []journal.Reason) []journal.Reason {
	if len(a)+len(b) == 0 {
		return nil
	}
	return append(append(make([]journal.Reason, 0, len(a)+len(b)), a...), b...)
}

// formatCriteria shows SEARCH criteria as they go on the wire.
func formatCriteria(criteria []any) string {
	s, err := imaplib.FormatSearch(criteria...)
	if err != nil {
		return fmt.Sprint(criteria...)
	}
	return s
}

// namedPattern is one pattern of a Match with what it looks at: "subject",
// "from", "to", "cc", "header List-Id" or "body".
type namedPattern struct {
	what, field string
	re          *regexp.Regexp
}

func (mt *Match) patterns() []namedPattern {
	var out []namedPattern
	for _, p := range []namedPattern{{"subject", "Subject", mt.Subject}, {"from", "From", mt.From}, {"to", "To", mt.To}, {"cc", "Cc", mt.Cc}} {
		if p.re != nil {
			out = append(out, p)
		}
	}
	for _, h := range mt.Header {
		out = append(out, namedPattern{"header " + h.Name, h.Name, h.Re})
	}
	if mt.Body != nil {
		out = append(out, namedPattern{"body", "", mt.Body})
	}
	return out
}

// reasons returns one reason per pattern of mt, to be filled by record
// with what each matched message's field was.
func (mt *Match) reasons(where string) []journal.Reason {
	var out []journal.Reason
	for _, p := range mt.patterns() {
		out = append(out, journal.Reason{Where: where, Match: p.what, Pattern: p.re.String(), Values: map[uint32][2]string{}})
	}
	return out
}

// record notes, for a message that matched, the raw and decoded value of
// each header field a pattern of mt was tried on (the first that matched).
func (mt *Match) record(why []journal.Reason, uid uint32, h *email.Message) {
	if why == nil {
		return
	}
	for i, p := range mt.patterns() {
		if p.field == "" {
			continue
		}
		for _, v := range h.GetAll(p.field) {
			if dec := DecodeHeader(v); p.re.MatchString(dec) {
				why[i].Values[uid] = [2]string{strings.TrimSpace(v), dec}
				break
			}
		}
	}
}
