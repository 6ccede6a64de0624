package imapfilter

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"

	"github.com/mailscript/mailscript/internal/luacall"
)

// pattern52Cases are calls of the string functions, as arguments of
// pcall, with what imapfilter 2.8 (Lua 5.2) printed for them.
var pattern52Cases = []struct{ call, want string }{
	{"string.find, \"THE (quick) fox\", \"%f[%a]%a+\"", "true\t1\t3"},
	{"string.gsub, \"THE (quick) fox\", \"%f[%a]%a+\", \"W\"", "true\tW (W) W\t3"},
	{"string.gsub, \"hello world\", \"%f[%w]%w+%f[%W]\", \"<%0>\"", "true\t<hello> <world>\t2"},
	{"string.find, \"abc\", \"%f[%z]\"", "true\t4\t3"},
	{"string.find, \"abc\", \"%f[^%z]\"", "true\t1\t0"},
	{"string.find, \"THE\", \"%f[%l]\"", "true\tnil"},
	{"string.match, \"[a]\", \"%f[%w]%w\"", "true\ta"},
	{"string.match, \"a b\\tc\", \"%g+\"", "true\ta"},
	{"string.gsub, \"a b\\tc!\", \"%g\", \"x\"", "true\tx x\txx\t4"},
	{"string.gsub, \"a b\\tc!\\127\", \"%G\", \"x\"", "true\taxbxc!x\t3"},
	{"string.find, \"abc\", \"%\"", "false\tmalformed pattern (ends with '%')"},
	{"string.find, \"abc\", \"[a\"", "false\tmalformed pattern (missing ']')"},
	{"string.find, \"abc\", \"[]\"", "false\tmalformed pattern (missing ']')"},
	{"string.find, \"abc\", \"[^]\"", "false\tmalformed pattern (missing ']')"},
	{"string.find, \"abc\", \"[%\"", "false\tmalformed pattern (missing ']')"},
	{"string.find, \"abc\", \"[a-\"", "false\tmalformed pattern (missing ']')"},
	{"string.find, \"abc\", \"%b\"", "false\tmalformed pattern (missing arguments to '%b')"},
	{"string.find, \"abc\", \"%ba\"", "false\tmalformed pattern (missing arguments to '%b')"},
	{"string.find, \"abc\", \"(()\"", "false\tunfinished capture"},
	{"string.find, \"abc\", \"())\"", "false\tinvalid pattern capture"},
	{"string.match, \"abc\", \")\"", "false\tinvalid pattern capture"},
	{"string.find, \"abc\", \")\"", "true\tnil"},
	{"string.find, \"abc\", \"(\"", "false\tunfinished capture"},
	{"string.find, \"abc\", \"%1\"", "false\tinvalid capture index %1"},
	{"string.find, \"abc\", \"(a)%2\"", "false\tinvalid capture index %2"},
	{"string.find, \"abc\", \"(a%1)\"", "false\tinvalid capture index %1"},
	{"string.match, \"abc\", \"%0\"", "false\tinvalid capture index %0"},
	{"string.find, \"abc\", \"%f\"", "false\tmissing '[' after '%f' in pattern"},
	{"string.find, \"abc\", \"%fa\"", "false\tmissing '[' after '%f' in pattern"},
	{"string.find, \"abc\", \"%f[a\"", "false\tmalformed pattern (missing ']')"},
	{"string.gsub, \"abc\", \"(a)\", \"%2\"", "false\tinvalid capture index"},
	{"string.gsub, \"abc\", \"a\", \"%1\"", "true\tabc\t1"},
	{"string.gsub, \"abc\", \"a\", \"%2\"", "false\tinvalid capture index"},
	{"string.gsub, \"abc\", \"z\", \"%2\"", "true\tabc\t0"},
	{"string.gsub, \"abc\", \"b\", \"%x\"", "false\tinvalid use of '%' in replacement string"},
	{"string.gsub, \"abc\", \"b\", \"%\"", "false\tinvalid use of '%' in replacement string"},
	{"string.gsub, \"abc\", \"%w\", \"%9\"", "false\tinvalid capture index"},
	{"string.match, string.rep(\"a\", 199), string.rep(\"a?\", 199) .. \"$\"", "true\t" + strings.Repeat("a", 199)},
	{"string.match, string.rep(\"a\", 300), string.rep(\"a?\", 200)", "false\tpattern too complex"},
	{"string.match, string.rep(\"a\", 300), string.rep(\"a?\", 198) .. \"(a)\"", "false\tpattern too complex"},
	{"string.match, string.rep(\"a\", 198), string.rep(\"a?\", 197) .. \"(a)$\"", "true\ta"},
	{"string.match, string.rep(\"a\", 9), string.rep(\"a*\", 199) .. \"$\"", "true\taaaaaaaaa"},
	{"string.match, string.rep(\"a\", 9), string.rep(\"a*\", 200)", "true\taaaaaaaaa"},
	{"string.match, string.rep(\"a\", 9), string.rep(\"a-\", 199) .. \"$\"", "true\taaaaaaaaa"},
	{"string.match, string.rep(\"a\", 9), string.rep(\"a-\", 200) .. \"$\"", "false\tpattern too complex"},
	{"string.find, \"aaa\", string.rep(\"()\", 32)", "true\t1\t0" + strings.Repeat("\t1", 32)},
	{"string.find, \"aaa\", string.rep(\"()\", 33)", "false\ttoo many captures"},
	{"string.match, string.rep(\"a\", 40), string.rep(\"(a)\", 32)", "true" + strings.Repeat("\ta", 32)},
	{"string.match, string.rep(\"a\", 40), string.rep(\"(a)\", 33)", "false\ttoo many captures"},
	{"string.find, \"abc\", \"[a-]\"", "true\t1\t1"},
	{"string.find, \"a-c\", \"[a-]\", 2", "true\t2\t2"},
	{"string.find, \"abc\", \"b\", -1", "true\tnil"},
	{"string.find, \"abc\", \"b\", -10", "true\t2\t2"},
	{"string.find, \"abc\", \"b\", \"2\"", "true\t2\t2"},
	{"string.find, \"abc\", \"\", 10", "true\tnil"},
	{"string.find, \"abc\", \"\", 4", "true\t4\t3"},
	{"string.find, \"abc\", \"\", 5", "true\tnil"},
	{"string.find, \"a.c\", \".\", 1, true", "true\t2\t2"},
	{"string.find, \"a+c\", \"+\", 1, true", "true\t2\t2"},
	{"string.find, \"a(b\", \"(\", 1, true", "true\t2\t2"},
	{"string.find, \"a(b\", \"%(\", 1, nil", "true\t2\t2"},
	{"string.find, \"abc\", \"()b()\"", "true\t2\t2\t2\t3"},
	{"string.match, \"abc\", \"()b()\"", "true\t2\t3"},
	{"string.match, \"abc\", \"b\", 0", "true\tb"},
	{"string.match, \"abc\", \"((a)(b))\"", "true\tab\ta\tb"},
	{"string.match, \"  key = val \", \"^%s*(%w+)%s*=%s*(%w+)\"", "true\tkey\tval"},
	{"string.match, \"hello\", \"(h)(e)(l)(l)(o)(.?)(.?)\"", "true\th\te\tl\tl\to\t\t"},
	{"string.gsub, \"abc\", \"\", \"-\"", "true\t-a-b-c-\t4"},
	{"string.gsub, \"\", \"\", \"-\"", "true\t-\t1"},
	{"string.gsub, \"abc\", \"%w*\", \"-\"", "true\t--\t2"},
	{"string.gsub, \"a,b\", \"%w*\", \"-\"", "true\t--,--\t4"},
	{"string.gsub, \"abc\", \"^.\", \"x\"", "true\txbc\t1"},
	{"string.gsub, \"abc\", \".\", {a=1, b=true}", "false\tinvalid replacement value (a boolean)"},
	{"string.gsub, \"abc\", \".\", {a=1, b=false}", "true\t1bc\t3"},
	{"string.gsub, \"abc\", \"()\", {[1]=\"A\", [4]=9}", "true\tAabc9\t4"},
	{"string.gsub, \"abc\", \".\", function(c) if c==\"b\" then return nil end return c:upper() end", "true\tAbC\t3"},
	{"string.gsub, \"abc\", \".\", function(c) return {} end", "false\tinvalid replacement value (a table)"},
	{"string.gsub, \"abc\", \"(b)\", function(a, b) return tostring(a)..tostring(b) end", "true\tabnilc\t1"},
	{"string.gsub, \"abc\", \".\", \"%0%0\", 2", "true\taabbc\t2"},
	{"string.gsub, \"abc\", \".\", \"%0%0\", -1", "true\taabbcc\t3"},
	{"string.gsub, \"abc\", \".\", \"%0%0\", 2.7", "true\taabbc\t2"},
	{"string.gsub, \"abc\", \".\", \"%0\", -2.5", "true\tabc\t3"},
	{"string.gsub, \"abc\", \".\", \"%0\", \"2\"", "true\tabc\t2"},
	{"string.gsub, \"abc\", \".\", \"%0\", 0", "true\tabc\t0"},
	{"string.gsub, \"abc\", \"(b)\", \"[%1%%]\"", "true\ta[b%]c\t1"},
	{"string.gsub, \"abc\", \".\", 5", "true\t555\t3"},
	{"string.gsub, \"hello world\", \"(o)\", \"%0%1\"", "true\thelloo woorld\t2"},
	{"string.gsub, \"abc\", \"(a)(b)\", \"%2%1\"", "true\tbac\t1"},
	{"string.gsub, \"abc\", \"a(b)()\", \"%2\"", "true\t3c\t1"},
	{"string.gsub, \"x\", \"()\", \"%1\"", "true\t1x2\t2"},
	{"string.gsub, \"f(a(b)c)d\", \"%b()\", \"X\"", "true\tfXd\t1"},
	{"string.match, \"''x''\", \"%b''\"", "true\t''"},
	{"string.match, \"a\", \"%b()\"", "true\tnil"},
	{"string.find, \"a\\0b\", \"%z\"", "true\t2\t2"},
	{"string.find, \"a\\0b\", \"[\\0]\"", "true\t2\t2"},
	{"string.match, \"x\", \"[%a-z]\"", "true\tx"},
	{"string.match, \"-\", \"[%a-z]\"", "true\t-"},
	{"string.match, \"]\", \"[]]\"", "true\t]"},
	{"string.match, \"^\", \"[]^]\"", "true\t^"},
	{"string.match, \"x1\", \"[%d-z]+\"", "true\t1"},
	{"string.match, \"b-a\", \"[-a]+\"", "true\t-a"},
	{"string.match, \"^x\", \"[x^]+\"", "true\t^x"},
	{"string.match, \"a^\", \"a^\"", "true\ta^"},
	{"string.match, \"ab$c\", \"b$c\"", "true\tb$c"},
	{"string.match, \"\", \"^$\"", "true\t"},
	{"string.match, \"aaab\", \"a-b\"", "true\taaab"},
	{"string.match, \"aaab\", \"a+?\"", "true\tnil"},
	{"string.match, \"y\", \"%y\"", "true\ty"},
	{"string.match, \"\\200\", \"%a\"", "true\tnil"},
	{"string.match, \"caf\\233\", \"%w+\"", "true\tcaf"},
	{"string.match, \"aaa\", \"(a)%1\"", "true\ta"},
	{"string.match, \"abab\", \"(ab)%1\"", "true\tab"},
	{"string.match, \"ab\", \"()%1\"", "true\tnil"},
	{"string.match, \"\\t\\v !~\\127\", \"%s+\"", "true\t\t\x0b "},
	{"string.match, \"a1_B!\", \"[%w_]+\"", "true\ta1_B"},
	{"string.match, \"0x1F;\", \"%x+\", 3", "true\t1F"},
	{"string.match, \"Hi!?.\", \"%p+\"", "true\t!?."},
	{"string.match, \"\\1\\31\", \"%c+\"", "true\t\x01\x1f"},
	{"string.match, \"abC\", \"%l+%u\"", "true\tabC"},
	{"string.find, 123, 2", "true\t2\t2"},
}

