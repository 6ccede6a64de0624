package email_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/email"
)

// describeLua computes, with the Lua module, what testdata/pyref.py
// computes with Python's email package.
const describeLua = `
local email = require("email")
local H, U = email.header, email.utils
local raw = ...
local msg = email.message_from_bytes(raw)
local function text(v) if v == nil then return nil end return H.decode(v) end
local function date(v)
  if v == nil then return nil end
  local e, off = U.parsedate_to_datetime(v)
  if e == nil then return "!invalid" end
  return {epoch = e, offset = off}
end
local out = {subject = text(msg["Subject"]), to = {}, date = date(msg:get("date")), parts = {}}
if msg["From"] then
  local n, a = U.parseaddr(msg["From"])
  out.from = {text(n), a}
end
for _, p in ipairs(U.getaddresses(msg:get_all("to", {}))) do
  out.to[#out.to + 1] = {text(p[1]), p[2]}
end
for part in msg:walk() do
  local d = {
    type = part:get_content_type(),
    multipart = part:is_multipart(),
    filename = part:get_filename(),
    charset = part:get_content_charset(),
  }
  if part:get_content_maintype() == "text" and not part:is_multipart() then
    d.text = part:get_content()
  end
  d.defects = part.defects
  out.parts[#out.parts + 1] = d
end
return out
`

// requirePython returns the path of python3, or skips the test when it is
// missing outside CI.
func requirePython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required under CI for the differential test")
		}
		t.Skip("python3 not installed")
	}
	return py
}

func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 200 {
		t.Fatalf("corpus has %d messages, want at least 200", len(files))
	}
	sort.Strings(files)
	return files
}

// toGo converts a Lua value to JSON-like Go values: tables with keys 1..n
// become slices (empty tables too), other tables maps.
func toGo(v lua.LValue) any {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return float64(x)
	case lua.LBool:
		return bool(x)
	case *lua.LTable:
		n := x.Len()
		count := 0
		x.ForEach(func(_, _ lua.LValue) { count++ })
		if count == n {
			s := make([]any, 0, n)
			for i := 1; i <= n; i++ {
				s = append(s, toGo(x.RawGetInt(i)))
			}
			return s
		}
		m := map[string]any{}
		x.ForEach(func(k, v lua.LValue) { m[k.String()] = toGo(v) })
		return m
	}
	return nil
}

// dropNils removes map entries whose value is nil, recursively, so that a
// Python None and a missing Lua field compare equal.
func dropNils(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNils(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = dropNils(e)
		}
	}
	return v
}

// skipped reports a Python value that stands for "Python cannot say".
func skipped(v any) bool {
	s, ok := v.(string)
	return ok && (s == "!8bit" || s == "!error")
}

// compare appends to diffs the paths where got differs from want,
// ignoring the places where want is a skip marker.
func compare(path string, got, want any, diffs *[]string, skips *int) {
	if skipped(want) {
		*skips++
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %#v, want %#v", path, got, want))
			return
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		for k := range keys {
			compare(path+"."+k, g[k], w[k], diffs, skips)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %#v, want %#v", path, got, want))
			return
		}
		for i := range w {
			compare(fmt.Sprintf("%s[%d]", path, i), g[i], w[i], diffs, skips)
		}
	default:
		if !reflect.DeepEqual(got, want) {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %q, want %q", path, fmt.Sprint(got), fmt.Sprint(want)))
		}
	}
}

// TestDifferentialPython parses every corpus message with Python's email
// package (compat32) and with the Lua module and compares subject, from,
// to, date, the content types, charsets, file names, defects and decoded
// text of every part.
func TestDifferentialPython(t *testing.T) {
	py := requirePython(t)
	files := corpusFiles(t)
	out, err := exec.Command(py, append([]string{"testdata/pyref.py"}, files...)...).Output()
	if err != nil {
		t.Fatalf("pyref.py: %v", err)
	}
	var ref map[string]any
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("pyref.py output: %v", err)
	}
	L := lua.NewState()
	defer L.Close()
	L.PreloadModule(email.Name, email.Loader)
	fn, err := L.LoadString(describeLua)
	if err != nil {
		t.Fatal(err)
	}
	skips, compared := 0, 0
	for _, f := range files {
		base := filepath.Base(f)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, lua.LString(raw)); err != nil {
			t.Errorf("%s: lua: %v", base, err)
			continue
		}
		got := dropNils(toGo(L.Get(-1)))
		L.Pop(1)
		want := dropNils(ref[base])
		// Python gives the date as [epoch, offset-or-None].
		if m, ok := want.(map[string]any); ok {
			if d, ok := m["date"].([]any); ok {
				dm := map[string]any{"epoch": d[0]}
				if d[1] != nil {
					dm["offset"] = d[1]
				}
				m["date"] = dm
			}
		}
		var diffs []string
		compare(base, got, want, &diffs, &skips)
		compared++
		for _, d := range diffs {
			t.Error(d)
		}
	}
	t.Logf("compared %d messages with Python; %d fields Python could not produce were skipped", compared, skips)
}

// TestCorpusParses checks the corpus without Python: every message parses,
// walks and decodes, and the well-formed kinds have the structure their
// name promises.
func TestCorpusParses(t *testing.T) {
	for _, f := range corpusFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := email.Parse(raw)
		parts := 0
		m.Walk(func(p *email.Message) bool {
			parts++
			p.Payload(true)
			p.Filename()
			return true
		})
		name := filepath.Base(f)
		kind := name[4 : len(name)-4]
		want := map[string]string{"alternative": "multipart/alternative", "mixed": "multipart/mixed",
			"forward": "multipart/mixed", "bounce": "multipart/report", "digest": "multipart/digest",
			"signed": "multipart/signed", "plain": "text/plain", "html": "text/html", "related": "multipart/alternative"}[kind]
		if want != "" && m.ContentType() != want {
			t.Errorf("%s: content type %q, want %q", name, m.ContentType(), want)
		}
		if strings.HasPrefix(want, "multipart/") && (len(m.Parts) < 2 || len(m.Defects) > 0) {
			t.Errorf("%s: %d parts, defects %v", name, len(m.Parts), m.Defects)
		}
	}
}
