package email

import (
	"strings"
)

// String serialises the message as Python's as_string does with the
// compat32 policy: fields as they were read, line ends turned into "\n",
// multipart bodies rebuilt from preamble, parts and epilogue.
func (m *Message) String() string {
	var b strings.Builder
	m.write(&b, false)
	return b.String()
}

// StringUnixFrom is String with the "From " envelope line first, if any.
func (m *Message) StringUnixFrom() string {
	var b strings.Builder
	m.write(&b, true)
	return b.String()
}

func writeLines(b *strings.Builder, s string) {
	lines := splitLines(s)
	for i, l := range lines {
		t := trimEOL(l)
		b.WriteString(t)
		if len(t) != len(l) || i < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
}

func (m *Message) write(b *strings.Builder, unixFrom bool) {
	if unixFrom && m.UnixFrom != "" {
		b.WriteString(m.UnixFrom + "\n")
	}
	for _, f := range m.Fields {
		b.WriteString(f.Name + ": ")
		writeLines(b, f.Value)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if !m.Multipart {
		writeLines(b, m.Body)
		return
	}
	if m.ContentType() == "message/delivery-status" {
		// Header blocks separated by blank lines.
		for i, p := range m.Parts {
			if i > 0 {
				b.WriteByte('\n')
			}
			var pb strings.Builder
			p.write(&pb, false)
			b.WriteString(strings.TrimSuffix(pb.String(), "\n"))
		}
		return
	}
	if m.MainType() != "multipart" {
		// message/*: the enclosed message.
		if len(m.Parts) > 0 {
			m.Parts[0].write(b, false)
		}
		return
	}
	boundary, ok := m.Boundary()
	if !ok {
		boundary = "===============mailscript=="
	}
	if m.Preamble != nil {
		writeLines(b, *m.Preamble)
		b.WriteByte('\n')
	}
	b.WriteString("--" + boundary + "\n")
	for i, p := range m.Parts {
		if i > 0 {
			b.WriteString("\n--" + boundary + "\n")
		}
		p.write(b, false)
	}
	b.WriteString("\n--" + boundary + "--\n")
	if m.Epilogue != nil {
		writeLines(b, *m.Epilogue)
	}
}
