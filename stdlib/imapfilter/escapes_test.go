package imapfilter

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestTranslateEscapes(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		line            int // of the error; 0: none
	}{
		{"hex", `print("\x41\x62")`, `print("\065\098")`, 0},
		{"hex before a digit", `s = '\x411'`, `s = '\0651'`, 0},
		{"hex high byte in a pattern", `p = "caf\xE9"`, `p = "caf\233"`, 0},
		{"z skips spaces and keeps lines", "s = \"a\\z\n    b\" .. x\ny = 1", "s = \"ab\"\n .. x\ny = 1", 0},
		{"z over two lines", "s = 'a\\z\n\n  b'", "s = 'ab'\n\n", 0},
		{"z at the end", `s = "a\z"`, `s = "a"`, 0},
		{"escaped backslash before x", `s = "\\x41"`, `s = "\\x41"`, 0},
		{"escaped quote", `s = "\"\x41"`, `s = "\"\065"`, 0},
		{"long strings stay", "s = [[\\x41]] .. [==[\\z\n]==]", "s = [[\\x41]] .. [==[\\z\n]==]", 0},
		{"comments stay", "-- \\x41 \"\n--[[ \\z\n]] x = 1", "-- \\x41 \"\n--[[ \\z\n]] x = 1", 0},
		{"other escapes stay", `s = "\n\t\65\\\'\a"`, `s = "\n\t\65\\\'\a"`, 0},
		{"backslash newline", "s = \"a\\\nb\\x41\"", "s = \"a\\\nb\\065\"", 0},
		{"short hex", "\ns = '\\x4'", "", 2},
		{"hex without digits", "s = \"\\xg1\"", "", 1},
		{"unknown escape", "x = 1\n\ny = '\\d+'", "", 3},
		{"decimal too large", `s = "\256"`, "", 1},
		{"error after z keeps the line", "s = 'a\\z\n  \\q'", "", 2},
		{"unfinished string left to the parser", "s = 'a\\z\n\n", "s = 'a\n\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := TranslateEscapes("config.lua", []byte(tc.src))
			if tc.line != 0 {
				var ce *CheckError
				if !errors.As(err, &ce) || ce.Line != tc.line {
					t.Fatalf("error %v, want one on line %d", err, tc.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got %q, want %q", out, tc.want)
			}
		})
	}
}

func FuzzTranslateEscapes(f *testing.F) {
	for _, s := range []string{`print("\x41")`, "s = 'a\\z\n  b'", "--[[\\x]] '\\z\n\n' [[\\z]]", `"\\" '\'' "\x4`, "'\\\r\n\\z \r\n'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := TranslateEscapes("f.lua", []byte(src))
		if err != nil {
			return
		}
		if got, want := bytes.Count(out, []byte("\n")), strings.Count(src, "\n"); got != want {
			t.Fatalf("%q: %d lines became %d: %q", src, want, got, out)
		}
		if !strings.Contains(src, `\x`) && !strings.Contains(src, `\z`) && string(out) != src {
			t.Fatalf("%q changed to %q", src, out)
		}
	})
}
