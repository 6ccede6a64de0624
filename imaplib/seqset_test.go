package imaplib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSeqSet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1", "1"},
		{"1:5,7,9:12", "1:5,7,9:12"},
		{"3:*", "3:*"},
		{"*", "*"},
		{"*:3", "3:*"},
		{"*:*", "*"},
		{"5:3", "3:5"},
		{"7,1,3", "1,3,7"},
		{"1,2,3,5", "1:3,5"},
		{"1:3,4:6", "1:6"},
		{"1:5,2:3", "1:5"},
		{"10:20,15:30,1,31", "1,10:31"},
		{"4294967294", "4294967294"},
		{"4294967295", "*"}, // the same number as Star
		{"4294967294,*", "4294967294:*"},
		{"1:4294967294,*", "1:*"},
		{"5,*,6:10", "5:10,*"},
		{"1:1", "1"},
	}
	for _, tt := range tests {
		s, err := ParseSeqSet(tt.in)
		if err != nil || s.String() != tt.want {
			t.Errorf("ParseSeqSet(%q) = %q, %v; want %q", tt.in, s, err, tt.want)
		}
	}
}

func TestParseSeqSetErrors(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "empty"},
		{",", "missing"},
		{"1,", "missing"},
		{",1", "missing"},
		{"1,,2", "missing"},
		{"1:", "missing"},
		{":1", "missing"},
		{"0", "0 is not"},
		{"0:5", "0 is not"},
		{"5:0", "0 is not"},
		{"01", "leading zero"},
		{"1:007", "leading zero"},
		{"4294967296", "larger than 4294967295"},
		{"99999999999999999999999", "larger than"},
		{"1 ", "not a number"},
		{" 1", "not a number"},
		{"1:2:3", "not a number"},
		{"a", "not a number"},
		{"-1", "not a number"},
		{"+1", "not a number"},
		{"**", "not a number"},
		{"1.5", "not a number"},
		{"$", "not a number"}, // SEARCHRES's saved result is not a set
		{"１", "not a number"},
	}
	for _, tt := range tests {
		s, err := ParseSeqSet(tt.in)
		if err == nil {
			t.Errorf("ParseSeqSet(%q) = %q, want an error", tt.in, s)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "imaplib: invalid sequence set ") || !strings.Contains(msg, tt.why) {
			t.Errorf("ParseSeqSet(%q) error %q, want one about %q", tt.in, msg, tt.why)
		}
	}
}

func mustParse(t testing.TB, s string) SeqSet {
	t.Helper()
	set, err := ParseSeqSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestSeqSetAdd(t *testing.T) {
	var s SeqSet
	if !s.IsEmpty() || s.String() != "" || s.Len() != 0 {
		t.Fatalf("zero SeqSet = %q, len %d, want empty", s, s.Len())
	}
	s.Add(5, 3, 4, 0, 10)
	if got := s.String(); got != "3:5,10" {
		t.Errorf("after Add: %q", got)
	}
	s.AddRange(12, 11)
	s.AddRange(6, 8)
	if got := s.String(); got != "3:8,10:12" {
		t.Errorf("after AddRange: %q", got)
	}
	s.AddRange(0, 2)
	s.AddRange(0, 0)
	s.Add()
	s.Add(0)
	if got := s.String(); got != "1:8,10:12" {
		t.Errorf("after AddRange(0, 2): %q", got)
	}
	s.AddRange(20, Star)
	if got := s.String(); got != "1:8,10:12,20:*" {
		t.Errorf("after AddRange(20, Star): %q", got)
	}
	s.Add(9)
	s.AddRange(19, 13)
	if got := s.String(); got != "1:*" {
		t.Errorf("after filling the gaps: %q", got)
	}
	if got := SeqSetOf(Star, 1, Star-1, 2).String(); got != "1:2,4294967294:*" {
		t.Errorf("SeqSetOf = %q", got)
	}
}

// TestSeqSetCopies checks that changing a copy leaves the original alone.
func TestSeqSetCopies(t *testing.T) {
	a := SeqSetOf(1, 3, 5, 7, 9)
	b := a
	b.Add(2)
	b.AddRange(6, 6)
	c := a.Union(SeqSet{})
	c.Add(4)
	if a.String() != "1,3,5,7,9" || b.String() != "1:3,5:7,9" || c.String() != "1,3:5,7,9" {
		t.Errorf("a = %q, b = %q, c = %q", a, b, c)
	}
}

func TestSeqSetContainsLen(t *testing.T) {
	s := mustParse(t, "2:4,10,4294967290:4294967294")
	for n, want := range map[uint32]bool{0: false, 1: false, 2: true, 3: true, 4: true, 5: false, 9: false, 10: true, 11: false, 4294967289: false, 4294967290: true, 4294967294: true, Star: false} {
		if got := s.Contains(n); got != want {
			t.Errorf("Contains(%d) = %v", n, got)
		}
	}
	if got := s.Len(); got != 9 {
		t.Errorf("Len() = %d, want 9", got)
	}
	star := mustParse(t, "3:*")
	if !star.Contains(Star) || !star.Contains(3) || !star.Contains(1<<31) || star.Contains(2) {
		t.Errorf("Contains on 3:* is wrong")
	}
	if got := star.Len(); got != -1 {
		t.Errorf("Len of 3:* = %d, want -1", got)
	}
	if got := mustParse(t, "1:4294967294").Len(); got != min(4294967294, math.MaxInt) {
		t.Errorf("Len of 1:4294967294 = %d", got)
	}
}

func TestSeqSetNums(t *testing.T) {
	got, err := mustParse(t, "1:3,7,4294967293:4294967294").Nums()
	if want := []uint32{1, 2, 3, 7, 4294967293, 4294967294}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Nums() = %v, %v; want %v", got, err, want)
	}
	if got, err := (SeqSet{}).Nums(); err != nil || len(got) != 0 {
		t.Errorf("Nums() of the empty set = %v, %v", got, err)
	}
	if _, err := mustParse(t, "1,5:*").Nums(); err == nil || !strings.Contains(err.Error(), "holds *") {
		t.Errorf("Nums() of 1,5:* error = %v", err)
	}
	if got, err := mustParse(t, "1:16777216").Nums(); err != nil || len(got) != 1<<24 || got[len(got)-1] != 1<<24 {
		t.Errorf("Nums() of 1:16777216 gave %d numbers, %v", len(got), err)
	}
	if _, err := mustParse(t, "1:16777216,20000000").Nums(); err == nil || !strings.Contains(err.Error(), "more than the 16777216") {
		t.Errorf("Nums() of too many numbers: error %v", err)
	}
}

