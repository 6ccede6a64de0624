package email

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// This file is the compat32 message-building API shared by every message:
// Python's Message.set_param, del_param, set_payload, set_charset,
// set_boundary, attach, and the body encoders behind them.

// Error is an error with the class Python raises for the same call
// (ValueError, TypeError, KeyError, HeaderParseError...).
type Error struct {
	Class string
	Msg   string
}

func (e *Error) Error() string { return "email: " + e.Class + ": " + e.Msg }

func pyErr(class, format string, args ...any) error {
	return &Error{Class: class, Msg: fmt.Sprintf(format, args...)}
}

// ErrorClass returns the Python class name of err ("" when err is not an
// *Error).
func ErrorClass(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ""
}

// ParamValue is a parameter value for SetParam: plain text, or (when
// Charset is set) an RFC 2231 triple, Python's (charset, language, value).
type ParamValue struct {
	Value    string
	Charset  string
	Language string
	Triple   bool
}

// formatParam is Python's email.message._formatparam.
func formatParamPy(name string, v ParamValue, quote bool) string {
	if v.Value == "" && !v.Triple {
		return name
	}
	if v.Triple {
		raw, err := EncodeCharset(v.Value, v.Charset)
		if err != nil {
			raw = []byte(v.Value)
		}
		return name + "*=" + v.Charset + "'" + v.Language + "'" + pyURLQuote(string(raw))
	}
	if !isASCII(v.Value) {
		return name + "*=utf-8''" + pyURLQuote(v.Value)
	}
	if quote || strings.ContainsAny(v.Value, "()<>@,;:\\\"/[]?=") {
		return name + `="` + Quote(v.Value) + `"`
	}
	return name + "=" + v.Value
}

// paramsOf is get_params(header=, unquote=requote) as ParamValues.
func (m *Message) paramsOf(header string, unquote bool) ([]Param, []ParamValue, bool) {
	ps, ok := m.Params(header)
	if !ok {
		return nil, nil, false
	}
	vals := make([]ParamValue, len(ps))
	for i, p := range ps {
		switch {
		case p.Extended:
			cs := p.Charset
			if !p.HasCharset {
				cs = "us-ascii"
			}
			raw := Unquote(p.Value)
			if s, ok := DecodeCharset([]byte(raw), cs); ok {
				raw = s
			}
			vals[i] = ParamValue{Value: raw, Charset: cs, Language: p.Language, Triple: true}
		case unquote:
			vals[i] = ParamValue{Value: Unquote(p.Value)}
		default:
			vals[i] = ParamValue{Value: p.Value}
		}
	}
	return ps, vals, true
}

// SetParamOptions are the keyword arguments of SetParam.
type SetParamOptions struct {
	Header   string // default "Content-Type"
	NoQuote  bool   // requote=False
	Charset  string // turns the value into an RFC 2231 triple
	Language string
	Replace  bool // keep the header's place
}

// SetParam is Python's Message.set_param.
func (m *Message) SetParam(param string, value ParamValue, o SetParamOptions) error {
	header := o.Header
	if header == "" {
		header = "Content-Type"
	}
	requote := !o.NoQuote
	if !value.Triple && o.Charset != "" {
		value = ParamValue{Value: value.Value, Charset: o.Charset, Language: o.Language, Triple: true}
	}
	cur, has := m.Get(header)
	ctype := cur
	if !has && strings.EqualFold(header, "content-type") {
		ctype = "text/plain"
	}
	found := false
	if p, ok := m.Param(param, header); ok && (p.Value != "" && Unquote(p.Value) != "" || p.Extended) {
		found = true
	}
	if !found {
		if ctype == "" {
			ctype = formatParamPy(param, value, requote)
		} else {
			ctype = ctype + "; " + formatParamPy(param, value, requote)
		}
	} else {
		ps, vals, _ := m.paramsOf(header, requote)
		ctype = ""
		for i, p := range ps {
			var s string
			if strings.EqualFold(p.Name, param) {
				s = formatParamPy(param, value, requote)
			} else {
				s = formatParamPy(p.Name, vals[i], requote)
			}
			if ctype == "" {
				ctype = s
			} else {
				ctype += "; " + s
			}
		}
	}
	if !has || ctype != cur {
		if o.Replace && has {
			return m.ReplaceHeader(header, ctype)
		}
		m.Del(header)
		return m.SetItem(header, ctype)
	}
	return nil
}

// DelParam is Python's Message.del_param.
func (m *Message) DelParam(param, header string, requote bool) error {
	if header == "" {
		header = "content-type"
	}
	cur, has := m.Get(header)
	if !has {
		return nil
	}
	ps, vals, _ := m.paramsOf(header, requote)
	n := ""
	for i, p := range ps {
		if !strings.EqualFold(p.Name, param) {
			s := formatParamPy(p.Name, vals[i], requote)
			if n == "" {
				n = s
			} else {
				n += "; " + s
			}
		}
	}
	if n != cur {
		m.Del(header)
		return m.SetItem(header, n)
	}
	return nil
}

