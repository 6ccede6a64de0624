package email

import (
	"sort"
	"strings"
)

// pyStrip removes the ASCII characters Python's str.strip removes.
func pyStrip(s string) string { return strings.Trim(s, pySpace) }

const pySpace = " \t\n\r\v\f\x1c\x1d\x1e\x1f"

func isPySpace(c byte) bool { return strings.IndexByte(pySpace, c) >= 0 }

// asciiLower lower-cases ASCII letters only, leaving other bytes alone.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Param is one parameter of a structured header such as Content-Type. For
// the first element of Params, Name is the value before the first ';' and
// Value is empty. RFC 2231 extended values ("name*=utf-8”a%20b") have
// Extended set, with Charset and Language as written (HasCharset false
// when the value lacked the two quote marks) and Value the raw octets.
type Param struct {
	Name       string
	Value      string // quoted as Python keeps it: "..." for decoded params
	Extended   bool
	HasCharset bool
	Charset    string
	Language   string
}

// Unquoted returns the value with Python's unquote applied.
func (p Param) Unquoted() string { return Unquote(p.Value) }

// Quote escapes backslashes and double quotes, as email.utils.quote does.
func Quote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`)
}

// Unquote removes surrounding double quotes (undoing backslash escapes) or
// angle brackets, as email.utils.unquote does.
func Unquote(s string) string {
	if len(s) > 1 {
		if s[0] == '"' && s[len(s)-1] == '"' {
			return strings.ReplaceAll(strings.ReplaceAll(s[1:len(s)-1], `\\`, `\`), `\"`, `"`)
		}
		if s[0] == '<' && s[len(s)-1] == '>' {
			return s[1 : len(s)-1]
		}
	}
	return s
}

// splitParams splits a structured header value at the semicolons that are
// not inside quotes, like Python's _parseparam.
func splitParams(v string) []string {
	s := ";" + v
	var out []string
	for strings.HasPrefix(s, ";") {
		s = s[1:]
		// The first ';' with an even number of quotes before it (a quote
		// right after a backslash does not count), scanning once.
		end, odd := -1, false
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '"':
				if i == 0 || s[i-1] != '\\' {
					odd = !odd
				}
			case ';':
				if !odd {
					end = i
				}
			}
			if end >= 0 {
				break
			}
		}
		if end < 0 {
			end = len(s)
		}
		f := s[:end]
		if i := strings.IndexByte(f, '='); i >= 0 {
			f = asciiLower(pyStrip(f[:i])) + "=" + pyStrip(f[i+1:])
		}
		out = append(out, pyStrip(f))
		s = s[end:]
	}
	return out
}

// ParseParams parses a structured header value into its parameters,
// decoding RFC 2231 continuations and charsets, like the parameter parsing
// behind Python's get_params (values stay quoted: see Param.Unquoted).
func ParseParams(v string) []Param {
	var raw []Param
	for _, p := range splitParams(v) {
		name, val, ok := strings.Cut(p, "=")
		if ok {
			raw = append(raw, Param{Name: pyStrip(name), Value: pyStrip(val)})
		} else {
			raw = append(raw, Param{Name: pyStrip(p)})
		}
	}
	return decodeParams(raw)
}

type continuation struct {
	num     int // -1: no number
	value   string
	encoded bool
}

// rfc2231Name matches name*, name*N and name*N*: it returns the base name
// and the section number (-1 when absent).
func rfc2231Name(name string) (string, int, bool) {
	star := strings.IndexByte(name, '*')
	if star <= 0 {
		return "", 0, false
	}
	base := name[:star]
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", 0, false
		}
	}
	rest := name[star+1:]
	if rest == "" {
		return base, -1, true
	}
	rest = strings.TrimSuffix(rest, "*")
	if rest == "" {
		return "", 0, false
	}
	n := 0
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return "", 0, false
		}
		if n < 1<<20 {
			n = n*10 + int(rest[i]-'0')
		}
	}
	return base, n, true
}

func decodeParams(params []Param) []Param {
	if len(params) == 0 {
		return params
	}
	out := []Param{params[0]}
	type group struct {
		name  string
		conts []continuation
	}
	var groups []*group
	byName := map[string]*group{}
	for _, p := range params[1:] {
		encoded := strings.HasSuffix(p.Name, "*")
		value := Unquote(p.Value)
		if base, num, ok := rfc2231Name(p.Name); ok {
			g := byName[base]
			if g == nil {
				g = &group{name: base}
				byName[base] = g
				groups = append(groups, g)
			}
			g.conts = append(g.conts, continuation{num, value, encoded})
			continue
		}
		out = append(out, Param{Name: p.Name, Value: `"` + Quote(value) + `"`})
	}
	for _, g := range groups {
		// Sort by section number (stable, so equal numbers keep their
		// order); Python sorts the (num, value, encoded) tuples.
		conts := g.conts
		sort.SliceStable(conts, func(i, j int) bool { return contLess(conts[i], conts[j]) })
		var b strings.Builder
		extended := false
		for _, c := range conts {
			if c.encoded {
				b.WriteString(percentDecode(c.value))
				extended = true
			} else {
				b.WriteString(c.value)
			}
		}
		value := Quote(b.String())
		if extended {
			parts := strings.SplitN(value, "'", 3)
			if len(parts) <= 2 {
				out = append(out, Param{Name: g.name, Value: `"` + value + `"`, Extended: true})
			} else {
				out = append(out, Param{Name: g.name, Value: `"` + parts[2] + `"`, Extended: true,
					HasCharset: true, Charset: parts[0], Language: parts[1]})
			}
		} else {
			out = append(out, Param{Name: g.name, Value: `"` + value + `"`})
		}
	}
	return out
}

func contLess(a, b continuation) bool {
	if a.num != b.num {
		return a.num < b.num
	}
	if a.value != b.value {
		return a.value < b.value
	}
	return !a.encoded && b.encoded
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode replaces %XX escapes by their octet and leaves malformed
// escapes alone.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, h<<4|l)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Params returns the parameters of header (e.g. "content-type") and whether
// the header is present.
func (m *Message) Params(header string) ([]Param, bool) {
	v, ok := m.Get(header)
	if !ok {
		return nil, false
	}
	return ParseParams(v), true
}

// Param returns the parameter called name of header, compared
// case-insensitively, and whether it was found.
func (m *Message) Param(name, header string) (Param, bool) {
	ps, ok := m.Params(header)
	if !ok {
		return Param{}, false
	}
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Param{}, false
}

// Collapse turns a parameter into text as collapse_rfc2231_value does:
// RFC 2231 values are decoded from their charset to UTF-8.
func (p Param) Collapse() string {
	if !p.Extended {
		return Unquote(p.Value)
	}
	raw := Unquote(p.Value)
	cs := "us-ascii"
	if p.HasCharset {
		cs = p.Charset
	}
	s, ok := DecodeCharset([]byte(raw), cs)
	if !ok {
		return raw
	}
	return s
}

// Boundary returns the multipart boundary, Python's get_boundary.
func (m *Message) Boundary() (string, bool) {
	p, ok := m.Param("boundary", "content-type")
	if !ok {
		return "", false
	}
	return strings.TrimRight(p.Collapse(), pySpace), true
}

// ContentCharset returns the lower-cased charset parameter of Content-Type,
// Python's get_content_charset.
func (m *Message) ContentCharset() (string, bool) {
	p, ok := m.Param("charset", "content-type")
	if !ok {
		return "", false
	}
	var cs string
	if p.Extended {
		pcs := "us-ascii"
		if p.HasCharset && p.Charset != "" {
			pcs = p.Charset
		}
		if s, ok := DecodeCharset([]byte(Unquote(p.Value)), pcs); ok {
			cs = s
		} else {
			cs = Unquote(p.Value)
		}
	} else {
		cs = Unquote(p.Value)
	}
	for i := 0; i < len(cs); i++ {
		if cs[i] >= 0x80 {
			return "", false
		}
	}
	return asciiLower(cs), true
}

// RawFilename returns the file name as Python's get_filename does: the
// filename parameter of Content-Disposition, else the name parameter of
// Content-Type, RFC 2231 decoded and stripped. Encoded words are left as
// they are; Filename decodes them too.
func (m *Message) RawFilename() (string, bool) {
	p, ok := m.Param("filename", "content-disposition")
	if !ok {
		p, ok = m.Param("name", "content-type")
		if !ok {
			return "", false
		}
	}
	return pyStrip(p.Collapse()), true
}

// Filename returns RawFilename with RFC 2047 encoded words decoded, the
// way most mail programs show attachment names.
func (m *Message) Filename() (string, bool) {
	s, ok := m.RawFilename()
	if !ok {
		return "", false
	}
	return DecodeHeaderString(s), true
}

// ContentDisposition returns the lower-cased disposition ("inline",
// "attachment") and whether the header is present.
func (m *Message) ContentDisposition() (string, bool) {
	v, ok := m.Get("content-disposition")
	if !ok {
		return "", false
	}
	ps := splitParams(v)
	return asciiLower(ps[0]), true
}
