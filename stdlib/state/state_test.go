package state_test

import (
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/state"
)

// memState is a host.State in memory.
type memState struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memState) Get(k string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok, nil
}

func (s *memState) Set(k string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v == nil {
		delete(s.m, k)
	} else {
		s.m[k] = v
	}
	return nil
}

func TestRoundTrip(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	st := &memState{m: map[string][]byte{}}
	host.Set(L, &host.Host{State: st})
	L.PreloadModule(state.Name, state.Loader)
	err := L.DoString(`
local state = require("state")
assert(state.get("x") == nil)
for _, v in ipairs({"text", 42, -1.5, true, false}) do
  state.set("v", v)
  assert(state.get("v") == v, tostring(v))
end
state.set("t", {a = {1, 2, {b = "c"}}, e = {}})
local t = state.get("t")
assert(t.a[3].b == "c" and #t.a == 3 and next(t.e) == nil)
state.set("t", nil)
assert(state.get("t") == nil)
`)
	if err != nil {
		t.Fatal(err)
	}
	if string(st.m["v"]) != "false" {
		t.Errorf("stored %q", st.m["v"])
	}
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`return function() end`, "only strings, numbers, booleans and tables"},
		{`return {1, 2, x = 3}`, "must all be strings, or the table a sequence"},
		{`return {[1] = 1, [3] = 3}`, "must all be strings, or the table a sequence"},
		{`local t = {} t[1] = t return t`, "refers back"},
		{`return "\255"`, "not valid UTF-8"},
		{`return 0/0`, "cannot be stored"},
	} {
		L := lua.NewState()
		if err := L.DoString(tc.src); err != nil {
			t.Fatal(err)
		}
		_, err := state.Encode(L.Get(-1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.src, err, tc.want)
		}
		L.Close()
	}
}

func TestNoStore(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.PreloadModule(state.Name, state.Loader)
	err := L.DoString(`require("state").get("x")`)
	if err == nil || !strings.Contains(err.Error(), "no state store") {
		t.Fatalf("error %v", err)
	}
}

// FuzzDecode: any stored text decodes to a value or an error, and what
// decodes encodes again to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`1`, `"x"`, `{"a":[1,true,null]}`, `[]`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		L := lua.NewState()
		defer L.Close()
		v, err := state.Decode(L, []byte(s))
		if err != nil {
			return
		}
		raw, err := state.Encode(v)
		if err != nil {
			return // null inside arrays, for one, cannot be stored
		}
		v2, err := state.Decode(L, raw)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", raw, err)
		}
		raw2, err := state.Encode(v2)
		if err != nil || string(raw2) != string(raw) {
			t.Fatalf("%q then %q (%v)", raw, raw2, err)
		}
	})
}
