package refilter

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// maxLiterals bounds the literals of a Filter: past it, the searches cost
// more than they save.
const maxLiterals = 16

// A Filter tells texts that may match a regular expression from texts that
// cannot. The zero Filter, and a nil one, let every text through.
type Filter struct {
	lits []literal
}

// literal is a string every match of some branch contains; fold means
// ASCII letters of it match either case ((?i)), s holds them lower-cased.
type literal struct {
	s    string
	fold bool
}

// New returns the Filter of re, nil when no literal is required of every
// match (then MayMatch would let every text through anyway).
func New(re *regexp.Regexp) *Filter {
	// regexp.Compile parses with syntax.Perl; a POSIX expression parses
	// the same way or fails here (and then gets no filter).
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	lits, ok := required(tree.Simplify())
	if !ok || len(lits) == 0 {
		return nil
	}
	return &Filter{lits: lits}
}

// MayMatch reports whether the expression may match s: false only when s
// contains none of the required literals.
func (f *Filter) MayMatch(s string) bool {
	if f == nil {
		return true
	}
	ascii := -1 // unknown yet
	for _, l := range f.lits {
		if !l.fold {
			if strings.Contains(s, l.s) {
				return true
			}
			continue
		}
		if ascii < 0 {
			ascii = 0
			if isASCII(s) {
				ascii = 1
			}
		}
		// Unicode folding pairs ASCII letters with other letters too
		// (k with U+212A KELVIN SIGN, s with U+017F): only an ASCII text
		// can be refused by an ASCII comparison.
		if ascii == 0 || containsFoldASCII(s, l.s) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of r contains, and
// whether it found such a set.
func required(r *syntax.Regexp) ([]literal, bool) {
	switch r.Op {
	case syntax.OpLiteral:
		return literalOf(r)
	case syntax.OpCapture, syntax.OpPlus:
		return required(r.Sub[0])
	case syntax.OpRepeat:
		if r.Min >= 1 {
			return required(r.Sub[0])
		}
	case syntax.OpConcat:
		var best []literal
		for _, sub := range r.Sub {
			if lits, ok := required(sub); ok && (best == nil || shortest(lits) > shortest(best)) {
				best = lits
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []literal
		for _, sub := range r.Sub {
			lits, ok := required(sub)
			if !ok || len(all)+len(lits) > maxLiterals {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, true
	}
	return nil, false
}

// literalOf is the literal of an OpLiteral node, if the filter can search
// for it exactly.
func literalOf(r *syntax.Regexp) ([]literal, bool) {
	s := string(r.Rune)
	// An empty literal is in every text; U+FFFD also matches each byte of
	// invalid UTF-8, which a substring search would not find.
	if s == "" || strings.ContainsRune(s, utf8.RuneError) {
		return nil, false
	}
	if r.Flags&syntax.FoldCase == 0 {
		return []literal{{s: s}}, true
	}
	if !isASCII(s) {
		return nil, false
	}
	return []literal{{s: strings.ToLower(s), fold: true}}, true
}

func shortest(lits []literal) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l.s) < n {
			n = len(l.s)
		}
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether ASCII text s contains lower, a
// lower-case ASCII string, with ASCII letters of s in either case.
func containsFoldASCII(s, lower string) bool {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		if toLower(s[i]) != lower[0] {
			continue
		}
		j := 1
		for j < n && toLower(s[i+j]) == lower[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
