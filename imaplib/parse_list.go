package imaplib

import (
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// A ListEntry is one LIST or LSUB response: `(\HasNoChildren) "/" INBOX`.
type ListEntry struct {
	// Attrs are the mailbox attributes as sent, such as \HasNoChildren,
	// \Noselect, and the SPECIAL-USE ones (\Sent, \Junk, \Trash...).
	Attrs []string
	// Delim is the hierarchy delimiter, "" when the server sent NIL (a flat
	// namespace).
	Delim string
	// Name is the mailbox name with its quoting undone, bytes as sent: it
	// stays in modified UTF-7 (RFC 3501 section 5.1.3) unless UTF8=ACCEPT
	// is enabled.
	Name string
	// Extended holds LIST-EXTENDED data (RFC 5258), such as CHILDINFO or
	// OLDNAME, by upper-cased tag, as plain values (see FetchData.Other);
	// nil when there is none.
	Extended map[string]any
}

// HasAttr reports whether e has the attribute attr; letter case does not
// matter (`\Sent` matches `\sent`).
func (e ListEntry) HasAttr(attr string) bool {
	for _, a := range e.Attrs {
		if strings.EqualFold(a, attr) {
			return true
		}
	}
	return false
}

// DisplayName returns the mailbox name decoded from modified UTF-7
// ("caf&AOk-" becomes "café"), for showing to people. A name that is not
// valid modified UTF-7 (as with UTF8=ACCEPT, where names are sent as UTF-8)
// is returned as it is, with the decoding error.
func (e ListEntry) DisplayName() (string, error) {
	name, err := DecodeMailboxName(e.Name)
	if err != nil {
		return e.Name, err
	}
	return name, nil
}

// ParseList parses the data list of a LIST or LSUB command (also XLIST).
// None items are skipped. When some responses are malformed, ParseList
// returns the others together with an error (a *ParseError per bad
// response, joined).
func ParseList(data []Item) ([]ListEntry, error) {
	out := make([]ListEntry, 0, countResponses(data))
	p := newParser()
	err := eachResponse("LIST", data, func(r *wire.Response) error {
		p.Reset(r)
		var e ListEntry
		e.Attrs = p.FlagList()
		p.SP()
		if !p.NIL() {
			e.Delim = string(p.Quoted())
		}
		p.SP()
		e.Name = string(p.AString())
		if p.Special(' ') {
			p.List(func() {
				tag := strings.ToUpper(string(p.AString()))
				p.SP()
				v := p.Value()
				if p.Err() != nil {
					return
				}
				if e.Extended == nil {
					e.Extended = make(map[string]any)
				}
				e.Extended[tag] = v.Any()
			})
		}
		if !p.ExpectEnd() {
			return p.Err()
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
