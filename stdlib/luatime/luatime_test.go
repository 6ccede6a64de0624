package luatime_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the test needs Europe/Berlin on any machine

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib/luatime"
)

func TestLua(t *testing.T) {
	luatest.Run(t, "testdata/time_test.lua", func(L *lua.LState) {
		L.PreloadModule(luatime.Name, luatime.Loader)
	})
}

func TestDaysAgoAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 31 March 2024 has 23 hours in Berlin; counting days must not slip.
	from := time.Date(2024, 4, 1, 0, 30, 0, 0, berlin)
	tests := []struct {
		n    int
		want string
	}{{0, "1-Apr-2024"}, {1, "31-Mar-2024"}, {2, "30-Mar-2024"}}
	for _, tc := range tests {
		if got := luatime.DaysAgo(tc.n, from); got != tc.want {
			t.Errorf("DaysAgo(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func FuzzParseIMAP(f *testing.F) {
	for _, s := range []string{"05-Mar-2024 10:00:00 +0100", "5-Mar-2024", `"x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, off, has, err := luatime.ParseIMAP(s)
		if err != nil || !has {
			return
		}
		back := luatime.FormatIMAP(tm)
		tm2, off2, _, err := luatime.ParseIMAP(back)
		if err != nil || !tm2.Equal(tm) || off2 != off {
			t.Fatalf("%q -> %q -> %v %d %v", s, back, tm2, off2, err)
		}
	})
}
