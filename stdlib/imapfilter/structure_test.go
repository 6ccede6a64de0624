package imapfilter

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// TestStructureAsIMAPFilterReadsIt checks what imapfilter 2.8.1 makes of
// a BODYSTRUCTURE: no structure at all when a string in it is not
// printable ASCII, an error when a string holds a quote or ends in a
// backslash, and names with the backslashes of the quoted string they
// came in. (A structure with a literal is left out of the FetchData by
// uidFetch; the differential test's mime-structures.lua has those.)
func TestStructureAsIMAPFilterReadsIt(t *testing.T) {
	attached := func(subject string) *imaplib.BodyStructure {
		return &imaplib.BodyStructure{
			Type: "message", Subtype: "rfc822", Size: 50,
			Envelope: &imaplib.Envelope{Subject: subject, From: []imaplib.Address{{Mailbox: "x", Host: "example.com"}}},
			Body:     &imaplib.BodyStructure{Type: "text", Subtype: "plain", Size: 9},
		}
	}
	mixed := func(parts ...*imaplib.BodyStructure) *imaplib.BodyStructure {
		return &imaplib.BodyStructure{Type: "multipart", Subtype: "mixed", Parts: parts}
	}
	named := func(name string) *imaplib.BodyStructure {
		return mixed(&imaplib.BodyStructure{Type: "application", Subtype: "pdf", Params: []imaplib.Param{{Name: "name", Value: name}}})
	}
	for _, tc := range []struct {
		name string
		bs   *imaplib.BodyStructure
		want string // the name of part 1, "nil" for no structure, "error"
	}{
		{"plain name", named("a.pdf"), "a.pdf"},
		{"8-bit name", named("Grüße.pdf"), "nil"},
		{"8-bit description", &imaplib.BodyStructure{Type: "text", Subtype: "plain", Description: "Übersicht"}, "nil"},
		{"8-bit filename", mixed(&imaplib.BodyStructure{Type: "text", Subtype: "plain", Disposition: &imaplib.Disposition{Type: "attachment", Params: []imaplib.Param{{Name: "filename", Value: "ä.txt"}}}}), "nil"},
		{"tab", mixed(&imaplib.BodyStructure{Type: "text", Subtype: "plain", Extensions: []any{[]any{"a\tb"}}}), "nil"},
		{"8-bit attached subject", mixed(attached("Grüße")), "nil"},
		{"attached subject", mixed(attached("Hello")), ""},
		{"backslash", named(`C:\dir\f.txt`), `C:\\dir\\f.txt`},
		{"quote", named(`a "b" c`), "error"},
		{"quoted attached subject", mixed(attached(`Re: "x"`)), "error"},
		{"ending backslash", &imaplib.BodyStructure{Type: "text", Subtype: "plain", Description: `ends\`}, "error"},
	} {
		L := lua.NewState()
		got := "nil"
		switch v := structureOf(L, "INBOX", &imaplib.FetchData{UID: 7, BodyStructure: tc.bs}).(type) {
		case *lua.LTable:
			got = lua.LVAsString(L.GetField(L.GetField(v, "1"), "name"))
		case lua.LString:
			got = "error"
			if !strings.Contains(string(v), "message 7 of INBOX") {
				t.Errorf("%s: error %q", tc.name, v)
			}
		}
		L.Close()
		if got != tc.want {
			t.Errorf("%s: part 1 named %q, want %q", tc.name, got, tc.want)
		}
	}
}
