package email

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"
)

// This file is email.message.EmailMessage with the default policy: the
// content manager (set_content, add_alternative, add_attachment), get_body,
// iter_attachments and iter_parts.

// NewEmailMessage returns an empty EmailMessage (default policy).
func NewEmailMessage() *Message {
	m := newMessage()
	m.Default = true
	return m
}

// NewMessage returns an empty compat32 Message, Python's Message().
func NewMessage() *Message { return newMessage() }

// ContentOptions are the keyword arguments of set_content and friends.
type ContentOptions struct {
	Subtype     string // text: "plain" by default; message: "rfc822"
	Charset     string // text: "utf-8" by default
	CTE         string // "" chooses as Python does
	Disposition string
	Filename    string
	HasFilename bool
	CID         string
	Params      []NamedParam
	Headers     []string // "Name: value" fields added to the part
}

// Content is what set_content stores: Text (a str), Data with Maintype and
// Subtype (bytes), or Msg (a message, message/rfc822).
type Content struct {
	Text              string
	IsText            bool
	Data              []byte
	Maintype, Subtype string
	Msg               *Message
}

// clearContent drops the Content-* fields and the payload.
func (m *Message) clearContent() {
	out := m.Fields[:0]
	for _, f := range m.Fields {
		if !strings.HasPrefix(strings.ToLower(f.Name), "content-") {
			out = append(out, f)
		}
	}
	m.Fields = out
	m.Body, m.Parts, m.Multipart = "", nil, false
}

// SetContent is Python's set_content on an EmailMessage or MIMEPart: the
// raw_data_manager handlers for str, bytes and messages. EmailMessage
// adds MIME-Version.
func (m *Message) SetContent(c Content, o ContentOptions) error {
	if m.MainType() == "multipart" {
		if _, ok := m.Get("content-type"); ok {
			return pyErr("TypeError", "set_content not valid on multipart")
		}
	}
	if c.Msg == nil && !c.IsText && (c.Maintype == "" || c.Subtype == "") {
		return pyErr("TypeError", "set_bytes_content() missing maintype or subtype")
	}
	m.clearContent()
	var err error
	switch {
	case c.Msg != nil:
		err = m.setMessageContent(c.Msg, o)
	case c.IsText:
		err = m.setTextContent(c.Text, o)
	default:
		err = m.setBytesContent(c.Data, c.Maintype, c.Subtype, o)
	}
	if err != nil {
		return err
	}
	if m.Default && !m.part {
		if _, ok := m.Get("MIME-Version"); !ok {
			m.Add("MIME-Version", "1.0")
		}
	}
	return nil
}

func (m *Message) prepareSet(maintype, subtype string, headers []string) error {
	if err := m.SetItem("Content-Type", maintype+"/"+subtype); err != nil {
		return err
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return pyErr("ValueError", "Invalid header: %s", h)
		}
		if err := m.SetItem(name, strings.TrimLeft(value, " \t")); err != nil {
			return err
		}
	}
	return nil
}

func (m *Message) finalizeSet(o ContentOptions) error {
	disp := o.Disposition
	if disp == "" && o.HasFilename {
		disp = "attachment"
	}
	if disp != "" {
		if err := m.SetItem("Content-Disposition", disp); err != nil {
			return err
		}
	}
	if o.HasFilename {
		if err := m.SetParam("filename", ParamValue{Value: o.Filename}, SetParamOptions{Header: "Content-Disposition", Replace: true}); err != nil {
			return err
		}
	}
	if o.CID != "" {
		if err := m.SetItem("Content-ID", o.CID); err != nil {
			return err
		}
	}
	for _, p := range o.Params {
		if err := m.SetParam(p.Name, p.Value, SetParamOptions{}); err != nil {
			return err
		}
	}
	return nil
}

func splitLinesBytes(s string) []string {
	// bytes.splitlines: \n, \r and \r\n only.
	return pySplitCRLF(s)
}

