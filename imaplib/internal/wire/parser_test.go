package wire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// frame cuts a server response written as on the wire (CRLF line ends, {n}
// literals) into a Response, the way the Reader frames it. It is a test
// helper: it trusts its input.
func frame(t testing.TB, s string) *Response {
	t.Helper()
	r := &Response{}
	for {
		i := strings.Index(s, "\r\n")
		if i < 0 {
			r.Text = append(r.Text, []byte(s))
			return r
		}
		line := s[:i]
		s = s[i+2:]
		r.Text = append(r.Text, []byte(line))
		j := strings.LastIndexByte(line, '{')
		if j < 0 || !strings.HasSuffix(line, "}") {
			t.Fatalf("frame: line %q is not followed by a literal", line)
		}
		n, err := strconv.Atoi(line[j+1 : len(line)-1])
		if err != nil || n > len(s) {
			t.Fatalf("frame: bad literal size in %q", line)
		}
		r.Literals = append(r.Literals, []byte(s[:n]))
		s = s[n:]
	}
}

// rules maps a rule name of the table to a function that reads it and
// formats the result.
var rules = map[string]func(p *Parser) string{
	"SP":       func(p *Parser) string { return fmt.Sprint(p.SP()) },
	"atom":     func(p *Parser) string { return p.Atom() },
	"number":   func(p *Parser) string { return fmt.Sprint(p.Number()) },
	"nznumber": func(p *Parser) string { return fmt.Sprint(p.NZNumber()) },
	"number64": func(p *Parser) string { return fmt.Sprint(p.Number64()) },
	"quoted":   func(p *Parser) string { return fmt.Sprintf("%q", p.Quoted()) },
	"quoted-utf8": func(p *Parser) string {
		p.UTF8 = true
		return fmt.Sprintf("%q", p.Quoted())
	},
	"literal": func(p *Parser) string { return fmt.Sprintf("%q", p.Literal()) },
	"string":  func(p *Parser) string { return fmt.Sprintf("%q", p.String()) },
	"astring": func(p *Parser) string { return fmt.Sprintf("%q", p.AString()) },
	"nstring": func(p *Parser) string {
		b := p.NString()
		if b == nil {
			return "nil"
		}
		return fmt.Sprintf("%q", b)
	},
	"isnil": func(p *Parser) string { return fmt.Sprint(p.IsNIL()) },
	"nil":   func(p *Parser) string { return fmt.Sprint(p.NIL()) },
	"flag":  func(p *Parser) string { return p.Flag() },
	"flaglist": func(p *Parser) string {
		f := p.FlagList()
		if f == nil {
			return "nil"
		}
		return strings.Join(f, "|")
	},
	"numlist": func(p *Parser) string {
		var ns []string
		ok := p.List(func() { ns = append(ns, fmt.Sprint(p.Number())) })
		return fmt.Sprint(ok, ns)
	},
	"listornil": func(p *Parser) string {
		var ns []string
		ok := p.ListOrNIL(func() { ns = append(ns, p.Atom()) })
		return fmt.Sprint(ok, ns)
	},
	"byte(":   func(p *Parser) string { return fmt.Sprint(p.ExpectByte('(')) },
	"special": func(p *Parser) string { return fmt.Sprint(p.Special('*')) },
	"peek": func(p *Parser) string {
		c, ok := p.PeekByte()
		return fmt.Sprintf("%q %v", c, ok)
	},
	"peekbytes": func(p *Parser) string { return fmt.Sprintf("%q", p.PeekBytes(2)) },
	"atend":     func(p *Parser) string { return fmt.Sprint(p.AtEnd()) },
	"expectend": func(p *Parser) string { return fmt.Sprint(p.ExpectEnd()) },
	"itemname":  func(p *Parser) string { return string(p.ItemName()) },
	"section":   func(p *Parser) string { return string(p.Section([]byte("BODY"))) },
	"partial": func(p *Parser) string {
		n, ok := p.Partial()
		return fmt.Sprint(n, ok)
	},
	"seqset": func(p *Parser) string { return p.SequenceSet() },
	"datetime": func(p *Parser) string {
		t := p.DateTime()
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	},
	"rest":  func(p *Parser) string { return fmt.Sprintf("%q", p.Rest()) },
	"value": func(p *Parser) string { return p.Value().String() },
	"values": func(p *Parser) string {
		var s []string
		for _, v := range p.Values() {
			s = append(s, v.String())
		}
		return strings.Join(s, " | ")
	},
}

