package email_test

import (
	"os/exec"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/email"
)

// pyCase is one call compared with Python: py is a Python expression and
// lua a Lua chunk returning a string, both giving the same text; an
// exception prints as "raises Class: message" on both sides (the Lua
// chunk raises the error value and the harness names its class).
type pyCase struct{ name, py, lua string }

var pyCases = []pyCase{
	// A multipart nested in message/rfc822 that never opens its
	// boundary: its empty epilogue becomes None when the outer boundary
	// arrives.
	{"nested epilogue", `repr(email.message_from_string(NESTED).get_payload(0).get_payload(0).epilogue)`,
		`local e = email.message_from_string(NESTED):get_payload(0):get_payload(0).epilogue
		 return e == nil and "None" or ("'" .. e .. "'")`},
	{"outer epilogue", `repr(email.message_from_string(NESTED).epilogue)`,
		`local e = email.message_from_string(NESTED).epilogue
		 return e == nil and "None" or ("'" .. e .. "'")`},
	// decode_header of broken base64 raises HeaderParseError.
	{"decode_header bad padding", `decode_header('=?euc-kr?B?x?=')`,
		`return email.header.decode_header("=?euc-kr?B?x?=")`},
	{"decode_header bad padding among words", `decode_header('a =?utf-8?b?w6=Q?= b')`,
		`return email.header.decode_header("a =?utf-8?b?w6=Q?= b")`},
	{"decode_header padding added", `repr(decode_header('=?euc-kr?b?uvG=d?=')[0][0])`,
		`local w = email.header.decode_header("=?euc-kr?b?uvG=d?=")
		 return pybytes(w[1][1])`},
	// formataddr's charset argument.
	{"formataddr iso-8859-1", `formataddr(('Häns Würst', 'person@dom.ain'), 'iso-8859-1')`,
		`return email.utils.formataddr({"Häns Würst", "person@dom.ain"}, "iso-8859-1")`},
	{"formataddr latin_1", `formataddr(('Ä', 'a@b'), 'latin_1')`,
		`return email.utils.formataddr({"Ä", "a@b"}, "latin_1")`},
	{"formataddr euc-jp", `formataddr(('日本', 'a@b'), 'euc-jp')`,
		`return email.utils.formataddr({"日本", "a@b"}, "euc-jp")`},
	{"formataddr gb2312", `formataddr(('中文', 'a@b'), 'gb2312')`,
		`return email.utils.formataddr({"中文", "a@b"}, "gb2312")`},
	{"formataddr koi8-r", `formataddr(('Жук', 'a@b'), 'koi8-r')`,
		`return email.utils.formataddr({"Жук", "a@b"}, "koi8-r")`},
	{"formataddr utf-8 default", `formataddr(('Häns', 'a@b'))`,
		`return email.utils.formataddr({"Häns", "a@b"})`},
	{"formataddr ascii name", `formataddr(('A, B', 'a@b'), 'iso-8859-1')`,
		`return email.utils.formataddr({"A, B", "a@b"}, "iso-8859-1")`},
	// Charsets Python's codecs know and x/text has no table for.
	{"mac-iceland", `str(make_header(decode_header('=?mac-iceland?q?r=8Aksm=9Arg=8Cs?=')))`,
		`return email.header.make_header(email.header.decode_header("=?mac-iceland?q?r=8Aksm=9Arg=8Cs?="))`},
	{"mac-turkish", `str(make_header(decode_header('=?mac-turkish?q?=DA=DB=9A?=')))`,
		`return email.header.make_header(email.header.decode_header("=?mac-turkish?q?=DA=DB=9A?="))`},
	{"cp737", `str(make_header(decode_header('=?cp737?q?=80=81=82?=')))`,
		`return email.header.make_header(email.header.decode_header("=?cp737?q?=80=81=82?="))`},
}

const nestedMsg = "Content-Type: multipart/mixed; boundary=\"OUTER\"\n\n--OUTER\n" +
	"Content-Type: message/rfc822\n\nContent-Type: multipart/alternative; boundary=\"INNER\"\n\n" +
	"no inner boundary\n--OUTER--\n"

// TestPythonDifferential compares each case with Python's email package,
// run live.
func TestPythonDifferential(t *testing.T) {
	py := requirePython(t)
	var src strings.Builder
	src.WriteString("import email\nfrom email.header import decode_header, make_header\nfrom email.utils import formataddr\n")
	src.WriteString("NESTED = " + pyQuote(nestedMsg) + "\n")
	for _, c := range pyCases {
		src.WriteString("try:\n    print(" + c.py + ")\nexcept Exception as e:\n    print('raises %s: %s' % (type(e).__name__, e))\n")
	}
	out, err := exec.Command(py, "-c", src.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(want) != len(pyCases) {
		t.Fatalf("python printed %d lines for %d cases:\n%s", len(want), len(pyCases), out)
	}
	for i, c := range pyCases {
		t.Run(c.name, func(t *testing.T) {
			if got := runCase(t, c.lua); got != want[i] {
				t.Errorf("lua %q\npython %q", got, want[i])
			}
		})
	}
}

// runCase runs a case's Lua chunk and returns its text, or "raises
// Class: message" for an email.errors exception it raised.
func runCase(t *testing.T, chunk string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	setup(L)
	L.PreloadModule(email.ErrorsName, email.ErrorsLoader)
	L.SetGlobal("NESTED", lua.LString(nestedMsg))
	prelude := `email = require("email")
local function pybytes(s)
  local out = {"b'"}
  for i = 1, #s do
    local c = s:byte(i)
    if c < 32 or c >= 127 then out[#out + 1] = string.format("\\x%02x", c) else out[#out + 1] = string.char(c) end
  end
  return table.concat(out) .. "'"
end
local ok, v = pcall(function() ` + chunk + ` end)
if ok then return tostring(v) end
local errors = require("email.errors")
for _, name in ipairs({"HeaderParseError", "MessageParseError", "MessageError"}) do
  if errors[name]:is(v) then return "raises " .. v.class.name .. ": " .. v.message end
end
return "raises " .. tostring(v)`
	if err := L.DoString(prelude); err != nil {
		t.Fatalf("lua: %v", err)
	}
	return L.ToString(-1)
}

// pyQuote writes s as a Python string literal.
func pyQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`)
	return "'" + r.Replace(s) + "'"
}
