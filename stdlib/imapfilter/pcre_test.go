package imapfilter

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// regexCase is a pattern, a subject and what imapfilter's regex_search
// returns: nil for no match, the match and the groups otherwise ("<nil>"
// for a group that took no part), or refusedByPCRE.
type regexCase struct {
	name, pattern, subject string
	want                   []string
}

// refusedByPCRE is the want of a pattern PCRE refuses (imapfilter prints
// the error and regex_search returns nil): Compile refuses it too.
const refusedByPCRE = "<refused by PCRE>"

var pcreRefuses = []string{refusedByPCRE}

// escapeCases are the escapes, classes and options where RE2's meaning
// is not PCRE's, as imapfilter 2.8 (PCRE2 10.42, 8-bit, no UTF, C-locale
// tables) matches them; TestRegexCasesAgainstIMAPFilter checks them on
// it.
var escapeCases = []regexCase{
	// \v, \s, \h and \V, \S, \H: PCRE's lists of white space.
	{"v is vertical space", `a\vb`, "a\nb", []string{"a\nb"}},
	{"v takes VT", `a\vb`, "a\vb", []string{"a\vb"}},
	{"v takes NEL", `a\vb`, "a\x85b", []string{"a\x85b"}},
	{"v in a class", `[\v]`, "\f", []string{"\f"}},
	{"not v", `[^\v]`, "\x85", nil},
	{"V", `\V`, "\x85", nil},
	{"V in a class", `[\V]`, "\n", nil},
	{"s takes VT", `\s`, "\v", []string{"\v"}},
	{"S leaves VT", `\S`, "\v", nil},
	{"s leaves NBSP", `\s`, "\xa0", nil},
	{"posix space takes VT", `[[:space:]]`, "\v", []string{"\v"}},
	{"h takes NBSP", `\h`, "\xa0", []string{"\xa0"}},
	{"H", `\H+`, "a\xa0", []string{"a"}},
	{"H in a class", `[\H]`, " ", nil},
	// Case and classes of bytes above 0x7F: the C locale knows none.
	{"caseless high byte", "(?i)\xe0", "\xc0", nil},
	{"caseless high class", "(?i)[\xe0]", "\xc0", nil},
	{"caseless negated high class", "(?i)[^\xe0]", "\xc0", []string{"\xc0"}},
	{"caseless hex escape", `(?i)\x{e0}`, "\xc0", nil},
	{"caseless high range", `(?i)[\x{c0}-\x{c2}]`, "\xe1", nil},
	{"caseless UTF-8", "(?i)f\xc3\xbcr", "F\xc3\x9cR", nil},
	{"caseless UTF-8 second byte", "(?i)f\xc3\xbcr", "F\xe3\xbcR", nil},
	{"caseless Kelvin", `(?i)k`, "\u212a", nil},
	{"w", `\w`, "\xe9", nil},
	{"d", `\d`, "\xb2", nil},
	{"W", `\W`, "\xe9", []string{"\xe9"}},
	{"b", `a\b`, "a\xe9", []string{"a"}},
	{"posix alpha", `[[:alpha:]]`, "\xe9", nil},
	{"all bytes", `[\x00-\xff]+`, "a\n\xe9", []string{"a\n\xe9"}},
	{"not ASCII", `[^\x00-\x7f]`, "\xe9", []string{"\xe9"}},
	// Escapes of bytes.
	{"hex braces", `\x{e9}`, "\xe9", []string{"\xe9"}},
	{"hex", `\xe9`, "\xe9", []string{"\xe9"}},
	{"hex one digit", `\x4`, "\x04", []string{"\x04"}},
	{"hex no digit", `a\xg`, "ag", nil},
	{"hex leading zeros", `\x{00000000041}`, "A", []string{"A"}},
	{"hex too large", `\x{100}`, "a", pcreRefuses},
	{"hex empty", `\x{}`, "a", pcreRefuses},
	{"hex open", `\x{41`, "A", pcreRefuses},
	{"octal", `a\012b`, "a\nb", []string{"a\nb"}},
	{"octal without zero", `a\12b`, "a\nb", []string{"a\nb"}},
	{"octal 177", `\177`, "\x7f", []string{"\x7f"}},
	{"octal 377", `\377`, "\xff", []string{"\xff"}},
	{"octal too large", `\400`, "a", pcreRefuses},
	{"octal then 8", `\18`, "\x018", []string{"\x018"}},
	{"octal 10 with one group", `(a)\10`, "a\b", []string{"a\b", "a"}},
	{"nul then 8 in a class", `[\08]`, "8", []string{"8"}},
	{"octal in a class", `[\1]`, "\x01", []string{"\x01"}},
	{"8 in a class", `[\8]`, "8", []string{"8"}},
	{"octal braces", `\o{101}`, "A", []string{"A"}},
	{"octal braces too large", `\o{400}`, "a", pcreRefuses},
	{"octal braces empty", `\o{}`, "a", pcreRefuses},
	{"o without braces", `\o`, "o", pcreRefuses},
	{"escape", `\e`, "\x1b", []string{"\x1b"}},
	{"control", `\cA`, "\x01", []string{"\x01"}},
	{"control lower case", `\ca`, "\x01", []string{"\x01"}},
	{"control question mark", `\c?`, "\x7f", []string{"\x7f"}},
	{"control brace", `\c{`, ";", []string{";"}},
	{"control space", `\c `, "`", []string{"`"}},
	{"control at the end", `\c`, "c", pcreRefuses},
	{"control tab", "\\c\t", "x", pcreRefuses},
	{"control in a class", `[\cA\e\h]`, "\x1b", []string{"\x1b"}},
	{"backspace in a class", `[\b]`, "\b", []string{"\b"}},
	{"escaped high byte", "\\\xe9", "\xe9", []string{"\xe9"}},
	{"escaped underscore", `\_`, "_", []string{"_"}},
	{"unknown escape", `\i`, "i", pcreRefuses},
	{"escape u", `\u0041`, "A", pcreRefuses},
	{"escape L", `\L`, "L", pcreRefuses},
	{"NUL ends the pattern", "a\x00b", "a", []string{"a"}},
	// Anchors and other escapes.
	{"Z before the last newline", `a\Z`, "a\n", []string{"a"}},
	{"Z not before two", `a\Z`, "a\n\n", nil},
	{"Z is not multiline", `(?m)a\Z`, "a\nb", nil},
	{"A", `\Aa`, "ba", nil},
	{"G at the start", `\Ga`, "ab", []string{"a"}},
	{"G not later", `\Ga`, "ba", nil},
	{"N", `a\Nb`, "axb", []string{"axb"}},
	{"N not newline", `a\Nb`, "a\nb", nil},
	{"N quantified", `\N{2}`, "ab", []string{"ab"}},
	{"N braces", `\N{U+41}`, "A", pcreRefuses},
	{"C takes newline", `a\Cb`, "a\nb", []string{"a\nb"}},
	{"escape in a class", `[\B]`, "B", pcreRefuses},
	{"Z in a class", `[\Z]`, "Z", pcreRefuses},
	// Quoting.
	{"quote", `\Qa.b\E`, "axb", nil},
	{"quote to the end", `\Qa.b`, "a.b", []string{"a.b"}},
	{"quote backslash at the end", `\Qa\`, `a\`, []string{`a\`}},
	{"quote then quantifier", `\Qab\E+`, "abbb", []string{"abbb"}},
	{"empty quote", `a\Q\Eb`, "ab", []string{"ab"}},
	{"empty quote before quantifier", `a\Q\E+`, "aa", []string{"aa"}},
	{"quantifier after nothing", `\Q\E*`, "a", pcreRefuses},
	{"E alone", `a\E`, "a", []string{"a"}},
	{"quote in a class", `[\Q]\E]`, "]", []string{"]"}},
	{"quoted hyphen in a class", `[\Qa-c\E]`, "b", nil},
	{"quoted range start", `[\Qa\E-c]`, "b", []string{"b"}},
	{"quoted range end", `[a-\Qc\E]`, "b", []string{"b"}},
	{"E then ] first", `[\E]]`, "]", []string{"]"}},
	{"E then ] only", `[\E]`, "E", pcreRefuses},
	// Braces: a { that starts no quantifier is a literal one.
	{"no lower bound", `a{,2}`, "a{,2}", []string{"a{,2}"}},
	{"no lower bound is literal", `a{,2}`, "aa", nil},
	{"space in braces", `a{ 2}`, "a{ 2}", []string{"a{ 2}"}},
	{"open brace", `a{2`, "a{2", []string{"a{2"}},
	{"closing brace", `a}`, "a}", []string{"a}"}},
	{"quantifier at the start", `{2}`, "{2}", pcreRefuses},
	{"quantifier after a bar", `x|{2}`, "{2}", pcreRefuses},
	{"quantified anchor", `^*`, "a", pcreRefuses},
	{"quantified boundary", `\b+`, "a", pcreRefuses},
	{"zero repeat", `a{0}`, "b", []string{""}},
	// Options, groups and comments.
	{"ungreedy", `(?U)a+`, "aaa", []string{"a"}},
	{"ungreedy lazy", `(?U)a+?`, "aaa", []string{"aaa"}},
	{"dot all", `(?s)a.b`, "a\nb", []string{"a\nb"}},
	{"empty alternative", `a|`, "b", []string{""}},
	{"empty alternative first", `(|a)b`, "ab", []string{"ab", "a"}},
	{"option into the next branch", `(a(?i)b|c)`, "C", []string{"C", "C"}},
	{"caseless group", `(?i:A|B)b`, "bb", []string{"bb"}},
	{"unset all", `(?i)a(?^)b`, "AB", nil},
	{"unset all then b", `(?i)a(?^)b`, "Ab", []string{"Ab"}},
	{"unset all then set", `(?^i)A`, "a", []string{"a"}},
	{"two hyphens", `(?i-s-m)a`, "A", pcreRefuses},
	{"lazy lazy", `a*??`, "aa", pcreRefuses},
	{"lazy possessive", `a*?+`, "aa", pcreRefuses},
	{"empty options", `(?)a`, "a", []string{"a"}},
	{"empty unset", `(?-)a`, "a", []string{"a"}},
	{"quantified option", `a(?i)*`, "aaa", pcreRefuses},
	{"option at the end", `a(?i)`, "a", []string{"a"}},
	{"named group P", `(?P<n>a)b`, "ab", []string{"ab", "a"}},
	{"named group", `(?<n>a)b`, "ab", []string{"ab", "a"}},
	{"named group quoted", `(?'n'a)b`, "ab", []string{"ab", "a"}},
	{"caseless negated", `(?i)[^a]`, "A", nil},
	{"caseless W", `(?i)[\W]`, "a", nil},
	{"caseless high bytes", `(?i)\xc9t\xe9`, "\xc9T\xe9", []string{"\xc9T\xe9"}},
	{"caseless high bytes differ", `(?i)\xc9t\xe9`, "\xe9t\xe9", nil},
	{"N is no dot", `(?s)\N`, "\n", nil},
	{"hex at the end", `a\x`, "a", nil},
	{"comment", `a(?#comment)b`, "ab", []string{"ab"}},
	{"quantifier after a comment", `a(?#c)+`, "aaa", []string{"aaa"}},
	{"open comment", `a(?#c`, "a", pcreRefuses},
	{"extended", "(?x) a b # c", "ab", []string{"ab"}},
	{"extended braces", `(?x)a b{1, 2}`, "ab{1,2}", []string{"ab{1,2}"}},
	{"extended quantifier", `(?x)a {2}`, "aa", []string{"aa"}},
	{"extended lazy", `(?x)a+ ?`, "aaa", []string{"a"}},
	{"extended class keeps spaces", `(?x)[ a]`, " ", []string{" "}},
	{"extended class keeps #", `(?x)[a#]b`, "#b", []string{"#b"}},
	{"extended escaped space", `(?x)a\ b`, "a b", []string{"a b"}},
	{"extended escaped #", `(?x)a\#b`, "a#b", []string{"a#b"}},
	{"extended comment to the newline", "(?x)a#b\nc", "ac", []string{"ac"}},
	{"extended comment past CR", "(?x)a#b\rc", "ac", []string{"a"}},
	{"extended skips VT and NEL", "(?x)a\v\x85b", "ab", []string{"ab"}},
	{"extended keeps NBSP", "(?x)a\xa0b", "a\xa0b", []string{"a\xa0b"}},
	{"extended quote", `(?x)\Q a\E`, " a", []string{" a"}},
	{"extended group", `(?x:a b)c d`, "abc d", []string{"abc d"}},
	{"extended in a group", `((?x)a b)c d`, "abc d", []string{"abc d", "ab"}},
	{"extended unset", `(?x)a(?-x) b`, "a b", []string{"a b"}},
	{"extended comment then quantifier", "(?x)a #\n*", "aa", []string{"aa"}},
	// Classes.
	{"posix outside a class", `[:alpha:]`, "a", pcreRefuses},
	{"posix unknown", `[[:foo:]]`, "f", pcreRefuses},
	{"posix not closed", `[[:alpha:]`, "a", pcreRefuses},
	{"posix without colon", `[[:lower]]`, "l]", []string{"l]"}},
	{"posix and a bracket", `[[:a]b:]]`, ":b:]]", []string{":b:]]"}},
	{"posix negated", `[[:^alpha:]]`, "a", nil},
	{"posix negated space", `[[:^space:]]`, "\v", nil},
	{"posix collating", `[[.a.]]`, "a", pcreRefuses},
	{"posix graph", `[[:graph:]]`, " ", nil},
	{"posix punct", `[[:punct:]]+`, "$_a", []string{"$_"}},
	{"posix two", `[[:alpha:][:digit:]]`, "5", []string{"5"}},
	{"caseless upper", `(?i)[[:upper:]]`, "a", []string{"a"}},
	{"caseless not lower", `(?i)[[:^lower:]]+`, "aB1", []string{"1"}},
	{"caseless not upper", `(?i)[^[:upper:]]+`, "aB1", []string{"1"}},
	{"caseless lower and digits", `(?i)[[:lower:][:digit:]]`, "A", []string{"A"}},
	{"range to a set", `[a-\d]`, "-", pcreRefuses},
	{"range from a set", `[\d-z]`, "-", pcreRefuses},
	{"range from posix", `[[:alpha:]-z]`, "-", pcreRefuses},
	{"hyphen after posix", `[[:alpha:]-]`, "-", []string{"-"}},
	{"hyphen after d", `[\d-]`, "-", []string{"-"}},
	{"hyphen range", `[%--]`, "-", []string{"-"}},
	{"range out of order", `[z-a]`, "a", pcreRefuses},
	{"range of escapes", `[\101-C]`, "B", []string{"B"}},
	{"bracket first", `[]a]`, "]", []string{"]"}},
	{"negated bracket first", `[^]a]`, "b", []string{"b"}},
	{"class not closed", `[`, "[", pcreRefuses},
	{"class of high bytes", "[\xe0-\xff]", "\xe9", []string{"\xe9"}},
}