// encodeText is contentmanager._encode_text with the default policy.
func encodeText(raw, cte string) (string, string, error) {
	lines := splitLinesBytes(raw)
	normal := func(ls []string) string {
		if len(ls) == 0 {
			return "\n"
		}
		return strings.Join(ls, "\n") + "\n"
	}
	if cte == "" {
		maxl := 0
		for _, l := range lines {
			maxl = max(maxl, len(l))
		}
		if maxl <= maxLineLength {
			body := normal(lines)
			if isASCII(body) {
				return "7bit", body, nil
			}
			return "8bit", body, nil
		}
		sniff := normal(lines[:min(10, len(lines))])
		qp := qpBody(sniff, maxLineLength)
		b64 := (len(sniff)+2)/3*4 + 1
		if len(qp) > b64 {
			cte = "base64"
		} else {
			cte = "quoted-printable"
			if len(lines) <= 10 {
				return cte, qp, nil
			}
		}
	}
	switch cte {
	case "7bit":
		body := normal(lines)
		if !isASCII(body) {
			return "", "", pyErr("UnicodeDecodeError", "'ascii' codec can't decode the text")
		}
		return cte, body, nil
	case "8bit":
		return cte, normal(lines), nil
	case "quoted-printable":
		return cte, qpBody(normal(lines), maxLineLength), nil
	case "base64":
		return cte, encodeBase64Lines([]byte(normal(lines)), maxLineLength), nil
	}
	return "", "", pyErr("ValueError", "Unknown content transfer encoding %s", cte)
}

// encodeBase64Lines is contentmanager._encode_base64.
func encodeBase64Lines(b []byte, maxlen int) string {
	per := maxlen / 4 * 3
	var sb strings.Builder
	for i := 0; i < len(b); i += per {
		sb.WriteString(base64Std(b[i:min(i+per, len(b))]))
		sb.WriteByte('\n')
	}
	return sb.String()
}

func (m *Message) setTextContent(s string, o ContentOptions) error {
	sub := o.Subtype
	if sub == "" {
		sub = "plain"
	}
	cs := o.Charset
	if cs == "" {
		cs = "utf-8"
	}
	if err := m.prepareSet("text", sub, o.Headers); err != nil {
		return err
	}
	raw, err := EncodeCharset(s, cs)
	if err != nil {
		return err
	}
	cte, payload, err := encodeText(string(raw), o.CTE)
	if err != nil {
		return err
	}
	m.Body = payload
	alias := strings.ToLower(cs)
	if alias == "utf8" {
		alias = "utf-8"
	} else if alias == "latin_1" || alias == "latin-1" {
		alias = "iso-8859-1"
	}
	if err := m.SetParam("charset", ParamValue{Value: alias}, SetParamOptions{Replace: true}); err != nil {
		return err
	}
	if err := m.SetItem("Content-Transfer-Encoding", cte); err != nil {
		return err
	}
	return m.finalizeSet(o)
}

func (m *Message) setBytesContent(data []byte, maintype, subtype string, o ContentOptions) error {
	if err := m.prepareSet(maintype, subtype, o.Headers); err != nil {
		return err
	}
	cte := o.CTE
	if cte == "" {
		cte = "base64"
	}
	switch cte {
	case "base64":
		m.Body = encodeBase64Lines(data, maxLineLength)
	case "quoted-printable":
		m.Body = b2aQP(data)
	case "7bit":
		if !isASCII(string(data)) {
			return pyErr("UnicodeDecodeError", "'ascii' codec can't decode the data")
		}
		m.Body = string(data)
	case "8bit", "binary":
		m.Body = string(data)
	default:
		return pyErr("ValueError", "Unknown content transfer encoding %s", cte)
	}
	if err := m.SetItem("Content-Transfer-Encoding", cte); err != nil {
		return err
	}
	return m.finalizeSet(o)
}

// b2aQP is binascii.b2a_qp(data, istext=False, header=False,
// quotetabs=True).
func b2aQP(data []byte) string {
	var b strings.Builder
	col := 0
	put := func(s string) {
		if col+len(s) > 75 {
			b.WriteString("=\n")
			col = 0
		}
		b.WriteString(s)
		col += len(s)
	}
	for _, c := range data {
		if c > ' ' && c <= '~' && c != '=' {
			put(string(c))
		} else {
			put(fmt.Sprintf("=%02X", c))
		}
	}
	return b.String()
}

