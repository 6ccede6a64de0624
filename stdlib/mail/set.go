package mail

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/refilter"
	"github.com/mailscript/mailscript/journal"
	"github.com/mailscript/mailscript/stdlib/email"
)

// ErrUIDValidity is the cause of an error on a set whose mailbox changed
// its UIDVALIDITY since the search: its UIDs may now name other messages,
// so nothing is done with them.
var ErrUIDValidity = errors.New("mail: the mailbox's UIDVALIDITY changed since the search; search again")

// A Set is a result of searches: messages named by (mailbox, UID), over one
// or more mailboxes, possibly of several accounts. Sets are values: the
// operations return new sets.
type Set struct {
	parts []part // sorted by account name, then mailbox name
}

type part struct {
	mbox     *Mailbox
	validity uint32
	uids     imaplib.SeqSet
	// why says how the UIDs were chosen, for the journal (explain).
	why []journal.Reason
}

// NewSet returns the set of uids of mbox, as found while the mailbox had
// the UIDVALIDITY validity (0: not checked).
func NewSet(mbox *Mailbox, validity uint32, uids imaplib.SeqSet) *Set {
	return &Set{parts: []part{{mbox: mbox, validity: validity, uids: uids}}}
}

// Len returns the number of messages.
func (s *Set) Len() int {
	n := 0
	for _, p := range s.parts {
		n += p.uids.Len()
	}
	return n
}

// IsEmpty reports whether the set holds no message.
func (s *Set) IsEmpty() bool { return s.Len() == 0 }

// Mailboxes returns the mailboxes the set has messages in.
func (s *Set) Mailboxes() []*Mailbox {
	var l []*Mailbox
	for _, p := range s.parts {
		if !p.uids.IsEmpty() {
			l = append(l, p.mbox)
		}
	}
	return l
}

// UIDs returns the UIDs of the set's messages in mbox.
func (s *Set) UIDs(mbox *Mailbox) imaplib.SeqSet {
	for _, p := range s.parts {
		if p.mbox.same(mbox) {
			return p.uids
		}
	}
	return imaplib.SeqSet{}
}

