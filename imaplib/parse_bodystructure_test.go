package imaplib

import (
	"fmt"
	"strings"
	"testing"
)

// fetchBody parses `1 (BODYSTRUCTURE <body>)`.
func fetchBody(t *testing.T, body string) (*BodyStructure, error) {
	t.Helper()
	got, err := ParseFetch([]Item{LineItem([]byte("1 (BODYSTRUCTURE " + body + ")"))})
	if err != nil {
		return nil, err
	}
	return got[0].BodyStructure, nil
}

func TestBodyStructureShapes(t *testing.T) {
	tests := []struct {
		name, body string
		walk       string // walkList output
		check      func(b *BodyStructure) string
	}{
		{
			name: "rfc3501 multipart",
			body: `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")`,
			walk: " multipart/mixed\n1 text/plain 1152\n2 text/plain 4554 cc.diff",
			check: func(b *BodyStructure) string {
				p := b.Parts[1]
				return fmt.Sprintf("%s %v %s %s %s %d", b.Subtype, b.Extended, p.ID, p.Description, p.Encoding, p.Lines)
			},
		},
		{
			name:  "space between parts",
			body:  `(("text" "plain" NIL NIL NIL "7bit" 1 1) ("text" "html" NIL NIL NIL "7bit" 2 1) "alternative")`,
			walk:  " multipart/alternative\n1 text/plain 1\n2 text/html 2",
			check: func(b *BodyStructure) string { return fmt.Sprint(len(b.Parts)) },
		},
		{
			name:  "message/rfc822 without envelope",
			body:  `("message" "rfc822" NIL NIL NIL "7bit" 300)`,
			walk:  "1 message/rfc822 300",
			check: func(b *BodyStructure) string { return fmt.Sprint(b.Envelope == nil, b.Body == nil) },
		},
		{
			name: "single-part message/rfc822 with single-part body",
			body: `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 30 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 4 1) 3)`,
			walk: "1 message/rfc822 30\n1.1 text/plain 4",
			check: func(b *BodyStructure) string {
				return fmt.Sprintf("%s %d %d", b.Envelope.Subject, b.Lines, b.Body.Lines)
			},
		},
		{
			name: "message/global",
			body: `("message" "global" NIL NIL NIL "8bit" 30 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" NIL NIL NIL "8bit" 4 1) 3)`,
			walk: "1 message/global 30\n1.1 text/plain 4",
			check: func(b *BodyStructure) string {
				return fmt.Sprint(b.Envelope != nil, b.Lines)
			},
		},
		{
			name: "all extension fields and more",
			body: `("application" "octet-stream" ("name" "a.bin") NIL NIL "base64" 8 "md5sum" ("attachment" ("filename" "b.bin")) "en" "loc" 42 ("x" (1 NIL)))`,
			walk: "1 application/octet-stream 8 b.bin",
			check: func(b *BodyStructure) string {
				return fmt.Sprint(b.MD5, " ", b.Language, " ", b.Location, " ", b.Extensions)
			},
		},
		{
			name: "multipart extension fields",
			body: `(("text" "plain" NIL NIL NIL "7bit" 1 1) "mixed" ("boundary" "x") ("inline" NIL) ("en" "fr") NIL)`,
			walk: " multipart/mixed\n1 text/plain 1",
			check: func(b *BodyStructure) string {
				return fmt.Sprint(b.Param("BOUNDARY"), " ", b.Disposition.Type, " ", b.Language, " ", b.Location == "")
			},
		},
		{
			name: "partial extension data",
			body: `("text" "plain" NIL NIL NIL "7bit" 1 1 NIL)`,
			walk: "1 text/plain 1",
			check: func(b *BodyStructure) string {
				return fmt.Sprint(b.Extended, b.Disposition == nil, b.Language == nil)
			},
		},
		{
			name:  "NIL encoding and types (not allowed, but seen)",
			body:  `(NIL NIL NIL NIL NIL NIL 0)`,
			walk:  "1 / 0",
			check: func(b *BodyStructure) string { return fmt.Sprintf("%q", b.Encoding) },
		},
		{
			name: "literal parameter",
			body: "(\"text\" \"plain\" (\"name\" {5}\r\na b c) NIL NIL \"7bit\" 1 1)",
			walk: "1 text/plain 1 a b c",
			check: func(b *BodyStructure) string {
				return b.Param("name")
			},
		},
	}
	want := map[string]string{
		"rfc3501 multipart":                                "MIXED false <960723163407.20117h@cac.washington.edu> Compiler diff BASE64 73",
		"space between parts":                              "2",
		"message/rfc822 without envelope":                  "true true",
		"single-part message/rfc822 with single-part body": "s 3 1",
		"message/global":                                   "true 3",
		"all extension fields and more":                    "md5sum [en] loc [42 [x [1 <nil>]]]",
		"multipart extension fields":                       "x inline [en fr] true",
		"partial extension data":                           "true true true",
		"NIL encoding and types (not allowed, but seen)":   `""`,
		"literal parameter":                                "a b c",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b *BodyStructure
			if strings.Contains(tt.body, "\r\n") {
				line, lit, _ := strings.Cut(tt.body, "\r\n")
				got, err := ParseFetch([]Item{PairItem([]byte("1 (BODYSTRUCTURE "+line), []byte(lit[:5])), LineItem([]byte(lit[5:] + ")"))})
				if err != nil {
					t.Fatal(err)
				}
				b = got[0].BodyStructure
			} else {
				var err error
				if b, err = fetchBody(t, tt.body); err != nil {
					t.Fatal(err)
				}
			}
			if got := walkList(b); got != tt.walk {
				t.Errorf("walk:\n%s\nwant:\n%s", got, tt.walk)
			}
			if got := tt.check(b); got != want[tt.name] {
				t.Errorf("check: %s, want %s", got, want[tt.name])
			}
		})
	}
}

