package json_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib/json"
)

func TestLua(t *testing.T) {
	luatest.Run(t, "testdata/json_test.lua", func(L *lua.LState) {
		L.PreloadModule(json.Name, json.Loader)
	})
}

// FuzzDecode decodes arbitrary input; what decodes must encode, and decode
// again to the same encoding.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,null,"x"]}`, `[]`, `"\ud83d"`, `1e400`, `[[[[]]]]`, `{"1":1,"2":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		L := lua.NewState()
		defer L.Close()
		v, err := json.Decode(L, s)
		if err != nil {
			return
		}
		enc, err := json.Encode(L, v, json.Compact)
		if err != nil {
			// Numbers out of float64 range decode to errors, and
			// {"1":..} objects may re-encode as arrays; both fine.
			return
		}
		v2, err := json.Decode(L, enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		enc2, err := json.Encode(L, v2, json.Compact)
		if err != nil || enc2 != enc {
			t.Fatalf("unstable: %q then %q (%v)", enc, enc2, err)
		}
	})
}