// ReplaceHeader is Python's replace_header: the first field called name
// gets value, keeping its place and name; KeyError when there is none.
func (m *Message) ReplaceHeader(name, value string) error {
	if err := m.checkValue(name, value); err != nil {
		return err
	}
	if !m.Replace(name, value) {
		return pyErr("KeyError", "%s", strings.ToLower(name))
	}
	return nil
}

// uniqueHeaders are the fields the default policy allows once.
var uniqueHeaders = map[string]bool{
	"subject": true, "date": true, "orig-date": true, "from": true, "to": true, "cc": true, "bcc": true,
	"reply-to": true, "sender": true, "message-id": true, "mime-version": true, "content-type": true,
	"content-disposition": true, "content-transfer-encoding": true,
}

func (m *Message) checkValue(name, value string) error {
	if name == "" || strings.ContainsAny(name, ": \t\r\n") {
		return pyErr("ValueError", "invalid header name %q", name)
	}
	if m.Default {
		if strings.ContainsAny(value, "\r\n\v\f\x1c\x1d\x1e\u0085\u2028\u2029") {
			return pyErr("ValueError", "Header values may not contain linefeed or carriage return characters")
		}
		return nil
	}
	for i := 0; i < len(value); i++ {
		if value[i] == '\r' || value[i] == '\n' {
			j := i + 1
			if value[i] == '\r' && j < len(value) && value[j] == '\n' {
				j++
			}
			if j >= len(value) || (value[j] != ' ' && value[j] != '\t') {
				return pyErr("ValueError", "header value has a line break not followed by a blank (header injection)")
			}
			i = j - 1
		}
	}
	return nil
}

// SetItem is msg[name] = value: it appends a field, refusing values that
// could inject a header (CR or LF; compat32 messages accept a fold) and,
// with the default policy, a second field of a kind allowed once.
func (m *Message) SetItem(name, value string) error {
	if err := m.checkValue(name, value); err != nil {
		return err
	}
	if m.Default && uniqueHeaders[strings.ToLower(name)] {
		if _, ok := m.Get(name); ok {
			return pyErr("ValueError", "There may be at most 1 %s headers in a message", name)
		}
	}
	m.Add(name, value)
	return nil
}

// AddHeader is Python's add_header: value (omitted when hasValue is
// false) followed by the parameters in order; a parameter with an empty
// name-only value is written bare.
func (m *Message) AddHeader(name, value string, hasValue bool, params []NamedParam) error {
	var parts []string
	if hasValue {
		parts = append(parts, value)
	}
	for _, p := range params {
		pname := strings.ReplaceAll(p.Name, "_", "-")
		if p.Bare {
			parts = append(parts, pname)
		} else {
			parts = append(parts, formatParamPy(pname, p.Value, true))
		}
	}
	v := strings.Join(parts, "; ")
	if err := m.checkValue(name, v); err != nil {
		return err
	}
	m.Add(name, v)
	return nil
}

// NamedParam is one keyword parameter of AddHeader.
type NamedParam struct {
	Name  string
	Value ParamValue
	Bare  bool // Python's None: the name alone
}

// SetBoundary is Python's set_boundary.
func (m *Message) SetBoundary(boundary string) error {
	ps, ok := m.Params("content-type")
	if !ok {
		return pyErr("HeaderParseError", "No Content-Type header found")
	}
	var parts []string
	found := false
	for _, p := range ps {
		if strings.EqualFold(p.Name, "boundary") {
			parts = append(parts, `boundary="`+boundary+`"`)
			found = true
		} else if p.Value == "" || p.Value == `""` && len(parts) == 0 {
			parts = append(parts, p.Name)
		} else {
			parts = append(parts, p.Name+"="+p.Value)
		}
	}
	if !found {
		parts = append(parts, `boundary="`+boundary+`"`)
	}
	v := strings.Join(parts, "; ")
	for i, f := range m.Fields {
		if strings.EqualFold(f.Name, "content-type") {
			m.Fields[i].Value = v
		}
	}
	return nil
}

// Attach is Python's attach: part is appended to the payload list.
func (m *Message) Attach(part *Message) error {
	if m.nonMultipart {
		return pyErr("MultipartConversionError", "Cannot attach additional subparts to non-multipart/*")
	}
	if !m.Multipart && m.Body != "" {
		return pyErr("TypeError", "Attach is not valid on a message with a non-multipart payload")
	}
	m.Multipart = true
	m.Parts = append(m.Parts, part)
	return nil
}

