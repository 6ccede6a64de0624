package email_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailscript/mailscript/stdlib/email"
)

// FuzzFoldHeader folds arbitrary values of structured and unstructured
// fields: the result is one field ending in a line break, every line after
// the first is a continuation (no value can inject a header), lines hold
// only ASCII, and unfolding and decoding gives the value back for the
// unstructured fields, blanks aside: like Python's, the folding may drop a
// blank between two encoded words (CPython does the same for
// "0ö0000Û000ö000ö0ö0000ö0000ö0000ö00 ö ö").
func FuzzFoldHeader(f *testing.F) {
	for _, s := range []string{
		"Hello", "Grüße aus Köln", "Jöhn Döe <j@example.org>, b@example.org", `"Döe, J" <j@x.org>`,
		strings.Repeat("word ", 40), strings.Repeat("wörd ", 40), "attachment; filename*=utf-8''%C3%A4.txt",
		"<1.2@example.org>", "a  b\tc", "=?utf-8?q?x?=",
	} {
		for _, name := range []string{"Subject", "To", "Content-Disposition", "Message-ID"} {
			f.Add(name, s)
		}
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		switch name {
		case "Subject", "To", "Content-Disposition", "Message-ID", "X-Test":
		default:
			name = "X-Test"
		}
		if !utf8.ValidString(value) || strings.ContainsAny(value, "\r\n\v\f\x1c\x1d\x1e\u0085\u2028\u2029") {
			return
		}
		out := email.FoldHeader(name, value)
		if !strings.HasSuffix(out, "\n") || !strings.HasPrefix(out, name+":") {
			t.Fatalf("folded %q", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for _, l := range lines[1:] {
			if l == "" || (l[0] != ' ' && l[0] != '\t') {
				t.Fatalf("line %q is not a continuation in %q", l, out)
			}
		}
		if (name == "Subject" || name == "X-Test") && !strings.Contains(value, "=?") && value == strings.TrimLeft(value, " \t") {
			for _, l := range lines {
				if !isASCII(l) {
					t.Fatalf("non-ASCII line %q", l)
				}
			}
			unfolded := strings.TrimPrefix(strings.ReplaceAll(strings.TrimSuffix(out, "\n"), "\n", ""), name+":")
			unfolded = strings.TrimPrefix(unfolded, " ")
			if got := email.DecodeHeaderString(unfolded); strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(value), "") {
				t.Fatalf("%q folded to %q decodes to %q", value, out, got)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
