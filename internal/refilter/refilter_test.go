package refilter_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/refilter"
)

func TestMayMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		filter  bool            // whether New finds literals
		texts   map[string]bool // text -> MayMatch
	}{
		{`[Rr]un failed|[Ii]nvitation|[Rr]eview`, true, map[string]bool{
			"CI: Run failed on main": true, "Invitation: lunch": true, "Please review": true,
			"Weekly newsletter": false, "run fail": false, "": false,
		}},
		{`^invoice \d+`, true, map[string]bool{"invoice 12": true, "your invoice 12": true, "Invoice 12": false}},
		{`(?i)invoice`, true, map[string]bool{"INVOICE": true, "InVoIcE #3": true, "bill": false, "über invoice": true}},
		// K and S fold to non-ASCII letters too: a non-ASCII text passes.
		{`(?i)ks`, true, map[string]bool{"KS": true, "\u212As": true, "x": false, "é": true}},
		{`(foo|bar)+baz`, true, map[string]bool{"barbaz": true, "bazaar": false, "quux": false}},
		{`a{2,}`, true, map[string]bool{"aa": true, "a": true, "b": false}},
		{`colou?r`, true, map[string]bool{"color": true, "colour": true, "colr": false, "cool": false}},
		// No literal is required of every match: everything passes.
		{`.*`, false, map[string]bool{"": true, "x": true}},
		{`\d+`, false, map[string]bool{"x": true}},
		{`foo|\w`, false, map[string]bool{"x": true}},
		{`x?`, false, map[string]bool{"": true}},
		{`(?i)ünïcode`, false, map[string]bool{"x": true}},
		{"\ufffd", false, map[string]bool{"\xff": true}},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			re := regexp.MustCompile(tc.pattern)
			f := refilter.New(re)
			if (f != nil) != tc.filter {
				t.Errorf("New(%q) = %v, want a filter: %v", tc.pattern, f, tc.filter)
			}
			for text, want := range tc.texts {
				if got := f.MayMatch(text); got != want {
					t.Errorf("MayMatch(%q) = %v, want %v", text, got, want)
				}
				if re.MatchString(text) && !f.MayMatch(text) {
					t.Errorf("%q matches %q but was refused", tc.pattern, text)
				}
			}
		})
	}
}

// FuzzNeverRefusesAMatch: whatever the pattern and the text, a text the
// expression matches is never refused.
func FuzzNeverRefusesAMatch(f *testing.F) {
	for _, s := range [][2]string{
		{`[Rr]un failed|[Ii]nvitation|[Rr]eview`, "Run failed"},
		{`(?i)k`, "\u212a"}, {`(?i)s+x`, "\u017fX"}, {"\ufffd", "\xff"}, {`(a|b)c{2,3}`, "bcc"},
		{`(?i)straße`, "STRASSE"}, {`x*|y`, ""}, {`(?s).\x00`, "a\x00"}, {`[^a]b`, "\xffb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		if re.MatchString(text) && !refilter.New(re).MayMatch(text) {
			t.Fatalf("%q matches %q but the filter refused it", pattern, text)
		}
		if posix, err := regexp.CompilePOSIX(pattern); err == nil && posix.MatchString(text) && !refilter.New(posix).MayMatch(text) {
			t.Fatalf("POSIX %q matches %q but the filter refused it", pattern, text)
		}
	})
}

// BenchmarkSubjects matches a rule's pattern against subjects of which one
// in ten matches, with the regular expression alone (the baseline) and
// behind the filter, in turns, and reports the filtered time as a ratio
// of the baseline's.
func BenchmarkSubjects(b *testing.B) {
	re := regexp.MustCompile(`[Rr]un failed|[Ii]nvitation|[Rr]eview`)
	f := refilter.New(re)
	var subjects []string
	for i := range 1000 {
		s := fmt.Sprintf("Weekly digest #%d: what happened in the project this week", i)
		if i%10 == 0 {
			s = fmt.Sprintf("Please review change %d before Friday", i)
		}
		subjects = append(subjects, s)
	}
	var base, filtered time.Duration
	for range b.N {
		start := time.Now()
		n := 0
		for _, s := range subjects {
			if re.MatchString(s) {
				n++
			}
		}
		base += time.Since(start)
		start = time.Now()
		m := 0
		for _, s := range subjects {
			if f.MayMatch(s) && re.MatchString(s) {
				m++
			}
		}
		filtered += time.Since(start)
		if n != m || n != 100 {
			b.Fatalf("%d matches alone, %d behind the filter, want 100", n, m)
		}
	}
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N*len(subjects)), "regexp-ns/subject")
	b.ReportMetric(float64(filtered.Nanoseconds())/float64(b.N*len(subjects)), "filtered-ns/subject")
	b.ReportMetric(float64(filtered)/float64(base), "filtered-ratio")
}

func ExampleFilter_MayMatch() {
	f := refilter.New(regexp.MustCompile(`[Rr]un failed|[Ii]nvitation|[Rr]eview`))
	for _, s := range []string{"CI: run failed", "Weekly digest"} {
		fmt.Println(s, f.MayMatch(s))
	}
	// Output:
	// CI: run failed true
	// Weekly digest false
}
