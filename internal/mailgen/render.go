package mailgen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"
)

// maxLine is the line length folding aims for (RFC 5322 section 2.1.1).
const maxLine = 78

// writeField writes a header field whose value is made of tokens separated
// by single spaces, folding before a token when the line would grow past
// maxLine. A fold replaces a space, so unfolding gives the value back.
func writeField(b *bytes.Buffer, name string, tokens []string) {
	b.WriteString(name)
	b.WriteByte(':')
	n := len(name) + 1
	for i, t := range tokens {
		switch {
		case i > 0 && t != "" && tokens[i-1] != "" && n+1+len(t) > maxLine:
			b.WriteString("\r\n ")
			n = 1
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(t)
		n += len(t)
	}
	b.WriteString("\r\n")
}

// writeText writes a header field holding free text, encoding what is not
// ASCII as encoded words in charset.
func writeText(b *bytes.Buffer, name, charset string, useB bool, text string) string {
	if charset == "" {
		charset = UTF8
	}
	tokens, err := headerTokens(charset, useB, text)
	if err != nil {
		// The charset cannot hold the text: UTF-8 always can.
		charset = UTF8
		tokens, _ = headerTokens(UTF8, useB, text)
	}
	writeField(b, name, tokens)
	if isASCII(text) {
		return ""
	}
	return charset
}

// addrTokens returns the tokens of one address: its display name (quoted
// when it holds specials, encoded when it is not ASCII) and <addr>.
func addrTokens(p person) []string {
	angle := "<" + p.addr + ">"
	if p.name == "" {
		return []string{angle}
	}
	var tokens []string
	if isASCII(p.name) {
		if isPhrase(p.name) {
			tokens = strings.Split(p.name, " ")
		} else {
			tokens = []string{strconv.Quote(p.name)}
		}
	} else {
		var err error
		tokens, err = headerTokens(p.charset, p.useB, p.name)
		if err != nil {
			tokens, _ = headerTokens(UTF8, p.useB, p.name)
		}
	}
	return append(tokens, angle)
}

// isPhrase reports whether an ASCII display name may be written as atoms
// separated by single spaces, without quotes.
func isPhrase(name string) bool {
	for _, w := range strings.Split(name, " ") {
		if w == "" || strings.Contains(w, "=?") {
			return false
		}
		for i := 0; i < len(w); i++ {
			c := w[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0) {
				return false
			}
		}
	}
	return true
}

// writeAddrs writes an address list field.
func writeAddrs(b *bytes.Buffer, name string, ps []person) {
	var tokens []string
	for i, p := range ps {
		t := addrTokens(p)
		if i < len(ps)-1 {
			t[len(t)-1] += ","
		}
		tokens = append(tokens, t...)
	}
	writeField(b, name, tokens)
}

// rfc5322Date is the Date header layout.
const rfc5322Date = "Mon, 02 Jan 2006 15:04:05 -0700"

// boundary returns a multipart boundary derived from the message ID.
func boundary(msgID string, level int) string {
	h := fnv.New64a()
	h.Write([]byte(msgID))
	return fmt.Sprintf("----=_Part_%d_%016x", level, h.Sum64())
}

// crlf turns LF line ends into CRLF.
func crlf(s []byte) []byte {
	s = bytes.ReplaceAll(s, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(s, []byte("\n"), []byte("\r\n"))
}

// writeBase64 writes data in base64 lines of 76 characters.
func writeBase64(b *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
}

// writeQP writes data quoted-printable with CRLF line ends.
func writeQP(b *bytes.Buffer, data []byte) {
	w := quotedprintable.NewWriter(b)
	w.Write(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
	w.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
}

// Transfer encodings of text parts.
const (
	enc7bit = "7bit"
	encQP   = "quoted-printable"
	encB64  = "base64"
)

// writeTextPart writes the header and body of a text part: content in
// UTF-8, converted to charset ("" picks us-ascii or UTF-8) and written with
// cte ("" picks 7bit for short ASCII lines, quoted-printable otherwise).
func writeTextPart(b *bytes.Buffer, subtype, charset, cte, content string) {
	data, err := encodeCharset(charset, content)
	if err != nil || charset == "" {
		data, charset = []byte(content), UTF8
		if isASCII(content) {
			charset = "us-ascii"
		}
	}
	if cte == "" {
		cte = enc7bit
		for _, line := range strings.Split(string(data), "\n") {
			if len(line) > 76 || !isASCII(line) {
				cte = encQP
				break
			}
		}
	}
	fmt.Fprintf(b, "Content-Type: text/%s; charset=%q\r\n", subtype, charset)
	fmt.Fprintf(b, "Content-Transfer-Encoding: %s\r\n\r\n", cte)
	switch cte {
	case encQP:
		writeQP(b, data)
	case encB64:
		writeBase64(b, crlf(data))
	default:
		b.Write(crlf(data))
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			b.WriteString("\r\n")
		}
	}
}

// paramTokens returns `key="value"` for an ASCII value, and RFC 2231
// `key*=UTF-8”…` for another, split into numbered sections
// (key*0*, key*1*, ...) when long.
func paramTokens(key, value string) []string {
	if isASCII(value) {
		return []string{fmt.Sprintf("%s=%q", key, value)}
	}
	var enc strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	s := "UTF-8''" + enc.String()
	if len(s) <= 60 {
		return []string{key + "*=" + s}
	}
	var tokens []string
	for i := 0; s != ""; i++ {
		n := min(len(s), 54)
		// Never split a %XX escape.
		if j := strings.LastIndexByte(s[:n], '%'); j >= 0 && j > n-3 && n < len(s) {
			n = j
		}
		tokens = append(tokens, fmt.Sprintf("%s*%d*=%s", key, i, s[:n]))
		s = s[n:]
	}
	return tokens
}

// writeAttachment writes one attachment part.
func writeAttachment(b *bytes.Buffer, a attachment) {
	ct := []string{a.ctype + ";"}
	if isASCII(a.name) {
		ct = append(ct, fmt.Sprintf("name=%q", a.name))
	} else {
		// What many clients write besides the RFC 2231 filename.
		w, _ := encodeWords(UTF8, true, a.name)
		ct = append(ct, `name="`+strings.Join(w, " ")+`"`)
	}
	writeField(b, "Content-Type", ct)
	disp := "attachment"
	if a.inline {
		disp = "inline"
	}
	p := paramTokens("filename", a.name)
	tokens := []string{disp + ";"}
	for i, t := range p {
		if i < len(p)-1 {
			t += ";"
		}
		tokens = append(tokens, t)
	}
	writeField(b, "Content-Disposition", tokens)
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	writeBase64(b, a.data)
}

// render builds the message from its spec.
func (s *spec) render() Message {
	var b bytes.Buffer
	b.Grow(2048 + len(s.text) + len(s.html)*2)
	domain := s.from.addr[strings.LastIndexByte(s.from.addr, '@')+1:]
	h := fnv.New32a()
	h.Write([]byte(domain))
	ip := fmt.Sprintf("%s.%d", []string{"192.0.2", "198.51.100", "203.0.113"}[h.Sum32()%3], 1+h.Sum32()%250)
	rcpt := "me@example.com"
	if len(s.to) > 0 {
		rcpt = s.to[0].addr
	}
	arrival := s.date.Add(time.Duration(7+len(s.messageID)%40) * time.Second)
	if s.from.addr != me.addr {
		// Delivered mail; what the user sent has no trace fields.
		fmt.Fprintf(&b, "Return-Path: <%s>\r\n", s.from.addr)
		received := fmt.Sprintf("from mail.%s (mail.%s [%s]) by mx.example.com with ESMTPS id %08X for <%s>; %s",
			domain, domain, ip, h.Sum32()^uint32(s.date.Unix()), rcpt, arrival.UTC().Format(rfc5322Date))
		writeField(&b, "Received", strings.Split(received, " "))
	}
	fmt.Fprintf(&b, "Date: %s\r\n", s.date.Format(rfc5322Date))
	writeAddrs(&b, "From", []person{s.from})
	if len(s.to) > 0 {
		writeAddrs(&b, "To", s.to)
	}
	if len(s.cc) > 0 {
		writeAddrs(&b, "Cc", s.cc)
	}
	subjCharset := writeText(&b, "Subject", s.charset, s.useB, s.subject)
	fmt.Fprintf(&b, "Message-ID: %s\r\n", s.messageID)
	if s.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\n", s.inReplyTo)
		writeField(&b, "References", s.references)
	}
	if s.listID != "" {
		writeField(&b, "List-Id", strings.Split(s.listID, " "))
	}
	for _, f := range s.extra {
		writeField(&b, f[0], strings.Split(f[1], " "))
	}
	b.WriteString("MIME-Version: 1.0\r\n")

	alt := func(level int) {
		bd := boundary(s.messageID, level)
		fmt.Fprintf(&b, "Content-Type: multipart/alternative;\r\n boundary=%q\r\n\r\n", bd)
		// The CRLF before a delimiter belongs to the delimiter, so each
		// part's last line end is written twice.
		fmt.Fprintf(&b, "--%s\r\n", bd)
		writeTextPart(&b, "plain", s.textCharset, s.textCTE, s.text)
		fmt.Fprintf(&b, "\r\n--%s\r\n", bd)
		writeTextPart(&b, "html", s.textCharset, encQP, s.html)
		fmt.Fprintf(&b, "\r\n--%s--\r\n", bd)
	}
	switch {
	case len(s.attachments) > 0:
		bd := boundary(s.messageID, 0)
		fmt.Fprintf(&b, "Content-Type: multipart/mixed;\r\n boundary=%q\r\n\r\n", bd)
		b.WriteString("This is a multi-part message in MIME format.\r\n\r\n")
		fmt.Fprintf(&b, "--%s\r\n", bd)
		if s.html != "" {
			alt(1)
		} else {
			writeTextPart(&b, "plain", s.textCharset, s.textCTE, s.text)
		}
		for _, a := range s.attachments {
			fmt.Fprintf(&b, "\r\n--%s\r\n", bd)
			writeAttachment(&b, a)
		}
		fmt.Fprintf(&b, "\r\n--%s--\r\n", bd)
	case s.html != "":
		alt(1)
	default:
		writeTextPart(&b, "plain", s.textCharset, s.textCTE, s.text)
	}

	m := Message{
		Raw:            b.Bytes(),
		Mailbox:        s.mailbox,
		Flags:          s.flags,
		Date:           s.date,
		Kind:           s.kind,
		From:           s.from.addr,
		FromName:       s.from.name,
		Subject:        s.subject,
		SubjectCharset: subjCharset,
		MessageID:      s.messageID,
		InReplyTo:      s.inReplyTo,
		ListID:         s.listID,
		SpamFlag:       s.spam,
		Text:           strings.ReplaceAll(s.text, "\r\n", "\n"),
		Size:           b.Len(),
	}
	if m.Flags == nil {
		m.Flags = []string{}
	}
	for _, p := range s.to {
		m.To = append(m.To, p.addr)
	}
	for _, p := range s.cc {
		m.Cc = append(m.Cc, p.addr)
	}
	for _, a := range s.attachments {
		m.Attachments = append(m.Attachments, Attachment{Filename: a.name, ContentType: a.ctype, Size: len(a.data)})
	}
	return m
}