func TestSeqSetAlgebra(t *testing.T) {
	tests := []struct{ a, b, union, intersect, diff string }{
		{"1:10", "5:15", "1:15", "5:10", "1:4"},
		{"1:10", "3,5,7", "1:10", "3,5,7", "1:2,4,6,8:10"},
		{"1:3,7:9", "4:6", "1:9", "", "1:3,7:9"},
		{"1:3,7:9", "2:8", "1:9", "2:3,7:8", "1,9"},
		{"2:3,5:6,8:9", "1:10", "1:10", "2:3,5:6,8:9", ""},
		{"1:10", "1:10", "1:10", "1:10", ""},
		{"3:*", "1:5", "1:*", "3:5", "6:*"},
		{"3:*", "*", "3:*", "*", "3:4294967294"},
		{"1,4294967294", "*", "1,4294967294:*", "", "1,4294967294"},
		{"1:100", "1:10,20:30,40:50,90:200", "1:200", "1:10,20:30,40:50,90:100", "11:19,31:39,51:89"},
		{"1:5,10:15,20:25", "3:12,14:22", "1:25", "3:5,10:12,14:15,20:22", "1:2,13,23:25"},
	}
	for _, tt := range tests {
		a, b := mustParse(t, tt.a), mustParse(t, tt.b)
		if got := a.Union(b).String(); got != tt.union {
			t.Errorf("%s ∪ %s = %q, want %q", tt.a, tt.b, got, tt.union)
		}
		if got := b.Union(a).String(); got != tt.union {
			t.Errorf("%s ∪ %s = %q, want %q", tt.b, tt.a, got, tt.union)
		}
		if got := a.Intersect(b).String(); got != tt.intersect {
			t.Errorf("%s ∩ %s = %q, want %q", tt.a, tt.b, got, tt.intersect)
		}
		if got := b.Intersect(a).String(); got != tt.intersect {
			t.Errorf("%s ∩ %s = %q, want %q", tt.b, tt.a, got, tt.intersect)
		}
		if got := a.Difference(b).String(); got != tt.diff {
			t.Errorf("%s − %s = %q, want %q", tt.a, tt.b, got, tt.diff)
		}
	}
}

