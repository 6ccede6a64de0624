package imaplib

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// A StreamedLiteral describes a literal of a FETCH response that
// UIDFetchStream hands to its literal function as it arrives.
type StreamedLiteral struct {
	// SeqNum is the message's sequence number.
	SeqNum uint32
	// UID is the message's UID when the response gave it as its first
	// item (as Dovecot, Gmail and most servers do when UID is asked for),
	// 0 otherwise; the FetchData given to the message function has it
	// either way.
	UID uint32
	// Name is the item the literal is the value of, as the server wrote
	// it: "BODY[]", "BODY[HEADER.FIELDS (FROM)]", "BINARY[1]<0>"...
	Name string
	// Size is the literal's size in bytes.
	Size int64
}

// LiteralFunc receives one literal of a streamed FETCH: r reads its Size
// bytes. What the function leaves unread is skipped.
type LiteralFunc func(lit StreamedLiteral, r io.Reader) error

// UIDFetchStream fetches items of the messages whose UIDs are in set, as
// UIDFetch does, but hands each literal (a message body, a header section)
// to literal as it comes off the network instead of holding it in memory,
// and each message to message once its response is complete. Memory use
// stays bounded by the largest response line however much is fetched:
// a streamed literal is never held whole, and the limits on literal and
// response sizes do not apply to it.
//
// In the FetchData given to message, a section whose literal went to
// literal has Data nil. With a nil literal, literals are read into memory
// as UIDFetch does (and the FetchData holds them); with a nil message, the
// parsed responses are dropped. FETCH responses the server sends meanwhile
// about other messages stay filed for Response("FETCH"), as with UIDFetch.
//
// When literal or message returns an error, UIDFetchStream stops calling
// them, reads the command's remaining responses (the connection stays
// usable) and returns that error. A set too long for one command line is
// split over several commands; an empty set fetches nothing.
func (m *IMAP4) UIDFetchStream(set SeqSet, items string, literal LiteralFunc, message func(*FetchData) error) error {
	if len(bytes.TrimSpace([]byte(items))) == 0 {
		return newError(KindValue, nil, "no fetch items")
	}
	items = parenthesise(items)
	st := &fetchStream{literal: literal, message: message}
	for _, chunk := range set.Split(setBudget(len("UID FETCH  ") + len(items))) {
		st.set, st.star = chunk, chunk.Contains(Star)
		tag, err := m.send(&command{name: "UID", args: []any{"FETCH", chunk.String(), items}})
		if err != nil {
			return err
		}
		for m.tagged[tag] == nil {
			if err := m.checkBye(); err != nil {
				return err
			}
			if err := m.streamResponse(st); err != nil {
				return err
			}
		}
		typ, dat, err := m.complete("UID", tag)
		if err != nil {
			return err
		}
		if typ != "OK" {
			return refused("UID FETCH", typ, dat)
		}
		if st.err != nil {
			return st.err
		}
	}
	return nil
}

// fetchStream is the state of one UIDFetchStream.
type fetchStream struct {
	literal LiteralFunc
	message func(*FetchData) error
	set     SeqSet
	star    bool
	err     error // the first error of a callback
	fp      fetchParser
}

// streamResponse reads one response: a FETCH response with its literals
// streamed, anything else read whole and filed as getResponse does.
func (m *IMAP4) streamResponse(st *fetchStream) error {
	if m.broken != nil {
		return m.brokenErr()
	}
	m.setReadDeadline()
	line, err := m.r.ReadLine()
	if err != nil {
		return m.ioFail(err)
	}
	seq, ok := fetchSeq(line)
	if !ok {
		resp, err := m.r.ReadResponseAfter(line)
		if err != nil {
			return m.ioFail(err)
		}
		_, _, err = m.fileResponse(resp)
		return err
	}
	resp, streamed, err := m.readFetchLiterals(st, seq, line)
	if err != nil {
		return err
	}
	if m.trace != nil {
		m.traceResponse(resp)
	}
	m.deliverFetch(st, resp, streamed)
	return nil
}

// readFetchLiterals reads the rest of a FETCH response that starts with line,
// handing each literal to st.literal when set (streamed names the items
// whose literals were) or keeping it in the response.
func (m *IMAP4) readFetchLiterals(st *fetchStream, seq uint32, line []byte) (resp *wire.Response, streamed []string, err error) {
	resp = &wire.Response{Text: [][]byte{line}}
	lim := m.r.Limits()
	var total int64
	for {
		n, ok := wire.LiteralSize(line)
		if !ok {
			break
		}
		if n < 0 {
			return nil, nil, m.ioFail(&wire.LimitError{What: "literal", Size: n, Limit: lim.MaxLiteral})
		}
		var lit []byte
		if st.literal == nil {
			if total+n > lim.MaxResponse {
				return nil, nil, m.ioFail(&wire.LimitError{What: "response", Size: total + n, Limit: lim.MaxResponse})
			}
			if lit, err = m.r.ReadLiteral(n); err != nil {
				return nil, nil, m.ioFail(err)
			}
			total += n
		} else {
			name := literalItem(line)
			streamed = append(streamed, name)
			if st.err == nil {
				info := StreamedLiteral{SeqNum: seq, UID: leadingUID(resp.Text[0]), Name: name, Size: n}
				lr := m.r.LiteralReader(n)
				st.err = st.literal(info, lr)
				n = lr.(*io.LimitedReader).N
			}
			if err := m.r.Discard(n); err != nil {
				return nil, nil, m.ioFail(err)
			}
		}
		resp.Literals = append(resp.Literals, lit)
		if line, err = m.r.ReadLine(); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, nil, m.ioFail(err)
		}
		total += int64(len(line))
		resp.Text = append(resp.Text, line)
	}
	return resp, streamed, nil
}

