package imaplib

import (
	"fmt"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// AppendItem is one message of MultiAppend.
type AppendItem struct {
	// Flags are the message's flags (nil for none).
	Flags []string
	// Date is its internal date (the zero time for the server's clock).
	Date time.Time
	// Msg is the message; its line endings are normalised to CRLF.
	Msg []byte
}

// MultiAppendUID is the APPENDUID response code of a MultiAppend
// (UIDPLUS, RFC 4315): the UIDs of the new messages, in the order they
// were given.
type MultiAppendUID struct {
	// UIDValidity is the mailbox's UIDVALIDITY.
	UIDValidity uint32
	// UIDs are the new messages' UIDs.
	UIDs SeqSet
}

// MultiAppend appends items to mailbox with one APPEND command
// (MULTIAPPEND, RFC 3502): the server adds all of them, or, when it
// refuses one, none, so a failure leaves no part of the batch behind. It
// costs the server one transaction instead of one per message. It needs
// MULTIAPPEND (HasCapability tells); with UIDPLUS the result holds the
// new UIDs, without it it is nil. An empty items appends nothing.
func (m *IMAP4) MultiAppend(mailbox string, items []AppendItem) (*MultiAppendUID, error) {
	if len(items) == 0 {
		return nil, nil
	}
	if err := m.require("MULTIAPPEND", "MultiAppend"); err != nil {
		return nil, err
	}
	if err := checkMailbox(mailbox); err != nil {
		return nil, err
	}
	for _, it := range items {
		if err := checkFlags(it.Flags); err != nil {
			return nil, err
		}
	}
	safe := true
	for _, it := range items {
		safe = safe && appendLiteralSafe(it.Flags)
	}
	wireName := m.encodeMailbox(mailbox)
	m.takeCodes("APPENDUID")
	_, err := m.do("APPEND", &command{
		name:        "APPEND",
		syncLiteral: !safe,
		build: func(c *wire.Command) {
			c.SP()
			c.AString(wireName)
			for _, it := range items {
				if len(it.Flags) > 0 {
					writeFlags(c, it.Flags)
				}
				if !it.Date.IsZero() {
					c.SP()
					c.RawString(Time2Internaldate(it.Date))
				}
				msg := normaliseCRLF(it.Msg)
				if m.utf8 {
					c.RawString(" UTF8 (")
					c.Literal(msg, true)
					c.RawString(")")
				} else {
					c.SP()
					c.Literal(msg, false)
				}
			}
		},
	})
	line := m.popLast("APPENDUID")
	if err != nil || line == nil {
		return nil, err
	}
	au, perr := parseMultiAppendUID(line, len(items))
	if perr != nil {
		return nil, newError(KindError, perr, "%v", perr)
	}
	return au, nil
}

// parseMultiAppendUID parses "uidvalidity uid-set" for n messages: as
// many UIDs as messages, none written twice (parseCopyUID's checks).
func parseMultiAppendUID(arg []byte, n int) (*MultiAppendUID, error) {
	v, f, err := uidCodeFields("APPENDUID", arg, 1)
	if err != nil {
		return nil, err
	}
	set, err := ParseSeqSet(f[0])
	if err != nil || set.Contains(Star) || set.Len() != n || writtenLen(f[0]) != uint64(n) {
		return nil, fmt.Errorf("imaplib: APPENDUID %q does not name %d messages", arg, n)
	}
	return &MultiAppendUID{UIDValidity: v, UIDs: set}, nil
}
