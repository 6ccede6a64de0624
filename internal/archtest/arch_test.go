package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mailscript/mailscript"

// goFile is one parsed Go file of the module.
type goFile struct {
	path string // relative to the module root, slash-separated
	pkg  string // import path of its package
	test bool   // a _test.go file
	file *ast.File
	fset *token.FileSet
}

// moduleFiles parses every Go file of the module (outside testdata and
// hidden folders).
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	fset := token.NewFileSet()
	var files []goFile
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		pkg := module
		if dir := filepath.ToSlash(filepath.Dir(rel)); dir != "." {
			pkg += "/" + dir
		}
		files = append(files, goFile{path: rel, pkg: pkg, test: strings.HasSuffix(name, "_test.go"), file: f, fset: fset})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("found only %d Go files: not the module root?", len(files))
	}
	return files
}

// under reports whether pkg is p or below it.
func under(pkg, p string) bool { return pkg == p || strings.HasPrefix(pkg, p+"/") }

// isTestKit reports whether pkg is a test kit: under internal/testkit, or
// a package named ...test next to what it helps test (memservertest).
func isTestKit(pkg string) bool {
	return under(pkg, module+"/internal/testkit") || strings.HasSuffix(pkg, "test") || under(pkg, module+"/internal/archtest")
}

// rule is a forbidden arrow: a package matching from (product code only,
// unless tests is set) must not import a package matching to.
type rule struct {
	why   string
	from  func(pkg string) bool
	to    func(imp string) bool
	tests bool // the rule holds for _test.go files too
}

var luaPackages = []string{"github.com/yuin/gopher-lua", "layeh.com/gopher-luar"}

func anyUnder(prefixes ...string) func(string) bool {
	return func(s string) bool {
		for _, p := range prefixes {
			if under(s, p) {
				return true
			}
		}
		return false
	}
}

var rules = []rule{
	{why: "product code imports a test kit",
		from: func(pkg string) bool { return !isTestKit(pkg) }, to: isTestKit},
	{why: "imaplib is plain Go: it imports nothing Lua and none of the Lua layers", tests: true,
		from: anyUnder(module + "/imaplib"),
		to:   anyUnder(append([]string{module + "/stdlib", module + "/engine", module + "/host", module + "/cmd"}, luaPackages...)...)},
	{why: "the stdlib modules run under any host, not only the engine",
		from: anyUnder(module + "/stdlib"), to: anyUnder(module+"/engine", module+"/cmd")},
	{why: "host is below the modules and the engine",
		from: anyUnder(module + "/host"), to: anyUnder(module+"/stdlib", module+"/engine", module+"/cmd"), tests: true},
	{why: "the engine is a library: it does not import the CLI",
		from: anyUnder(module + "/engine"), to: anyUnder(module + "/cmd"), tests: true},
	{why: "stdlib/internal/luabind is the bottom of the modules",
		from: anyUnder(module + "/stdlib/internal/luabind"), to: anyUnder(module+"/stdlib/", module+"/engine", module+"/imaplib"), tests: true},
}

// TestImportArrows fails when a package imports across a forbidden arrow
// of ARCHITECTURE.md.
func TestImportArrows(t *testing.T) {
	var bad []string
	for _, f := range moduleFiles(t) {
		for _, is := range f.file.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			for _, r := range rules {
				if f.test && !r.tests {
					continue
				}
				if r.from(f.pkg) && r.to(imp) && !(imp == f.pkg) && !under(imp, f.pkg+"/internal") {
					bad = append(bad, f.path+" imports "+imp+": "+r.why)
				}
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestRulesCatchViolations checks the rules on made-up arrows, so that a
// rule that can never fire is noticed.
func TestRulesCatchViolations(t *testing.T) {
	cases := []struct {
		from, to string
		test     bool
		want     bool
	}{
		{module + "/stdlib/mail", module + "/internal/testkit/dovecottest", false, true},
		{module + "/stdlib/mail", module + "/internal/testkit/dovecottest", true, false},
		{module + "/cmd/mailscript", module + "/internal/memserver/memservertest", false, true},
		{module + "/imaplib", "github.com/yuin/gopher-lua", false, true},
		{module + "/imaplib/internal/wire", module + "/stdlib/luaimaplib", true, true},
		{module + "/stdlib/mail", module + "/engine", false, true},
		{module + "/stdlib/mail", module + "/engine", true, false},
		{module + "/host", module + "/stdlib/mail", false, true},
		{module + "/engine", module + "/host", false, false},
		{module + "/stdlib/mail", module + "/imaplib", false, false},
		{module + "/internal/demo", module + "/internal/memserver", false, false},
	}
	for _, c := range cases {
		got := false
		for _, r := range rules {
			if (!c.test || r.tests) && r.from(c.from) && r.to(c.to) {
				got = true
			}
		}
		if got != c.want {
			t.Errorf("%s -> %s (test file %v): forbidden = %v, want %v", c.from, c.to, c.test, got, c.want)
		}
	}
}
