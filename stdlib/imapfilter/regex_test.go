package imapfilter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// semanticsCases are what imapfilter's regex_search returns for
// patterns RE2 takes as they are (see regexCase); checked on imapfilter
// by TestRegexCasesAgainstIMAPFilter.
var semanticsCases = []regexCase{
	{"plain", "news", "weekly news", []string{"news"}},
	{"case sensitive", "News", "weekly news", nil},
	{"inline flag", "(?i)News", "weekly news", []string{"news"}},
	{"dot stops at newline", "a.b", "a\nb", nil},
	{"dot takes CR", "a.b", "a\rb", []string{"a\rb"}},
	{"caret is start only", "^b", "a\nb", nil},
	{"dollar at end", "b$", "ab", []string{"b"}},
	{"dollar before final newline", "b$", "ab\n", []string{"b"}},
	{"dollar not before inner newline", "a$", "a\nb", nil},
	{"captures", `^(\w+)@(\w+)`, "bob@example", []string{"bob@example", "bob", "example"}},
	{"unset group", `(x)?(b)`, "ab", []string{"b", "<nil>", "b"}},
	{"bytes not letters", "^.$", "é", nil},
	{"two bytes two dots", "^..$", "é", []string{"é"}},
	{"byte class", "[\xd0-\xd1][\x80-\xbf]", "мир", []string{"м"}},
	{"non-ASCII literal", "мир", "привет, мир", []string{"мир"}},
	{"NUL ends the subject", "b", "a\x00b", nil},
	{"header match", `^.+MailScanner.*Check: [Ss]pam$`, "X-MailScanner-Check: spam\r\n", nil},
	{"dots around", ".*all.work.*", "Hi\r\nall work and no play\r\n", []string{"all work and no play\r"}},
	{"dots around, no match", ".*all.work.*", "All work\r\n", nil},
	{"lazy dots", ".*?b.*?", "abc", []string{"ab"}},
	{"escaped dot at the end", `a\.*`, "a...", []string{"a..."}},
	{"escaped dot, no match", `x\.*`, "a.", nil},
	{"only dots", ".*", "", []string{""}},
	{"dots then dollar", ".*x$", "ax\n", []string{"ax"}},
	// Seen against imapfilter 2.8 (PCRE2 10.42): a multiline ^ does
	// not hold after a newline that ends the subject.
	{"multiline empty line at the end", "(?m)^$", "a\n", nil},
	{"multiline blank line at the end", `(?m)^\s*$`, "a\r\n", nil},
	{"multiline empty line inside", "(?m)^$", "a\n\nb", []string{""}},
	{"multiline empty line before the end", "(?m)^$", "a\n\n", []string{""}},
	{"multiline line at the end", "(?m)^b$", "a\nb\n", []string{"b"}},
	{"multiline newline then caret inside", `(?m)\n^`, "a\nb", []string{"\n"}},
	{"multiline caret takes the last newline", `(?m)^b\r\n`, "a\r\nb\r\n", []string{"b\r\n"}},
	{"multiline dollar then the last newline", `(?m)^b\r$\n`, "a\r\nb\r\n", []string{"b\r\n"}},
	{"multiline classes and the last newline", `(?m)^[^a]+`, "a\nbc\n", []string{"bc\n"}},
	{"multiline dot and the last newline", `(?m)^.+`, "a\n", []string{"a"}},
	{"multiline dot all", `(?ms)^b.*`, "a\nb\n", []string{"b\n"}},
	{"multiline end of text at the end", `(?m)^x|\z`, "a\n", []string{""}},
	{"multiline caret or b", `(?m)(^|b)$`, "ab\n", []string{"b", "b"}},
	{"multiline blank subject", `(?m)^\s*$`, "\n", []string{"\n"}},
	{"multiline empty subject", `(?m)^$`, "", []string{""}},
	// \z does not hold before the last newline, where $ does.
	{"end of text or dollar", `a\z|b$`, "a\n", nil},
	{"dollar takes the leftmost", `a$|\n`, "a\n", []string{"a"}},
	{"greedy spaces to the end", `\s+$`, "a \n", []string{" \n"}},
}

func TestRegexPCRESemantics(t *testing.T) {
	for _, tc := range semanticsCases {
		t.Run(tc.name, func(t *testing.T) { checkCase(t, tc) })
	}
}

func TestMatchSource(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{".*abc.*", "abc"},
		{".*?abc.*?", "abc"},
		{"abc", "abc"},
		{".*", ""},
		{`a\.*`, `a\.*`},
		{`a\\.*`, `a\\`},
		{".**", ".**"},
		{".*+x", ".*+x"},
		{`\Qa.*`, `\Qa.*`},
		{"^.*x", "^.*x"},
		{".*x$", "x$"},
	} {
		if got := matchSource(tc.in); got != tc.want {
			t.Errorf("matchSource(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func deref(m []*string) []string {
	var out []string
	for _, s := range m {
		if s == nil {
			out = append(out, "<nil>")
		} else {
			out = append(out, *s)
		}
	}
	return out
}

// Patterns PCRE refuses too are refused with a message that says so.
func TestRegexInvalidInPCRETooHint(t *testing.T) {
	for _, p := range []string{`(`, `[a-`, `a)`, `[z-a]`, `a\`} {
		_, err := Compile(p)
		if err == nil {
			t.Errorf("%q compiled", p)
			continue
		}
		if !errors.Is(err, errPCRE) || !strings.Contains(err.Error(), fmt.Sprintf("%q", p)) {
			t.Errorf("%q: error %q lacks the pattern or is not PCRE's refusal", p, err)
		}
	}
}

// FuzzTranslate checks that translating a pattern never panics, and that
// a pattern either compiles or is refused with an error naming it; a
// translation is ASCII (bytes above 0x7F are written as escapes).
func FuzzTranslate(f *testing.F) {
	for _, tc := range escapeCases {
		f.Add(tc.pattern)
	}
	f.Add(`(?x) a # b` + "\n" + `[\Q]\E-\x{7f}] \c\x`)
	f.Fuzz(func(t *testing.T, pattern string) {
		src, err := translate(pattern)
		if err == nil && !isASCII(src) {
			t.Fatalf("translate(%q) = %q, not ASCII", pattern, src)
		}
		r, err := Compile(pattern)
		switch {
		case err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", pattern)):
			t.Fatalf("error %q does not name the pattern %q", err, pattern)
		case err == nil && r == nil:
			t.Fatalf("%q: no Regex and no error", pattern)
		case err == nil:
			r.Find(pattern)
		}
	})
}

func FuzzRegex(f *testing.F) {
	f.Add("^(a|b)+$", "abab\n")
	f.Add("[\xd0-\xd1].", "мир")
	f.Add("x$", "x\n\n")
	f.Add(".*a.c.*?", "x\nabc\n")
	f.Add(".*?\\.*", "a.b")
	f.Add(`(?i)[^\xe0]\s\h+\v`, "\xc0\v\xa0 \x85")
	f.Add(`(?x) a\Z # c`, "a\n")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		r, err := Compile(pattern)
		if err != nil {
			return
		}
		m := r.Find(subject)
		if r.Match(subject) != (m != nil) {
			t.Fatalf("Match says %v, Find found %q", r.Match(subject), deref(m))
		}
		if m == nil || m[0] == nil {
			return
		}
		s := subject
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		if !strings.Contains(s, *m[0]) {
			t.Fatalf("match %q is not part of the subject %q", *m[0], s)
		}
	})
}
