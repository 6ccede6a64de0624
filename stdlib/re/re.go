package re

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Python's flag values.
const (
	IGNORECASE = 2
	MULTILINE  = 8
	DOTALL     = 16
	UNICODE    = 32
	ASCII      = 256
)

// ErrSyntax is wrapped by every error about a pattern RE2 cannot compile.
var ErrSyntax = errors.New("re: unsupported or invalid pattern")

// Pattern is a compiled pattern with the Python source and flags.
type Pattern struct {
	Source string
	Flags  int
	RE     *regexp.Regexp

	anchorOnce   sync.Once
	start, whole *regexp.Regexp // RE anchored at the start, and at both ends
}

// anchoredRE returns RE anchored at the start (and the end when full).
func (p *Pattern) anchoredRE(full bool) *regexp.Regexp {
	p.anchorOnce.Do(func() {
		p.start = regexp.MustCompile(`\A(?:` + p.RE.String() + `)`)
		p.whole = regexp.MustCompile(`\A(?:` + p.RE.String() + `)\z`)
	})
	if full {
		return p.whole
	}
	return p.start
}

const maxCache = 512

var cache = struct {
	sync.Mutex
	m map[cacheKey]*Pattern
}{m: map[cacheKey]*Pattern{}}

type cacheKey struct {
	pattern string
	flags   int
}

// Purge empties the compiled-pattern cache.
func Purge() {
	cache.Lock()
	cache.m = map[cacheKey]*Pattern{}
	cache.Unlock()
}

// Compile translates a Python pattern to RE2 and compiles it, through a
// cache shared by all states.
func Compile(pattern string, flags int) (*Pattern, error) {
	k := cacheKey{pattern, flags}
	cache.Lock()
	p := cache.m[k]
	cache.Unlock()
	if p != nil {
		return p, nil
	}
	src, err := translate(pattern)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if flags&IGNORECASE != 0 {
		prefix += "i"
	}
	if flags&MULTILINE != 0 {
		prefix += "m"
	}
	if flags&DOTALL != 0 {
		prefix += "s"
	}
	if prefix != "" {
		src = "(?" + prefix + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		return nil, fmt.Errorf("re: bad pattern %q: %s: %w", pattern, msg, ErrSyntax)
	}
	p = &Pattern{Source: pattern, Flags: flags, RE: re}
	cache.Lock()
	if len(cache.m) >= maxCache {
		cache.m = map[cacheKey]*Pattern{}
	}
	cache.m[k] = p
	cache.Unlock()
	return p, nil
}

// translate rewrites the Python syntax RE2 spells differently (\Z, {,n})
// and refuses what RE2 lacks, naming it.
func translate(p string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			d := p[i+1]
			if !inClass && d >= '1' && d <= '9' {
				return "", fmt.Errorf("re: bad pattern %q: backreferences (\\%c) are not supported: patterns run on RE2", p, d)
			}
			if !inClass && d == 'Z' {
				b.WriteString(`\z`)
				i++
				continue
			}
			b.WriteByte(c)
			b.WriteByte(d)
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ] right after [ or [^ is a literal.
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == '(' && strings.HasPrefix(p[i:], "(?P="):
			return "", fmt.Errorf("re: bad pattern %q: backreferences ((?P=name)) are not supported: patterns run on RE2", p)
		case c == '(' && (strings.HasPrefix(p[i:], "(?=") || strings.HasPrefix(p[i:], "(?!") ||
			strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!")):
			end := 3
			if p[i+2] == '<' {
				end = 4
			}
			return "", fmt.Errorf("re: bad pattern %q: lookaround %s...) is not supported: patterns run on RE2", p, p[i:i+end])
		case c == '{' && strings.HasPrefix(p[i:], "{,"):
			j := i + 2
			for j < len(p) && p[j] >= '0' && p[j] <= '9' {
				j++
			}
			if j < len(p) && p[j] == '}' && j > i+2 {
				b.WriteString("{0," + p[i+2:j+1])
				i = j
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// Expand builds a replacement from a Python template (\1, \g<1>,
// \g<name>, \n, \\ ...) and the submatch indexes m of s.
func (p *Pattern) Expand(template, s string, m []int) (string, error) {
	var b strings.Builder
	group := func(n int) {
		if 2*n+1 < len(m) && m[2*n] >= 0 {
			b.WriteString(s[m[2*n]:m[2*n+1]])
		}
	}
	ngroups := p.RE.NumSubexp()
	for i := 0; i < len(template); i++ {
		c := template[i]
		if c != '\\' || i+1 >= len(template) {
			b.WriteByte(c)
			continue
		}
		i++
		d := template[i]
		switch {
		case d >= '0' && d <= '9':
			j := i
			for j < len(template) && j < i+2 && template[j] >= '0' && template[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(template[i:j])
			if d == '0' || n > ngroups {
				if d == '0' {
					// \0 is an octal escape in Python.
					b.WriteByte(0)
					i = j - 1
					continue
				}
				return "", fmt.Errorf("re: invalid group reference %d in replacement", n)
			}
			group(n)
			i = j - 1
		case d == 'g':
			if i+1 >= len(template) || template[i+1] != '<' {
				return "", fmt.Errorf("re: missing < after \\g in replacement")
			}
			end := strings.IndexByte(template[i+2:], '>')
			if end < 0 {
				return "", fmt.Errorf("re: missing > after \\g< in replacement")
			}
			name := template[i+2 : i+2+end]
			n, err := strconv.Atoi(name)
			if err != nil {
				n = p.RE.SubexpIndex(name)
				if n < 0 {
					return "", fmt.Errorf("re: unknown group name %q in replacement", name)
				}
			} else if n < 0 || n > ngroups {
				return "", fmt.Errorf("re: invalid group reference %d in replacement", n)
			}
			group(n)
			i += 2 + end
		case d == 'n':
			b.WriteByte('\n')
		case d == 't':
			b.WriteByte('\t')
		case d == 'r':
			b.WriteByte('\r')
		case d == 'f':
			b.WriteByte('\f')
		case d == 'v':
			b.WriteByte('\v')
		case d == 'a':
			b.WriteByte('\a')
		case d == '\\':
			b.WriteByte('\\')
		case d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z':
			return "", fmt.Errorf("re: bad escape \\%c in replacement", d)
		default:
			b.WriteByte('\\')
			b.WriteByte(d)
		}
	}
	return b.String(), nil
}
