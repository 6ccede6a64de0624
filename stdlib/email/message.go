package email

import (
	"strings"
)

// Field is one header field as it appeared in the message: the name as
// written and the raw value (folding line breaks kept, leading blanks and
// the final line break removed), as Python's compat32 policy stores it.
type Field struct {
	Name  string
	Value string
}

// Message is a parsed message or MIME part, shaped like Python's
// email.message.Message under the compat32 policy.
//
// A part is "multipart" (in Python's sense) when its payload is a list of
// parts: multipart/* types with a boundary and message/* types, whose one
// element is the enclosed message. Otherwise Body holds the raw payload.
type Message struct {
	// Fields are the header fields in order.
	Fields []Field
	// Parts is the payload of a multipart (or message/*) part.
	Parts []*Message
	// Body is the payload of a non-multipart part, not yet decoded.
	Body string
	// Multipart reports whether the payload is Parts rather than Body.
	Multipart bool
	// Preamble and Epilogue are the text around the parts of a multipart;
	// nil when absent (Python's None).
	Preamble, Epilogue *string
	// Defects names what was wrong with the input, with Python's class
	// names (e.g. "StartBoundaryNotFoundDefect").
	Defects []string
	// UnixFrom is the "From " envelope line, if the message started with one.
	UnixFrom string
	// DefaultType is the type assumed without Content-Type: "text/plain",
	// or "message/rfc822" inside multipart/digest.
	DefaultType string
	// Default marks an EmailMessage (Python's default policy): fields are
	// folded and checked as that policy does.
	Default bool

	part         bool // a MIMEPart (no MIME-Version added by SetContent)
	built        bool // made by the building API: serialised by Generate
	nonMultipart bool // a MIMENonMultipart: Attach refuses
}

func newMessage() *Message { return &Message{DefaultType: "text/plain"} }

// Get returns the raw value of the first field called name (compared
// case-insensitively) and whether there was one.
func (m *Message) Get(name string) (string, bool) {
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// GetAll returns the raw values of every field called name.
func (m *Message) GetAll(name string) []string {
	var out []string
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Add appends a field, as Python's msg[name] = value does.
func (m *Message) Add(name, value string) {
	m.Fields = append(m.Fields, Field{name, value})
}

// Del removes every field called name.
func (m *Message) Del(name string) {
	out := m.Fields[:0]
	for _, f := range m.Fields {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	m.Fields = out
}

// Replace replaces the value of the first field called name and reports
// whether there was one.
func (m *Message) Replace(name, value string) bool {
	for i, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			m.Fields[i].Value = value
			return true
		}
	}
	return false
}

// ContentType returns the lower-cased MIME type, Python's
// get_content_type: the default type when the field is missing, and
// text/plain when the field is not of the form type/subtype.
func (m *Message) ContentType() string {
	v, ok := m.Get("content-type")
	if !ok {
		return m.DefaultType
	}
	ct, _, _ := strings.Cut(v, ";")
	ct = strings.ToLower(pyStrip(ct))
	if strings.Count(ct, "/") != 1 {
		return "text/plain"
	}
	return ct
}

// MainType returns the part of ContentType before the slash.
func (m *Message) MainType() string {
	t, _, _ := strings.Cut(m.ContentType(), "/")
	return t
}

// SubType returns the part of ContentType after the slash.
func (m *Message) SubType() string {
	_, s, _ := strings.Cut(m.ContentType(), "/")
	return s
}

// Walk calls fn on m and then on every part below it, depth first, as
// Python's walk iterates; it stops early when fn returns false.
func (m *Message) Walk(fn func(*Message) bool) bool {
	if !fn(m) {
		return false
	}
	if m.Multipart {
		for _, p := range m.Parts {
			if !p.Walk(fn) {
				return false
			}
		}
	}
	return true
}
