package wire

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// DefaultMaxDepth is the nesting limit for parenthesised lists that a Parser
// uses when its MaxDepth is zero.
const DefaultMaxDepth = 100

// ErrSyntax is wrapped by every error a Parser reports about its input, so
// that errors.Is(err, ErrSyntax) tells malformed server data apart.
var ErrSyntax = errors.New("wire: syntax error")

// A SyntaxError describes where a response stopped following the grammar.
type SyntaxError struct {
	// Line is the index of the response line (Response.Text) holding the
	// error; Offset is the byte offset in that line.
	Line, Offset int
	// Near is a short excerpt of the text at the error.
	Near string
	// Msg says what was expected.
	Msg string
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("wire: syntax error at line %d offset %d near %q: %s", e.Line, e.Offset, e.Near, e.Msg)
}

// Unwrap makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// A Parser reads the tokens of one framed Response, with one method per RFC
// 3501 ABNF rule. The first error is recorded and kept ("sticky"): after it,
// every method does nothing and returns a zero value, so a caller can read a
// whole production and check Err once at the end, the way the grammar reads.
//
// Byte slices a Parser returns may share memory with the Response.
type Parser struct {
	// MaxDepth limits the nesting of parenthesised lists; 0 means
	// DefaultMaxDepth. Going deeper is an error.
	MaxDepth int
	// UTF8 accepts UTF-8 in quoted strings (RFC 6855, UTF8=ACCEPT). Without
	// it, quoted strings hold 7-bit characters only, as RFC 3501 says.
	UTF8 bool

	r     *Response
	line  int
	pos   int
	depth int
	err   error
}

// NewParser returns a Parser positioned at the start of r.
func NewParser(r *Response) *Parser {
	p := &Parser{}
	p.Reset(r)
	return p
}

// Reset positions p at the start of r, forgetting any earlier error; its
// MaxDepth and UTF8 settings stay.
func (p *Parser) Reset(r *Response) {
	p.r, p.line, p.pos, p.depth, p.err = r, 0, 0, 0, nil
	switch {
	case r == nil || len(r.Text) == 0:
		p.err = &SyntaxError{Msg: "empty response"}
		p.r = &Response{Text: [][]byte{nil}}
	case len(r.Text) != len(r.Literals)+1:
		p.err = &SyntaxError{Msg: fmt.Sprintf("response has %d lines for %d literals", len(r.Text), len(r.Literals))}
	}
}

// Err returns the first error the parser met, or nil.
func (p *Parser) Err() error { return p.err }

// Fail records a syntax error at the cursor unless an error is already
// recorded. Callers use it for rules the Parser has no method for.
func (p *Parser) Fail(format string, args ...any) {
	if p.err != nil {
		return
	}
	cur := p.cur()
	near := cur[min(p.pos, len(cur)):]
	const maxNear = 24
	if len(near) > maxNear {
		near = near[:maxNear]
	}
	p.err = &SyntaxError{Line: p.line, Offset: p.pos, Near: string(near), Msg: fmt.Sprintf(format, args...)}
}

func (p *Parser) cur() []byte { return p.r.Text[p.line] }

// Pos returns the cursor: the index of the current line and the byte offset
// in it.
func (p *Parser) Pos() (line, offset int) { return p.line, p.pos }

// PeekByte returns the byte at the cursor without consuming it; ok is false
// at the end of a line or after an error.
func (p *Parser) PeekByte() (c byte, ok bool) {
	if p.err != nil {
		return 0, false
	}
	cur := p.cur()
	if p.pos >= len(cur) {
		return 0, false
	}
	return cur[p.pos], true
}

// PeekBytes returns up to n bytes at the cursor, from the current line,
// without consuming them.
func (p *Parser) PeekBytes(n int) []byte {
	if p.err != nil {
		return nil
	}
	cur := p.cur()
	if p.pos >= len(cur) {
		return nil
	}
	return cur[p.pos:min(p.pos+n, len(cur))]
}

func (p *Parser) peekIs(c byte) bool {
	b, ok := p.PeekByte()
	return ok && b == c
}

// AtEnd reports whether the cursor is at the end of the response (and no
// error is recorded).
func (p *Parser) AtEnd() bool {
	return p.err == nil && p.line == len(p.r.Text)-1 && p.pos >= len(p.cur())
}

// ExpectEnd records an error unless the cursor is at the end of the
// response.
func (p *Parser) ExpectEnd() bool {
	if p.err != nil {
		return false
	}
	if !p.AtEnd() {
		p.Fail("expected end of response")
		return false
	}
	return true
}