func TestParserRules(t *testing.T) {
	tests := []struct {
		rule, in string
		want     string // formatted result (ignored when err is set)
		rest     string // what remains of the current line afterwards
		err      string // substring of the expected error, "" for none
	}{
		{rule: "SP", in: " x", want: "true", rest: "x"},
		{rule: "SP", in: "x", err: "expected ' '"},
		{rule: "SP", in: "", err: "expected ' '"},

		{rule: "atom", in: "FETCH (", want: "FETCH", rest: " ("},
		{rule: "atom", in: "BODY[TEXT]", want: "BODY[TEXT", rest: "]"},
		{rule: "atom", in: "a%b", want: "a", rest: "%b"},
		{rule: "atom", in: "x*", want: "x", rest: "*"},
		{rule: "atom", in: "\"q\"", err: "expected atom"},
		{rule: "atom", in: "", err: "expected atom"},
		{rule: "atom", in: "\x01a", err: "expected atom"},
		{rule: "atom", in: "\xc3\xa9", err: "expected atom"},

		{rule: "number", in: "0", want: "0"},
		{rule: "number", in: "4294967295 x", want: "4294967295", rest: " x"},
		{rule: "number", in: "4294967296", err: "out of range"},
		{rule: "number", in: "007", want: "7"},
		{rule: "number", in: "-1", err: "expected number"},
		{rule: "number", in: "x", err: "expected number"},
		{rule: "nznumber", in: "5", want: "5"},
		{rule: "nznumber", in: "0", err: "non-zero"},
		{rule: "number64", in: "9223372036854775807", want: "9223372036854775807"},
		{rule: "number64", in: "9223372036854775808", err: "out of range"},
		{rule: "number64", in: "99999999999999999999999", err: "out of range"},

		{rule: "quoted", in: `"abc" x`, want: `"abc"`, rest: " x"},
		{rule: "quoted", in: `""`, want: `""`},
		{rule: "quoted", in: `"a\\b\"c"`, want: `"a\\b\"c"`},
		{rule: "quoted", in: `"(x) {3} NIL"`, want: `"(x) {3} NIL"`},
		{rule: "quoted", in: `"a\nb"`, err: "bad escape"},
		{rule: "quoted", in: `"a\`, err: "bad escape"},
		{rule: "quoted", in: `"abc`, err: "unterminated"},
		{rule: "quoted", in: "\"a\rb\"", err: "control character"},
		{rule: "quoted", in: "\"a\nb\"", err: "control character"},
		{rule: "quoted", in: "\"a\x00b\"", err: "control character"},
		{rule: "quoted", in: "\"caf\xc3\xa9\"", err: "8-bit"},
		{rule: "quoted", in: "abc", err: `expected '"'`},
		{rule: "quoted-utf8", in: "\"caf\xc3\xa9\"", want: `"café"`},
		{rule: "quoted-utf8", in: "\"\\\"caf\xc3\xa9\\\\\"", want: `"\"café\\"`},
		{rule: "quoted-utf8", in: "\"caf\xe9\"", err: "invalid UTF-8"},
		{rule: "quoted-utf8", in: "\"\xe2\x82\"", err: "invalid UTF-8"},

		{rule: "literal", in: "{5}\r\nhello rest", want: `"hello"`, rest: " rest"},
		{rule: "literal", in: "{0}\r\n", want: `""`},
		{rule: "literal", in: "~{3}\r\na\x00b", want: `"a\x00b"`},
		{rule: "literal", in: "{3}\r\na\r\n", want: `"a\r\n"`},
		{rule: "literal", in: "{5} x", err: "does not end the line"},
		{rule: "literal", in: "{5}", err: "none follows"},
		{rule: "literal", in: "{x}", err: "expected number"},
		{rule: "literal", in: "{5", err: "expected '}'"},
		{rule: "literal", in: "{5+}", err: "expected '}'"},
		{rule: "literal", in: "~5", err: "expected '{'"},
		{rule: "literal", in: `"x"`, err: "expected '{'"},

		{rule: "string", in: `"a b"`, want: `"a b"`},
		{rule: "string", in: "{3}\r\na b", want: `"a b"`},
		{rule: "string", in: "abc", err: "expected string"},
		{rule: "string", in: "NIL", err: "expected string"},

		{rule: "astring", in: "INBOX)", want: `"INBOX"`, rest: ")"},
		{rule: "astring", in: "a]b c", want: `"a]b"`, rest: " c"},
		{rule: "astring", in: `"a b"`, want: `"a b"`},
		{rule: "astring", in: "{1}\r\nx", want: `"x"`},
		{rule: "astring", in: "(x)", err: "expected astring"},
		{rule: "astring", in: "", err: "expected astring"},

		{rule: "nstring", in: "NIL", want: "nil"},
		{rule: "nstring", in: "nil)", want: "nil", rest: ")"},
		{rule: "nstring", in: `""`, want: `""`},
		{rule: "nstring", in: "{0}\r\n", want: `""`},
		{rule: "nstring", in: `"NIL"`, want: `"NIL"`},
		{rule: "nstring", in: "NILS", err: "expected string"},
		{rule: "nstring", in: "x", err: "expected string"},

		{rule: "isnil", in: "NIL", want: "true", rest: "NIL"},
		{rule: "isnil", in: "NIL)", want: "true", rest: "NIL)"},
		{rule: "isnil", in: "NILX", want: "false", rest: "NILX"},
		{rule: "isnil", in: "NI", want: "false", rest: "NI"},
		{rule: "nil", in: "Nil x", want: "true", rest: " x"},
		{rule: "nil", in: `"NIL"`, want: "false", rest: `"NIL"`},

		{rule: "flag", in: `\Seen)`, want: `\Seen`, rest: ")"},
		{rule: "flag", in: `\*`, want: `\*`},
		{rule: "flag", in: `$Forwarded `, want: `$Forwarded`, rest: " "},
		{rule: "flag", in: `\X-Custom`, want: `\X-Custom`},
		{rule: "flag", in: `\`, err: "expected flag name"},
		{rule: "flag", in: `\ x`, err: "expected flag name"},
		{rule: "flag", in: `"x"`, err: "expected atom"},

		{rule: "flaglist", in: `(\Seen \Answered $Label1) x`, want: `\Seen|\Answered|$Label1`, rest: " x"},
		{rule: "flaglist", in: `()`, want: ``},
		{rule: "flaglist", in: `(\Seen  \Answered)`, err: "expected atom"},
		{rule: "flaglist", in: `(\Seen`, err: "expected ' '"},
		{rule: "flaglist", in: `\Seen`, err: "expected '('"},
		{rule: "flaglist", in: `( \Seen)`, err: "expected atom"},

		{rule: "numlist", in: "(1 2 3)", want: "true [1 2 3]"},
		{rule: "numlist", in: "()", want: "true []"},
		{rule: "numlist", in: "(1 x)", err: "expected number"},
		{rule: "numlist", in: "(1 2", err: "expected ' '"},
		{rule: "numlist", in: "(1 2 )", err: "expected number"},
		{rule: "listornil", in: "NIL x", want: "false []", rest: " x"},
		{rule: "listornil", in: "(a b)", want: "true [a b]"},
		{rule: "listornil", in: "x", err: "expected '('"},

		{rule: "byte(", in: "(x", want: "true", rest: "x"},
		{rule: "byte(", in: ")", err: "expected '('"},
		{rule: "special", in: "*x", want: "true", rest: "x"},
		{rule: "special", in: "x", want: "false", rest: "x"},
		{rule: "peek", in: "x", want: `'x' true`, rest: "x"},
		{rule: "peek", in: "", want: `'\x00' false`},
		{rule: "peekbytes", in: "abc", want: `"ab"`, rest: "abc"},
		{rule: "peekbytes", in: "a", want: `"a"`, rest: "a"},
		{rule: "peekbytes", in: "", want: `""`},
		{rule: "atend", in: "", want: "true"},
		{rule: "atend", in: "x", want: "false", rest: "x"},
		{rule: "atend", in: "{1}\r\nx", want: "false", rest: "{1}"},
		{rule: "expectend", in: "", want: "true"},
		{rule: "expectend", in: " ", err: "expected end"},

		{rule: "itemname", in: "BODY[TEXT]", want: "BODY", rest: "[TEXT]"},
		{rule: "itemname", in: "RFC822.SIZE 5", want: "RFC822.SIZE", rest: " 5"},
		{rule: "itemname", in: "[x]", err: "expected data item name"},

		{rule: "section", in: "[]", want: "BODY[]"},
		{rule: "section", in: "[1.2.MIME]<0>", want: "BODY[1.2.MIME]", rest: "<0>"},
		{rule: "section", in: "[HEADER.FIELDS (FROM SUBJECT)] x", want: "BODY[HEADER.FIELDS (FROM SUBJECT)]", rest: " x"},
		{rule: "section", in: `[header.fields.not ("From" "X Y" "a\"b")]`, want: `BODY[header.fields.not (From "X Y" "a\"b")]`},
		{rule: "section", in: "[1.HEADER.FIELDS ({4}\r\nDATE)]", want: "BODY[1.HEADER.FIELDS (DATE)]"},
		{rule: "section", in: "[HEADER.FIELDS  (FROM)]", err: "expected '('"},
		{rule: "section", in: "[HEADER.FIELDS ()]", err: "empty header list"},
		{rule: "section", in: "[HEADER.FIELDS]", err: "without a header list"},
		{rule: "section", in: "[TEXT (FROM)]", err: "not HEADER.FIELDS"},
		{rule: "section", in: "[XHEADER.FIELDS (A)]", err: "not HEADER.FIELDS"},
		{rule: "section", in: "[TEXT", err: "expected ']'"},
		{rule: "section", in: "TEXT]", err: "expected '['"},

		{rule: "partial", in: "<123> x", want: "123 true", rest: " x"},
		{rule: "partial", in: " x", want: "0 false", rest: " x"},
		{rule: "partial", in: "<12", err: "expected '>'"},
		{rule: "partial", in: "<>", err: "expected number"},

		{rule: "seqset", in: "1:3,5,7:* x", want: "1:3,5,7:*", rest: " x"},
		{rule: "seqset", in: "*", want: "*"},
		{rule: "seqset", in: "0", err: "non-zero"},
		{rule: "seqset", in: "1,", err: "expected number"},
		{rule: "seqset", in: "1::2", err: "expected number"},
		{rule: "seqset", in: "1:2:3", want: "1:2", rest: ":3"},

		{rule: "datetime", in: `"17-Jul-1996 02:44:25 -0700"`, want: "1996-07-17T02:44:25-07:00"},
		{rule: "datetime", in: `" 7-Jul-1996 02:44:25 +0000"`, want: "1996-07-07T02:44:25Z"},
		{rule: "datetime", in: `"07-JUL-1996 02:44:25 +0130"`, want: "1996-07-07T02:44:25+01:30"},
		{rule: "datetime", in: `"7-Jul-1996 02:44:25 -0700"`, want: "1996-07-07T02:44:25-07:00"}, // lenient: no padding
		{rule: "datetime", in: `"17-Jul-1996 02:44 -0700"`, err: "bad date-time"},
		{rule: "datetime", in: `"32-Jul-1996 02:44:25 -0700"`, err: "bad date-time"},
		{rule: "datetime", in: `17-Jul-1996`, err: `expected '"'`},

		{rule: "rest", in: "OK done", want: `"OK done"`},
		{rule: "rest", in: "", want: `""`},

		{rule: "value", in: "abc", want: "abc"},
		{rule: "value", in: "NIL", want: "NIL"},
		{rule: "value", in: "123 x", want: "123", rest: " x"},
		{rule: "value", in: "18446744073709551616", want: "18446744073709551616"},
		{rule: "value", in: `"a b"`, want: `"a b"`},
		{rule: "value", in: "{3}\r\na\"b", want: `"a\"b"`},
		{rule: "value", in: `()`, want: "()"},
		{rule: "value", in: `(() (()))`, want: "(() (()))"},
		{rule: "value", in: `(\Seen $X "s" 1 NIL (a))`, want: `(\Seen $X "s" 1 NIL (a))`},
		{rule: "value", in: `BODY[HEADER.FIELDS (FROM "X)")]<0> x`, want: `BODY[HEADER.FIELDS (FROM "X)")]<0>`, rest: " x"},
		{rule: "value", in: `(("text" "plain")("text" "html") "alternative")`, want: `(("text" "plain") ("text" "html") "alternative")`},
		{rule: "value", in: `1:*`, want: "1:*"},
		{rule: "value", in: `(a`, err: "expected ')'"},
		{rule: "value", in: `(a b))`, want: "(a b)", rest: ")"},
		{rule: "value", in: `(a  b)`, err: "expected value"},
		{rule: "value", in: `(a "x)`, err: "unterminated"},
		{rule: "value", in: `a(b)`, want: "a", rest: "(b)"},
		{rule: "value", in: `BODY[x`, err: "unterminated ["},
		{rule: "value", in: ``, err: "expected value"},
		{rule: "value", in: `)`, err: "expected value"},
		{rule: "value", in: "\xff", err: "expected value"},
		{rule: "values", in: "1 FETCH (UID 5 BODY[] {2}\r\nhi)", want: `1 | FETCH | (UID 5 BODY[] "hi")`},
		{rule: "values", in: "", want: ""},
		{rule: "values", in: "a  b", err: "expected value"},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.in, func(t *testing.T) {
			read, ok := rules[tt.rule]
			if !ok {
				t.Fatalf("no rule %q", tt.rule)
			}
			p := NewParser(frame(t, tt.in))
			got := read(p)
			err := p.Err()
			if tt.err != "" {
				if err == nil {
					t.Fatalf("got %s, want error containing %q", got, tt.err)
				}
				if !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %q, want it to contain %q", err, tt.err)
				}
				if !errors.Is(err, ErrSyntax) {
					t.Errorf("error %v does not wrap ErrSyntax", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if rest := string(p.Rest()); rest != tt.rest {
				t.Errorf("rest of line %q, want %q", rest, tt.rest)
			}
		})
	}
}

func TestParserStickyError(t *testing.T) {
	p := NewParser(frame(t, "x 1 2"))
	p.Number() // fails: x is not a number
	first := p.Err()
	if first == nil {
		t.Fatal("no error for a bad number")
	}
	if p.Atom() != "" || p.SP() || p.Value().Kind != 0 || p.String() != nil || p.AtEnd() {
		t.Error("methods did something after an error")
	}
	p.Fail("another")
	if p.Err() != first {
		t.Errorf("error changed to %v, want the first one kept", p.Err())
	}
	var se *SyntaxError
	if !errors.As(first, &se) || se.Line != 0 || se.Offset != 0 || se.Near != "x 1 2" {
		t.Errorf("error %#v, want line 0 offset 0 near \"x 1 2\"", se)
	}
}

func TestParserErrorPosition(t *testing.T) {
	p := NewParser(frame(t, "1 (BODY[] {3}\r\nabc FLAGS x)"))
	p.Number()
	p.SP()
	p.Open()
	p.ItemName()
	p.Section(nil)
	p.SP()
	p.String()
	p.SP()
	p.Atom()
	p.SP()
	p.FlagList()
	var se *SyntaxError
	if !errors.As(p.Err(), &se) {
		t.Fatalf("error %v, want a *SyntaxError", p.Err())
	}
	if se.Line != 1 || se.Offset != 7 || se.Near != "x)" {
		t.Errorf("error at line %d offset %d near %q, want line 1 offset 7 near \"x)\"", se.Line, se.Offset, se.Near)
	}
}

func TestParserMalformedResponse(t *testing.T) {
	for name, r := range map[string]*Response{
		"nil":      nil,
		"no lines": {},
		"mismatch": {Text: [][]byte{[]byte("a {1}")}, Literals: [][]byte{[]byte("x"), []byte("y")}},
	} {
		p := NewParser(r)
		if p.Err() == nil || !errors.Is(p.Err(), ErrSyntax) {
			t.Errorf("%s: error %v, want a syntax error", name, p.Err())
		}
		if p.AtEnd() || p.Value().Kind != 0 {
			t.Errorf("%s: parser reads after an error", name)
		}
	}
	// A literal whose stored size differs from the announcement.
	p := NewParser(&Response{Text: [][]byte{[]byte("{5}"), nil}, Literals: [][]byte{[]byte("abc")}})
	p.Literal()
	if p.Err() == nil || !strings.Contains(p.Err().Error(), "announced 5 bytes but holds 3") {
		t.Errorf("error %v, want a size mismatch", p.Err())
	}
	// A line that ends without its literal announcement.
	p = NewParser(&Response{Text: [][]byte{[]byte("a"), []byte("b")}, Literals: [][]byte{[]byte("x")}})
	p.Atom()
	if p.AtEnd() {
		t.Error("AtEnd true before the last line")
	}
	p.SP()
	if p.Err() == nil {
		t.Error("no error reading past a line without a literal")
	}
}

func TestParserDepth(t *testing.T) {
	deep := strings.Repeat("(", 10000) + strings.Repeat(")", 10000)
	p := NewParser(frame(t, deep))
	p.Value()
	if p.Err() == nil || !strings.Contains(p.Err().Error(), "nested deeper than 100") {
		t.Fatalf("error %v, want a depth error", p.Err())
	}
	unclosed := strings.Repeat("((((", 2500)
	p = NewParser(frame(t, unclosed))
	p.Value()
	if p.Err() == nil {
		t.Fatal("no error for 10,000 unclosed lists")
	}

	ok := strings.Repeat("(", 100) + strings.Repeat(")", 100)
	p = NewParser(frame(t, ok))
	if v := p.Value(); p.Err() != nil || v.String() != ok {
		t.Fatalf("100 levels: %v, %v", v, p.Err())
	}

	p = NewParser(frame(t, "((x))"))
	p.MaxDepth = 1
	p.Value()
	if p.Err() == nil {
		t.Fatal("MaxDepth 1 accepted two levels")
	}

	// The limit is shared with List and Open.
	p = NewParser(frame(t, "(((1)))"))
	p.MaxDepth = 2
	var inner func()
	inner = func() {
		if p.peekIs('(') {
			p.List(inner)
		} else {
			p.Number()
		}
	}
	p.List(inner)
	if p.Err() == nil || !strings.Contains(p.Err().Error(), "deeper than 2") {
		t.Fatalf("List: error %v, want a depth error", p.Err())
	}

	// Depth is released by Close, so siblings do not accumulate.
	p = NewParser(frame(t, "("+strings.Repeat("(x) ", 500)+"(x))"))
	p.MaxDepth = 2
	if p.Value(); p.Err() != nil {
		t.Fatalf("500 siblings at depth 2: %v", p.Err())
	}
}

func TestValueAny(t *testing.T) {
	p := NewParser(frame(t, `(\Seen 42 "s" NIL ())`))
	got := fmt.Sprintf("%#v", p.Value().Any())
	want := `[]interface {}{"\\Seen", 0x2a, "s", interface {}(nil), []interface {}{}}`
	if got != want {
		t.Errorf("Any() = %s, want %s", got, want)
	}
	if KindList.String() != "list" || Kind(9).String() != "Kind(9)" {
		t.Error("Kind.String")
	}
}

func TestValueLiteralFlags(t *testing.T) {
	p := NewParser(frame(t, "({1}\r\na ~{1}\r\nb \"c\")"))
	v := p.Value()
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	l := v.List
	if !l[0].Literal || l[0].Binary || !l[1].Literal || !l[1].Binary || l[2].Literal {
		t.Errorf("literal flags wrong: %+v", l)
	}
}

// FuzzValues parses arbitrary responses with Value: no panic, and whatever
// parses prints back to something that parses to the same tree.
func FuzzValues(f *testing.F) {
	for _, s := range []string{
		`12 FETCH (FLAGS (\Seen) UID 4 BODY[HEADER.FIELDS (FROM SUBJECT)] {5}` + "\r\nab\r\nc)",
		`(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1 NIL NIL NIL NIL)("text" "html" NIL NIL NIL "8bit" 5 1) "alternative")`,
		`OK [UIDNEXT 5] Predicted next UID`,
		`(TAG "A1") UID COUNT 3 ALL 1:3`,
		`"a\\b\"" NIL nil 18446744073709551616 ~{1}` + "\r\n\x00",
		strings.Repeat("(", 200),
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, utf bool) {
		r := fuzzFrame(s)
		p := NewParser(r)
		p.UTF8 = utf
		vs := p.Values()
		if p.Err() != nil {
			if !errors.Is(p.Err(), ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", p.Err())
			}
			return
		}
		// Round trip: the printed form (strings all quoted, so one line)
		// parses back to the same values when it holds no bytes a quoted
		// string cannot carry.
		var out []byte
		for i, v := range vs {
			if i > 0 {
				out = append(out, ' ')
			}
			out = v.AppendTo(out)
		}
		p2 := NewParser(&Response{Text: [][]byte{out}})
		p2.UTF8 = true
		vs2 := p2.Values()
		if p2.Err() != nil {
			return // e.g. a literal holding CR LF or a control character
		}
		if len(vs2) != len(vs) {
			t.Fatalf("round trip of %q: %d values, then %d", out, len(vs), len(vs2))
		}
		for i := range vs {
			if vs[i].String() != vs2[i].String() {
				t.Fatalf("round trip: %s became %s", vs[i], vs2[i])
			}
		}
	})
}

// fuzzFrame frames arbitrary bytes like frame, but never fails: a bad or
// too large literal size ends the response at that line.
func fuzzFrame(s string) *Response {
	r := &Response{}
	for {
		i := strings.Index(s, "\r\n")
		if i < 0 {
			r.Text = append(r.Text, []byte(s))
			return r
		}
		line := s[:i]
		rest := s[i+2:]
		j := strings.LastIndexByte(line, '{')
		n := -1
		if j >= 0 && strings.HasSuffix(line, "}") {
			if v, err := strconv.Atoi(line[j+1 : len(line)-1]); err == nil && v >= 0 && v <= len(rest) {
				n = v
			}
		}
		if n < 0 {
			r.Text = append(r.Text, []byte(s))
			return r
		}
		r.Text = append(r.Text, []byte(line))
		r.Literals = append(r.Literals, []byte(rest[:n]))
		s = rest[n:]
	}
}