func (m *Message) setMessageContent(inner *Message, o ContentOptions) error {
	sub := o.Subtype
	if sub == "" {
		sub = "rfc822"
	}
	cte := o.CTE
	switch sub {
	case "partial":
		return pyErr("ValueError", "message/partial is not supported for Message objects")
	case "rfc822":
		if cte != "" && cte != "7bit" && cte != "8bit" && cte != "binary" {
			return pyErr("ValueError", "message/rfc822 parts do not support cte=%s", cte)
		}
		if cte == "" {
			cte = "8bit"
		}
	default:
		if cte == "" {
			cte = "7bit"
		}
	}
	if err := m.prepareSet("message", sub, o.Headers); err != nil {
		return err
	}
	m.Multipart = true
	m.Parts = []*Message{inner}
	if err := m.SetItem("Content-Transfer-Encoding", cte); err != nil {
		return err
	}
	return m.finalizeSet(o)
}

// makeMultipart is MIMEPart._make_multipart.
func (m *Message) makeMultipart(subtype string, disallowed ...string) error {
	if m.MainType() == "multipart" {
		existing := m.SubType()
		for _, d := range append(disallowed, subtype) {
			if existing == d {
				return pyErr("ValueError", "Cannot convert %s to %s", existing, subtype)
			}
		}
	}
	var keep, partFields []Field
	for _, f := range m.Fields {
		if strings.HasPrefix(strings.ToLower(f.Name), "content-") {
			partFields = append(partFields, f)
		} else {
			keep = append(keep, f)
		}
	}
	if len(partFields) > 0 {
		p := newMessage()
		p.Default, p.part = m.Default, true
		p.Fields = partFields
		p.Body, p.Parts, p.Multipart = m.Body, m.Parts, m.Multipart
		m.Parts = []*Message{p}
	} else {
		m.Parts = nil
	}
	m.Body = ""
	m.Multipart = true
	m.Fields = keep
	return m.SetItem("Content-Type", "multipart/"+subtype)
}

// MakeMixed, MakeAlternative and MakeRelated turn the message into a
// multipart of that kind, its current content becoming the first part.
func (m *Message) MakeMixed() error { return m.makeMultipart("mixed") }

// MakeAlternative is make_alternative.
func (m *Message) MakeAlternative() error { return m.makeMultipart("alternative", "mixed") }

// MakeRelated is make_related.
func (m *Message) MakeRelated() error { return m.makeMultipart("related", "alternative", "mixed") }

func (m *Message) addMultipart(subtype, disp string, c Content, o ContentOptions) error {
	if m.MainType() != "multipart" || m.SubType() != subtype {
		var err error
		switch subtype {
		case "mixed":
			err = m.MakeMixed()
		case "alternative":
			err = m.MakeAlternative()
		default:
			err = m.MakeRelated()
		}
		if err != nil {
			return err
		}
	}
	p := newMessage()
	// type(self)(policy=...): an EmailMessage's new parts are EmailMessages
	// (and get MIME-Version), a MIMEPart's are MIMEParts.
	p.Default, p.part = m.Default, m.part
	if err := p.SetContent(c, o); err != nil {
		return err
	}
	if disp != "" {
		if _, ok := p.Get("content-disposition"); !ok {
			p.Add("Content-Disposition", disp)
		}
	}
	m.Multipart = true
	m.Parts = append(m.Parts, p)
	return nil
}

// AddAlternative is add_alternative.
func (m *Message) AddAlternative(c Content, o ContentOptions) error {
	return m.addMultipart("alternative", "", c, o)
}

// AddAttachment is add_attachment.
func (m *Message) AddAttachment(c Content, o ContentOptions) error {
	return m.addMultipart("mixed", "attachment", c, o)
}

// AddRelated is add_related.
func (m *Message) AddRelated(c Content, o ContentOptions) error {
	return m.addMultipart("related", "inline", c, o)
}

