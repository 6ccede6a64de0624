package imapfilter

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int    // 0: no error expected
		want      string // part of the message
	}{
		{"fine", "x = acct.INBOX:match_from('^bob$')\n", 0, ""},
		{"floor division", "a = 1\nb = 7 // 2\n", 2, `"//" is integer division`},
		{"goto and labels run", "for i = 1, 3 do\n  goto continue\n  ::continue::\nend\n", 0, ""},
		{"bitwise and", "x = 5 & 3\n", 1, "bitwise and"},
		{"bitwise or", "x = 5 | 3\n", 1, "bitwise or"},
		{"shift", "x = 1 << 4\n", 1, "bit shift"},
		{"xor", "x = 5 ~ 3\n", 1, "xor"},
		{"operators inside strings are fine", "x = '//' .. \"a & b\" .. [[ goto ]]\n-- 1 // 2\n", 0, ""},
		{"bad pattern in a method call", "r = m:match_subject('(?=x)')\n", 1, `"(?=x)"`},
		{"bad pattern in a field", "\nr = m:match_field('Subject', '(a)\\\\1')\n", 2, "backreferences"},
		{"bad pattern in regex_search", "ok = regex_search('a++', s)\n", 1, "possessive"},
		{"bad pattern, dot call", "r = m.match_header(m, '(?<!x)y')\n", 1, "lookaround"},
		{"dynamic patterns are left to run time", "r = m:match_from(p)\n", 0, ""},
		{"other syntax errors stay the parser's", "x = = 1\n", -1, "imapfilter:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check("config.lua", []byte(tc.src))
			if tc.line == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
			if tc.line < 0 {
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("%T is not a *CheckError", err)
			}
			if ce.Line != tc.line || ce.File != "config.lua" {
				t.Fatalf("at %s:%d, want line %d", ce.File, ce.Line, tc.line)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("x = 1 // 2 -- c\n")
	f.Add("s = [==[ ]] ]==] .. 'a\\'b' goto x")
	f.Add("r = m:match_subject('(?=x)')")
	f.Fuzz(func(t *testing.T, src string) {
		err := Check("f.lua", []byte(src))
		var ce *CheckError
		if errors.As(err, &ce) && (ce.Line < 1 || ce.Line > strings.Count(src, "\n")+1) {
			t.Fatalf("line %d out of range", ce.Line)
		}
		if got := codeOnly([]byte(src)); len(got) != len(src) || strings.Count(string(got), "\n") != strings.Count(src, "\n") {
			t.Fatal("codeOnly changed the length or the lines")
		}
	})
}
