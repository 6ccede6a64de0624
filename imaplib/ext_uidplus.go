package imaplib

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// CopyUID is the COPYUID response code of UIDPLUS (RFC 4315): where COPY
// or MOVE put the messages.
type CopyUID struct {
	// UIDValidity is the destination mailbox's UIDVALIDITY.
	UIDValidity uint32
	// Source holds the UIDs copied, Dest their UIDs in the destination.
	Source, Dest SeqSet
	// pairs are the (source, dest) sets as the server wrote them, in
	// order: the n-th source UID maps to the n-th dest UID.
	pairs []copyPair
}

type copyPair struct{ src, dst string }

// uidCodeFields splits the argument of the response code code (COPYUID,
// APPENDUID) into its UIDVALIDITY, which must not be 0, and the parts
// after it, which must be parts in number.
func uidCodeFields(code string, arg []byte, parts int) (uint32, []string, error) {
	f := strings.Fields(string(arg))
	if len(f) != parts+1 {
		return 0, nil, fmt.Errorf("imaplib: malformed %s %q", code, arg)
	}
	v, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil || v == 0 {
		return 0, nil, fmt.Errorf("imaplib: malformed %s %q: bad UIDVALIDITY", code, arg)
	}
	return uint32(v), f[1:], nil
}

// parseCopyUID parses "uidvalidity source-set dest-set".
func parseCopyUID(arg []byte) (*CopyUID, error) {
	v, f, err := uidCodeFields("COPYUID", arg, 2)
	if err != nil {
		return nil, err
	}
	src, err := ParseSeqSet(f[0])
	if err != nil {
		return nil, fmt.Errorf("imaplib: malformed COPYUID %q: %w", arg, err)
	}
	dst, err := ParseSeqSet(f[1])
	if err != nil {
		return nil, fmt.Errorf("imaplib: malformed COPYUID %q: %w", arg, err)
	}
	if src.Contains(Star) || dst.Contains(Star) || src.Len() != dst.Len() ||
		writtenLen(f[0]) != uint64(src.Len()) || writtenLen(f[1]) != uint64(dst.Len()) {
		return nil, fmt.Errorf("imaplib: malformed COPYUID %q: sets do not match", arg)
	}
	return &CopyUID{UIDValidity: v, Source: src, Dest: dst, pairs: []copyPair{{f[0], f[1]}}}, nil
}

// merge adds the result of another command of the same operation.
func (c *CopyUID) merge(o *CopyUID) *CopyUID {
	if c == nil {
		return o
	}
	if o == nil {
		return c
	}
	c.Source = c.Source.Union(o.Source)
	c.Dest = c.Dest.Union(o.Dest)
	c.pairs = append(c.pairs, o.pairs...)
	return c
}

// maxMapped caps how many UIDs Map expands.
const maxMapped = 1 << 24

// Map returns the destination UID of each source UID, following the order
// in which the server listed them (RFC 4315 pairs the n-th UID of the
// source set with the n-th of the destination set).
func (c *CopyUID) Map() (map[uint32]uint32, error) {
	out := make(map[uint32]uint32, min(c.Source.Len(), 1<<16))
	for _, p := range c.pairs {
		src, err := orderedNums(p.src)
		if err != nil {
			return nil, err
		}
		dst, err := orderedNums(p.dst)
		if err != nil {
			return nil, err
		}
		if len(src) != len(dst) {
			return nil, fmt.Errorf("imaplib: COPYUID sets %s and %s differ in size", p.src, p.dst)
		}
		for i, s := range src {
			out[s] = dst[i]
		}
	}
	return out, nil
}

// writtenLen counts the numbers of a valid sequence set without Star as
// written, a number listed twice counting twice.
func writtenLen(s string) uint64 {
	var n uint64
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, _ := strconv.ParseUint(lo, 10, 32)
		b := a
		if isRange {
			b, _ = strconv.ParseUint(hi, 10, 32)
		}
		if a > b {
			a, b = b, a
		}
		n += b - a + 1
	}
	return n
}

// orderedNums expands a sequence set in the order written (each range
// ascending).
func orderedNums(s string) ([]uint32, error) {
	var out []uint32
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("imaplib: bad UID %q in %q", lo, s)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 32); err != nil {
				return nil, fmt.Errorf("imaplib: bad UID %q in %q", hi, s)
			}
		}
		if a > b {
			a, b = b, a
		}
		if uint64(len(out))+b-a+1 > maxMapped {
			return nil, fmt.Errorf("imaplib: COPYUID set %.40s holds more than %d UIDs", s, maxMapped)
		}
		for n := a; n <= b; n++ {
			out = append(out, uint32(n))
		}
	}
	return out, nil
}

// takeCopyUID hands out the last COPYUID code filed (from the tagged OK,
// or from an untagged OK as MOVE sends it), nil when there is none.
func (m *IMAP4) takeCopyUID() (*CopyUID, error) {
	line := m.popLast("COPYUID")
	if line == nil {
		return nil, nil
	}
	cu, err := parseCopyUID(line)
	if err != nil {
		return nil, newError(KindError, err, "%v", err)
	}
	return cu, nil
}

// UIDCopy copies the messages whose UIDs are in set to the mailbox dest
// (UID COPY). With UIDPLUS the server says where the copies went; without
// it the CopyUID is nil. A set too long for one command line is copied
// with one UID COPY of the saved search result "$" when the server has
// SEARCHRES (see UIDStore); otherwise it is split over several commands,
// whose results are merged; when one of them fails, the error comes with
// what the earlier ones copied. An empty set copies nothing.
func (m *IMAP4) UIDCopy(set SeqSet, dest string) (*CopyUID, error) {
	return m.uidCopyMove("COPY", set, dest)
}

