package luabind

import "strings"

// Suggest returns the name of names closest to key when it is close enough
// to be a likely typo (an edit distance of at most a third of its length,
// and at least 1), or "".
func Suggest(key string, names []string) string {
	limit := max(1, len(key)/3)
	best, bestD := "", limit+1
	lk := strings.ToLower(key)
	for _, n := range names {
		if n == key {
			continue
		}
		if d := distance(lk, strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the optimal string alignment distance of a and b (in
// bytes): insertions, deletions, substitutions and transpositions of two
// neighbours each count 1.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
