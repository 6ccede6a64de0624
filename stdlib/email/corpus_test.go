package email_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailscript/mailscript/internal/mailgen/emailcorpus"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus from internal/mailgen/emailcorpus")

// TestCorpusIsGenerated proves the committed corpus is exactly what the
// generator writes, so the generator can be changed and the corpus rebuilt
// without hand edits drifting from it.
func TestCorpusIsGenerated(t *testing.T) {
	if *updateCorpus {
		if _, err := emailcorpus.Write("testdata/corpus"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	n, err := emailcorpus.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	want, _ := filepath.Glob("testdata/corpus/*.eml")
	if len(got) != n || len(want) != n {
		t.Fatalf("generator wrote %d messages (%d files), testdata/corpus has %d", n, len(got), len(want))
	}
	names := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			out[i] = filepath.Base(p)
		}
		return out
	}
	if !slices.Equal(names(got), names(want)) {
		t.Fatalf("file names differ: generated %v..., committed %v...", names(got)[:3], names(want)[:3])
	}
	for i := range got {
		a, err := os.ReadFile(got[i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(want[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the generator's output (run with -update-corpus after changing the generator)", want[i])
		}
	}
}
