package dovecottest

import (
	"fmt"
	"strings"
)

// postLoginCapabilities is what Dovecot 2.3 advertises after login,
// without NOTIFY.
const postLoginCapabilities = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY " +
	"THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT " +
	"CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES " +
	"WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE " +
	"SAVEDATE LITERAL+ SPECIAL-USE"

// WithoutNotify hides NOTIFY (RFC 5465) from the capabilities the
// instance advertises after login (imap_capability set to Dovecot's own
// list without it): a server as clients see one that lacks NOTIFY.
func WithoutNotify() Option {
	return WithConfig("imap_capability = " + postLoginCapabilities + "\n")
}

// Connections returns the IMAP connections open on the instance per
// user, as `doveadm who -1` lists them (one line per connection).
func (s *Server) Connections() (map[string]int, error) {
	out, err := s.Doveadm("who", "-1")
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if i == 0 && len(f) > 0 && f[0] == "username" || len(f) == 0 {
			continue // the header
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("dovecottest: doveadm who: unexpected line %q", line)
		}
		if f[1] == "imap" {
			n[f[0]]++
		}
	}
	return n, nil
}
