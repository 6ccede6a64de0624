package imapfilter

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestSetOperations checks + * - of results, done in Go for pairs of
// mailbox and UID and in Lua for anything else: mailboxes in the order
// they first appear, UIDs ascending, each pair once.
func TestSetOperations(t *testing.T) {
	tests := []struct{ name, expr, want string }{
		{"union", "Set{{A, 5}, {B, 2}, {A, 1}} + Set{{B, 1}, {A, 5}, {C, 9}}", "A1 A5 B1 B2 C9"},
		{"union of empties", "Set{} + Set{}", ""},
		{"intersection", "Set{{A, 3}, {A, 1}, {B, 2}} * Set{{A, 1}, {B, 2}, {B, 3}}", "A1 B2"},
		{"intersection keeps the left order", "Set{{B, 1}, {A, 1}} * Set{{A, 1}, {B, 1}}", "B1 A1"},
		{"difference", "Set{{A, 1}, {A, 2}, {B, 1}} - Set{{A, 2}, {C, 1}}", "A1 B1"},
		{"difference of all", "Set{{A, 1}} - Set{{A, 1}}", ""},
		{"duplicates", "Set{{A, 2}, {A, 2}, {A, 1}} + Set{}", "A1 A2"},
		{"large UIDs", "Set{{A, 4000000000}, {A, 7}} * Set{{A, 4000000000}}", "A4000000000"},
		{"not numbers (Lua)", "Set{{A, 'b'}, {A, 'a'}} + Set{}", "Aa Ab"},
		{"fractions (Lua)", "Set{{A, 1.5}, {A, 1}} - Set{}", "A1 A1.5"},
		{"stops at a hole, as ipairs", "(function() local s = Set{{A, 1}, {A, 2}, {A, 3}}; s[2] = nil; return s + Set{} end)()", "A1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := lua.NewState()
			defer L.Close()
			if err := Install(L, Options{}); err != nil {
				t.Fatal(err)
			}
			src := `A = {_type = 'mailbox', _name = 'A'}
B = {_type = 'mailbox', _name = 'B'}
C = {_type = 'mailbox', _name = 'C'}
local r = ` + tt.expr + `
local out = {}
for _, p in ipairs(r) do table.insert(out, p[1]._name .. tostring(p[2])) end
result = table.concat(out, ' ')
assert(r.move_messages, 'the result has no methods')`
			if err := L.DoString(src); err != nil {
				t.Fatal(err)
			}
			if got := lua.LVAsString(L.GetGlobal("result")); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

// TestRanges checks the UID sets of searches: sorted, ranges of
// consecutive UIDs, options.range UIDs at most per range.
func TestRanges(t *testing.T) {
	tests := []struct {
		uids  string
		limit string
		want  string
	}{
		{"{}", "math.huge", ""},
		{"{3, 1, 2, 7, 9, 8, 20}", "math.huge", "1:3,7:9,20"},
		{"{5, 5, 6}", "math.huge", "5:6"},
		{"{1, 2, 3, 4, 5}", "2", "1:3,4:5"},
		{"{4000000000, 3999999999}", "math.huge", "3999999999:4000000000"},
		{"{2, 'x'}", "math.huge", "(lua)"},
	}
	for _, tt := range tests {
		L := lua.NewState()
		c := &core{}
		L.SetGlobal("ranges", L.NewFunction(c.ranges))
		if err := L.DoString(`local r = ranges(` + tt.uids + `, ` + tt.limit + `)
result = r and table.concat(r, ',') or '(lua)'`); err != nil {
			t.Fatal(err)
		}
		if got := lua.LVAsString(L.GetGlobal("result")); got != tt.want {
			t.Errorf("ranges(%s, %s) = %q, want %q", tt.uids, tt.limit, got, tt.want)
		}
		L.Close()
	}
}

// TestSetCountedWithPairs checks what a config that counts a result with
// pairs sees, as under imapfilter: the messages, the functions of Set
// (_new among them), _type and _mt, the result's own metatable; a result
// of + * - is made the same way.
func TestSetCountedWithPairs(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := Install(L, Options{}); err != nil {
		t.Fatal(err)
	}
	src := `A = {_type = 'mailbox', _name = 'A'}
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local funcs = 0
for _, v in pairs(Set) do if type(v) == 'function' then funcs = funcs + 1 end end
local s = Set{{A, 1}, {A, 2}}
local d = s - Set{{A, 2}}
assert(type(s._new) == 'function', 'no _new')
assert(getmetatable(s) == s._mt, 'the metatable is not _mt')
assert(getmetatable(d) == d._mt and d._mt ~= s._mt, 'results share a metatable')
assert(#s:_new({{A, 3}}) == 1, '_new makes no set')
result = (count(s) - funcs) .. ' ' .. (count(d) - funcs)`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
	// two messages, _type and _mt; then one message, _type and _mt
	if got, want := lua.LVAsString(L.GetGlobal("result")), "4 3"; got != want {
		t.Errorf("keys besides the functions of Set: %q, want %q", got, want)
	}
}