// String describes the set: "INBOX:1:3,7 Archive:4".
func (s *Set) String() string {
	var b strings.Builder
	for _, p := range s.parts {
		if p.uids.IsEmpty() {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%s", p.mbox.name, p.uids.String())
	}
	return b.String()
}

func less(a, b *Mailbox) bool {
	if a.acct != b.acct {
		an, bn := a.acct.Name(), b.acct.Name()
		if an != bn {
			return an < bn
		}
		return fmt.Sprintf("%p", a.acct) < fmt.Sprintf("%p", b.acct)
	}
	return a.name < b.name
}

// combine merges two sets mailbox by mailbox with op. A mailbox whose two
// sides were searched under different UIDVALIDITY values is marked stale,
// so that actions refuse it.
//
// The result keeps the mailboxes of s (and for a union those of o), even
// where no message is left, so that an empty result still knows its
// mailbox and account (set:move_to("name") works on it, doing nothing).
func combine(s, o *Set, union bool, op func(a, b imaplib.SeqSet, inA, inB bool) imaplib.SeqSet) *Set {
	r := &Set{}
	i, j := 0, 0
	for i < len(s.parts) || j < len(o.parts) {
		var p part
		switch {
		case j >= len(o.parts) || (i < len(s.parts) && less(s.parts[i].mbox, o.parts[j].mbox)):
			p = s.parts[i]
			p.uids = op(p.uids, imaplib.SeqSet{}, true, false)
			i++
		case i >= len(s.parts) || less(o.parts[j].mbox, s.parts[i].mbox):
			p = o.parts[j]
			p.uids = op(imaplib.SeqSet{}, p.uids, false, true)
			j++
			if !union {
				// A mailbox only on the right of * or - is not the result's.
				continue
			}
		default:
			a, b := s.parts[i], o.parts[j]
			p = part{mbox: a.mbox, validity: a.validity, uids: op(a.uids, b.uids, true, true), why: joinWhy(a.why, b.why)}
			if a.validity != b.validity {
				p.validity = staleValidity
			}
			i++
			j++
		}
		r.parts = append(r.parts, p)
	}
	return r
}

// staleValidity marks a part combined from searches under different
// UIDVALIDITY values; no mailbox has it (UIDVALIDITY is never 0 on the
// wire, and 0 here means "not checked", so a distinct marker is used).
const staleValidity = ^uint32(0)

// Union returns the messages in s or in o (Lua's +).
func (s *Set) Union(o *Set) *Set {
	return combine(s, o, true, func(a, b imaplib.SeqSet, _, _ bool) imaplib.SeqSet { return a.Union(b) })
}

// Intersect returns the messages in both s and o (Lua's *).
func (s *Set) Intersect(o *Set) *Set {
	return combine(s, o, false, func(a, b imaplib.SeqSet, inA, inB bool) imaplib.SeqSet {
		if !inA || !inB {
			return imaplib.SeqSet{}
		}
		return a.Intersect(b)
	})
}

// Difference returns the messages of s that are not in o (Lua's -).
func (s *Set) Difference(o *Set) *Set {
	return combine(s, o, false, func(a, b imaplib.SeqSet, inA, _ bool) imaplib.SeqSet {
		if !inA {
			return imaplib.SeqSet{}
		}
		return a.Difference(b)
	})
}

// open selects the part's mailbox and checks that its UIDVALIDITY is the
// one the UIDs were found under.
func (p *part) open(readOnly bool) (*imaplib.IMAP4, error) {
	a := p.mbox.acct
	if was, ok := a.opened[p.mbox.name]; ok && p.validity != 0 && p.validity != staleValidity && was != p.validity {
		// The set was found under another UIDVALIDITY than this
		// connection saw: the mailbox was replaced since the connection
		// selected it, or the set is older than the connection. Either
		// way this connection's picture of the mailbox is not to be
		// trusted (view.go), so the mailbox is selected on a new one.
		a.replaceConn(p.mbox.name, was, p.validity)
	} else if ok && p.validity == was {
		if now, seen := lastValidity(&a.cfg, p.mbox.name); seen && now != was {
			// Another connection has seen the mailbox replaced since
			// this one selected it (validities, view.go).
			a.replaceConn(p.mbox.name, was, now)
		}
	}
	m, v, err := a.selectBox(p.mbox.name, readOnly)
	if err != nil {
		return nil, err
	}
	if p.validity != 0 && p.validity != staleValidity && p.validity != v {
		// The set may be newer than this connection's selection (the
		// mailbox was replaced since): select again to know.
		a.Unselected()
		if m, v, err = a.selectBox(p.mbox.name, readOnly); err != nil {
			return nil, err
		}
	}
	if p.validity == staleValidity || (p.validity != 0 && p.validity != v) {
		return nil, fmt.Errorf("mail: %s: %q: %w", a.Name(), p.mbox.name, ErrUIDValidity)
	}
	if err := a.cover(m, topUID(p.uids)); err != nil {
		return nil, err
	}
	return m, nil
}

// searchBudget bounds the UID set of one narrowing SEARCH command.
const searchBudget = 7000

// Search narrows the set on the server: the messages of s that also match q,
// with one SEARCH per mailbox (split only where the UID list is too long for
// one command line), or for a big part and a query that may read every
// message, two at once, one on a pool connection (searchsplit.go).
func (s *Set) Search(q *Query) (*Set, error) {
	r := &Set{}
	for _, p := range s.parts {
		if p.uids.IsEmpty() {
			r.parts = append(r.parts, p)
			continue
		}
		a := p.mbox.acct
		var found imaplib.SeqSet
		var crit []any
		err := a.retryRead("search", func() error {
			m, err := p.open(a.DryRun())
			if err != nil {
				return err
			}
			crit = q.Criteria(time.Now(), m.HasCapability("WITHIN"))
			found, err = a.narrowInPieces(m, p.mbox.name, p.uids, q, crit)
			if err != nil {
				return fmt.Errorf("mail: %s: search %q: %w", a.Name(), p.mbox.name, a.check(err))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		r.parts = append(r.parts, part{mbox: p.mbox, validity: p.validity, uids: found, why: p.searchWhy(crit)})
	}
	return r, nil
}

// A Match is a client-side test on decoded header fields and text: every
// pattern given must be found (regexp semantics of Find: anywhere in the
// value unless anchored). Header values are decoded (RFC 2047, charsets)
// and unfolded; From, To and Cc are the whole decoded field.
type Match struct {
	Subject, From, To, Cc *regexp.Regexp
	Header                []HeaderPattern
	// Body is tested on the readable text of the message (see
	// Message.Text), which needs the whole message to be fetched.
	Body *regexp.Regexp
}

// HeaderPattern is a pattern for one header field. A message with several
// such fields matches when one of them does.
type HeaderPattern struct {
	Name string
	Re   *regexp.Regexp
}

// fields returns the header fields mt's patterns read, to fetch.
func (mt *Match) fields() []string {
	var f []string
	for _, p := range mt.patterns() {
		if p.field != "" {
			f = append(f, p.field)
		}
	}
	return f
}

// fieldTest is one header pattern of a Match, with the filter that spares
// the regular expression most of the values it cannot match.
type fieldTest struct {
	name string
	re   *regexp.Regexp
	pf   *refilter.Filter
}

// fieldTests returns the header patterns of mt (patterns, less the body
// and any header without a pattern) in the order matchHeader tries them.
func (mt *Match) fieldTests() []fieldTest {
	var tests []fieldTest
	for _, p := range mt.patterns() {
		if p.field != "" && p.re != nil {
			tests = append(tests, fieldTest{p.field, p.re, refilter.New(p.re)})
		}
	}
	return tests
}

// matchHeader tests the header patterns against a parsed header: each
// must match one of the fields of its name.
func matchHeader(tests []fieldTest, h *email.Message) bool {
	for _, ft := range tests {
		ok := false
		for _, v := range h.GetAll(ft.name) {
			if d := DecodeHeader(v); ft.pf.MayMatch(d) && ft.re.MatchString(d) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// unfold joins the lines of a folded header value.
var unfold = strings.NewReplacer("\r\n ", " ", "\r\n\t", " ", "\n ", " ", "\n\t", " ")

// DecodeHeader unfolds a raw header value and decodes its encoded words.
func DecodeHeader(v string) string {
	if strings.IndexByte(v, '\n') >= 0 {
		v = unfold.Replace(v)
	}
	return strings.TrimSpace(email.DecodeHeaderString(v))
}

// bodyBatch is how many whole messages a body match fetches at once.
const bodyBatch = 100

// Match narrows the set on the client: the messages whose decoded fields
// match mt. Header fields are fetched with one command per mailbox (split
// only by the line limit); a Body pattern fetches the candidates' whole
// messages in batches.
func (s *Set) Match(mt *Match) (*Set, error) {
	r := &Set{}
	fields := mt.fields()
	for _, f := range fields {
		if !validFieldName(f) {
			return nil, fmt.Errorf("mail: match: bad header name %q", f)
		}
	}
	for _, p := range s.parts {
		if p.uids.IsEmpty() {
			r.parts = append(r.parts, p)
			continue
		}
		a := p.mbox.acct
		var why []journal.Reason
		if a.h.Journal != nil {
			why = mt.reasons(a.where())
		}
		var cand imaplib.SeqSet
		err := a.retryRead("match", func() error {
			var err error
			cand, err = mt.matchPart(&p, fields, why)
			return err
		})
		if err != nil {
			return nil, err
		}
		r.parts = append(r.parts, part{mbox: p.mbox, validity: p.validity, uids: cand, why: joinWhy(p.why, why)})
	}
	return r, nil
}

// matchPart runs a Match over one part: the UIDs whose fields match. For
// the journal, it records in why what the patterns saw (explain.go). The
// header fields, then the candidates' bodies, are scanned (scan.go): in
// pipelined batches, each message matched as it arrives.
func (mt *Match) matchPart(p *part, fields []string, why []journal.Reason) (imaplib.SeqSet, error) {
	a := p.mbox.acct
	m, err := p.open(a.DryRun())
	if err != nil {
		return imaplib.SeqSet{}, err
	}
	var mu sync.Mutex
	cand := p.uids
	if len(fields) > 0 {
		item := "(UID BODY.PEEK[HEADER.FIELDS (" + strings.Join(quoteFields(fields), " ") + ")])"
		var found []uint32
		tests := mt.fieldTests()
		err := a.scan(m, p, item, scanTuning.batch, func(f *imaplib.FetchData) error {
			// Only the fields are read: the rest of a parse is work
			// thrown away for each of the mailbox's messages.
			h := &email.Message{Fields: email.HeaderFields(headerSection(f))}
			if !matchHeader(tests, h) {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			found = append(found, f.UID)
			mt.record(why, f.UID, h)
			return nil
		})
		if err != nil {
			return imaplib.SeqSet{}, err
		}
		cand = imaplib.SeqSetOf(found...)
	}
	if mt.Body != nil && !cand.IsEmpty() {
		var found []uint32
		bp := *p
		bp.uids = cand
		err := a.scan(m, &bp, "(UID BODY.PEEK[])", bodyBatch, func(f *imaplib.FetchData) error {
			raw := f.Body("")
			if raw == nil || !mt.Body.MatchString(ReadableText(email.Parse(raw))) {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			found = append(found, f.UID)
			return nil
		})
		if err != nil {
			return imaplib.SeqSet{}, err
		}
		cand = imaplib.SeqSetOf(found...)
	}
	return cand, nil
}

// headerSection returns the first body section of a header fetch.
func headerSection(f *imaplib.FetchData) []byte {
	for _, s := range f.Sections {
		if s.Data != nil {
			return s.Data
		}
	}
	return nil
}

// quoteFields makes header names safe for HEADER.FIELDS: atoms stay,
// anything else is quoted.
func quoteFields(names []string) []string {
	out := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		k := strings.ToLower(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, quoteAString(n))
	}
	sort.Strings(out)
	return out
}

func quoteAString(s string) string {
	ok := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// validFieldName reports whether name is an RFC 5322 field name.
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}
