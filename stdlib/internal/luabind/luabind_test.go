package luabind_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

type point struct{ X, Y int }

func (p *point) String() string { return fmt.Sprintf("point(%d, %d)", p.X, p.Y) }

var pointType *luabind.Type

func init() {
	pointType = &luabind.Type{
		Name: "geo.Point",
		Methods: map[string]lua.LGFunction{
			"norm1": func(L *lua.LState) int {
				p := luabind.Check[*point](L, 1, pointType)
				L.Push(lua.LNumber(abs(p.X) + abs(p.Y)))
				return 1
			},
		},
		Fields: []string{"x", "y"},
		Field: func(_ *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
			p := ud.Value.(*point)
			switch key {
			case "x":
				return lua.LNumber(p.X), true
			case "y":
				return lua.LNumber(p.Y), true
			}
			return nil, false
		},
		SetField: func(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool {
			if key != "x" {
				return false
			}
			ud.Value.(*point).X = int(L.CheckNumber(3))
			return true
		},
		Meta: map[string]lua.LGFunction{"__len": func(L *lua.LState) int { L.Push(lua.LNumber(2)); return 1 }},
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

var (
	classBase = &luabind.Class{Name: "Error", Qualname: "geo.Error"}
	classFar  = &luabind.Class{Name: "TooFar", Qualname: "geo.TooFar", Parent: classBase}
	classBare = &luabind.Class{Name: "Plain", Qualname: "geo.Plain", Bare: true}
	// classBoth has two bases, as a Python class may: Plain and TooFar.
	classBoth = &luabind.Class{Name: "Both", Qualname: "geo.Both", Parent: classBare, Bases: []*luabind.Class{classFar}}
)

var errTooFar = errors.New("geo: too far")

func newState(t *testing.T) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	mod := luabind.NewModule(L, map[string]lua.LGFunction{
		"point": func(L *lua.LState) int {
			return luabind.Push(L, pointType, &point{L.CheckInt(1), L.CheckInt(2)})
		},
		"fail": func(L *lua.LState) int {
			var err error
			switch L.CheckString(1) {
			case "far":
				err = fmt.Errorf("walking: %w", errTooFar)
			case "typed":
				err = &luabind.Error{Class: classBare, Message: "geo: typed"}
			default:
				err = errors.New("geo: other")
			}
			luabind.Raise(L, err, classBase, func(err error) (*luabind.Class, string, bool) {
				if errors.Is(err, errTooFar) {
					return classFar, err.Error(), true
				}
				return nil, "", false
			})
			return 0
		},
		"count": func(L *lua.LState) int {
			n, i := L.CheckInt(1), 0
			L.Push(luabind.Iterator(L, func(*lua.LState) ([]lua.LValue, bool) {
				i++
				return []lua.LValue{lua.LNumber(i), lua.LNumber(i * i)}, i <= n
			}))
			return 1
		},
	}, luabind.Classes(L, classBase, classFar, classBare, classBoth))
	L.SetGlobal("geo", mod)
	return L
}

// TestType runs scripts against a declared type and compares what they
// return, or the error they raise.
func TestType(t *testing.T) {
	cases := []struct{ src, want, err string }{
		{`return tostring(geo.point(1, 2))`, "point(1, 2)", ""},
		{`local p = geo.point(3, -4); return p.x .. "," .. p.y .. "," .. p:norm1()`, "3,-4,7", ""},
		{`local p = geo.point(3, 4); p.x = 10; return tostring(p.x)`, "10", ""},
		{`return tostring(#geo.point(0, 0))`, "2", ""},
		{`return geo.point(1, 2).z`, "", `geo: geo.Point has no field or method "z"`},
		{`return geo.point(1, 2).nrom1`, "", `has no field or method "nrom1" (did you mean "norm1"?)`},
		{`local p = geo.point(1, 2); p.y = 3`, "", `geo: geo.Point has no settable field "y"`},
		{`return geo.point(1, 2).norm1(42)`, "", "geo.Point expected"},
		{`local s = 0; for i, sq in geo.count(3) do s = s + sq end; return tostring(s)`, "14", ""},
	}
	for _, tc := range cases {
		L := newState(t)
		err := L.DoString(tc.src)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := L.Get(-1).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestErrors checks the classes of raised errors, as a script sees them.
func TestErrors(t *testing.T) {
	L := newState(t)
	err := L.DoString(`
local function catch(what)
  local ok, e = pcall(geo.fail, what)
  assert(not ok)
  return e
end
local far = catch("far")
assert(geo.TooFar:is(far) and geo.Error:is(far), "class")
assert(far.name == "TooFar" and far.message == "walking: geo: too far", far.message)
assert(tostring(far) == "geo.TooFar: walking: geo: too far", tostring(far))
assert(far:find("too far"), "string methods apply to the message")
assert(("x: " .. far):sub(1, 3) == "x: ")
local other = catch("other")
assert(geo.Error:is(other) and not geo.TooFar:is(other))
local typed = catch("typed")
assert(geo.Plain:is(typed) and not geo.Error:is(typed))
assert(tostring(typed) == "geo: typed", "a bare class prints the message alone")
assert(tostring(geo.TooFar) == "<class 'geo.TooFar'>")
local made = geo.TooFar("by hand")
assert(geo.Error:is(made) and made.message == "by hand")
assert(not geo.Error:is("a string") and not geo.Error:is({}))
assert(not pcall(geo.Error.is, {}, far), "is() needs a class")
local both = geo.Both("two bases")
assert(geo.Both:is(both) and geo.Plain:is(both), "the parent")
assert(geo.TooFar:is(both) and geo.Error:is(both), "the second base and its ancestors")
assert(not geo.Both:is(made) and not geo.Both:is(typed), "not the other way round")
assert(#geo.Both.bases == 1 and geo.Both.bases[1] == geo.TooFar)
assert(geo.TooFar.bases == nil)
`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"mailbox", "mailboxes", "special", "create", "delete"}
	cases := []struct{ key, want string }{
		{"mailbx", "mailbox"},
		{"Mailbox", "mailbox"},
		{"speical", "special"},
		{"INBOX", ""},
		{"x", ""},
		{"mailbox", "mailboxes"},
	}
	for _, tc := range cases {
		if got := luabind.Suggest(tc.key, names); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

func ExampleRaise() {
	L := lua.NewState()
	defer L.Close()
	notFound := &luabind.Class{Name: "NotFound", Qualname: "demo.NotFound"}
	L.SetGlobal("NotFound", luabind.ClassTable(L, notFound))
	L.SetGlobal("open", L.NewFunction(func(L *lua.LState) int {
		luabind.Raise(L, &luabind.Error{Class: notFound, Message: "no such file"}, nil)
		return 0
	}))
	if err := L.DoString(`
local ok, e = pcall(open)
print(NotFound:is(e), e.name, tostring(e))
`); err != nil {
		fmt.Println(err)
	}
	// Output: true	NotFound	demo.NotFound: no such file
}
