package archtest

import (
	"path"
	"sort"
	"strings"
	"testing"
)

// TestPackageDocInDocGo fails when a package with non-test Go files has no
// doc.go, when its doc.go carries no package comment, or when another of
// its files carries one too: a reader opens doc.go to learn what a
// package is for, and godoc shows only one comment.
func TestPackageDocInDocGo(t *testing.T) {
	docs := map[string][]string{} // package -> its non-test files with a package comment
	hasDocGo := map[string]bool{}
	pkgs := map[string]bool{}
	for _, f := range moduleFiles(t) {
		if f.test {
			continue
		}
		pkgs[f.pkg] = true
		if path.Base(f.path) == "doc.go" {
			hasDocGo[f.pkg] = true
		}
		if f.file.Doc != nil && strings.TrimSpace(f.file.Doc.Text()) != "" {
			docs[f.pkg] = append(docs[f.pkg], path.Base(f.path))
		}
	}
	var names []string
	for p := range pkgs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		switch {
		case !hasDocGo[p]:
			t.Errorf("%s has no doc.go", p)
		case len(docs[p]) != 1 || docs[p][0] != "doc.go":
			t.Errorf("%s: the package comment should be in doc.go alone; files with one: %v", p, docs[p])
		}
	}
	if len(names) < 30 {
		t.Fatalf("found only %d packages: is the module where the test looks?", len(names))
	}
}
