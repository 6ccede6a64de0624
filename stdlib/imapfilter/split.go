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
// messages on, such a request is cut in two by UID: the account's own
// connection does the first half while a connection of the account's
// scan pool (mail.Account.Halves) does the second, so the server works on
// both at once. The answer is the same as the whole request's: the halves
// cover the same messages, the pool connection sees the same mailbox
// (read-only, so \Recent and \Seen are untouched), and whatever goes
// wrong there (no connection, a refusal, a cut) is redone on the
// account's own connection. Searches that depend on the session (RECENT,
// NEW, OLD, sequence numbers) are not cut.
//
// On Dovecot, with 10,000 messages on 2 cores, a cut search of a header
// not in its cache takes 0.55-0.91 times as long as the whole one
// (bench/README.md).

// splitMin is the number of messages from which a search or fetch that
// reads the messages' text is cut in two (a variable for tests).
var splitMin uint32 = 4000

// waitAside makes mail.Account.Halves wait for the pool connection even
// when it is not ready by the time the first half is done (tests, to know
// which connection does the second half).
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

// errHalfRefused is a half of a search that the server refused.
var errHalfRefused = errors.New("imapfilter: search refused")

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

// searchUIDs is uidSearch on the selected mailbox mbox, cut in two
// (mail.Account.Halves) when the query reads the messages' text over many
// messages: all of a big mailbox ("ALL ..."), or a big set of UIDs ("UID
// set ...", a search within an earlier result).
func (s *session) searchUIDs(m *imaplib.IMAP4, mbox, charset, query string) (string, []uint32, error) {
	var lowerScope, upperScope, criteria string
	if rest, all := strings.CutPrefix(query, "ALL "); all {
		if s.exists < splitMin || !splittable(rest) {
			return uidSearch(m, charset, query)
		}
		mid, slow := middleUID(m, s.exists)
		if mid == 0 || slow {
			return uidSearch(m, charset, query)
		}
		criteria = rest
		lowerScope = "UID 1:" + strconv.FormatUint(uint64(mid), 10)
		upperScope = "UID " + strconv.FormatUint(uint64(mid)+1, 10) + ":*"
	} else if rest, uid := strings.CutPrefix(query, "UID "); uid {
		setText, rest, _ := strings.Cut(rest, " ")
		set, err := imaplib.ParseSeqSet(setText)
		if err != nil || strings.Contains(setText, "*") || set.Len() < int(splitMin) || !splittable(rest) || slowLink(m) {
			return uidSearch(m, charset, query)
		}
		parts := set.SplitCount((set.Len() + 1) / 2)
		criteria = rest
		lowerScope, upperScope = "UID "+parts[0].String(), "UID "+parts[1].String()
	} else {
		return uidSearch(m, charset, query)
	}
	var lower, upper []uint32
	err := s.acct.Halves(m, wireName(mbox), s.uidValidity, mail.HalvesOptions{What: "search", Wait: waitAside}, func(m *imaplib.IMAP4) error {
		typ, uids, err := uidSearch(m, charset, lowerScope+" "+criteria)
		if err == nil && typ != "OK" {
			err = errHalfRefused
		}
		lower = uids
		return err
	}, func(m *imaplib.IMAP4) error {
		typ, uids, err := uidSearch(m, charset, upperScope+" "+criteria)
		if err == nil && typ != "OK" {
			err = errHalfRefused
		}
		upper = uids
		return err
	})
	if errors.Is(err, errHalfRefused) {
		// The server's own answer to the query as written.
		return uidSearch(m, charset, query)
	}
	if err != nil {
		return "", nil, err
	}
	// The UID range "mid+1:*" also takes the last message when its UID is
	// below mid (RFC 3501: "*" is the largest UID in use), so the halves
	// may share it.
	uids := append(lower, upper...)
	slices.Sort(uids)
	return "OK", slices.Compact(uids), nil
}

// fetchUIDs is UID FETCH set items on the selected mailbox mbox, cut in
// two (mail.Account.Halves) when the set is big and the kind of fetch
// reads the messages' text. The FETCH responses come in no particular
// order.
func (s *session) fetchUIDs(m *imaplib.IMAP4, mbox string, set imaplib.SeqSet, kind, items string) ([]*imaplib.FetchData, error) {
	n := set.Len()
	if n < int(splitMin) || !textFetches[kind] || slowLink(m) {
		return m.UIDFetch(set, items)
	}
	parts := set.SplitCount((n + 1) / 2)
	var first, second []*imaplib.FetchData
	err := s.acct.Halves(m, wireName(mbox), s.uidValidity, mail.HalvesOptions{What: "fetch", Wait: waitAside}, func(m *imaplib.IMAP4) (err error) {
		first, err = m.UIDFetch(parts[0], items)
		return err
	}, func(m *imaplib.IMAP4) (err error) {
		second, err = m.UIDFetch(parts[1], items)
		m.DiscardUntagged("FETCH")
		return err
	})
	if err != nil {
		if _, no := refused(err); no {
			// The server's own answer to the whole set.
			return m.UIDFetch(set, items)
		}
		return nil, err
	}
	return append(first, second...), nil
}

// textFetches are the kinds of fetch (fetchItems) that read the messages'
// files; the others come from the server's index.
var textFetches = map[string]bool{"header": true, "text": true, "fields": true, "part": true, "structure": true}

// middleUID returns the UID of the message in the middle of a mailbox of
// exists messages (0 when there is none, or the question failed), and
// whether the link is slow: the question's round trip is the probe, so
// that a cut costs no NOOP of its own.
func middleUID(m *imaplib.IMAP4, exists uint32) (uid uint32, slow bool) {
	start := time.Now()
	found, err := m.UIDSearch(imaplib.SeqSetOf(exists / 2))
	slow = time.Since(start) >= slowRTT
	nums, _ := found.Nums()
	if err != nil || len(nums) != 1 {
		return 0, slow
	}
	return nums[0], slow
}

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
