package smtplib

import (
	"fmt"
	"strings"
	"time"
)

// debugf writes one trace line in Python's format: level 2 prefixes the
// time of day.
func (s *SMTP) debugf(format string, args ...any) {
	if s.opts.Debug == nil || s.opts.DebugLevel <= 0 {
		return
	}
	line := fmt.Sprintf(format, args...)
	if s.opts.DebugLevel > 1 {
		line = time.Now().Format("15:04:05.000000") + " " + line
	}
	fmt.Fprintln(s.opts.Debug, line)
}

// traceSend traces bytes sent; AUTH arguments and the answers to AUTH
// challenges are replaced by "****", the message data by its size.
func (s *SMTP) traceSend(b []byte) {
	if s.opts.Debug == nil || s.opts.DebugLevel <= 0 {
		return
	}
	text := string(b)
	switch {
	case s.redactNext:
		text = "****\r\n"
	case len(text) > 5 && strings.EqualFold(text[:5], "AUTH "):
		fields := strings.Fields(text)
		text = "AUTH " + fields[1]
		if len(fields) > 2 {
			text += " ****"
		}
		text += "\r\n"
	}
	s.debugf("send: %s", pyStr(text))
}

func (s *SMTP) traceReply(line []byte) {
	if s.opts.Debug == nil || s.opts.DebugLevel <= 0 {
		return
	}
	s.debugf("reply: %s", pyBytes(string(line)))
}

// pyStr formats s as Python's repr of a str.
func pyStr(s string) string { return pyRepr(s, "") }

// pyBytes formats s as Python's repr of a bytes object.
func pyBytes(s string) string { return pyRepr(s, "b") }

// Repr returns Python's repr of s: of a bytes object when bytes is true
// (b'...'), else of a str. It is how Python's smtplib shows replies and
// commands in its messages and debug output, and so how this package and
// the Lua smtplib module do.
func Repr(s string, bytes bool) string {
	if bytes {
		return pyBytes(s)
	}
	return pyStr(s)
}

func pyRepr(s, prefix string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	sb.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
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
		case c < 0x20 || c == 0x7f || (c >= 0x80 && prefix == "b"):
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}
