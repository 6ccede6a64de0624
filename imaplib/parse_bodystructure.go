package imaplib

import (
	"strconv"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// A BodyStructure is the MIME structure of a message or of one of its parts,
// as BODYSTRUCTURE (or BODY, without extension data) describes it (RFC 3501
// section 7.4.2). Strings are as the server sent them; NIL becomes "".
type BodyStructure struct {
	// Type and Subtype make the media type ("text" and "plain"); Type is
	// "multipart" for a multipart.
	Type, Subtype string
	// Params are the Content-Type parameters, in order.
	Params []Param

	// Parts are the parts of a multipart.
	Parts []*BodyStructure

	// ID, Description and Encoding are Content-ID,
	// Content-Description and Content-Transfer-Encoding of a single part.
	ID, Description, Encoding string
	// Size is the size of a single part's body in its transfer encoding.
	Size uint32
	// Lines is the size in lines of a text/* or message/rfc822 part.
	Lines uint32
	// Envelope and Body describe the message inside a message/rfc822
	// (or message/global) part.
	Envelope *Envelope
	Body     *BodyStructure

	// Extended is true when the server sent extension data (as it does
	// for BODYSTRUCTURE); the fields below are only set then.
	Extended bool
	// MD5 is the Content-MD5 of a single part.
	MD5 string
	// Disposition is the Content-Disposition, nil when absent.
	Disposition *Disposition
	// Language is the Content-Language list.
	Language []string
	// Location is the Content-Location.
	Location string
	// Extensions hold further extension data, as plain values (see
	// FetchData.Other).
	Extensions []any
}

// A Param is one parameter of a Content-Type or Content-Disposition.
type Param struct {
	Name, Value string
}

// A Disposition is a Content-Disposition: its type ("inline",
// "attachment") and parameters.
type Disposition struct {
	Type   string
	Params []Param
}

func paramValue(params []Param, name string) string {
	for _, p := range params {
		if strings.EqualFold(p.Name, name) {
			return p.Value
		}
	}
	return ""
}

// Param returns the value of the Content-Type parameter name (any letter
// case), "" when absent.
func (b *BodyStructure) Param(name string) string { return paramValue(b.Params, name) }

// Param returns the value of the parameter name (any letter case), "" when
// absent.
func (d *Disposition) Param(name string) string { return paramValue(d.Params, name) }

// IsMultipart reports whether b is a multipart.
func (b *BodyStructure) IsMultipart() bool { return strings.EqualFold(b.Type, "multipart") }

// MediaType returns the media type in lower case, such as "text/plain".
func (b *BodyStructure) MediaType() string {
	return strings.ToLower(b.Type) + "/" + strings.ToLower(b.Subtype)
}

// Filename returns the part's file name: the disposition's filename
// parameter, else the Content-Type's name parameter; "" when neither is
// set. It is not decoded (RFC 2231 and RFC 2047 encodings stay).
func (b *BodyStructure) Filename() string {
	if b.Disposition != nil {
		if f := b.Disposition.Param("filename"); f != "" {
			return f
		}
	}
	return b.Param("name")
}

// Walk calls f for b and every part below it, depth first, with the IMAP
// part number of each ("1", "2.1", "3.1.2"), the one to use in
// BODY[<path>]. A single-part message is part "1". A multipart that is a
// whole message (the top one, or the body of a message/rfc822 part) has
// no part number of its own: it is visited with the number of the message
// it belongs to ("" for the top), and its parts are numbered below it.
func (b *BodyStructure) Walk(f func(path string, part *BodyStructure)) {
	if b.IsMultipart() {
		b.walk("", f)
		return
	}
	b.walk("1", f)
}

func (b *BodyStructure) walk(path string, f func(string, *BodyStructure)) {
	f(path, b)
	prefix := path
	if prefix != "" {
		prefix += "."
	}
	for i, part := range b.Parts {
		part.walk(prefix+strconv.Itoa(i+1), f)
	}
	if b.Body != nil {
		if b.Body.IsMultipart() {
			// The multipart body of a message part shares its number.
			b.Body.walkMessageBody(path, f)
		} else {
			b.Body.walk(prefix+"1", f)
		}
	}
}

func (b *BodyStructure) walkMessageBody(path string, f func(string, *BodyStructure)) {
	f(path, b)
	for i, part := range b.Parts {
		part.walk(path+"."+strconv.Itoa(i+1), f)
	}
}

// parseBody reads a body; nil on error. Recursion is bounded by the
// parser's depth limit, since each level opens a list.
func parseBody(p *wire.Parser) *BodyStructure {
	if !p.Open() {
		return nil
	}
	b := &BodyStructure{}
	if c, _ := p.PeekByte(); c == '(' {
		parseMultipart(p, b)
	} else {
		parseSinglePart(p, b)
	}
	p.Close()
	if p.Err() != nil {
		return nil
	}
	return b
}

// parseMultipart reads 1*body SP media-subtype [SP body-ext-mpart].
func parseMultipart(p *wire.Parser, b *BodyStructure) {
	b.Type = "multipart"
	for p.Err() == nil {
		b.Parts = append(b.Parts, parseBody(p))
		if c, _ := p.PeekByte(); c == '(' {
			continue
		}
		p.SP()
		if c, _ := p.PeekByte(); c != '(' { // some servers put SP between parts
			break
		}
	}
	b.Subtype = string(p.String())
	if !p.Special(' ') {
		return
	}
	b.Extended = true
	b.Params = parseParams(p)
	parseExtensions(p, b)
}

// parseSinglePart reads body-type-1part without its parentheses.
func parseSinglePart(p *wire.Parser, b *BodyStructure) {
	b.Type = string(p.NString())
	p.SP()
	b.Subtype = string(p.NString())
	p.SP()
	// body-fields
	b.Params = parseParams(p)
	p.SP()
	b.ID = string(p.NString())
	p.SP()
	b.Description = string(p.NString())
	p.SP()
	b.Encoding = string(p.NString()) // NIL is not allowed, but seen
	p.SP()
	b.Size = p.Number()
	if p.Err() != nil {
		return
	}
	switch {
	case strings.EqualFold(b.Type, "message") &&
		(strings.EqualFold(b.Subtype, "rfc822") || strings.EqualFold(b.Subtype, "global")):
		// Some servers send a message/rfc822 part like a basic one.
		if string(p.PeekBytes(2)) != " (" {
			break
		}
		p.SP()
		b.Envelope = parseEnvelope(p)
		p.SP()
		b.Body = parseBody(p)
		p.SP()
		b.Lines = p.Number()
	case strings.EqualFold(b.Type, "text"):
		p.SP()
		b.Lines = p.Number()
	}
	if !p.Special(' ') {
		return
	}
	b.Extended = true
	b.MD5 = string(p.NString())
	parseExtensions(p, b)
}

// parseExtensions reads [SP body-fld-dsp [SP body-fld-lang [SP
// body-fld-loc *(SP body-extension)]]], common to both kinds of body.
func parseExtensions(p *wire.Parser, b *BodyStructure) {
	if !p.Special(' ') {
		return
	}
	b.Disposition = parseDisposition(p)
	if !p.Special(' ') {
		return
	}
	b.Language = parseLanguage(p)
	if !p.Special(' ') {
		return
	}
	b.Location = string(p.NString())
	for p.Err() == nil && p.Special(' ') {
		v := p.Value()
		b.Extensions = append(b.Extensions, v.Any())
	}
}

// parseParams reads body-fld-param: "(" string SP string *(SP string SP
// string) ")" / nil.
func parseParams(p *wire.Parser) []Param {
	var params []Param
	p.ListOrNIL(func() {
		name := p.String()
		p.SP()
		params = append(params, Param{Name: string(name), Value: string(p.NString())})
	})
	return params
}

// parseDisposition reads body-fld-dsp: "(" string SP body-fld-param ")" /
// nil.
func parseDisposition(p *wire.Parser) *Disposition {
	if p.NIL() || !p.Open() {
		return nil
	}
	d := &Disposition{Type: string(p.String())}
	p.SP()
	d.Params = parseParams(p)
	p.Close()
	return d
}

// parseLanguage reads body-fld-lang: nstring / "(" string *(SP string) ")".
func parseLanguage(p *wire.Parser) []string {
	if c, _ := p.PeekByte(); c == '(' {
		var langs []string
		p.List(func() { langs = append(langs, string(p.String())) })
		return langs
	}
	if s := p.NString(); s != nil {
		return []string{string(s)}
	}
	return nil
}
