package imaplib

import (
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// StatusData is one STATUS response: `INBOX (MESSAGES 3 UIDNEXT 4)`. Each
// item is a pointer, nil when the response did not hold it.
type StatusData struct {
	// Mailbox is the mailbox name with its quoting undone, bytes as sent.
	Mailbox string

	Messages    *uint32
	Recent      *uint32
	UIDNext     *uint32
	UIDValidity *uint32
	Unseen      *uint32
	// Deleted is the number of messages with \Deleted (IMAP4rev2).
	Deleted *uint32
	// HighestModSeq is the CONDSTORE highest mod-sequence.
	HighestModSeq *uint64
	// Size is the mailbox size in octets (STATUS=SIZE).
	Size *int64

	// Other holds the items this package does not know, by upper-cased
	// name, as plain values (see FetchData.Other); nil when there are none.
	Other map[string]any
}

// ParseStatus parses the data list of a STATUS command, one StatusData per
// response. None items are skipped. When some responses are malformed,
// ParseStatus returns the others together with an error (a *ParseError
// per bad response, joined).
func ParseStatus(data []Item) ([]StatusData, error) {
	out := make([]StatusData, 0, countResponses(data))
	p := newParser()
	err := eachResponse("STATUS", data, func(r *wire.Response) error {
		p.Reset(r)
		var s StatusData
		s.Mailbox = string(p.AString())
		p.SP()
		p.List(func() { statusItem(p, &s) })
		if !p.ExpectEnd() {
			return p.Err()
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

func statusItem(p *wire.Parser, s *StatusData) {
	name := strings.ToUpper(p.Atom())
	p.SP()
	u32 := func(dst **uint32) {
		n := p.Number()
		*dst = &n
	}
	switch name {
	case "MESSAGES":
		u32(&s.Messages)
	case "RECENT":
		u32(&s.Recent)
	case "UIDNEXT":
		u32(&s.UIDNext)
	case "UIDVALIDITY":
		u32(&s.UIDValidity)
	case "UNSEEN":
		u32(&s.Unseen)
	case "DELETED":
		u32(&s.Deleted)
	case "HIGHESTMODSEQ":
		n := p.Number64()
		s.HighestModSeq = &n
	case "SIZE":
		n := int64(p.Number64())
		s.Size = &n
	default:
		v := p.Value()
		if p.Err() != nil {
			return
		}
		if s.Other == nil {
			s.Other = make(map[string]any)
		}
		s.Other[name] = v.Any()
	}
}
