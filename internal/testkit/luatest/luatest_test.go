package luatest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/testkit/luatest"
)

func TestPassing(t *testing.T) {
	luatest.Run(t, "testdata/pass_test.lua", func(L *lua.LState) {
		L.SetGlobal("setup_value", lua.LNumber(42))
	})
}

// TestFailingChild is the body of TestFailures: it does its work only in
// the child process that TestFailures starts (the os/exec helper-process
// pattern), since the Lua tests it runs fail on purpose.
func TestFailingChild(t *testing.T) {
	if os.Getenv("LUATEST_CHILD") != "1" {
		return
	}
	luatest.Run(t, "testdata/fail_test.lua", nil)
}

func TestFailures(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailingChild$", "-test.v")
	cmd.Env = append(os.Environ(), "LUATEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the failing Lua tests passed:\n%s", out)
	}
	s := string(out)
	tests := []struct {
		name string
		want []string
		not  []string
	}{
		{"eq", []string{"--- FAIL: TestFailingChild/TestEqDiffers", "fail_test.lua:4:", `deep: at [2]["a"]: "b" ~= "c"`}, nil},
		{"errorf", []string{"--- FAIL: TestFailingChild/TestErrorfContinues", "first 1", "second two"}, nil},
		{"fatalf", []string{"--- FAIL: TestFailingChild/TestFatalfStops", "fail_test.lua:13: stop here 7"}, []string{"never reached"}},
		{"lua error", []string{"--- FAIL: TestFailingChild/TestLuaError", "lua error:", "stack traceback"}, nil},
		{"nested", []string{"--- FAIL: TestFailingChild/TestNestedFailure/sub", "inner failure", "sub ok = false"}, nil},
	}
	for _, tc := range tests {
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: output lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(s, w) {
				t.Errorf("%s: output has %q", tc.name, w)
			}
		}
	}
	if t.Failed() {
		t.Logf("child output:\n%s", s)
	}
}

func TestDiff(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tests := []struct {
		a, b string
		want string
	}{
		{"1", "1", ""},
		{"'x'", "'x'", ""},
		{"{1,2}", "{1,2}", ""},
		{"{1,2}", "{1,3}", "at [2]: 2 ~= 3"},
		{"{a=1}", "{}", `at ["a"]: unexpected 1`},
		{"{}", "{a=1}", `at ["a"]: missing, want 1`},
		{"1", "'1'", `1 ~= "1"`},
		{"{x={y={}}}", "{x={y={z=true}}}", `at ["x"]["y"]["z"]: missing, want true`},
	}
	for _, tc := range tests {
		if err := L.DoString("return " + tc.a + ", " + tc.b); err != nil {
			t.Fatal(err)
		}
		a, b := L.Get(-2), L.Get(-1)
		L.Pop(2)
		if got := luatest.Diff(a, b); got != tc.want {
			t.Errorf("Diff(%s, %s) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