// IsAttachment reports Content-Disposition: attachment.
func (m *Message) IsAttachment() bool {
	d, ok := m.ContentDisposition()
	return ok && d == "attachment"
}

// GetBody is get_body(preferencelist): the best part to show as the body,
// or nil.
func (m *Message) GetBody(prefs []string) *Message {
	if prefs == nil {
		prefs = []string{"related", "html", "plain"}
	}
	best := len(prefs)
	var body *Message
	m.findBody(m, prefs, func(prio int, p *Message) bool {
		if prio < best {
			best, body = prio, p
			if prio == 0 {
				return false
			}
		}
		return true
	})
	return body
}

func indexStr(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func (m *Message) findBody(part *Message, prefs []string, yield func(int, *Message) bool) bool {
	if part.IsAttachment() {
		return true
	}
	main, sub := part.MainType(), part.SubType()
	if main == "text" {
		if i := indexStr(prefs, sub); i >= 0 {
			return yield(i, part)
		}
		return true
	}
	if main != "multipart" || !m.Multipart {
		return true
	}
	if sub != "related" {
		for _, p := range part.Parts {
			if !m.findBody(p, prefs, yield) {
				return false
			}
		}
		return true
	}
	if i := indexStr(prefs, "related"); i >= 0 {
		if !yield(i, part) {
			return false
		}
	}
	var cand *Message
	if start, ok := part.Param("start", "content-type"); ok && Unquote(start.Value) != "" {
		for _, p := range part.Parts {
			if id, _ := p.Get("content-id"); id == Unquote(start.Value) {
				cand = p
				break
			}
		}
	}
	if cand == nil && len(part.Parts) > 0 {
		cand = part.Parts[0]
	}
	if cand != nil {
		return m.findBody(cand, prefs, yield)
	}
	return true
}

var bodyTypes = map[string]bool{"text/plain": true, "text/html": true, "multipart/related": true, "multipart/alternative": true}

// IterAttachments is iter_attachments: the parts that are not the body.
func (m *Message) IterAttachments() []*Message {
	if m.MainType() != "multipart" || m.SubType() == "alternative" || !m.Multipart {
		return nil
	}
	parts := append([]*Message(nil), m.Parts...)
	if m.SubType() == "related" {
		if start, ok := m.Param("start", "content-type"); ok && Unquote(start.Value) != "" {
			var out []*Message
			found := false
			for _, p := range parts {
				if id, _ := p.Get("content-id"); id == Unquote(start.Value) {
					found = true
				} else {
					out = append(out, p)
				}
			}
			if found {
				return out
			}
		}
		if len(parts) > 0 {
			parts = parts[1:]
		}
		return parts
	}
	var out []*Message
	seen := map[string]bool{}
	for _, p := range parts {
		ct := p.ContentType()
		if bodyTypes[ct] && !p.IsAttachment() && !seen[p.SubType()] {
			seen[p.SubType()] = true
			continue
		}
		out = append(out, p)
	}
	return out
}

// MakeBoundary returns a boundary as Python's generator makes one:
// fifteen "=", nineteen digits, "==".
func MakeBoundary() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		var b [8]byte
		_, _ = rand.Read(b[:])
		n = new(big.Int).SetUint64(binary.BigEndian.Uint64(b[:]) >> 2)
	}
	return strings.Repeat("=", 15) + fmt.Sprintf("%019d", n) + "=="
}

// MakeMsgID is email.utils.make_msgid(idstring, domain): a Message-ID
// "<time.pid.random[.idstring]@domain>" (domain: the host name when "").
func MakeMsgID(idstring, domain string) string {
	if domain == "" {
		domain, _ = os.Hostname()
		if domain == "" {
			domain = "localhost"
		}
	}
	if idstring != "" {
		idstring = "." + idstring
	}
	var rb [8]byte
	_, _ = rand.Read(rb[:])
	return fmt.Sprintf("<%d.%d.%d%s@%s>", time.Now().UnixNano()/1e7, os.Getpid(), binary.BigEndian.Uint64(rb[:]), idstring, domain)
}