func TestSeqSetSplit(t *testing.T) {
	tests := []struct {
		set    string
		maxLen int
		want   []string
	}{
		{"1:5,7,9:12", 100, []string{"1:5,7,9:12"}},
		{"1:5,7,9:12", 10, []string{"1:5,7,9:12"}},
		{"1:5,7,9:12", 9, []string{"1:5,7", "9:12"}},
		{"1:5,7,9:12", 3, []string{"1:5", "7", "9", "10:12"}},
		{"1,3,5,7,9,11", 5, []string{"1,3,5", "7,9", "11"}},
		{"1:100000", 6, []string{"1:9999", "10000:100000"}},
		{"1:100000", 7, []string{"1:99999", "100000"}},
		{"1:100000", 5, []string{"1:999", "1000:100000"}}, // rest too long, cannot be cut
		{"500:100000", 9, []string{"500:99999", "100000"}},
		{"500:100000", 7, []string{"500:999", "1000:100000"}},
		{"12345:12399", 5, []string{"12345:12399"}}, // too long, cannot be cut
		{"1,3:*", 2, []string{"1", "3:*"}},          // * ranges are never cut
		{"4294967293:4294967294,*", 21, []string{"4294967293:*"}},
		{"", 10, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range SplitOrEmpty(t, tt.set).Split(tt.maxLen) {
			got = append(got, p.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q, %d) = %q, want %q", tt.set, tt.maxLen, got, tt.want)
		}
	}
}

// SplitOrEmpty parses s, the empty string giving the empty set.
func SplitOrEmpty(t *testing.T, s string) SeqSet {
	t.Helper()
	if s == "" {
		return SeqSet{}
	}
	return mustParse(t, s)
}

// checkInvariants fails unless s's ranges are sorted, disjoint, apart and
// within 1..Star.
func checkInvariants(t testing.TB, s SeqSet) {
	t.Helper()
	for i, r := range s.ranges {
		if r.lo == 0 || r.lo > r.hi {
			t.Fatalf("%q: bad range %v", s, r)
		}
		if i > 0 && s.ranges[i-1].hi+1 >= r.lo {
			t.Fatalf("%q: ranges %v and %v overlap or touch", s, s.ranges[i-1], r)
		}
	}
}

// checkSplit fails unless pieces is a valid Split of s at maxLen.
func checkSplit(t testing.TB, s SeqSet, maxLen int, pieces []SeqSet) {
	t.Helper()
	var joined SeqSet
	for i, p := range pieces {
		checkInvariants(t, p)
		if p.IsEmpty() {
			t.Fatalf("Split(%q, %d): piece %d is empty", s, maxLen, i)
		}
		if i > 0 && pieces[i-1].ranges[len(pieces[i-1].ranges)-1].hi >= p.ranges[0].lo {
			t.Fatalf("Split(%q, %d): pieces %d and %d are not in order", s, maxLen, i-1, i)
		}
		if l := len(p.String()); l > maxLen {
			// Allowed only for one range that cannot be written shorter.
			r := p.ranges[0]
			uncuttable := r.lo == r.hi || r.hi == Star || 2*numberLen(r.lo)+1 > maxLen
			if len(p.ranges) != 1 || !uncuttable || maxLen >= 21 {
				t.Fatalf("Split(%q, %d): piece %q is %d bytes long", s, maxLen, p, l)
			}
		}
		joined = joined.Union(p)
	}
	if !reflect.DeepEqual(joined.ranges, s.ranges) {
		t.Fatalf("Split(%q, %d) pieces hold %q", s, maxLen, joined)
	}
}

// refSet is the reference model: a plain set of numbers.
type refSet map[uint32]bool

// universe is where the random sets live: small numbers, and the numbers
// just below Star (so that overflow at the top is exercised).
var universe = func() []uint32 {
	var u []uint32
	for n := uint32(1); n <= 40; n++ {
		u = append(u, n)
	}
	for n := Star - 20; n != 0; n++ {
		u = append(u, n)
	}
	return u
}()

// randomSet builds a set and its reference with random Add and AddRange
// calls.
func randomSet(rng *rand.Rand) (SeqSet, refSet) {
	var s SeqSet
	ref := refSet{}
	pick := func() uint32 { return universe[rng.IntN(len(universe))] }
	for range rng.IntN(8) {
		if rng.IntN(2) == 0 {
			var nums []uint32
			for range rng.IntN(4) {
				n := pick()
				nums = append(nums, n)
				ref[n] = true
			}
			s.Add(nums...)
			continue
		}
		// A range within one half of the universe.
		a := rng.IntN(len(universe))
		b := a + rng.IntN(6) - 2
		if b < 0 || b >= len(universe) || (a < 40) != (b < 40) {
			b = a
		}
		lo, hi := universe[a], universe[b]
		s.AddRange(lo, hi)
		for i := min(a, b); i <= max(a, b); i++ {
			ref[universe[i]] = true
		}
	}
	return s, ref
}

func checkAgainst(t *testing.T, what string, s SeqSet, ref refSet) {
	t.Helper()
	checkInvariants(t, s)
	for _, n := range universe {
		if s.Contains(n) != ref[n] {
			t.Fatalf("%s = %q: Contains(%d) = %v, reference %v", what, s, n, s.Contains(n), ref[n])
		}
	}
	wantLen := len(ref)
	if ref[Star] {
		wantLen = -1
	}
	if s.Len() != wantLen || s.IsEmpty() != (len(ref) == 0) {
		t.Fatalf("%s = %q: Len %d, IsEmpty %v; reference %d", what, s, s.Len(), s.IsEmpty(), len(ref))
	}
	if !ref[Star] {
		nums, err := s.Nums()
		var want []uint32
		for n := range ref {
			want = append(want, n)
		}
		slices.Sort(want)
		if err != nil || len(nums) != len(want) || (len(want) > 0 && !slices.Equal(nums, want)) {
			t.Fatalf("%s = %q: Nums() = %v, %v; want %v", what, s, nums, err, want)
		}
	}
}

func TestSeqSetProperties(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 5))
	for range 3000 {
		a, refA := randomSet(rng)
		b, refB := randomSet(rng)
		checkAgainst(t, "a", a, refA)
		if !a.IsEmpty() {
			back, err := ParseSeqSet(a.String())
			if err != nil || !reflect.DeepEqual(back.ranges, a.ranges) {
				t.Fatalf("ParseSeqSet(%q) = %q, %v", a, back, err)
			}
		}
		union, inter, diff := refSet{}, refSet{}, refSet{}
		for n := range refA {
			union[n] = true
			if refB[n] {
				inter[n] = true
			} else {
				diff[n] = true
			}
		}
		for n := range refB {
			union[n] = true
		}
		checkAgainst(t, fmt.Sprintf("%q ∪ %q", a, b), a.Union(b), union)
		checkAgainst(t, fmt.Sprintf("%q ∩ %q", a, b), a.Intersect(b), inter)
		checkAgainst(t, fmt.Sprintf("%q − %q", a, b), a.Difference(b), diff)
		maxLen := 1 + rng.IntN(40)
		checkSplit(t, a, maxLen, a.Split(maxLen))
	}
}

