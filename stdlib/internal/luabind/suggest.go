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

// distance is the Levenshtein distance of a and b (in bytes).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
