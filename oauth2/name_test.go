package oauth2

import (
	"regexp"
	"testing"
)

// FuzzValidName: validName accepts what the expression it replaces does.
func FuzzValidName(f *testing.F) {
	re := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$`)
	for _, s := range []string{"work", "me@gmail.com", ".x", "a\n", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := validName(name), re.MatchString(name); got != want {
			t.Fatalf("validName(%q) = %v, the expression says %v", name, got, want)
		}
	})
}