// TestPatterns52 runs pcall of each case in a state with the Lua 5.2
// string functions and mailscript's pcall and compares what print would show.
func TestPatterns52(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luacall.Install(L) // pcall as Lua's: no position for a Go function's error
	installLua52(L)
	for _, tc := range pattern52Cases {
		if err := L.DoString("return pcall(" + tc.call + ")"); err != nil {
			t.Errorf("%s: %v", tc.call, err)
			continue
		}
		got := make([]string, L.GetTop())
		for i := range got {
			got[i] = L.ToStringMeta(L.Get(i + 1)).String()
		}
		L.SetTop(0)
		if s := strings.Join(got, "\t"); s != tc.want {
			t.Errorf("pcall(%s) = %q, want %q", tc.call, s, tc.want)
		}
	}
}

// TestGmatch52 iterates as Lua 5.2 does: an empty match moves one byte
// on, a ^ is a ^, and a malformed pattern fails at the first call of the
// iterator. The outputs are imapfilter's.
func TestGmatch52(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	installLua52(L)
	code := `local out = {}
local function all(s, p) local t = {} for a, b in string.gmatch(s, p) do t[#t+1] = "[" .. a .. (b and "," .. b or "") .. "]" end out[#out+1] = table.concat(t) end
all("abc", "%w*") all("a,b,", "[^,]*") all("k=v;x=y", "(%w)=(%w)") all("abc", "^.") all("a^bc", "^.")
all("abc", "()") all("THE (quick) fox", "%f[%a]%a+") all("one two", ("%a+"))
local ok, err = pcall(function() for a in ("abc"):gmatch("(") do end end)
out[#out+1] = tostring(ok) .. " " .. err
return table.concat(out, "|")`
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
	want := "[abc][]|[a][][b][][]|[k,v][x,y]||[^b]|[1][2][3][4]|[THE][quick][fox]|[one][two]|false <string>:5: unfinished capture"
	if got := L.Get(-1).String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// FuzzPattern52 matches patterns with the Lua 5.2 matcher and with
// gopher-lua's: where gopher-lua raises no error on a pattern without a
// frontier or %g, the first match and its captures are the same. The
// matcher never panics.
func FuzzPattern52(f *testing.F) {
	for _, s := range []string{"%a+", "(%w+)=(%w+)", "^a-b$", "[^%s]*", "%b()", "(a)%1", "()x()", "[a-c%d]+?", ".-$", "[]]"} {
		f.Add(s, "key=val (a(b)c) abc1 ]aa")
	}
	f.Fuzz(func(t *testing.T, pat, src string) {
		if len(pat) > 40 || len(src) > 200 {
			return
		}
		m := &matcher{src: src, pat: pat}
		start, end, err := firstMatch(m)
		if err != nil || gopherDiffers(pat) {
			return
		}
		mds, gerr := gopherFind(pat, src)
		if gerr != nil {
			return
		}
		if len(mds) == 0 {
			if end >= 0 {
				t.Fatalf("%q in %q: gopher-lua finds nothing, we find %d-%d", pat, src, start, end)
			}
			return
		}
		md := mds[0]
		if end < 0 || md.Capture(0) != start || md.Capture(1) != end {
			t.Fatalf("%q in %q: gopher-lua finds %d-%d, we find %d-%d", pat, src, md.Capture(0), md.Capture(1), start, end)
		}
		compareCaptures(t, m, md, start, end)
	})
}

// gopherDiffers reports whether pat has what gopher-lua matches
// otherwise than Lua 5.2, checked with imapfilter: a frontier, %g or %G,
// and a - in a set other than between two letters or digits ("[1-%0]"
// and "[%0-0]" match "0", "[0--]" nothing and "[0-0-0]" "0" under Lua
// 5.2), and a back-reference to a position capture, which never
// matches under Lua 5.2.
func gopherDiffers(pat string) bool {
	for _, s := range []string{"%f", "%g", "%G"} {
		if strings.Contains(pat, s) {
			return true
		}
	}
	if strings.Contains(pat, "()") && strings.ContainsAny(pat, "123456789") {
		return true // a back-reference to a position capture
	}
	inSet, escaped := false, -1
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '%':
			i++
			escaped = i
		case c == '[' && !inSet:
			inSet = true
			if i+1 < len(pat) && pat[i+1] == '^' {
				i++
			}
			i++ // a first ] is in the set
		case c == ']':
			inSet = false
		case c == '-' && inSet:
			if i+2 >= len(pat) || escaped == i-1 || !isAlnum(pat[i-1]) || !isAlnum(pat[i+1]) || pat[i+2] == '-' {
				return true
			}
		}
	}
	return false
}