func (m *IMAP4) uidCopyMove(name string, set SeqSet, dest string) (*CopyUID, error) {
	if err := checkMailbox(dest); err != nil {
		return nil, err
	}
	wireDest := m.encodeMailbox(dest)
	pieces, err := m.pieces(set, setBudget(len("UID MOVE  ")+len(wireDest)+2))
	if err != nil {
		return nil, err
	}
	var result *CopyUID
	for _, p := range pieces {
		cu, err := m.uidCopyMoveOne(name, p.text, wireDest)
		result = result.merge(cu)
		if err != nil {
			return result, err
		}
	}
	return result, nil
}

func (m *IMAP4) uidCopyMoveOne(name, set string, wireDest string) (*CopyUID, error) {
	m.takeCodes("COPYUID")
	_, err := m.do("UID "+name, &command{name: "UID", args: []any{name, set}, build: func(c *wire.Command) {
		c.SP()
		c.AString(wireDest)
	}})
	if err != nil {
		m.takeCodes("COPYUID")
		return nil, err
	}
	return m.takeCopyUID()
}

// AppendUID is the APPENDUID response code of UIDPLUS (RFC 4315): the UID
// an appended message got.
type AppendUID struct {
	// UIDValidity is the mailbox's UIDVALIDITY.
	UIDValidity uint32
	// UID is the appended message's UID.
	UID uint32
}

// parseAppendUID parses "uidvalidity uid".
func parseAppendUID(arg []byte) (*AppendUID, error) {
	v, f, err := uidCodeFields("APPENDUID", arg, 1)
	if err != nil {
		return nil, err
	}
	u, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil || u == 0 {
		return nil, fmt.Errorf("imaplib: malformed APPENDUID %q", arg)
	}
	return &AppendUID{UIDValidity: v, UID: uint32(u)}, nil
}

// AppendMessage appends msg to mailbox (APPEND) with the given flags (nil
// for none) and internal date (the zero time for the server's clock).
// Line endings of msg are normalised to CRLF. With UIDPLUS the result
// holds the new message's UID; without it, it is nil.
func (m *IMAP4) AppendMessage(mailbox string, flags []string, date time.Time, msg []byte) (*AppendUID, error) {
	dateText := ""
	if !date.IsZero() {
		dateText = Time2Internaldate(date)
	}
	return m.appendTyped(mailbox, flags, dateText, !appendLiteralSafe(flags), msg)
}

// AppendMessageDate is AppendMessage with the internal date given as
// text, such as "05-Mar-2025 12:00:00 +0000", sent as it is between
// quotes: for a caller passing on a date it did not make, which the
// server may read in its own way or refuse. The text must be printable
// ASCII without `"` or `\` (else an ErrValue error, nothing sent); ""
// leaves the date to the server. The message waits for the server's
// go-ahead (a synchronizing literal), so that a server refusing the date
// answers before it is sent.
func (m *IMAP4) AppendMessageDate(mailbox string, flags []string, date string, msg []byte) (*AppendUID, error) {
	for i := 0; i < len(date); i++ {
		if c := date[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return nil, newError(KindValue, nil, "invalid date %q", date)
		}
	}
	if date != "" {
		date = `"` + date + `"`
	}
	return m.appendTyped(mailbox, flags, date, true, msg)
}

// appendTyped is APPEND of msg with flags and dateText (a quoted
// date-time, "" for none); sync sends msg as a synchronizing literal.
func (m *IMAP4) appendTyped(mailbox string, flags []string, dateText string, sync bool, msg []byte) (*AppendUID, error) {
	if err := checkMailbox(mailbox); err != nil {
		return nil, err
	}
	if err := checkFlags(flags); err != nil {
		return nil, err
	}
	wireName := m.encodeMailbox(mailbox)
	m.takeCodes("APPENDUID")
	_, err := m.do("APPEND", &command{
		name: "APPEND",
		build: func(c *wire.Command) {
			c.SP()
			c.AString(wireName)
			if len(flags) > 0 {
				writeFlags(c, flags)
			}
			if dateText != "" {
				c.SP()
				c.RawString(dateText)
			}
		},
		literal:     normaliseCRLF(msg),
		hasLiteral:  true,
		utf8Lit:     true,
		syncLiteral: sync,
	})
	line := m.popLast("APPENDUID")
	if err != nil || line == nil {
		return nil, err
	}
	au, perr := parseAppendUID(line)
	if perr != nil {
		return nil, newError(KindError, perr, "%v", perr)
	}
	return au, nil
}

// UIDExpunge removes, of the messages flagged \Deleted, only those whose
// UIDs are in set (UID EXPUNGE, RFC 4315); other \Deleted messages stay.
// It needs UIDPLUS. The EXPUNGE responses stay filed for
// Response("EXPUNGE"). A set too long for one command line is expunged
// with one command on the saved search result "$" when the server has
// SEARCHRES (see UIDStore). An empty set expunges nothing.
func (m *IMAP4) UIDExpunge(set SeqSet) error {
	if err := m.require("UIDPLUS", "UID EXPUNGE"); err != nil {
		return err
	}
	pieces, err := m.pieces(set, setBudget(len("UID EXPUNGE ")))
	if err != nil {
		return err
	}
	for _, p := range pieces {
		if _, err := m.do("UID EXPUNGE", &command{name: "UID", args: []any{"EXPUNGE", p.text}}); err != nil {
			return err
		}
	}
	return nil
}
