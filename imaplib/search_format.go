package imaplib

import (
	"strconv"
	"strings"
)

// FormatSearch returns SEARCH criteria (as UIDSearch takes them) written
// as they go on the wire, strings quoted: what a log or a journal shows of
// a search ("HEADER X-Spam-Flag YES", "BEFORE 5-Nov-2026"). A string that
// would be sent as a literal is shown quoted too.
func FormatSearch(criteria ...any) (string, error) {
	tokens, _, err := searchCriteria(criteria)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	prev := ""
	for i, t := range tokens {
		if i > 0 && prev != "(" && !(!t.isStr && t.raw == ")") {
			b.WriteByte(' ')
		}
		prev = t.raw
		if t.isStr {
			prev = ""
			b.WriteString(strconv.Quote(t.str))
		} else {
			b.WriteString(t.raw)
		}
	}
	return b.String(), nil
}
