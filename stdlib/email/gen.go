package email

import (
	"strings"
)

// This file is Python's email.generator for messages built through the
// API: the default policy folds every field (FoldHeader), compat32 writes
// fields as they are; multipart boundaries are made when missing and
// stored in the message, as Python's generator does.

// Generate serialises m as Python's as_bytes (asString false) or as_string
// (asString true): with as_string, 8-bit text parts are re-encoded with
// their charset's body encoding, as Python's string Generator does.
func (m *Message) Generate(asString bool) string {
	var b strings.Builder
	policyDefault := m.Default
	m.generate(&b, asString, policyDefault)
	return b.String()
}

func (m *Message) generate(b *strings.Builder, asString, policyDefault bool) {
	var body strings.Builder
	msg := m
	switch {
	case m.Multipart && m.MainType() == "multipart":
		m.genMultipart(&body, asString, policyDefault)
	case m.Multipart:
		// message/*: the enclosed message, folded with this policy.
		for i, p := range m.Parts {
			if i > 0 {
				body.WriteString("\n")
			}
			p.generate(&body, asString, policyDefault)
		}
	default:
		payload := m.Body
		if asString && !isASCII(payload) {
			if cs, ok := m.ContentCharset(); ok && cs != "" {
				c := m.copyHeaders()
				c.Del("content-transfer-encoding")
				if err := c.SetPayload8(payload, cs); err == nil {
					payload = c.Body
					msg = m.copyHeaders()
					cte, _ := c.Get("content-transfer-encoding")
					if !msg.Replace("content-transfer-encoding", cte) {
						msg.Add("Content-Transfer-Encoding", cte)
					}
					ct, _ := c.Get("content-type")
					msg.Replace("content-type", ct)
				}
			}
		}
		writeLines(&body, payload)
	}
	for _, f := range msg.Fields {
		b.WriteString(foldField(f, m.Default, policyDefault))
	}
	b.WriteByte('\n')
	b.WriteString(body.String())
}

// SetPayload8 is set_payload(payload, charset) for a payload that is
// already octets in charset.
func (m *Message) SetPayload8(payload, charset string) error {
	m.Body = payload
	m.Multipart, m.Parts = false, nil
	return m.SetCharset(charset)
}

func (m *Message) copyHeaders() *Message {
	c := *m
	c.Fields = append([]Field(nil), m.Fields...)
	return &c
}

// foldField writes one field: a default-policy message's fields are
// always refolded; a compat32 message's fields under the default policy
// only when a line is too long (refold_source="long"); compat32 writes
// them as they are.
func foldField(f Field, own, policyDefault bool) string {
	if own {
		return FoldHeader(f.Name, f.Value)
	}
	lines := splitLines(f.Value)
	for i := range lines {
		lines[i] = trimEOL(lines[i])
	}
	if policyDefault {
		long := len(lines) > 0 && runeLen(lines[0])+len(f.Name)+2 > maxLineLength
		for _, l := range lines[min(1, len(lines)):] {
			if runeLen(l) > maxLineLength {
				long = true
			}
		}
		if long {
			return FoldHeader(f.Name, strings.Join(lines, ""))
		}
	}
	return f.Name + ": " + strings.Join(lines, "\n") + "\n"
}

func (m *Message) genMultipart(b *strings.Builder, asString, policyDefault bool) {
	texts := make([]string, len(m.Parts))
	for i, p := range m.Parts {
		var pb strings.Builder
		p.generate(&pb, asString, policyDefault)
		texts[i] = pb.String()
	}
	boundary, ok := m.Boundary()
	if !ok || boundary == "" {
		all := strings.Join(texts, "\n")
		for {
			boundary = MakeBoundary()
			if !strings.Contains(all, "--"+boundary) {
				break
			}
		}
		_ = m.SetBoundary(boundary)
	}
	if m.Preamble != nil {
		writeLines(b, *m.Preamble)
		b.WriteByte('\n')
	}
	b.WriteString("--" + boundary + "\n")
	for i, t := range texts {
		if i > 0 {
			b.WriteString("\n--" + boundary + "\n")
		}
		b.WriteString(t)
	}
	b.WriteString("\n--" + boundary + "--\n")
	if m.Epilogue != nil {
		writeLines(b, *m.Epilogue)
	}
}
