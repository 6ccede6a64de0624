package luaimaplib_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/pairtest"
)

var pairFilter = flag.String("pair", "", "run only the conformance pairs whose name matches this regular expression")

// minPythonRE finds a pair's "# requires: python3.14" line: the Python
// script needs a newer Python than the one installed, and the Lua output
// is compared with the recorded NAME.expected instead.
var minPythonRE = regexp.MustCompile(`(?m)^# requires: python(\d+)\.(\d+)`)

// TestConformance runs every pair of testdata/conformance (NAME.py, a
// Python imaplib script, and NAME.lua, its Lua translation) against the
// same Dovecot on the same fresh mail and requires byte-identical output.
func TestConformance(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "conformance"))
	if err != nil {
		t.Fatal(err)
	}
	pys, err := filepath.Glob(filepath.Join(dir, "*.py"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pys {
		name := strings.TrimSuffix(filepath.Base(p), ".py")
		if name == "canon" {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) < 40 {
		t.Errorf("only %d conformance pairs; the suite promises at least 40", len(names))
	}
	var filter *regexp.Regexp
	if *pairFilter != "" {
		filter = regexp.MustCompile(*pairFilter)
	}
	pyMajor, pyMinor := pythonVersion(t)
	env := pairtest.Start(t, func(srv *dovecottest.Server) { pairtest.SeedStandard(t, srv) })
	for _, name := range names {
		if filter != nil && !filter.MatchString(name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			py := filepath.Join(dir, name+".py")
			lua := filepath.Join(dir, name+".lua")
			if _, err := os.Stat(lua); err != nil {
				t.Fatalf("%s.py has no Lua translation: %v", name, err)
			}
			src, err := os.ReadFile(py)
			if err != nil {
				t.Fatal(err)
			}
			var want string
			if m := minPythonRE.FindSubmatch(src); m != nil && !atLeast(pyMajor, pyMinor, m[1], m[2]) {
				b, err := os.ReadFile(filepath.Join(dir, name+".expected"))
				if err != nil {
					t.Fatalf("%s needs python%s.%s and has no recorded output: %v", name, m[1], m[2], err)
				}
				want = string(b)
				t.Logf("python%d.%d is older than the pair needs: comparing with %s.expected", pyMajor, pyMinor, name)
			} else {
				env.Reset(t)
				out, err := env.RunPython(t, py)
				if err != nil {
					t.Fatalf("%v\noutput so far:\n%s", err, out)
				}
				want = pairtest.Normalize(out)
			}
			env.Reset(t)
			out, err := env.RunLua(t, lua)
			if err != nil {
				t.Fatalf("%v\noutput so far:\n%s", err, out)
			}
			got := pairtest.Normalize(out)
			if testing.Verbose() {
				t.Logf("output:\n%s", got)
			}
			if got != want {
				t.Errorf("outputs differ\n%s", diff(want, got))
			}
			if strings.TrimSpace(want) == "" {
				t.Errorf("the pair printed nothing")
			}
		})
	}
}

func atLeast(major, minor int, wantMajor, wantMinor []byte) bool {
	a, _ := strconv.Atoi(string(wantMajor))
	b, _ := strconv.Atoi(string(wantMinor))
	return major > a || major == a && minor >= b
}

func pythonVersion(t *testing.T) (int, int) {
	t.Helper()
	out, err := exec.Command(pairtest.Python(t), "-c", "import sys; print(sys.version_info[0], sys.version_info[1])").Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		t.Fatalf("python3 version: %q", out)
	}
	a, _ := strconv.Atoi(f[0])
	b, _ := strconv.Atoi(f[1])
	return a, b
}

// diff shows the lines of two outputs side by side from the first
// difference on.
func diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	b.WriteString("first difference at line " + strconv.Itoa(i+1) + "\n")
	for j := i; j < i+8 && (j < len(w) || j < len(g)); j++ {
		var wl, gl string
		if j < len(w) {
			wl = w[j]
		}
		if j < len(g) {
			gl = g[j]
		}
		b.WriteString("  python: " + wl + "\n  lua:    " + gl + "\n")
	}
	return b.String()
}