// deliverFetch files a FETCH response read by readFetchLiterals: to
// st.message when it is one of the streamed messages, to the untagged
// FETCH responses otherwise.
func (m *IMAP4) deliverFetch(st *fetchStream, resp *wire.Response, streamed []string) {
	// Frame the response as a data list, as fileResponse would, to parse
	// it or file it. A streamed literal becomes an empty one, announced
	// as {0}.
	if st.literal != nil {
		for i := range resp.Literals {
			resp.Text[i] = emptyLiteral(resp.Text[i])
		}
	}
	_, dat, _ := matchUntagged(resp.Text[0])
	if fd, ok := st.parse(resp, dat); ok && (st.star || st.set.Contains(fd.UID)) {
		for i := range fd.Sections {
			s := &fd.Sections[i]
			if len(s.Data) == 0 && slices.ContainsFunc(streamed, func(n string) bool { return sameItem(n, s) }) {
				s.Data = nil
			}
		}
		if st.message != nil && st.err == nil {
			st.err = st.message(fd)
		}
		return
	}
	items := make([]Item, 0, len(resp.Text))
	if len(resp.Literals) == 0 {
		items = append(items, LineItem(dat))
	} else {
		items = append(items, PairItem(dat, resp.Literals[0]))
		for i := 1; i < len(resp.Literals); i++ {
			items = append(items, PairItem(resp.Text[i], resp.Literals[i]))
		}
		items = append(items, LineItem(resp.Text[len(resp.Text)-1]))
	}
	for _, it := range items {
		m.appendUntagged("FETCH", it)
	}
}

// parse parses a FETCH response whose first line, less "* ", is dat, as
// ParseFetch would, with a parser the stream keeps from one response to
// the next. It reports whether the response parsed and has a UID.
func (st *fetchStream) parse(resp *wire.Response, dat []byte) (*FetchData, bool) {
	if st.fp.p == nil {
		st.fp.p = newParser()
	}
	first := resp.Text[0]
	resp.Text[0] = dat
	fd := new(FetchData)
	err := st.fp.parse(resp, fd)
	resp.Text[0] = first
	return fd, err == nil && fd.UID != 0
}

// fetchSeq reports whether line starts a FETCH response, "* n FETCH ",
// and returns n.
func fetchSeq(line []byte) (uint32, bool) {
	if len(line) < 10 || line[0] != '*' || line[1] != ' ' {
		return 0, false
	}
	i := 2
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i == 2 || i > 12 || len(line) < i+7 || !bytes.EqualFold(line[i:i+7], []byte(" FETCH ")) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(line[2:i]), 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// leadingUID returns n when the FETCH response line starts its items with
// "UID n", else 0.
func leadingUID(line []byte) uint32 {
	i := bytes.IndexByte(line, '(')
	if i < 0 || len(line) < i+5 || !bytes.EqualFold(line[i+1:i+5], []byte("UID ")) {
		return 0
	}
	j := i + 5
	k := j
	for k < len(line) && line[k] >= '0' && line[k] <= '9' {
		k++
	}
	if k == j || k-j > 10 {
		return 0
	}
	n, err := strconv.ParseUint(string(line[j:k]), 10, 32)
	if err != nil {
		return 0
	}
	return uint32(n)
}

// literalItem returns the item name before the literal announcement that
// ends line: "BODY[HEADER.FIELDS (FROM)]" from "... BODY[HEADER.FIELDS
// (FROM)] {42}".
func literalItem(line []byte) string {
	end := bytes.LastIndexByte(line, '{')
	if end > 0 && line[end-1] == '~' {
		end--
	}
	for end > 0 && line[end-1] == ' ' {
		end--
	}
	depth := 0
	start := end
	for start > 0 {
		c := line[start-1]
		if depth == 0 && (c == ' ' || c == '(') {
			break
		}
		switch c {
		case ']':
			depth++
		case '[':
			depth--
		}
		start--
	}
	return string(line[start:end])
}

// emptyLiteral returns line with its literal announcement replaced by {0}.
func emptyLiteral(line []byte) []byte {
	i := bytes.LastIndexByte(line, '{')
	return append(line[:i:i], "{0}"...)
}

// sameItem reports whether a streamed literal's item name, as the server
// wrote it, is the section s.
func sameItem(name string, s *Section) bool {
	if i := strings.IndexByte(name, '<'); i > 0 {
		name = name[:i]
	}
	return strings.EqualFold(string(collapseSpaces(name)), s.Name)
}
