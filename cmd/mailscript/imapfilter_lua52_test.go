package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lua52Case is a config that only computes and prints, with what the
// real imapfilter 2.8 (Lua 5.2) printed for it.
type lua52Case struct {
	name, config string
	stdout       string
	stderr       string // part of the error; "": the config runs
}

// runLua52Cases runs each case as a user runs a config, with -c FILE.
func runLua52Cases(t *testing.T, cases []lua52Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.lua")
			if err := os.WriteFile(path, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"imapfilter", "-c", path}, &stdout, &stderr)
			if tc.stderr == "" && err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			if tc.stderr != "" && (err == nil || !strings.Contains(stderr.String(), tc.stderr)) {
				t.Fatalf("error %v, stderr %q, want %q", err, stderr.String(), tc.stderr)
			}
			if stdout.String() != tc.stdout {
				t.Errorf("printed %q, want %q", stdout.String(), tc.stdout)
			}
		})
	}
}

// TestIMAPFilterLua52Escapes runs configs with the string escapes of Lua
// 5.2 that Lua 5.1 lacks.
func TestIMAPFilterLua52Escapes(t *testing.T) {
	runLua52Cases(t, []lua52Case{
		{name: "hex and z", config: "print(\"\\x41\\x62\", #\"caf\\xE9\")\nlocal s = \"a\\z\n     b\"\nprint(s, (\"x\\z\n\n  y\"):upper())\nerror(\"line 6\")\n",
			stdout: "Ab\t4\nab\tXY\n", stderr: "config.lua:7: line 6"},
		{name: "hex in a pattern", config: `print(("caf\xE9!"):find("\xE9"), ("caf\233"):match("[\xE0-\xEF]") == "\xE9")` + "\n",
			stdout: "4\ttrue\n"},
		{name: "short hex", config: "x = 1\ns = \"\\x4\"\n",
			stderr: `config.lua:2: hexadecimal digit expected near '\x4"'`},
		{name: "unknown escape", config: "x = 1\n\ns = \"\\d+\"\n",
			stderr: `config.lua:3: invalid escape sequence near '\d'`},
		{name: "decimal escape too large", config: "s = \"\\256\"\n",
			stderr: `config.lua:1: decimal escape too large near '\256'`},
	})
}

// TestIMAPFilterLua52Library runs a config of the library calls whose
// gopher-lua versions differ from Lua 5.2's (xpcall's arguments, error()
// with no value, __pairs and __ipairs, string.format as C's printf, %q,
// ASCII-only upper and lower, gmatch without anchors, the checks of gsub,
// bit32, math.huge, load's mode and chunk names, escapes in loaded code,
// an assert called by pcall). The output is what imapfilter 2.8 printed.
func TestIMAPFilterLua52Library(t *testing.T) {
	runLua52Cases(t, []lua52Case{{name: "library", config: lua52Library, stdout: "true\t42\n2\tfalse\tfalse\tnil\nfalse\tmsg\nfalse\tfalse\t42\n1\tx\n1\ty\n2\ty\n1.23457e+08 0.1   3.1|42   |ff T\n\"a\\\nb\\0c\\\"\\\\\\0131\"\nfalse\tfalse\tfalse\tinvalid option '%y' to 'format'\nAé\tÀb\n0\nfalse\tabc\t0\n4294967280\tfalse\t15\t240\t2\t2147483648\t4294967294\t0\ntrue\ttrue\nnil\tattempt to load a text chunk (mode is 'b')\nfalse\tfalse\tfalse\tfile.lua:1: x\nAb\nfalse\tcustom\n"}})
}

