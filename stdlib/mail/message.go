package mail

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// DefaultBatch is how many messages Messages fetches per command.
const DefaultBatch = 200

// A Message is one message of a set, as Messages hands it out: UID, flags,
// size, internal date and envelope come with the batch; the header and the
// whole message are fetched when first asked for.
type Message struct {
	UID          uint32
	Mailbox      *Mailbox
	Flags        []string
	Size         int64
	InternalDate time.Time
	Envelope     *imaplib.Envelope

	b   *batch
	idx int

	header []byte
	raw    []byte
	parsed *email.Message
	hdr    *email.Message
}

// batch is the messages of one fetch, which load headers and bodies
// together: the first message to ask for a body gets only its own; when a
// second one asks, the rest of the batch comes in one command.
type batch struct {
	it   *Messages
	p    *part
	msgs []*Message
	asks map[string]int
}

// Subject returns the decoded subject.
func (m *Message) Subject() string {
	if m.Envelope == nil {
		return ""
	}
	return DecodeHeader(m.Envelope.Subject)
}

// MessageID returns the Message-ID, with its angle brackets.
func (m *Message) MessageID() string {
	if m.Envelope == nil {
		return ""
	}
	return m.Envelope.MessageID
}

// FormatAddresses writes envelope addresses as "Name <a@b>, c@d" with the
// names decoded.
func FormatAddresses(l []imaplib.Address) string {
	var parts []string
	for _, a := range l {
		if a.GroupStart || a.GroupEnd {
			continue
		}
		addr := a.Addr()
		if a.Name != "" {
			parts = append(parts, DecodeHeader(a.Name)+" <"+addr+">")
		} else {
			parts = append(parts, addr)
		}
	}
	return strings.Join(parts, ", ")
}

// Addresses returns the bare addresses of an envelope list, lower-cased.
func Addresses(l []imaplib.Address) []string {
	var out []string
	for _, a := range l {
		if a.GroupStart || a.GroupEnd {
			continue
		}
		out = append(out, strings.ToLower(a.Addr()))
	}
	return out
}

// Date returns the Date header's time, or the internal date when the
// header is missing or unreadable.
func (m *Message) Date() time.Time {
	if m.Envelope != nil && m.Envelope.Date != "" {
		if t, _, _, err := email.ParseDate(m.Envelope.Date); err == nil {
			return t
		}
	}
	return m.InternalDate
}

