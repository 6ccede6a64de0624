package imapfilter

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// Searches and fetches that read the text of every message of a big
// mailbox (contain_from over 10,000 messages, match_header, fetching
// fields) cost the server the reading of every message file, and that
// work is done in one server process per connection. From splitMin
// messages on, such a request is cut into pieces by UID (up to 8): the
// account's own connection does them from the first up while a
// connection of the account's scan pool does them from the last down
// (mail.Account.Pieces), so the server works on two at once, and a pool
// connection that is late for its login still takes its share. The
// answer is the same as the whole request's: the pieces cover the same
// messages, the pool connection sees the same mailbox
// (read-only, so \Recent and \Seen are untouched), and whatever goes
// wrong there (no connection, a refusal, a cut) is redone on the
// account's own connection. Searches that depend on the session (RECENT,
// NEW, OLD, sequence numbers) are not cut.
//
// On Dovecot, with 10,000 messages on 2 cores, a cut search of a header
// not in its cache takes 0.55-0.91 times as long as the whole one
// (bench/README.md).

// splitMin is the number of messages from which a search or fetch that
// reads the messages' text is cut into pieces (a variable for tests).
var splitMin uint32 = 4000

// waitAside makes mail.Account.Pieces wait for the pool connection to do
// the second half of the pieces (tests, to know that it worked).
var waitAside = false

// slowRTT is the round trip from which a request is not cut: over a slow
// link the round trips a second connection costs (its login, its SELECT,
// a NOOP before each request) outweigh what it saves.
var slowRTT = 5 * time.Millisecond

// slowLink times a NOOP on m: the link's round trip. A failed NOOP counts
// as a slow link; the request then meets the failure.
func slowLink(m *imaplib.IMAP4) bool {
	start := time.Now()
	if _, _, err := m.Noop(); err != nil {
		return true
	}
	return time.Since(start) >= slowRTT
}

// errPieceRefused is a piece of a search that the server refused.
var errPieceRefused = errors.New("imapfilter: search refused")

// uidSearch sends UID SEARCH [CHARSET charset] query and returns the
// server's answer ("OK", "NO", "BAD") and the UIDs found.
func uidSearch(m *imaplib.IMAP4, charset, query string) (string, []uint32, error) {
	args := []string{query}
	if charset != "" {
		args = []string{"CHARSET", charset, query}
	}
	typ, data, err := m.UID("SEARCH", args...)
	m.DiscardUntagged("SEARCH")
	if err != nil || typ != "OK" {
		return typ, nil, err
	}
	var uids []uint32
	for _, it := range data {
		for _, f := range strings.Fields(string(it.Line)) {
			if n, err := strconv.ParseUint(f, 10, 32); err == nil {
				uids = append(uids, uint32(n))
			}
		}
	}
	return typ, uids, nil
}

// searchUIDs is uidSearch on the selected mailbox mbox, cut into pieces
// by UID (mail.Account.Pieces) when the query reads the messages' text
// over many messages: all of a big mailbox ("ALL ..."), or a big set of
// UIDs ("UID set ...", a search within an earlier result).
func (s *session) searchUIDs(m *imaplib.IMAP4, mbox, charset, query string) (string, []uint32, error) {
	var scopes []string
	var criteria string
	if rest, all := strings.CutPrefix(query, "ALL "); all {
		if s.exists < splitMin || !splittable(rest) {
			return uidSearch(m, charset, query)
		}
		pivots, size, slow := mail.UIDPivots(m, s.exists, mail.PieceCount(int(s.exists)), slowRTT)
		s.exists = size
		if pivots == nil || slow {
			return uidSearch(m, charset, query)
		}
		criteria = rest
		for _, r := range mail.UIDRanges(pivots) {
			scopes = append(scopes, "UID "+r.String())
		}
	} else if rest, uid := strings.CutPrefix(query, "UID "); uid {
		setText, rest, _ := strings.Cut(rest, " ")
		set, err := imaplib.ParseSeqSet(setText)
		if err != nil || strings.Contains(setText, "*") || set.Len() < int(splitMin) || !splittable(rest) || slowLink(m) {
			return uidSearch(m, charset, query)
		}
		criteria = rest
		for _, part := range mail.CutSet(set) {
			scopes = append(scopes, "UID "+part.String())
		}
	} else {
		return uidSearch(m, charset, query)
	}
	found := make([][]uint32, len(scopes))
	err := s.acct.Pieces(m, mbox, s.uidValidity, mail.PiecesOptions{What: "search", Wait: waitAside}, len(scopes), func(m *imaplib.IMAP4, i int) error {
		typ, uids, err := uidSearch(m, charset, scopes[i]+" "+criteria)
		if err == nil && typ != "OK" {
			err = errPieceRefused
		}
		found[i] = uids
		return err
	})
	if errors.Is(err, errPieceRefused) {
		// The server's own answer to the query as written.
		return uidSearch(m, charset, query)
	}
	if err != nil {
		return "", nil, err
	}
	// The UID range "p+1:*" also takes the last message when its UID is
	// below p (RFC 3501: "*" is the largest UID in use), so pieces may
	// share it.
	uids := slices.Concat(found...)
	slices.Sort(uids)
	return "OK", slices.Compact(uids), nil
}

