package imaplib

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// A ParseError reports an untagged response of a data list that the parsed
// helpers (ParseFetch, ParseList, ParseStatus, ParseSearch, ParseESearch)
// could not read. The data list itself is left as it was.
type ParseError struct {
	// Response names the kind of data: "FETCH", "LIST", "STATUS", ...
	Response string
	// Index is the position of the response among the data list's
	// responses; Item is the index of its first item in the data list.
	Index, Item int
	// Err is the underlying syntax error.
	Err error
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	return fmt.Sprintf("imaplib: malformed %s response %d (data item %d): %v", e.Response, e.Index, e.Item, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

var errNoFinalLine = errors.New("wire: literal item not followed by a line item")

// eachResponse cuts data into untagged responses (a run of pair items and
// the line item that ends it) and calls f with each one framed as a
// wire.Response. None items stand for no response and are skipped. The
// Response passed to f is reused: f may keep the bytes it holds, not the
// Response. The errors of all responses that failed are joined.
func eachResponse(kind string, data []Item, f func(r *wire.Response) error) error {
	var (
		errs  []error
		r     wire.Response
		first = -1
		index int
	)
	fail := func(item int, err error) {
		errs = append(errs, &ParseError{Response: kind, Index: index, Item: item, Err: err})
	}
	for i, it := range data {
		if it.IsNone {
			if first >= 0 {
				fail(first, errNoFinalLine)
				index++
				first = -1
			}
			continue
		}
		if first < 0 {
			first = i
			r.Text = r.Text[:0]
			r.Literals = r.Literals[:0]
		}
		r.Text = append(r.Text, it.Line)
		if it.IsPair {
			r.Literals = append(r.Literals, it.Literal)
			continue
		}
		if err := f(&r); err != nil {
			fail(first, err)
		}
		index++
		first = -1
	}
	if first >= 0 {
		fail(first, errNoFinalLine)
	}
	return errors.Join(errs...)
}

// countResponses returns how many responses eachResponse will find.
func countResponses(data []Item) int {
	n := 0
	open := false
	for _, it := range data {
		switch {
		case it.IsNone:
			if open {
				n++
			}
			open = false
		case it.IsPair:
			open = true
		default:
			n++
			open = false
		}
	}
	if open {
		n++
	}
	return n
}

// newParser returns the parser the helpers use: UTF-8 is accepted in
// quoted strings, since servers send it with UTF8=ACCEPT and some send it
// anyway.
func newParser() *wire.Parser {
	return &wire.Parser{UTF8: true}
}

// A Section is one message body item of a FETCH response: BODY[...],
// BINARY[...], RFC822, RFC822.HEADER or RFC822.TEXT.
type Section struct {
	// Name is the item's name as the server wrote it, with normalised
	// spacing and without the origin, e.g. "BODY[HEADER.FIELDS (FROM
	// SUBJECT)]", "BINARY[1]" or "RFC822.HEADER".
	Name string
	// Spec is the part of Name inside the brackets ("" for RFC822 items).
	Spec string
	// Partial is the origin octet of a partial fetch (BODY[]<0>), or nil.
	Partial *uint32
	// Data holds the item's bytes, nil for NIL. It may share memory with
	// the data list it was parsed from.
	Data []byte
}

// FetchData is one FETCH response, parsed.
type FetchData struct {
	// SeqNum is the message sequence number.
	SeqNum uint32
	// UID is the UID, 0 when the response did not hold it.
	UID uint32
	// Flags are the message's flags (nil when not fetched).
	Flags []string
	// RFC822Size is the message size (RFC822.SIZE), -1 when not fetched.
	RFC822Size int64
	// InternalDate is INTERNALDATE, zero when not fetched.
	InternalDate time.Time
	// Envelope is ENVELOPE, nil when not fetched.
	Envelope *Envelope
	// BodyStructure is BODYSTRUCTURE, or BODY without extension data.
	BodyStructure *BodyStructure
	// ModSeq is the CONDSTORE mod-sequence (MODSEQ), 0 when not fetched.
	ModSeq uint64
	// Sections are the body items, in the order the server sent them.
	Sections []Section
	// Other holds the items this package does not know (for example
	// BINARY.SIZE[1], SAVEDATE, X-GM-LABELS), by name, as plain values: a
	// string for atoms and strings, a uint64 for numbers, nil for NIL and
	// []any for lists.
	Other map[string]any
}

// Section returns the body item with the given name: "BODY[TEXT]",
// "BINARY[1]", "RFC822.HEADER"... Letter case and spacing do not matter,
// and a name with an origin ("BODY[]<0>") matches only that partial item.
// It returns nil when there is no such item.
func (f *FetchData) Section(name string) *Section {
	want, origin, hasOrigin, ok := normalizeSectionName(name)
	if !ok {
		return nil
	}
	for i := range f.Sections {
		s := &f.Sections[i]
		if !strings.EqualFold(s.Name, want) {
			continue
		}
		if hasOrigin && (s.Partial == nil || *s.Partial != origin) {
			continue
		}
		return s
	}
	return nil
}

// Body returns the data of the BODY[spec] item ("" for the whole message,
// "TEXT", "1.2", "HEADER.FIELDS (FROM SUBJECT)"...), or nil when there is
// none or it was NIL.
func (f *FetchData) Body(spec string) []byte {
	if s := f.Section("BODY[" + spec + "]"); s != nil {
		return s.Data
	}
	return nil
}

// collapseSpaces trims s and turns runs of spaces into one, dropping
// those after "(" or "[" and before ")" or "]".
func collapseSpaces(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, f := range strings.Fields(s) {
		if len(b) > 0 && b[len(b)-1] != '(' && b[len(b)-1] != '[' && f[0] != ')' && f[0] != ']' {
			b = append(b, ' ')
		}
		b = append(b, f...)
	}
	return b
}

func normalizeSectionName(name string) (norm string, origin uint32, hasOrigin, ok bool) {
	p := newParser()
	p.Reset(&wire.Response{Text: [][]byte{collapseSpaces(name)}})
	b := append([]byte(nil), p.ItemName()...)
	if c, _ := p.PeekByte(); c == '[' {
		b = p.Section(b)
		origin, hasOrigin = p.Partial()
	}
	if !p.ExpectEnd() {
		return "", 0, false, false
	}
	return string(b), origin, hasOrigin, true
}

// ParseFetch parses the data list of a FETCH (or UID FETCH) command: each
// response, `12 (FLAGS (\Seen) UID 5 ...)`, becomes one FetchData. None
// items are skipped. When some responses are malformed, ParseFetch returns
// the others together with an error (a *ParseError per bad response,
// joined).
func ParseFetch(data []Item) ([]*FetchData, error) {
	store := make([]FetchData, countResponses(data))
	out := make([]*FetchData, 0, len(store))
	fp := fetchParser{p: newParser()}
	err := eachResponse("FETCH", data, func(r *wire.Response) error {
		fd := &store[len(out)+fp.failed]
		if err := fp.parse(r, fd); err != nil {
			fp.failed++
			return err
		}
		out = append(out, fd)
		return nil
	})
	return out, err
}

type fetchParser struct {
	p      *wire.Parser
	failed int
	buf    []byte
	names  map[string]string // interned section names
}

func (fp *fetchParser) intern(b []byte) string {
	if s, ok := fp.names[string(b)]; ok {
		return s
	}
	if fp.names == nil {
		fp.names = make(map[string]string)
	}
	s := string(b)
	fp.names[s] = s
	return s
}

func (fp *fetchParser) parse(r *wire.Response, fd *FetchData) error {
	p := fp.p
	p.Reset(r)
	*fd = FetchData{RFC822Size: -1}
	fd.SeqNum = p.NZNumber()
	p.SP()
	p.Open()
	for p.Err() == nil {
		fp.item(fd)
		if p.Special(')') {
			break
		}
		p.SP()
	}
	p.ExpectEnd()
	return p.Err()
}

func upperASCII(dst, s []byte) []byte {
	for _, c := range s {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// item reads one msg-att item: its name, and its value.
func (fp *fetchParser) item(fd *FetchData) {
	p := fp.p
	name := p.ItemName()
	if p.Err() != nil {
		return
	}
	var ubuf [24]byte
	upper := upperASCII(ubuf[:0], name)
	if c, _ := p.PeekByte(); c == '[' {
		fp.section(fd, name, string(upper))
		return
	}
	p.SP()
	switch string(upper) {
	case "UID":
		fd.UID = p.NZNumber()
	case "FLAGS":
		fd.Flags = p.FlagList()
	case "INTERNALDATE":
		fd.InternalDate = p.DateTime()
	case "RFC822.SIZE":
		fd.RFC822Size = int64(p.Number64())
	case "ENVELOPE":
		fd.Envelope = parseEnvelope(p)
	case "BODY", "BODYSTRUCTURE":
		fd.BodyStructure = parseBody(p)
	case "MODSEQ":
		p.Open()
		fd.ModSeq = p.Number64()
		p.Close()
	case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
		data := p.NString()
		fd.Sections = append(fd.Sections, Section{Name: fp.intern(name), Data: data})
	default:
		v := p.Value()
		if p.Err() == nil {
			fp.other(fd, string(name), v)
		}
	}
}

func (fp *fetchParser) other(fd *FetchData, name string, v wire.Value) {
	if fd.Other == nil {
		fd.Other = make(map[string]any)
	}
	fd.Other[name] = v.Any()
}

// section reads BODY[...]<n>, BINARY[...]<n> and other bracketed items.
func (fp *fetchParser) section(fd *FetchData, name []byte, upper string) {
	p := fp.p
	fp.buf = p.Section(append(fp.buf[:0], name...))
	if p.Err() != nil {
		return
	}
	full := fp.intern(fp.buf)
	origin, hasOrigin := p.Partial()
	p.SP()
	if p.Err() != nil {
		return
	}
	if upper == "BINARY.SIZE" {
		fp.other(fd, full, wire.Value{Kind: wire.KindNumber, Num: uint64(p.Number())})
		return
	}
	if upper != "BODY" && upper != "BINARY" {
		v := p.Value()
		if p.Err() == nil {
			fp.other(fd, full, v)
		}
		return
	}
	data := p.NString()
	s := Section{Name: full, Spec: full[len(name)+1 : len(full)-1], Data: data}
	if hasOrigin {
		o := origin // allocated only for a partial item
		s.Partial = &o
	}
	fd.Sections = append(fd.Sections, s)
}
