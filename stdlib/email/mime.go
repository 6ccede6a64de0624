package email

import (
	"bytes"
	"strings"
)

// This file is the classic email.mime classes (compat32 messages) and
// email.header.Header.

// NewMIMEBase is MIMEBase(maintype, subtype, **params).
func NewMIMEBase(maintype, subtype string, params []NamedParam) (*Message, error) {
	m := newMessage()
	m.built = true
	if err := m.AddHeader("Content-Type", maintype+"/"+subtype, true, params); err != nil {
		return nil, err
	}
	m.Add("MIME-Version", "1.0")
	return m, nil
}

func newNonMultipart(maintype, subtype string, params []NamedParam) (*Message, error) {
	m, err := NewMIMEBase(maintype, subtype, params)
	if err == nil {
		m.nonMultipart = true
	}
	return m, err
}

// NewMIMEText is MIMEText(text, subtype, charset): charset "" picks
// us-ascii or utf-8 as Python does.
func NewMIMEText(text, subtype, charset string) (*Message, error) {
	if subtype == "" {
		subtype = "plain"
	}
	if charset == "" {
		charset = "us-ascii"
		if !isASCII(text) {
			charset = "utf-8"
		}
	}
	m, err := newNonMultipart("text", subtype, []NamedParam{{Name: "charset", Value: ParamValue{Value: charset}}})
	if err != nil {
		return nil, err
	}
	if err := m.SetPayload(text, charset); err != nil {
		return nil, err
	}
	return m, nil
}

// NewMIMEMultipart is MIMEMultipart(subtype, boundary, subparts).
func NewMIMEMultipart(subtype, boundary string, parts []*Message, params []NamedParam) (*Message, error) {
	if subtype == "" {
		subtype = "mixed"
	}
	m, err := NewMIMEBase("multipart", subtype, params)
	if err != nil {
		return nil, err
	}
	m.Multipart = true
	m.Parts = append([]*Message(nil), parts...)
	if boundary != "" {
		if err := m.SetBoundary(boundary); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// NewMIMEApplication is MIMEApplication(data, subtype) with the base64
// encoder.
func NewMIMEApplication(data []byte, subtype string, params []NamedParam) (*Message, error) {
	if subtype == "" {
		subtype = "octet-stream"
	}
	m, err := newNonMultipart("application", subtype, params)
	if err != nil {
		return nil, err
	}
	m.Body = string(data)
	m.EncodeBase64()
	return m, nil
}

// EncodeBase64 is email.encoders.encode_base64.
func (m *Message) EncodeBase64() {
	raw, _ := m.Payload(true)
	m.Body = base64Encoder(raw)
	m.Add("Content-Transfer-Encoding", "base64")
}

// EncodeQuopri is email.encoders.encode_quopri.
func (m *Message) EncodeQuopri() {
	raw, _ := m.Payload(true)
	m.Body = b2aQPText(raw)
	m.Add("Content-Transfer-Encoding", "quoted-printable")
}

// Encode7or8bit is email.encoders.encode_7or8bit.
func (m *Message) Encode7or8bit() {
	if isASCII(m.Body) {
		m.Add("Content-Transfer-Encoding", "7bit")
	} else {
		m.Add("Content-Transfer-Encoding", "8bit")
	}
}

// b2aQPText is encoders._qencode: quopri with spaces encoded as =20.
func b2aQPText(b []byte) string {
	var sb strings.Builder
	col := 0
	for i, c := range b {
		var s string
		switch {
		case c == '\n':
			sb.WriteByte('\n')
			col = 0
			continue
		case c == ' ':
			s = "=20"
		case c == '\t' || c == '=' || c < ' ' || c > '~':
			s = "=" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15]))
		default:
			s = string(c)
		}
		_ = i
		if col+len(s) > 75 {
			sb.WriteString("=\n")
			col = 0
		}
		sb.WriteString(s)
		col += len(s)
	}
	return sb.String()
}

// ImageSubtype guesses an image's subtype from its first bytes as
// MIMEImage does; "" when unknown.
func ImageSubtype(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) > 10 && (bytes.Equal(b[6:10], []byte("JFIF")) || bytes.Equal(b[6:10], []byte("Exif"))) || bytes.HasPrefix(b, []byte("\xff\xd8\xff\xdb")):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(b, []byte("MM")) || bytes.HasPrefix(b, []byte("II")):
		return "tiff"
	case bytes.HasPrefix(b, []byte("BM")):
		return "bmp"
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "webp"
	}
	return ""
}

// NewMIMEImage is MIMEImage(data, subtype).
func NewMIMEImage(data []byte, subtype string, params []NamedParam) (*Message, error) {
	if subtype == "" {
		subtype = ImageSubtype(data)
	}
	if subtype == "" {
		return nil, pyErr("TypeError", "Could not guess image MIME subtype")
	}
	m, err := newNonMultipart("image", subtype, params)
	if err != nil {
		return nil, err
	}
	m.Body = string(data)
	m.EncodeBase64()
	return m, nil
}