// fetchUIDs is UID FETCH set items on the selected mailbox mbox, cut
// into pieces (mail.Account.Pieces) when the set is big and the kind of
// fetch reads the messages' text. The FETCH responses come in no
// particular order.
func (s *session) fetchUIDs(m *imaplib.IMAP4, mbox string, set imaplib.SeqSet, kind, items string) ([]*imaplib.FetchData, error) {
	n := set.Len()
	if n < int(splitMin) || !textFetches[kind] || slowLink(m) {
		return uidFetch(m, set, kind, items)
	}
	parts := mail.CutSet(set)
	got := make([][]*imaplib.FetchData, len(parts))
	err := s.acct.Pieces(m, mbox, s.uidValidity, mail.PiecesOptions{What: "fetch", Wait: waitAside}, len(parts), func(h *imaplib.IMAP4, i int) (err error) {
		got[i], err = uidFetch(h, parts[i], kind, items)
		if h != m {
			h.DiscardUntagged("FETCH")
		}
		return err
	})
	if err != nil {
		if _, no := refused(err); no {
			// The server's own answer to the whole set.
			return uidFetch(m, set, kind, items)
		}
		return nil, err
	}
	return slices.Concat(got...), nil
}

// textFetches are the kinds of fetch (fetchItems) that read the messages'
// files; the others come from the server's index.
var textFetches = map[string]bool{"header": true, "text": true, "fields": true, "part": true, "structure": true}

// Search keys by how many arguments they take, and whether they may make
// the server read every message (a header, the body; on a cold Maildir
// even the internal date and the size, from each file) rather than the
// flags in its index.
var (
	searchKeys0 = map[string]bool{"ALL": true, "ANSWERED": true, "DELETED": true, "DRAFT": true, "FLAGGED": true,
		"SEEN": true, "UNANSWERED": true, "UNDELETED": true, "UNDRAFT": true, "UNFLAGGED": true, "UNSEEN": true,
		"NOT": true, "OR": true, "(": true, ")": true}
	searchKeys1 = map[string]bool{"BCC": true, "BEFORE": true, "BODY": true, "CC": true, "FROM": true,
		"KEYWORD": true, "LARGER": true, "ON": true, "SENTBEFORE": true, "SENTON": true, "SENTSINCE": true,
		"SINCE": true, "SMALLER": true, "SUBJECT": true, "TEXT": true, "TO": true, "UID": true,
		"UNKEYWORD": true, "OLDER": true, "YOUNGER": true}
	readKeys = map[string]bool{"BCC": true, "BODY": true, "CC": true, "FROM": true, "HEADER": true,
		"SUBJECT": true, "TEXT": true, "TO": true, "SENTBEFORE": true, "SENTON": true, "SENTSINCE": true,
		"BEFORE": true, "ON": true, "SINCE": true, "OLDER": true, "YOUNGER": true, "LARGER": true, "SMALLER": true}
)

// splittable reports whether search criteria may be cut by UID range and
// run on another session: every key is one the tables above know (none
// of RECENT, NEW, OLD, a sequence set, $, a literal), and one of them
// may read every message, which is what makes a search slow enough to
// share.
func splittable(criteria string) bool {
	toks, ok := searchTokens(criteria)
	if !ok {
		return false
	}
	reads := false
	for i := 0; i < len(toks); i++ {
		k := strings.ToUpper(toks[i])
		args := 0
		switch {
		case searchKeys0[k]:
		case searchKeys1[k]:
			args = 1
		case k == "HEADER":
			args = 2
		default:
			return false
		}
		if i+args >= len(toks) {
			return false // an argument is missing: let the server say so
		}
		if k == "UID" && strings.Contains(toks[i+1], "$") {
			return false // the session's saved result
		}
		i += args
		reads = reads || readKeys[k]
	}
	return reads
}

// searchTokens cuts search criteria into atoms, quoted strings (kept with
// their quotes) and parentheses. It refuses literals and unclosed quotes.
func searchTokens(s string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, false
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case c == '{' || c == '\r' || c == '\n':
			return nil, false
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, true
}
