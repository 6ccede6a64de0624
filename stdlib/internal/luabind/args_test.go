package luabind_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// sigState returns a state with f(...), a function of signature sig that
// returns its arguments as text ("host=x port=143 rest=a,b").
func sigState(t *testing.T, sig luabind.Signature) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	L.SetGlobal("None", luabind.Null(L))
	L.SetGlobal("f", L.NewFunction(func(L *lua.LState) int {
		a := luabind.ParseArgs(L, "f", 1, sig)
		var parts []string
		for i, n := range a.Names {
			if a.Given(i) {
				parts = append(parts, n+"="+a.Str(i, ""))
			}
		}
		if rest := a.RestStrs(); len(rest) > 0 {
			parts = append(parts, "rest="+strings.Join(rest, ","))
		}
		L.Push(lua.LString(strings.Join(parts, " ")))
		return 1
	}))
	return L
}

// TestParseArgs maps calls onto Python signatures, keyword tables
// included, and checks the TypeError messages of bad calls.
func TestParseArgs(t *testing.T) {
	imap := luabind.Signature{Names: []string{"host", "port"}, NPos: 2, Keywords: luabind.AnyTable, ListAt: -1}
	cmd := luabind.Signature{Names: []string{"name"}, NPos: 1, Variadic: true, ListAt: -1}
	send := luabind.Signature{Names: []string{"to", "msg", "opts"}, NPos: 2, Keywords: luabind.NamedTable, ListAt: 0}
	cases := []struct {
		sig       luabind.Signature
		src, want string
	}{
		{imap, `f("x", 143)`, "host=x port=143"},
		{imap, `f("x", {port = 993})`, "host=x port=993"},
		{imap, `f({host = "y"})`, "host=y"},
		{imap, `f(None, 1)`, "port=1"},
		{imap, `f(nil, {port = 1.5})`, "port=1.5"},
		{imap, `f("x", 1, 2)`, "error: f() takes 2 positional arguments but 3 were given"},
		{imap, `f("x", {host = "y"})`, "error: f() got multiple values for argument 'host'"},
		{imap, `f({hots = "y"})`, "error: f() got an unexpected keyword argument 'hots'"},
		{imap, `f({"y"})`, "error: f(): keyword arguments must have string names, got number"},
		{imap, `f(true)`, "error: f(): argument 'host' must be a string, not boolean"},
		{cmd, `f("NOOP", "a", None, 2)`, "name=NOOP rest=a,2"},
		{cmd, `f("NOOP", {})`, "error: f(): argument 2 must be a string, not table"},
		{send, `f({"a", "b"}, "m")`, "error: f(): argument 'to' must be a string, not table"},
		{send, `f("a", "m", {opts = "o"})`, "to=a msg=m opts=o"},
		{send, `f("a", "m", "o")`, "error: f() takes 2 positional arguments but 3 were given"},
		{send, `f("a", {msg = "m"})`, "to=a msg=m"},
		{send, `f({to = "a"})`, "error: f(): argument 'to' must be a string, not table"},
	}
	for _, tc := range cases {
		L := sigState(t, tc.sig)
		got := ""
		if err := L.DoString(`R = ` + tc.src); err != nil {
			got = "error: " + err.Error()
		} else {
			got = L.GetGlobal("R").String()
		}
		if !strings.HasPrefix(got, "error: ") && got != tc.want || strings.HasPrefix(got, "error: ") && !strings.Contains(got, strings.TrimPrefix(tc.want, "error: ")) {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestArgsConversions checks StrList, Number, Truth and TruthOr.
func TestArgsConversions(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	var out []string
	L.SetGlobal("g", L.NewFunction(func(L *lua.LState) int {
		a := luabind.ParseArgs(L, "g", 1, luabind.Signature{Names: []string{"to", "n", "flag"}, NPos: 3, ListAt: -1})
		n, ok := a.Number(1)
		out = append(out, fmt.Sprintf("%q %v/%v %v %v", a.StrList(0), n, ok, a.Truth(2), a.TruthOr(2, true)))
		return 0
	}))
	L.SetGlobal("None", luabind.Null(L))
	if err := L.DoString(`g({"a", "b"}, "2.5", 0) g("a", nil, {}) g(None, None, None)`); err != nil {
		t.Fatal(err)
	}
	want := []string{`["a" "b"] 2.5/true false false`, `["a"] 0/false false false`, `[] 0/false false false`}
	if strings.Join(out, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
	err := L.DoString(`g({"a", {}})`)
	if err == nil || !strings.Contains(err.Error(), "g(): argument 'to' item 2 must be a string") {
		t.Errorf("a list with a table: %v", err)
	}
	err = L.DoString(`g(nil, "x")`)
	if err == nil || !strings.Contains(err.Error(), "g(): argument 'n' must be a number, not string") {
		t.Errorf("a word for a number: %v", err)
	}
}

// TestClassTupleWith checks NewClass, NewTuple, a Short class and With.
func TestClassTupleWith(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	short := &luabind.Class{Name: "Refused", Qualname: "demo.Refused", Short: true}
	exits := 0
	var exitErr error
	L.SetGlobal("Refused", luabind.ClassTable(L, short))
	L.SetGlobal("Conn", luabind.NewClass(L, "Conn", "demo.Conn", func(L *lua.LState) int {
		L.Push(luabind.NewTuple(L, "demo.tuple", L.Get(1), L.Get(2)))
		return 1
	}, map[string]lua.LValue{"Refused": luabind.ClassTable(L, short)}))
	L.SetGlobal("with", L.NewFunction(func(L *lua.LState) int {
		return luabind.With(L, L.Get(1), L.CheckFunction(2), func() error { exits++; return exitErr },
			func(L *lua.LState, err error) { luabind.Raise(L, err, short) })
	}))
	if err := L.DoString(`
		assert(tostring(Conn) == "<class 'demo.Conn'>" and Conn.__name == "Conn" and Conn.Refused == Refused)
		local t = Conn("a", "b")
		assert(t[1] == "a" and t[2] == "b" and getmetatable(t).__name == "demo.tuple")
		assert(getmetatable(Conn("c")) == getmetatable(t), "one tuple metatable per state")
		assert(tostring(Refused("no")) == "Refused: no", tostring(Refused("no")))
		assert(tostring(Refused) == "<class 'demo.Refused'>")
		local a, b = with(t, function(v) return v[1], "x" end)
		assert(a == "a" and b == "x")
		local e = Refused("inside")
		local ok, got = pcall(with, t, function() error(e) end)
		assert(not ok and got == e, "the error of fn is raised again, unchanged")
	`); err != nil {
		t.Fatal(err)
	}
	if exits != 2 {
		t.Errorf("exit ran %d times, want 2", exits)
	}
	exitErr = errors.New("quit refused")
	if err := L.DoString(`
		local ok, e = pcall(with, 1, function() end)
		assert(not ok and Refused:is(e) and e.message == "quit refused", tostring(e))
	`); err != nil {
		t.Fatal(err)
	}
}