// HasFlag reports whether the message has flag (any letter case).
func (m *Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

func (m *Message) load(kind string) error {
	switch kind {
	case "header":
		if m.header != nil || m.raw != nil {
			return nil
		}
	case "raw":
		if m.raw != nil {
			return nil
		}
	}
	return m.b.load(kind, m.idx)
}

// Header returns the decoded value of the first field called name, and
// whether there is one.
func (m *Message) Header(name string) (string, bool, error) {
	vals, err := m.HeaderAll(name)
	if err != nil || len(vals) == 0 {
		return "", false, err
	}
	return vals[0], true, nil
}

// HeaderAll returns the decoded values of every field called name.
func (m *Message) HeaderAll(name string) ([]string, error) {
	if err := m.load("header"); err != nil {
		return nil, err
	}
	if m.hdr == nil {
		if m.raw != nil {
			m.hdr = m.parseRaw()
		} else {
			m.hdr = email.Parse(m.header)
		}
	}
	raw := m.hdr.GetAll(name)
	out := make([]string, len(raw))
	for i, v := range raw {
		out[i] = DecodeHeader(v)
	}
	return out, nil
}

// Raw returns the whole message as stored.
func (m *Message) Raw() ([]byte, error) {
	if err := m.load("raw"); err != nil {
		return nil, err
	}
	return m.raw, nil
}

func (m *Message) parseRaw() *email.Message {
	if m.parsed == nil {
		m.parsed = email.Parse(m.raw)
	}
	return m.parsed
}

// Parse returns the message parsed (package email).
func (m *Message) Parse() (*email.Message, error) {
	if _, err := m.Raw(); err != nil {
		return nil, err
	}
	return m.parseRaw(), nil
}

// Text returns the readable text of the message (see ReadableText).
func (m *Message) Text() (string, error) {
	p, err := m.Parse()
	if err != nil {
		return "", err
	}
	return ReadableText(p), nil
}

// ReadableText returns the text a reader sees first: the first text/plain
// part that is not an attachment, else the first such text/html part,
// decoded to UTF-8; "" when there is none.
func ReadableText(msg *email.Message) string {
	var plain, html *email.Message
	msg.Walk(func(p *email.Message) bool {
		if p.Multipart {
			return true
		}
		if d, ok := p.ContentDisposition(); ok && d == "attachment" {
			return true
		}
		switch p.ContentType() {
		case "text/plain":
			if plain == nil {
				plain = p
			}
		case "text/html":
			if html == nil {
				html = p
			}
		}
		return plain == nil
	})
	for _, p := range []*email.Message{plain, html} {
		if p != nil {
			t, _ := p.Text()
			return t
		}
	}
	return ""
}

// An Attachment is a part of a message with a file name or an attachment
// disposition.
type Attachment struct {
	Filename    string
	ContentType string
	// Data is the content with its transfer encoding undone.
	Data []byte
}

// Attachments returns the message's attachments in order.
func (m *Message) Attachments() ([]Attachment, error) {
	p, err := m.Parse()
	if err != nil {
		return nil, err
	}
	return Attachments(p), nil
}

// Attachments returns the attachments of a parsed message: the parts that
// are not multipart and have a file name or an attachment disposition.
func Attachments(msg *email.Message) []Attachment {
	var out []Attachment
	msg.Walk(func(p *email.Message) bool {
		if p.Multipart {
			return true
		}
		name, hasName := p.Filename()
		d, _ := p.ContentDisposition()
		if !hasName && d != "attachment" {
			return true
		}
		data, _ := p.Payload(true)
		out = append(out, Attachment{Filename: name, ContentType: p.ContentType(), Data: data})
		return true
	})
	return out
}

// Messages iterates over the messages of a set, mailbox by mailbox in UID
// order, fetching UID, flags, size, internal date and envelope for a batch
// of messages with one command. It reads ahead: after the first batch it
// fetches two, then up to messagesAhead batches at a time, their commands
// pipelined on the connection, so a long loop waits for the server once per
// group of batches while it holds at most a group in memory.
type Messages struct {
	s     *Set
	size  int
	pi    int      // next part
	uids  []uint32 // UIDs of the current part not yet fetched
	cur   *batch
	ahead []*batch // batches fetched and not yet begun
	group int      // batches the next fetch asks for
	i     int
	err   error
	Fetch int // number of FETCH commands sent, for tests and diagnostics
}

// messagesAhead is the most batches Messages fetches at once.
const messagesAhead = 4

// Messages returns an iterator over the set's messages, fetching batchSize
// messages per command (DefaultBatch when 0 or less).
func (s *Set) Messages(batchSize int) *Messages {
	if batchSize <= 0 {
		batchSize = DefaultBatch
	}
	return &Messages{s: s, size: batchSize, group: 1}
}

// Err returns the error that ended the iteration, if any.
func (it *Messages) Err() error { return it.err }

// Next returns the next message, or nil at the end or on error (see Err).
func (it *Messages) Next() *Message {
	for it.err == nil {
		if it.cur != nil && it.i < len(it.cur.msgs) {
			m := it.cur.msgs[it.i]
			it.i++
			return m
		}
		if len(it.ahead) > 0 {
			it.cur, it.ahead, it.i = it.ahead[0], it.ahead[1:], 0
			continue
		}
		if len(it.uids) == 0 {
			if it.pi >= len(it.s.parts) {
				return nil
			}
			nums, err := it.s.parts[it.pi].uids.Nums()
			if err != nil {
				it.err = fmt.Errorf("mail: %w", err)
				return nil
			}
			it.uids = nums
			it.pi++
			continue
		}
		var chunks [][]uint32
		for len(chunks) < it.group && len(it.uids) > 0 {
			n := min(it.size, len(it.uids))
			chunks = append(chunks, it.uids[:n])
			it.uids = it.uids[n:]
		}
		it.group = min(2*it.group, messagesAhead)
		it.cur, it.i = nil, 0
		it.ahead, it.err = it.fetch(&it.s.parts[it.pi-1], chunks)
	}
	return nil
}

// fetch reads the batches of chunks, their commands pipelined.
func (it *Messages) fetch(p *part, chunks [][]uint32) ([]*batch, error) {
	a := p.mbox.acct
	byUID := map[uint32]*imaplib.FetchData{}
	err := a.retryRead("fetch", func() error {
		m, err := p.open(a.DryRun())
		if err != nil {
			return err
		}
		clear(byUID)
		i := 0
		next := func() (imaplib.SeqSet, bool) {
			if i == len(chunks) {
				return imaplib.SeqSet{}, false
			}
			i++
			it.Fetch++
			return imaplib.SeqSetOf(chunks[i-1]...), true
		}
		err = m.UIDFetchPipeline(next, "(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)", len(chunks), nil, func(f *imaplib.FetchData) error {
			byUID[f.UID] = f
			return nil
		})
		if err != nil {
			return fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), p.mbox.name, a.check(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*batch, 0, len(chunks))
	for _, uids := range chunks {
		b := &batch{it: it, p: p, asks: map[string]int{}}
		for _, u := range uids {
			f, ok := byUID[u]
			if !ok {
				continue // expunged meanwhile
			}
			b.msgs = append(b.msgs, &Message{UID: u, Mailbox: p.mbox, Flags: f.Flags, Size: f.RFC822Size,
				InternalDate: f.InternalDate, Envelope: f.Envelope, b: b, idx: len(b.msgs)})
		}
		out = append(out, b)
	}
	return out, nil
}

// load fetches kind ("header" or "raw") for message idx, and for the rest
// of the batch when an earlier message of the batch asked already.
func (b *batch) load(kind string, idx int) error {
	b.asks[kind]++
	last := idx
	if b.asks[kind] > 1 {
		last = len(b.msgs) - 1
	}
	var uids []uint32
	for _, m := range b.msgs[idx : last+1] {
		if (kind == "raw" && m.raw == nil) || (kind == "header" && m.header == nil && m.raw == nil) {
			uids = append(uids, m.UID)
		}
	}
	if len(uids) == 0 {
		return nil
	}
	a := b.p.mbox.acct
	item := "(UID BODY.PEEK[])"
	if kind == "header" {
		item = "(UID BODY.PEEK[HEADER])"
	}
	var fd []*imaplib.FetchData
	err := a.retryRead("fetch", func() error {
		m, err := b.p.open(a.DryRun())
		if err != nil {
			return err
		}
		b.it.Fetch++
		fd, err = m.UIDFetch(imaplib.SeqSetOf(uids...), item)
		if err != nil {
			return fmt.Errorf("mail: %s: fetch %q: %w", a.Name(), b.p.mbox.name, a.check(err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	byUID := make(map[uint32]*imaplib.FetchData, len(fd))
	for _, f := range fd {
		byUID[f.UID] = f
	}
	for _, msg := range b.msgs[idx : last+1] {
		f, ok := byUID[msg.UID]
		if !ok {
			continue
		}
		data := headerSection(f)
		if data == nil {
			data = []byte{}
		}
		if kind == "raw" {
			msg.raw = data
		} else {
			msg.header = data
		}
	}
	if m := b.msgs[idx]; (kind == "raw" && m.raw == nil) || (kind == "header" && m.header == nil && m.raw == nil) {
		return fmt.Errorf("mail: %s: message %d of %q is gone", a.Name(), m.UID, b.p.mbox.name)
	}
	return nil
}