func FuzzParseSeqSet(f *testing.F) {
	for _, s := range []string{"1", "1:5,7,9:12", "3:*", "*", "5:3", "1,2,3", "4294967295", "4294967296", "0", "01", "1,,2", "1:2:3", "*:1,4294967294"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSeqSet(in)
		if err != nil {
			return
		}
		checkInvariants(t, s)
		out := s.String()
		back, err := ParseSeqSet(out)
		if err != nil || !reflect.DeepEqual(back.ranges, s.ranges) {
			t.Fatalf("ParseSeqSet(%q) = %q, which parses to %q, %v", in, out, back, err)
		}
		if back.String() != out {
			t.Fatalf("String is not canonical: %q then %q", out, back)
		}
		if len(out) > len(in) {
			t.Fatalf("ParseSeqSet(%q) = %q, longer than the input", in, out)
		}
		maxLen := 1 + len(in)%30
		checkSplit(t, s, maxLen, s.Split(maxLen))
	})
}

// scatteredUIDs returns n increasing UIDs with gaps, some runs and some
// singles, as a mailbox's search results look.
func scatteredUIDs(n int) []uint32 {
	rng := rand.New(rand.NewPCG(1, 2))
	nums := make([]uint32, 0, n)
	uid := uint32(1000)
	for len(nums) < n {
		uid += 1 + uint32(rng.IntN(3)) // gaps of 0 to 2 numbers
		nums = append(nums, uid)
	}
	return nums
}

func BenchmarkSeqSetString(b *testing.B) {
	s := SeqSetOf(scatteredUIDs(100000)...)
	b.ReportMetric(float64(len(s.String())), "bytes/set")
	for b.Loop() {
		_ = s.String()
	}
}

func BenchmarkSeqSetOf(b *testing.B) {
	nums := scatteredUIDs(100000)
	for b.Loop() {
		_ = SeqSetOf(nums...)
	}
}

func BenchmarkParseSeqSet(b *testing.B) {
	text := SeqSetOf(scatteredUIDs(100000)...).String()
	for b.Loop() {
		if _, err := ParseSeqSet(text); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleParseSeqSet() {
	s, err := ParseSeqSet("9:12,1:5,7,6")
	if err != nil {
		panic(err)
	}
	fmt.Println(s, s.Len(), s.Contains(8))
	// Output: 1:7,9:12 11 false
}

func ExampleSeqSet_Difference() {
	all, _ := ParseSeqSet("1:100")
	seen := SeqSetOf(1, 2, 3, 50)
	fmt.Println(all.Difference(seen))
	// Output: 4:49,51:100
}

func ExampleSeqSet_Split() {
	s := SeqSetOf(1, 3, 5, 7, 9, 11, 13)
	for _, piece := range s.Split(8) {
		fmt.Printf("UID FETCH %s (FLAGS)\n", piece)
	}
	// Output:
	// UID FETCH 1,3,5,7 (FLAGS)
	// UID FETCH 9,11,13 (FLAGS)
}