func TestBodyStructureErrors(t *testing.T) {
	for _, body := range []string{
		`()`,
		`NIL`,
		`("text")`,
		`("text" "plain" NIL NIL NIL "7bit")`,
		`("text" "plain" NIL NIL NIL "7bit" x)`,
		`("text" "plain" NIL NIL NIL "7bit" 1)`, // text needs lines
		`("text" "plain" ("a") NIL NIL "7bit" 1 1)`, // odd parameter list
		`(("text" "plain" NIL NIL NIL "7bit" 1 1))`, // no subtype
		`(("text" "plain" NIL NIL NIL "7bit" 1 1) NIL)`,
		`("message" "rfc822" NIL NIL NIL "7bit" 1 (NIL) ("text" "plain" NIL NIL NIL "7bit" 1 1) 1)`,
		`("message" "rfc822" NIL NIL NIL "7bit" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" NIL NIL NIL "7bit" 1 1))`,
		`("a" "b" NIL NIL NIL "7bit" 1 NIL ("inline"))`,
		`("a" "b" NIL NIL NIL "7bit" 1 NIL NIL (1))`,
		`("a" "b" NIL NIL NIL "7bit" 1 NIL NIL NIL NIL (`,
		strings.Repeat(`(`, 200) + `"text" "plain" NIL NIL NIL "7bit" 1 1` + strings.Repeat(`)`, 200),
	} {
		if b, err := fetchBody(t, body); err == nil {
			t.Errorf("%.60s: no error, got %+v", body, b)
		}
	}
}

func TestAddressAddr(t *testing.T) {
	for _, tt := range []struct {
		a    Address
		want string
	}{
		{Address{Mailbox: "a", Host: "b.example"}, "a@b.example"},
		{Address{Mailbox: "root"}, "root"},
		{Address{Mailbox: "G", Group: "G", GroupStart: true}, ""},
		{Address{Group: "G", GroupEnd: true}, ""},
	} {
		if got := tt.a.Addr(); got != tt.want {
			t.Errorf("%+v: Addr() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestEnvelopeShapes(t *testing.T) {
	env := func(s string) (*Envelope, error) {
		got, err := ParseFetch([]Item{LineItem([]byte("1 (ENVELOPE " + s + ")"))})
		if err != nil {
			return nil, err
		}
		return got[0].Envelope, nil
	}
	// An address with an empty host is an address, not a group start.
	e, err := env(`(NIL NIL ((NIL NIL "root" "")(NIL NIL "x" "y")) NIL NIL NIL NIL NIL NIL NIL)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := formatAddrs(e.From); got != `"" <root>, "" <x@y>` {
		t.Errorf("From: %s", got)
	}
	// Two groups in a row and a member after them.
	e, err = env(`(NIL NIL NIL NIL NIL ((NIL NIL "A" NIL)(NIL NIL "a" "x")(NIL NIL NIL NIL)(NIL NIL "B" NIL)(NIL NIL NIL NIL)(NIL NIL "c" "z")) NIL NIL NIL NIL)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := formatAddrs(e.To); got != `A:, A/"" <a@x>, ;, B:, ;, "" <c@z>` {
		t.Errorf("To: %s", got)
	}
	if e.To[2].Group != "A" || e.To[4].Group != "B" {
		t.Errorf("end markers: %+v %+v", e.To[2], e.To[4])
	}
	for _, bad := range []string{
		`NIL`,
		`(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)`,
		`(NIL NIL NIL NIL NIL NIL NIL NIL NIL)`,
		`(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)`,
		`(NIL NIL ((NIL NIL "a" "b" "c")) NIL NIL NIL NIL NIL NIL NIL)`,
		`(1 NIL NIL NIL NIL NIL NIL NIL NIL NIL)`,
	} {
		if e, err := env(bad); err == nil {
			t.Errorf("%s: no error, got %+v", bad, e)
		}
	}
}

func ExampleBodyStructure_Walk() {
	data := []Item{LineItem([]byte(`1 (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)` +
		`("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 4096 NIL ("attachment" ("filename" "report.pdf")) NIL NIL) "mixed"))`))}
	msgs, err := ParseFetch(data)
	if err != nil {
		panic(err)
	}
	msgs[0].BodyStructure.Walk(func(path string, part *BodyStructure) {
		if part.Disposition != nil && strings.EqualFold(part.Disposition.Type, "attachment") {
			fmt.Printf("BODY[%s] is %s (%s, %d bytes)\n", path, part.Filename(), part.MediaType(), part.Size)
		}
	})
	// Output: BODY[2] is report.pdf (application/pdf, 4096 bytes)
}
