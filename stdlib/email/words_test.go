package email

import (
	"reflect"
	"regexp"
	"testing"
)

// encodedWordRE is the expression findEncodedWords implements.
var encodedWordRE = regexp.MustCompile(`=\?([^?]*?)\?([qQbB])\?(.*?)\?=`)

// FuzzFindEncodedWords: findEncodedWords finds what the regular
// expression finds, at the same offsets.
func FuzzFindEncodedWords(f *testing.F) {
	for _, s := range []string{
		"=?utf-8?q?caf=C3=A9?=", "a =?x?b?YQ==?= b =?y?Q?c?=", "=?=?utf-8?q?x?=", "=?a?q?=", "=?a?q??=",
		"=?a\n?q?x?=", "=?a?q?x\n?=", "=?a?x?y?=", "=??q??=", "=?a?q?x?=?=", "\xff=?\xfe?b?\xfd?=", "=?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := encodedWordRE.FindAllStringSubmatchIndex(s, -1)
		if got := findEncodedWords(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("findEncodedWords(%q) = %v, the expression finds %v", s, got, want)
		}
	})
}