func TestRegexPCREEscapes(t *testing.T) {
	for _, tc := range escapeCases {
		t.Run(tc.name, func(t *testing.T) { checkCase(t, tc) })
	}
}

// checkCase checks Compile, Find and Match against tc.
func checkCase(t *testing.T, tc regexCase) {
	t.Helper()
	r, err := Compile(tc.pattern)
	if len(tc.want) == 1 && tc.want[0] == refusedByPCRE {
		if !errors.Is(err, errPCRE) {
			t.Fatalf("%q: want an error of PCRE's, got %v", tc.pattern, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	got := r.Find(tc.subject)
	if r.Match(tc.subject) != (got != nil) {
		t.Fatalf("Match says %v, Find found %q", r.Match(tc.subject), deref(got))
	}
	if tc.want == nil {
		if got != nil {
			t.Fatalf("%q matched %q", tc.pattern, deref(got))
		}
		return
	}
	if strings.Join(deref(got), "|") != strings.Join(tc.want, "|") {
		t.Fatalf("%q: got %q, want %q", tc.pattern, deref(got), tc.want)
	}
}

// TestRegexCasesAgainstIMAPFilter runs the cases of the tables on
// imapfilter itself, which needs no server for regex_search.
func TestRegexCasesAgainstIMAPFilter(t *testing.T) {
	bin, err := exec.LookPath("imapfilter")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("MAILSCRIPT_REQUIRE_DOVECOT") == "1" {
			t.Fatal("imapfilter is not installed (required under CI)")
		}
		t.Skip("imapfilter is not installed")
	}
	cases := append(append([]regexCase{}, semanticsCases...), escapeCases...)
	for _, rc := range refusedCases {
		cases = append(cases, regexCase{"refused " + rc.pattern, rc.pattern, rc.subject, rc.pcre})
	}
	got := runIMAPFilter(t, bin, cases)
	for i, tc := range cases {
		want := tc.want
		for len(want) > 1 && want[len(want)-1] == "<nil>" {
			want = want[:len(want)-1]
		}
		if fmt.Sprintf("%q", got[i]) != fmt.Sprintf("%q", want) {
			t.Errorf("%s: regex_search(%q, %q): imapfilter gives %q, the table %q", tc.name, tc.pattern, tc.subject, got[i], want)
		}
	}
}

// runIMAPFilter returns what imapfilter's regex_search returns for each
// case, in the form of regexCase.want.
func runIMAPFilter(t *testing.T, bin string, cases []regexCase) [][]string {
	t.Helper()
	var lua strings.Builder
	lua.WriteString(`local function hex(v)
    if v == nil then return 'N' elseif v == false then return 'F' end
    return 'x' .. v:gsub('.', function(c) return string.format('%02x', c:byte()) end)
end
local function T(p, s)
    local r = {regex_search(p, s)}
    local n = select('#', regex_search(p, s))
    local out = {}
    for i = 1, n do out[i] = hex(r[i]) end
    print(table.concat(out, ' '))
end
`)
	for _, tc := range cases {
		fmt.Fprintf(&lua, "T(%s, %s)\n", luaBytes(tc.pattern), luaBytes(tc.subject))
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "regex.lua")
	if err := os.WriteFile(config, []byte(lua.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", config)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("imapfilter: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("imapfilter printed %d lines for %d cases:\n%s", len(lines), len(cases), out)
	}
	got := make([][]string, len(cases))
	for i, line := range lines {
		got[i] = parseResults(t, line)
	}
	return got
}

// parseResults reads a line of the config's: N is nil, F false, x and
// hex digits a string.
func parseResults(t *testing.T, line string) []string {
	switch line {
	case "N":
		return pcreRefuses
	case "F":
		return nil
	}
	var out []string
	for _, f := range strings.Fields(line) {
		if f == "N" {
			out = append(out, "<nil>")
			continue
		}
		b, err := hex.DecodeString(strings.TrimPrefix(f, "x"))
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, string(b))
	}
	return out
}

// luaBytes is s as a Lua string literal, every byte a decimal escape.
func luaBytes(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, `\%03d`, s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// refusedCases are patterns PCRE takes and Compile refuses, with what
// PCRE gives (checked on imapfilter) and the words of the refusal.
var refusedCases = []struct {
	pattern, subject, hint string
	pcre                   []string
}{
	{`^(?!Re:)`, "Fw: x", "lookaround", []string{""}},
	{`(?<=foo)bar`, "foobar", "lookaround", []string{"bar"}},
	{`(a)\1`, "aa", "backreferences", []string{"aa", "a"}},
	{`(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10`, "abcdefghijj", "backreferences", []string{"abcdefghijj", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
	{`(?<n>a)\k<n>`, "aa", "backreferences", []string{"aa", "a"}},
	{`(a)\g1`, "aa", "backreferences", []string{"aa", "a"}},
	{`(?>a+)b`, "aab", "atomic", []string{"aab"}},
	{`a++b`, "aab", "possessive", []string{"aab"}},
	{`\R`, "\r\n", `\R`, []string{"\r\n"}},
	{`\R\n`, "\r\n", `\R`, nil},
	{`a\Kb`, "ab", `\K`, []string{"b"}},
	{`\X`, "ab", `\X`, []string{"a"}},
	{`\pL`, "\xe9", `\p`, []string{"\xe9"}},
	{`(?i)\p{Lu}`, "a", `\p`, nil},
	{`\P{L}`, "1", `\p`, []string{"1"}},
	{`[[:<:]]a`, "a", `[[:<:]]`, []string{"a"}},
	{`a{1,1001}`, "a", "1000", []string{"a"}},
	{`(?n)(a)`, "a", "(?n)", []string{"a"}},
	{`(?J)a`, "a", "(?J)", []string{"a"}},
	{`(?xx)[a ]`, " ", "(?xx)", nil},
	{`(*UTF)a`, "a", "(*VERB)", []string{"a"}},
}

func TestRegexRefused(t *testing.T) {
	for _, tc := range refusedCases {
		_, err := Compile(tc.pattern)
		if err == nil {
			t.Errorf("%q compiled", tc.pattern)
			continue
		}
		if errors.Is(err, errPCRE) {
			t.Errorf("%q: %v: said to be refused by PCRE", tc.pattern, err)
		}
		if !strings.Contains(err.Error(), tc.hint) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.pattern)) {
			t.Errorf("%q: error %q lacks the pattern or %q", tc.pattern, err, tc.hint)
		}
	}
}