// NewMIMEMessage is MIMEMessage(msg, subtype).
func NewMIMEMessage(inner *Message, subtype string) (*Message, error) {
	if subtype == "" {
		subtype = "rfc822"
	}
	m, err := NewMIMEBase("message", subtype, nil)
	if err != nil {
		return nil, err
	}
	m.Multipart = true
	m.Parts = []*Message{inner}
	m.nonMultipart = true
	m.DefaultType = "message/rfc822"
	return m, nil
}

// Header is email.header.Header: chunks of text, each with a charset.
type Header struct {
	chunks  []headerChunk
	charset string // the charset of Append calls without one
	// MaxLineLen is the line length of Encode (Python's maxlinelen, 76
	// unless given).
	MaxLineLen int
	// Name is the header name counted on the first line.
	Name string
}

type headerChunk struct {
	s, charset string
}

// NewHeader is Header(s, charset).
func NewHeader(s, charset string) (*Header, error) {
	cs := strings.ToLower(charset)
	if cs == "" || cs == "ascii" {
		cs = "us-ascii"
	}
	h := &Header{MaxLineLen: 76, charset: cs}
	if s != "" {
		if err := h.Append(s, charset); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Append is Header.append(s, charset): text that does not fit us-ascii
// is stored as utf-8.
func (h *Header) Append(s, charset string) error {
	cs := strings.ToLower(charset)
	if cs == "" {
		cs = h.charset
	}
	if cs == "" || cs == "ascii" {
		cs = "us-ascii"
	}
	if cs == "us-ascii" && !isASCII(s) {
		cs = "utf-8"
	} else if cs != "utf-8" && cs != "us-ascii" {
		if _, err := EncodeCharset(s, cs); err != nil {
			return err
		}
	}
	h.chunks = append(h.chunks, headerChunk{s, cs})
	return nil
}

func (h *Header) normalize() []headerChunk {
	h.chunks = normalizeChunks(h.chunks)
	return h.chunks
}

// normalizeChunks is Header._normalize: runs of chunks of one charset
// become one chunk, their texts joined by a space.
func normalizeChunks(chunks []headerChunk) []headerChunk {
	var out []headerChunk
	for _, c := range chunks {
		if len(out) > 0 && out[len(out)-1].charset == c.charset {
			out[len(out)-1].s += " " + c.s
			continue
		}
		out = append(out, c)
	}
	return out
}

// String is str(Header): the text of the chunks, with the spaces Python
// puts between encoded and unencoded chunks.
func (h *Header) String() string { return joinChunks(h.normalize()) }

// joinChunks is the join of Header.__str__: a space goes between an
// encoded chunk and plain text that does not start with one, and before
// an encoded chunk after text that does not end with one.
func joinChunks(chunks []headerChunk) string {
	var b strings.Builder
	lastcs := ""
	lastspace := false
	for i, c := range chunks {
		hasspace := c.s != "" && nonCText(firstRune(c.s))
		nextcs := c.charset
		if i > 0 {
			if lastcs != "" && lastcs != "us-ascii" {
				if nextcs == "us-ascii" && !hasspace {
					b.WriteString(" ")
					nextcs = ""
				}
			} else if nextcs != "us-ascii" && !lastspace {
				b.WriteString(" ")
			}
		}
		lastspace = c.s != "" && nonCText(lastRune(c.s))
		lastcs = nextcs
		b.WriteString(c.s)
	}
	return b.String()
}

// Encode is Header.encode() for values that fit on a line: ASCII chunks as
// they are, others as one encoded word each.
func (h *Header) Encode() string {
	var parts []string
	lastcs := ""
	lastspace := false
	first := true
	for _, c := range h.normalize() {
		if !first {
			hasspace := c.s != "" && nonCText(firstRune(c.s))
			if lastcs != "us-ascii" {
				if !hasspace || c.charset != "us-ascii" {
					parts = append(parts, " ")
				}
			} else if c.charset != "us-ascii" && !lastspace {
				parts = append(parts, " ")
			}
		}
		first = false
		lastspace = c.s != "" && nonCText(lastRune(c.s))
		lastcs = c.charset
		if c.charset == "us-ascii" {
			parts = append(parts, c.s)
			continue
		}
		raw, _ := EncodeCharset(c.s, c.charset)
		enc, _ := charsetEncodings(c.charset)
		parts = append(parts, headerWord(raw, c.charset, enc))
	}
	return strings.Join(parts, "")
}

func headerWord(raw []byte, charset string, enc byte) string {
	if enc == 's' {
		return EncodeWord(string(raw), charset)
	}
	if enc == 'b' {
		return "=?" + charset + "?b?" + base64Std(raw) + "?="
	}
	var sb strings.Builder
	sb.WriteString("=?" + charset + "?q?")
	for _, c := range raw {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case qSafe(c):
			sb.WriteByte(c)
		default:
			sb.WriteString("=" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
		}
	}
	sb.WriteString("?=")
	return sb.String()
}