const lua52Library = `print(xpcall(function(a) return a * 2 end, debug.traceback, 21))
print(select('#', pcall(error)), pcall(error), pcall(error, nil))
print(pcall(function() error("msg", 2) end))
print(pcall(error, "msg"), pcall(error, 42, 0))
local t = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, 'x' end end, t, nil end})
for k, v in pairs(t) do print(k, v) end
local u = setmetatable({}, {__ipairs = function(t) return function(_, i) if i < 2 then return i + 1, 'y' end end, t, 0 end})
for i, v in ipairs(u) do print(i, v) end
print(string.format("%g %g %5.1f|%-5d|%x %s", 123456789, 0.1, 3.14159, 42, 255, setmetatable({}, {__tostring = function() return "T" end})))
print(string.format("%q", "a\nb\0c\"\\\r1"))
print(pcall(string.format, "%d %d", 1), pcall(string.format, "%x", -1), pcall(string.format, "%y", 1))
print(string.upper("aé"), string.lower("ÀB"))
local n = 0 for w in string.gmatch("aaa", "^a") do n = n + 1 end print(n)
print(pcall(string.gsub, "abc", "b", "%x"), string.gsub("abc", "z", "%x"))
print(bit32.arshift(-256, 4), bit32.btest(1, 2), bit32.extract(0xff, 4, 4), bit32.replace(0, 15, 4, 4), bit32.lrotate(1, 33), bit32.rrotate(1, 1), bit32.band(-1.5), bit32.lshift(1, 32))
print(math.huge > 1e308, -math.huge < -1e308)
print(load("return 1", "c", "b"))
print(pcall(load("error('x')")), pcall(load("error('x')", "=mychunk")), pcall(load("error('x')", "@file.lua")))
print(load("return '\\x41\\z   b'")())
print(pcall(assert, false, "custom"))
`

// TestIMAPFilterLua52Patterns runs a config of Lua 5.2's string patterns
// (frontier, %g, the errors of malformed patterns and replacements,
// gmatch's empty matches, gsub's negative limit), tonumber and
// collectgarbage; the output is what imapfilter 2.8 printed, and its
// error for an unfinished capture outside pcall.
func TestIMAPFilterLua52Patterns(t *testing.T) {
	runLua52Cases(t, []lua52Case{{name: "patterns", config: lua52Patterns,
		stdout: "W (W) W\t3\nx x\txx\tx\t1\nfalse\tfalse\tmalformed pattern (missing ']')\nfalse\tfalse\tinvalid capture index\nfalse\tfalse\tinvalid capture index %2\naabbcc\t2\t2\n[abc][]\n10\t31\t16\tnil\tnil\tnil\nnil\tnil\t-255\t1295\t-10\tnil\nfalse\tfalse\nnumber\t2\t0\t0\nboolean\ttrue\t0\tfalse\t0\n200\t100\t0\nfalse\tinvalid use of '%' in replacement string\n",
		stderr: "config.lua:15: unfinished capture"}})
}

const lua52Patterns = `print(("THE (quick) fox"):gsub("%f[%a]%a+", "W"))
print(("a b\tc!"):gsub("%g", "x"), ("x=1"):match("(%w)=(%d)"))
print(pcall(string.find, "abc", "%"), pcall(string.find, "abc", "[a"))
print(pcall(string.match, "abc", "(()"), pcall(string.gsub, "abc", "(a)", "%2"))
print(pcall(string.find, "abc", "%f"), pcall(string.match, "abc", "(a)%2"))
print(string.gsub("abc", ".", "%0%0", -1), string.find("a+c", "+", 1, true))
local t = {} for w in ("abc"):gmatch("%w*") do t[#t+1] = "[" .. w .. "]" end print(table.concat(t))
print(tonumber("1e1"), tonumber(" 0x1F "), tonumber("0x1p4"), tonumber("1e"), tonumber(""), tonumber("  "))
print(tonumber("inf"), tonumber("nan"), tonumber("-ff", 16), tonumber("zz", 36), tonumber(" -1010 ", 2), tonumber(nil))
print((pcall(tonumber)), (pcall(tonumber, "1", 37)))
print(type(collectgarbage("count")), select("#", collectgarbage("count")), collectgarbage("collect"), collectgarbage())
print(type(collectgarbage("step")), collectgarbage("isrunning"), collectgarbage("stop"), collectgarbage("isrunning"), collectgarbage("restart"))
print(collectgarbage("setpause", 100), collectgarbage("setpause", 200), collectgarbage("incremental"))
print(pcall(string.gsub, "a", "a", "%"))
string.find("a", "(")
`