// charsetCodecs gives, per charset, Python's header and body encodings:
// 'b' base64, 'q' quoted-printable, 's' shortest (headers), 0 none.
func charsetEncodings(cs string) (header, body byte) {
	switch cs = strings.ToLower(cs); {
	case cs == "us-ascii" || cs == "ascii":
		return 0, 0
	case cs == "utf-8" || cs == "utf8":
		return 's', 'b'
	case strings.HasPrefix(cs, "iso-8859-") || cs == "windows-1252" || cs == "viscii" || cs == "latin-1" || cs == "latin_1":
		return 'q', 'q'
	case cs == "euc-jp" || cs == "shift_jis" || cs == "iso-2022-jp":
		return 'b', 0
	case cs == "big5" || cs == "gb2312" || cs == "koi8-r":
		return 'b', 'b'
	}
	return 's', 'b'
}

// SetPayload is Python's set_payload(payload, charset): with a charset,
// the text (UTF-8) is converted to it, the charset is set and the body
// encoded by the charset's body encoding.
func (m *Message) SetPayload(payload string, charset string) error {
	m.Multipart = false
	m.Parts = nil
	if charset == "" {
		m.Body = payload
		return nil
	}
	raw, err := EncodeCharset(payload, charset)
	if err != nil {
		return err
	}
	m.Body = string(raw)
	return m.SetCharset(charset)
}

// EncodeCharset converts UTF-8 text to charset.
func EncodeCharset(s, charset string) ([]byte, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8":
		return []byte(s), nil
	case "us-ascii", "ascii":
		if !isASCII(s) {
			return nil, pyErr("UnicodeEncodeError", "'ascii' codec can't encode the text")
		}
		return []byte(s), nil
	}
	enc := lookupCharset(charset)
	if enc == nil {
		return nil, pyErr("LookupError", "unknown encoding: %s", charset)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, pyErr("UnicodeEncodeError", "%q codec can't encode the text", charset)
	}
	return b, nil
}

// SetCharset is Python's set_charset.
func (m *Message) SetCharset(charset string) error {
	cs := strings.ToLower(charset)
	if cs == "utf8" {
		cs = "utf-8"
	}
	if _, ok := m.Get("MIME-Version"); !ok {
		m.Add("MIME-Version", "1.0")
	}
	if _, ok := m.Get("Content-Type"); !ok {
		m.Add("Content-Type", `text/plain; charset="`+cs+`"`)
	} else if err := m.SetParam("charset", ParamValue{Value: cs}, SetParamOptions{}); err != nil {
		return err
	}
	if _, ok := m.Get("Content-Transfer-Encoding"); !ok {
		_, body := charsetEncodings(cs)
		switch body {
		case 'b':
			m.Body = base64Body([]byte(m.Body))
			m.Add("Content-Transfer-Encoding", "base64")
		case 'q':
			m.Body = qpBody(m.Body, 76)
			m.Add("Content-Transfer-Encoding", "quoted-printable")
		default:
			if isASCII(m.Body) {
				m.Add("Content-Transfer-Encoding", "7bit")
			} else {
				m.Add("Content-Transfer-Encoding", "8bit")
			}
		}
	}
	return nil
}

// base64Body is base64mime.body_encode: lines of 76 characters, each
// ending with "\n"; "" for no data.
func base64Body(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += 57 {
		sb.WriteString(base64.StdEncoding.EncodeToString(b[i:min(i+57, len(b))]))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// base64Encoder is encoders.encode_base64's base64.encodebytes.
func base64Encoder(b []byte) string {
	return base64Body(b)
}

// qpBody is quoprimime.body_encode(body, maxlinelen) on the octets of s.
func qpBody(s string, maxlinelen int) string {
	if s == "" {
		return s
	}
	var t strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' || c == '\t' || (c >= ' ' && c <= '~' && c != '=') {
			t.WriteByte(c)
		} else {
			fmt.Fprintf(&t, "=%02X", c)
		}
	}
	body := t.String()
	var out []string
	ml1 := maxlinelen - 1
	for _, line := range pySplitCRLF(body) {
		start := 0
		last := len(line) - 1 - maxlinelen
		for start <= last {
			stop := start + ml1
			if line[stop-2] == '=' {
				out = append(out, line[start:stop-1])
				start = stop - 2
			} else if line[stop-1] == '=' {
				out = append(out, line[start:stop])
				start = stop - 1
			} else {
				out = append(out, line[start:stop]+"=")
				start = stop
			}
		}
		if line != "" && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
			room := start - last
			var q string
			switch {
			case room >= 3:
				q = fmt.Sprintf("=%02X", line[len(line)-1])
			case room == 2:
				q = line[len(line)-1:] + "=\n"
			default:
				q = "=\n" + fmt.Sprintf("=%02X", line[len(line)-1])
			}
			out = append(out, line[start:len(line)-1]+q)
		} else {
			out = append(out, line[start:])
		}
	}
	if c := body[len(body)-1]; c == '\r' || c == '\n' {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// pySplitCRLF is str.splitlines() for text whose only line breaks are CR,
// LF and CRLF.
func pySplitCRLF(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}