// firstMatch finds the first match of m's pattern in its subject, as
// string.find does from its start.
func firstMatch(m *matcher) (start, end int, err error) {
	p, anchor := 0, strings.HasPrefix(m.pat, "^")
	if anchor {
		p = 1
	}
	end = -1
	err = m.run(func() {
		for ; start <= len(m.src); start++ {
			if end = m.matchAt(start, p); end >= 0 || anchor {
				return
			}
		}
	})
	return start, end, err
}

// gopherFind is gopher-lua's first match, a panic of it an error.
func gopherFind(pat, src string) (mds []*pm.MatchData, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanic
		}
	}()
	return pm.Find(pat, []byte(src), 0, 1)
}

var errPanic = patternError("gopher-lua panicked")

// compareCaptures fails t when the captures of m and md differ.
func compareCaptures(t *testing.T, m *matcher, md *pm.MatchData, start, end int) {
	t.Helper()
	if md.CaptureLength()/2-1 != m.level {
		t.Fatalf("%q in %q: gopher-lua has %d captures, we %d", m.pat, m.src, md.CaptureLength()/2-1, m.level)
	}
	for i := 0; i < m.level; i++ {
		v, err := m.capture(i, start, end)
		if err != nil {
			return // an unfinished capture, which string.find refuses
		}
		var want lua.LValue
		if md.IsPosCapture(2 * (i + 1)) {
			want = lua.LNumber(md.Capture(2 * (i + 1))) // 1-based already
		} else {
			want = lua.LString(m.src[md.Capture(2*(i+1)):md.Capture(2*(i+1)+1)])
		}
		if v != want {
			t.Fatalf("%q in %q: capture %d is %v for gopher-lua, %v for us", m.pat, m.src, i+1, want, v)
		}
	}
}