// Special consumes c if it is the next byte and reports whether it did; it
// never records an error.
func (p *Parser) Special(c byte) bool {
	if p.peekIs(c) {
		p.pos++
		return true
	}
	return false
}

// ExpectByte consumes c, or records an error if the next byte is not c.
func (p *Parser) ExpectByte(c byte) bool {
	if p.err != nil {
		return false
	}
	if !p.Special(c) {
		p.Fail("expected %q", c)
		return false
	}
	return true
}

// SP consumes one space (the SP rule), or records an error.
func (p *Parser) SP() bool { return p.ExpectByte(' ') }

// Rest consumes and returns the rest of the current line (for text rules
// such as resp-text); it is empty, not nil, at the end of a line.
func (p *Parser) Rest() []byte {
	if p.err != nil {
		return nil
	}
	cur := p.cur()
	b := cur[min(p.pos, len(cur)):len(cur):len(cur)]
	p.pos = len(cur)
	if b == nil {
		b = []byte{}
	}
	return b
}

// Character classes of RFC 3501 section 9.
var (
	atomChar    [256]bool // ATOM-CHAR
	astringChar [256]bool // ASTRING-CHAR: ATOM-CHAR and resp-specials
	tokenStop   [256]bool // bytes that end a token read by Value
)

func init() {
	for c := 0x21; c < 0x7f; c++ {
		switch c {
		case '(', ')', '{', '%', '*', '"', '\\', ']':
		default:
			atomChar[c] = true
		}
	}
	astringChar = atomChar
	astringChar[']'] = true
	for c := 0; c < 256; c++ {
		switch {
		case c <= 0x20, c == 0x7f, c == '(', c == ')', c == '"', c == '{':
			tokenStop[c] = true
		}
	}
}

// IsAtomChar reports whether c is an ATOM-CHAR.
func IsAtomChar(c byte) bool { return atomChar[c] }

func (p *Parser) span(class *[256]bool) []byte {
	if p.err != nil {
		return nil
	}
	cur := p.cur()
	start := p.pos
	for p.pos < len(cur) && class[cur[p.pos]] {
		p.pos++
	}
	return cur[start:p.pos:p.pos]
}

// AtomBytes reads an atom (1*ATOM-CHAR) and returns it without copying.
func (p *Parser) AtomBytes() []byte {
	b := p.span(&atomChar)
	if p.err == nil && len(b) == 0 {
		p.Fail("expected atom")
	}
	return b
}

// Atom reads an atom (1*ATOM-CHAR).
func (p *Parser) Atom() string { return string(p.AtomBytes()) }

