package imaplib

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// tracer writes Python-style debug lines: "  MM:SS.cc message".
type tracer struct {
	w     io.Writer
	level int
}

func (m *IMAP4) tracef(level int, format string, args ...any) {
	if m.trace == nil || m.trace.level < level {
		return
	}
	now := time.Now()
	fmt.Fprintf(m.trace.w, "  %s.%02d %s\n", now.Format("04:05"), now.Nanosecond()/1e7, fmt.Sprintf(format, args...))
}

func (m *IMAP4) traceLine(dir string, b []byte) {
	m.tracef(4, "%s %s", dir, pyBytes(b))
}

// traceParts traces a command being sent; literals show as their size.
func (m *IMAP4) traceParts(parts []wire.Part) {
	var sb []byte
	for _, p := range parts {
		sb = append(sb, p.Text...)
		if p.HasLit {
			m.traceLine(">", sb)
			m.tracef(4, "write literal size %d", len(p.Literal))
			sb = sb[:0]
		}
	}
	m.traceLine(">", []byte(strings.TrimSuffix(string(sb), "\r\n")))
}

func (m *IMAP4) traceResponse(r *wire.Response) {
	for i, t := range r.Text {
		m.traceLine("<", t)
		if i < len(r.Literals) {
			m.tracef(4, "read literal size %d", len(r.Literals[i]))
		}
	}
}

// pyBytes formats b as Python's repr of a bytes object.
func pyBytes(b []byte) string {
	quote := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.WriteByte('b')
	sb.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}

// pyItems formats a data list as Python's repr of the list.
func pyItems(items []Item) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(it.String())
	}
	sb.WriteByte(']')
	return sb.String()
}

// String formats the item as Python's repr: b'...', (b'...', b'...') or
// None.
func (it Item) String() string {
	switch {
	case it.IsNone:
		return "None"
	case it.IsPair:
		return "(" + pyBytes(it.Line) + ", " + pyBytes(it.Literal) + ")"
	}
	return pyBytes(it.Line)
}

// decodeBase64 decodes a server challenge leniently, as Python's
// binascii.a2b_base64 does: characters outside the alphabet are skipped.
func decodeBase64(b []byte) []byte {
	if len(b) == 0 {
		return []byte{}
	}
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			clean = append(clean, c)
		}
	}
	out, err := base64.RawStdEncoding.DecodeString(string(clean))
	if err != nil {
		return b
	}
	return out
}
