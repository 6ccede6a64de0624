package main

import (
	"os"
	"strings"
	"testing"
)

// TestDocGoShowsEveryCommand keeps the package documentation (what `go doc`
// and pkg.go.dev show) in step with `mailscript help`: every command and
// flag line of the help appears in doc.go as help prints it.
func TestDocGoShowsEveryCommand(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		doc[strings.TrimSpace(strings.TrimPrefix(l, "//"))] = true
	}
	checked := 0
	for _, l := range strings.Split(usage, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "mailscript ") && !strings.HasPrefix(l, "-") {
			continue
		}
		checked++
		if !doc[l] {
			t.Errorf("doc.go lacks the help line %q", l)
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d lines of the help: has its layout changed?", checked)
	}
}