func (p *Parser) digits() []byte {
	if p.err != nil {
		return nil
	}
	cur := p.cur()
	start := p.pos
	for p.pos < len(cur) && cur[p.pos] >= '0' && cur[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start {
		p.Fail("expected number")
		return nil
	}
	return cur[start:p.pos]
}

func (p *Parser) number(max uint64) uint64 {
	start := p.pos
	d := p.digits()
	if p.err != nil {
		return 0
	}
	var n uint64
	for _, c := range d {
		n = n*10 + uint64(c-'0')
		if n > max {
			p.pos = start
			p.Fail("number out of range (max %d)", max)
			return 0
		}
	}
	return n
}

// Number reads a number (1*DIGIT) that fits 32 bits unsigned.
func (p *Parser) Number() uint32 { return uint32(p.number(math.MaxUint32)) }

// NZNumber reads a non-zero number (nz-number).
func (p *Parser) NZNumber() uint32 {
	start := p.pos
	n := p.Number()
	if p.err == nil && n == 0 {
		p.pos = start
		p.Fail("expected non-zero number")
	}
	return n
}

// Number64 reads a number64 (RFC 9051): a number of at most 63 bits, as used
// for sizes and mod-sequences.
func (p *Parser) Number64() uint64 { return p.number(math.MaxInt64) }

// Quoted reads a quoted string and returns its content with the \\ and \"
// escapes undone. CR, LF, NUL and other escapes are errors; so are bytes
// above 0x7F unless p.UTF8 is set, and then they must be valid UTF-8.
func (p *Parser) Quoted() []byte {
	if !p.ExpectByte('"') {
		return nil
	}
	cur := p.cur()
	start := p.pos
	var out []byte // allocated at the first escape only
	for i := start; i < len(cur); i++ {
		c := cur[i]
		switch {
		case c == '"':
			p.pos = i + 1
			if out != nil {
				return out
			}
			return cur[start:i:i]
		case c == '\\':
			if i+1 >= len(cur) || (cur[i+1] != '\\' && cur[i+1] != '"') {
				p.pos = i
				p.Fail("bad escape in quoted string")
				return nil
			}
			if out == nil {
				out = make([]byte, 0, len(cur)-start)
				out = append(out, cur[start:i]...)
			}
			i++
			out = append(out, cur[i])
			continue
		case c == 0 || c == '\r' || c == '\n':
			p.pos = i
			p.Fail("control character %q in quoted string", c)
			return nil
		case c >= 0x80:
			if !p.UTF8 {
				p.pos = i
				p.Fail("8-bit byte in quoted string")
				return nil
			}
			r, size := utf8.DecodeRune(cur[i:])
			if r == utf8.RuneError && size <= 1 {
				p.pos = i
				p.Fail("invalid UTF-8 in quoted string")
				return nil
			}
			if out != nil {
				out = append(out, cur[i:i+size]...)
			}
			i += size - 1
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	p.pos = start - 1
	p.Fail("unterminated quoted string")
	return nil
}

// IsLiteral reports whether the cursor stands at a literal announcement
// ({n} or ~{n}).
func (p *Parser) IsLiteral() bool {
	c, ok := p.PeekByte()
	if !ok {
		return false
	}
	if c == '{' {
		return true
	}
	cur := p.cur()
	return c == '~' && p.pos+1 < len(cur) && cur[p.pos+1] == '{'
}

// Literal reads a literal: the cursor must stand at a {n} or ~{n} (RFC 3516
// literal8) announcement that ends the line. It returns the literal's bytes
// (never nil) and moves the cursor to the start of the next line. A size
// that differs from the stored literal's is an error.
func (p *Parser) Literal() []byte {
	if p.err != nil {
		return nil
	}
	start := p.pos
	p.Special('~')
	if !p.ExpectByte('{') {
		return nil
	}
	n := p.Number64()
	if !p.ExpectByte('}') {
		return nil
	}
	if p.pos != len(p.cur()) {
		p.Fail("literal announcement does not end the line")
		return nil
	}
	if p.line >= len(p.r.Literals) {
		p.pos = start
		p.Fail("literal announced but none follows")
		return nil
	}
	lit := p.r.Literals[p.line]
	if uint64(len(lit)) != n {
		p.pos = start
		p.Fail("literal announced %d bytes but holds %d", n, len(lit))
		return nil
	}
	p.line++
	p.pos = 0
	if lit == nil {
		lit = []byte{}
	}
	return lit
}

// String reads a string: quoted or literal (a literal8 is accepted too).
func (p *Parser) String() []byte {
	if p.err != nil {
		return nil
	}
	if p.IsLiteral() {
		return p.Literal()
	}
	if p.peekIs('"') {
		return p.Quoted()
	}
	p.Fail("expected string")
	return nil
}

// AString reads an astring: 1*ASTRING-CHAR (atom characters and ']') or a
// string.
func (p *Parser) AString() []byte {
	if p.err != nil {
		return nil
	}
	if p.peekIs('"') || p.IsLiteral() {
		return p.String()
	}
	b := p.span(&astringChar)
	if p.err == nil && len(b) == 0 {
		p.Fail("expected astring")
	}
	return b
}

// IsNIL reports whether the next token is NIL (in any case), without
// consuming it.
func (p *Parser) IsNIL() bool {
	if p.err != nil {
		return false
	}
	cur := p.cur()
	i := p.pos
	if i+3 > len(cur) || (cur[i]|0x20) != 'n' || (cur[i+1]|0x20) != 'i' || (cur[i+2]|0x20) != 'l' {
		return false
	}
	return i+3 == len(cur) || !atomChar[cur[i+3]]
}

// NIL consumes NIL if it is the next token and reports whether it did; it
// never records an error.
func (p *Parser) NIL() bool {
	if p.IsNIL() {
		p.pos += 3
		return true
	}
	return false
}

// NString reads an nstring: nil for NIL, otherwise the string (non-nil,
// possibly empty).
func (p *Parser) NString() []byte {
	if p.NIL() {
		return nil
	}
	return p.String()
}

// Open reads the "(" that starts a list and enters one nesting level; going
// deeper than MaxDepth is an error.
func (p *Parser) Open() bool {
	if !p.ExpectByte('(') {
		return false
	}
	max := p.MaxDepth
	if max <= 0 {
		max = DefaultMaxDepth
	}
	if p.depth >= max {
		p.pos--
		p.Fail("lists nested deeper than %d", max)
		return false
	}
	p.depth++
	return true
}

// Close reads the ")" that ends a list opened with Open.
func (p *Parser) Close() bool {
	if !p.ExpectByte(')') {
		return false
	}
	if p.depth > 0 {
		p.depth--
	}
	return true
}

// List reads a parenthesised list of SP-separated elements, calling elem
// once per element with the cursor at its start; elem reads the element
// with the parser's methods. An empty list "()" calls elem zero times.
func (p *Parser) List(elem func()) bool {
	if !p.Open() {
		return false
	}
	if p.peekIs(')') {
		return p.Close()
	}
	for p.err == nil {
		elem()
		if p.err != nil {
			return false
		}
		if p.peekIs(')') {
			return p.Close()
		}
		if !p.SP() {
			return false
		}
	}
	return false
}

// ListOrNIL is List, except that NIL stands for no list; it reports false
// for NIL and for errors.
func (p *Parser) ListOrNIL(elem func()) bool {
	if p.NIL() {
		return false
	}
	return p.List(elem)
}

// Flag reads a flag: "\" followed by an atom (system flags, flag-extension,
// mailbox attributes such as \HasNoChildren), "\*", or a keyword atom.
func (p *Parser) Flag() string {
	if p.err != nil {
		return ""
	}
	if !p.peekIs('\\') {
		return internFlag(p.AtomBytes())
	}
	start := p.pos
	p.pos++
	if p.Special('*') {
		return `\*`
	}
	if len(p.span(&atomChar)) == 0 {
		p.Fail("expected flag name after backslash")
		return ""
	}
	return internFlag(p.cur()[start:p.pos])
}

// internFlag returns common flags without allocating.
func internFlag(b []byte) string {
	switch string(b) {
	case `\Seen`:
		return `\Seen`
	case `\Answered`:
		return `\Answered`
	case `\Flagged`:
		return `\Flagged`
	case `\Deleted`:
		return `\Deleted`
	case `\Draft`:
		return `\Draft`
	case `\Recent`:
		return `\Recent`
	case `$Forwarded`:
		return `$Forwarded`
	case `$Junk`:
		return `$Junk`
	case `$NotJunk`:
		return `$NotJunk`
	case `\HasChildren`:
		return `\HasChildren`
	case `\HasNoChildren`:
		return `\HasNoChildren`
	case `\Noselect`:
		return `\Noselect`
	case `\NonExistent`:
		return `\NonExistent`
	case `\Subscribed`:
		return `\Subscribed`
	}
	return string(b)
}

// FlagList reads a flag-list: "(" [flag *(SP flag)] ")". The result is
// non-nil (possibly empty) when there is no error.
func (p *Parser) FlagList() []string {
	var buf [8]string // most lists are short: one allocation, of the right size
	flags := buf[:0]
	if !p.List(func() { flags = append(flags, p.Flag()) }) {
		return nil
	}
	return append(make([]string, 0, len(flags)), flags...)
}

// ItemName reads the name of a FETCH data item up to a "[" if any: an atom
// such as UID, RFC822.SIZE, BODY or BINARY.SIZE.
func (p *Parser) ItemName() []byte {
	if p.err != nil {
		return nil
	}
	cur := p.cur()
	start := p.pos
	for p.pos < len(cur) && atomChar[cur[p.pos]] && cur[p.pos] != '[' {
		p.pos++
	}
	if p.pos == start {
		p.Fail("expected data item name")
	}
	return cur[start:p.pos:p.pos]
}

// Section reads a section ("[" [section-spec] "]") and appends it to dst in
// a normalised form: single spaces, and header field names of a
// HEADER.FIELDS list written as atoms where they can be, quoted otherwise.
// The spelling of the section spec is kept as the server wrote it.
func (p *Parser) Section(dst []byte) []byte {
	if !p.ExpectByte('[') {
		return dst
	}
	dst = append(dst, '[')
	spec := p.span(&atomChar) // section-part and section-text: digits, dots, letters
	dst = append(dst, spec...)
	if p.Special(' ') {
		if !hasFieldsSuffix(spec) {
			p.Fail("header list after a section that is not HEADER.FIELDS")
			return dst
		}
		dst = append(dst, " ("...)
		n := 0
		p.List(func() {
			f := p.AString()
			if p.err != nil {
				return
			}
			if len(f) == 0 {
				p.Fail("empty header field name")
				return
			}
			if n > 0 {
				dst = append(dst, ' ')
			}
			n++
			dst = appendAString(dst, f)
		})
		if p.err == nil && n == 0 {
			p.Fail("empty header list")
		}
		dst = append(dst, ')')
	} else if hasFieldsSuffix(spec) {
		p.Fail("HEADER.FIELDS without a header list")
		return dst
	}
	if !p.ExpectByte(']') {
		return dst
	}
	return append(dst, ']')
}

// hasFieldsSuffix reports whether a section spec is HEADER.FIELDS or
// HEADER.FIELDS.NOT, alone or after a part number.
func hasFieldsSuffix(spec []byte) bool {
	for _, s := range [...]string{"HEADER.FIELDS", "HEADER.FIELDS.NOT"} {
		if hasSuffixFold(spec, s) && (len(spec) == len(s) || spec[len(spec)-len(s)-1] == '.') {
			return true
		}
	}
	return false
}

func hasSuffixFold(s []byte, suffix string) bool {
	if len(s) < len(suffix) {
		return false
	}
	s = s[len(s)-len(suffix):]
	for i := range len(suffix) {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
}

// appendAString appends s as an atom when every byte is an ASTRING-CHAR, as
// a quoted string otherwise.
func appendAString(dst, s []byte) []byte {
	atom := len(s) > 0
	for _, c := range s {
		if !astringChar[c] {
			atom = false
			break
		}
	}
	if atom {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, c := range s {
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// Partial reads an optional "<" number ">" (the origin octet of a partial
// FETCH response); ok is false when there is none.
func (p *Parser) Partial() (origin uint32, ok bool) {
	if !p.Special('<') {
		return 0, false
	}
	origin = p.Number()
	if !p.ExpectByte('>') {
		return 0, false
	}
	return origin, true
}

// SequenceSet reads a sequence-set (such as 1:3,5,7:*) and returns it as
// written.
func (p *Parser) SequenceSet() string {
	if p.err != nil {
		return ""
	}
	cur := p.cur()
	start := p.pos
	for p.err == nil {
		p.seqNumber()
		if p.Special(':') {
			p.seqNumber()
		}
		if !p.Special(',') {
			break
		}
	}
	if p.err != nil {
		return ""
	}
	return string(cur[start:p.pos])
}

func (p *Parser) seqNumber() {
	if !p.Special('*') {
		p.NZNumber()
	}
}

// DateTimeLayout is the layout of the date-time rule (INTERNALDATE) for
// time.Parse.
const DateTimeLayout = "_2-Jan-2006 15:04:05 -0700"

// DateTime reads a date-time: a quoted "dd-Mon-yyyy hh:mm:ss +zzzz".
func (p *Parser) DateTime() time.Time {
	start := p.pos
	s := p.Quoted()
	if p.err != nil {
		return time.Time{}
	}
	t, err := time.Parse(DateTimeLayout, string(s))
	if err != nil {
		p.pos = start
		p.Fail("bad date-time %q", s)
		return time.Time{}
	}
	return t
}

// A Kind says what sort of token a Value is.
type Kind uint8

// The kinds of Value.
const (
	KindAtom   Kind = iota + 1 // an atom or other bare token (e.g. \Seen, BODY[TEXT]<0>)
	KindNumber                 // a number that fits in 64 bits
	KindString                 // a quoted string or literal
	KindNIL                    // NIL
	KindList                   // a parenthesised list
)

var kindNames = [...]string{"invalid", "atom", "number", "string", "NIL", "list"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// A Value is any IMAP value read by Parser.Value: an atom, number, string,
// NIL or a list of values.
type Value struct {
	Kind Kind
	// Bytes is the text of an atom or number, or the content of a string.
	Bytes []byte
	// Num is the value of a number.
	Num uint64
	// List holds the elements of a list (non-nil for a list).
	List []Value
	// Literal is true for a string that came as a literal; Binary for a
	// literal8 (~{n}).
	Literal, Binary bool
}

// Any converts v to plain Go values: an atom becomes a string, a number a
// uint64, a string a string, NIL nil and a list a []any.
func (v Value) Any() any {
	switch v.Kind {
	case KindAtom, KindString:
		return string(v.Bytes)
	case KindNumber:
		return v.Num
	case KindList:
		l := make([]any, len(v.List))
		for i, e := range v.List {
			l[i] = e.Any()
		}
		return l
	}
	return nil
}

// String writes v in IMAP syntax, with every string quoted (escaped where
// needed, whatever bytes it holds). It is meant for tests and debugging.
func (v Value) String() string { return string(v.AppendTo(nil)) }

// AppendTo appends v in the syntax String uses.
func (v Value) AppendTo(dst []byte) []byte {
	switch v.Kind {
	case KindAtom, KindNumber:
		return append(dst, v.Bytes...)
	case KindString:
		return strconv.AppendQuote(dst, string(v.Bytes))
	case KindNIL:
		return append(dst, "NIL"...)
	case KindList:
		dst = append(dst, '(')
		for i, e := range v.List {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = e.AppendTo(dst)
		}
		return append(dst, ')')
	}
	return append(dst, "<invalid>"...)
}

// Value reads any one value: a list (nested to at most MaxDepth levels,
// read without recursion), a quoted string, a literal, NIL, a number or an
// atom. Atoms are read leniently, as bare tokens up to a space, a
// parenthesis, a quote or a control character, so that flags (\Seen),
// sections (BODY[HEADER.FIELDS (FROM)]<0>, spaces included) and sets (1:*)
// are single atoms. Elements of a list are separated by SP; a list may also
// follow a list directly, as the parts of a multipart BODYSTRUCTURE do.
func (p *Parser) Value() Value {
	var stack [][]Value
	startDepth := p.depth
	for {
		var v Value
		if p.peekIs('(') {
			if !p.Open() {
				p.depth = startDepth
				return Value{}
			}
			if !p.peekIs(')') {
				stack = append(stack, []Value{})
				continue
			}
			p.Close()
			v = Value{Kind: KindList, List: []Value{}}
		} else {
			v = p.scalar()
		}
		if p.err != nil {
			p.depth = startDepth
			return Value{}
		}
		for {
			if len(stack) == 0 {
				return v
			}
			top := len(stack) - 1
			stack[top] = append(stack[top], v)
			if p.Special(' ') || (v.Kind == KindList && p.peekIs('(')) {
				break
			}
			if !p.Close() {
				p.depth = startDepth
				return Value{}
			}
			v = Value{Kind: KindList, List: stack[top]}
			stack = stack[:top]
		}
	}
}

// Values reads SP-separated values up to the end of the response.
func (p *Parser) Values() []Value {
	var vs []Value
	for p.err == nil && !p.AtEnd() {
		if len(vs) > 0 && !p.SP() {
			break
		}
		vs = append(vs, p.Value())
	}
	if p.err != nil {
		return nil
	}
	return vs
}

func (p *Parser) scalar() Value {
	c, ok := p.PeekByte()
	switch {
	case p.err != nil:
		return Value{}
	case !ok:
		p.Fail("expected value")
		return Value{}
	case c == '"':
		return Value{Kind: KindString, Bytes: p.Quoted()}
	case p.IsLiteral():
		bin := c == '~'
		return Value{Kind: KindString, Bytes: p.Literal(), Literal: true, Binary: bin}
	}
	tok := p.token()
	if p.err != nil {
		return Value{}
	}
	if len(tok) == 0 {
		p.Fail("expected value")
		return Value{}
	}
	if len(tok) == 3 && (tok[0]|0x20) == 'n' && (tok[1]|0x20) == 'i' && (tok[2]|0x20) == 'l' {
		return Value{Kind: KindNIL}
	}
	if n, ok := parseUint64(tok); ok {
		return Value{Kind: KindNumber, Bytes: tok, Num: n}
	}
	return Value{Kind: KindAtom, Bytes: tok}
}

// token reads a bare token for Value: bytes up to a tokenStop, where a
// "[" ... "]" part may hold spaces, parentheses and quoted strings.
func (p *Parser) token() []byte {
	cur := p.cur()
	start := p.pos
	i := p.pos
	for i < len(cur) {
		c := cur[i]
		if c == '[' {
			j, ok := skipBrackets(cur, i)
			if !ok {
				p.pos = i
				p.Fail("unterminated [")
				return nil
			}
			i = j
			continue
		}
		if tokenStop[c] || (c >= 0x80 && !p.UTF8) {
			break
		}
		i++
	}
	p.pos = i
	return cur[start:i:i]
}

// skipBrackets returns the index after the "]" matching the "[" at cur[i].
func skipBrackets(cur []byte, i int) (int, bool) {
	depth := 0
	inQuote := false
	for ; i < len(cur); i++ {
		c := cur[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return i, false
		case inQuote && c == '\\' && i+1 < len(cur):
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return i, false
}

func parseUint64(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
