package imaplib

// Sets of message sequence numbers or UIDs, the sequence-set of RFC 3501:
// "1:5,7,9:12", "3:*".

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Star stands for "*" in a SeqSet: the largest number in use in the mailbox
// (the number of messages, or the highest UID). A SeqSet cannot know that
// number, so it treats Star as the largest uint32, math.MaxUint32, which is
// above every other number: "3:*" holds 3 to Star, and set operations treat
// Star like any other number. The number 4294967295, which RFC 3501 allows
// but no server hands out, is therefore the same as "*".
const Star uint32 = math.MaxUint32

// maxNums caps how many numbers SeqSet.Nums expands a set to (64 MiB).
const maxNums = 1 << 24

// seqRange is the closed interval lo..hi, 1 <= lo <= hi.
type seqRange struct{ lo, hi uint32 }

// SeqSet is a set of message sequence numbers or UIDs, held as sorted,
// disjoint and non-adjacent ranges, so that "1,2,3,5" and "5,1:3" are the
// same set, written "1:3,5". Zero is not a message number and is never in a
// set. The zero SeqSet is empty and ready to use.
//
// A SeqSet is a value: the methods that return a set return a new one and
// Add and AddRange never change a set they were copied from, so copies may
// be kept and shared freely (but not changed from several goroutines at
// once).
type SeqSet struct {
	ranges []seqRange
}

// SeqSetOf returns the set of the given numbers; zeros are ignored.
func SeqSetOf(nums ...uint32) SeqSet {
	var s SeqSet
	s.Add(nums...)
	return s
}

// ParseSeqSet parses an IMAP sequence-set: comma-separated numbers and
// ranges "a:b", where a number is a decimal of 1 to 4294967295 without
// leading zeros or "*" (see Star). A range may run downwards: "5:3" is
// 3:5. The input must hold at least one number; spaces are not allowed.
func ParseSeqSet(s string) (SeqSet, error) {
	if s == "" {
		return SeqSet{}, fmt.Errorf("imaplib: invalid sequence set %q: empty", s)
	}
	parts := strings.Split(s, ",")
	ranges := make([]seqRange, 0, len(parts))
	for _, part := range parts {
		loText, hiText, isRange := strings.Cut(part, ":")
		lo, err := parseSeqNumber(loText)
		if err != nil {
			return SeqSet{}, fmt.Errorf("imaplib: invalid sequence set %q: %w", s, err)
		}
		hi := lo
		if isRange {
			if hi, err = parseSeqNumber(hiText); err != nil {
				return SeqSet{}, fmt.Errorf("imaplib: invalid sequence set %q: %w", s, err)
			}
		}
		ranges = append(ranges, orderedRange(lo, hi))
	}
	return SeqSet{ranges: normalize(ranges)}, nil
}

// parseSeqNumber parses one seq-number: an nz-number or "*".
func parseSeqNumber(t string) (uint32, error) {
	switch {
	case t == "":
		return 0, fmt.Errorf("a number is missing")
	case t == "*":
		return Star, nil
	case t[0] == '0':
		if t == "0" {
			return 0, fmt.Errorf("0 is not a message number")
		}
		return 0, fmt.Errorf("number %q has a leading zero", t)
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, fmt.Errorf("%q is not a number or *", t)
		}
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("number %s is larger than %d", t, uint32(math.MaxUint32))
	}
	return uint32(n), nil
}

// orderedRange returns the range between a and b, whichever is larger.
func orderedRange(a, b uint32) seqRange {
	if a > b {
		a, b = b, a
	}
	return seqRange{a, b}
}

// normalize sorts ranges and merges those that overlap or touch, in place.
func normalize(ranges []seqRange) []seqRange {
	slices.SortFunc(ranges, func(a, b seqRange) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	out := ranges[:0]
	for _, r := range ranges {
		if n := len(out); n > 0 && touches(out[n-1], r) {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// touches reports whether b, which starts no earlier than a, overlaps a or
// starts right after it.
func touches(a, b seqRange) bool {
	return a.hi == Star || b.lo <= a.hi+1
}

// String returns the set as an IMAP sequence-set, with ranges where numbers
// follow each other and Star as "*": "1:3,5,9:*". The empty set gives "",
// which is not a valid sequence-set: check IsEmpty before sending one.
func (s SeqSet) String() string {
	size := max(len(s.ranges)-1, 0) // commas
	for _, r := range s.ranges {
		size += rangeLen(r)
	}
	var b strings.Builder
	b.Grow(size)
	var scratch [21]byte
	for i, r := range s.ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(appendRange(scratch[:0], r))
	}
	return b.String()
}

// appendRange appends the sequence-set form of r to buf.
func appendRange(buf []byte, r seqRange) []byte {
	buf = appendSeqNumber(buf, r.lo)
	if r.hi != r.lo {
		buf = append(buf, ':')
		buf = appendSeqNumber(buf, r.hi)
	}
	return buf
}

func appendSeqNumber(buf []byte, n uint32) []byte {
	if n == Star {
		return append(buf, '*')
	}
	return strconv.AppendUint(buf, uint64(n), 10)
}

// rangeLen returns len(appendRange(nil, r)) without building it.
func rangeLen(r seqRange) int {
	if r.lo == r.hi {
		return numberLen(r.lo)
	}
	return numberLen(r.lo) + 1 + numberLen(r.hi)
}

// numberLen returns the length of n in a sequence-set.
func numberLen(n uint32) int {
	if n == Star {
		return 1
	}
	l := 1
	for n >= 10 {
		n /= 10
		l++
	}
	return l
}

// Add adds numbers to the set; zeros are ignored.
func (s *SeqSet) Add(nums ...uint32) {
	ranges := make([]seqRange, 0, len(nums))
	for _, n := range nums {
		if n != 0 {
			ranges = append(ranges, seqRange{n, n})
		}
	}
	*s = s.Union(SeqSet{ranges: normalize(ranges)})
}

// AddRange adds the numbers from lo to hi, both included, to the set, in
// either order; a hi of Star adds "lo:*". Zero is left out: AddRange(0, 5)
// adds 1 to 5 and AddRange(0, 0) adds nothing.
func (s *SeqSet) AddRange(lo, hi uint32) {
	r := orderedRange(lo, hi)
	if r.hi == 0 {
		return
	}
	r.lo = max(r.lo, 1)
	*s = s.Union(SeqSet{ranges: []seqRange{r}})
}

// Contains reports whether n is in the set. Contains(Star) reports whether
// the set holds "*".
func (s SeqSet) Contains(n uint32) bool {
	i, _ := slices.BinarySearchFunc(s.ranges, n, func(r seqRange, n uint32) int {
		switch {
		case r.hi < n:
			return -1
		case r.lo > n:
			return 1
		}
		return 0
	})
	return i < len(s.ranges) && s.ranges[i].lo <= n && n <= s.ranges[i].hi
}

// Len returns how many numbers the set holds, or -1 when it holds Star: how
// many numbers "3:*" stands for depends on the mailbox. (On a 32-bit
// platform a count above math.MaxInt is reported as math.MaxInt.)
func (s SeqSet) Len() int {
	if s.Contains(Star) {
		return -1
	}
	var n uint64
	for _, r := range s.ranges {
		n += uint64(r.hi-r.lo) + 1
	}
	if n > math.MaxInt {
		return math.MaxInt
	}
	return int(n)
}

// IsEmpty reports whether the set holds no number.
func (s SeqSet) IsEmpty() bool { return len(s.ranges) == 0 }

// Nums returns the numbers of the set in ascending order. It is an error
// for the set to hold Star, whose value the set does not know, or more than
// 16,777,216 numbers (64 MiB); work on the ranges (String, Split) instead.
func (s SeqSet) Nums() ([]uint32, error) {
	n := s.Len()
	if n < 0 {
		return nil, fmt.Errorf("imaplib: sequence set %s holds *, which has no known value", s.shortString())
	}
	if n > maxNums {
		return nil, fmt.Errorf("imaplib: sequence set %s holds %d numbers, more than the %d that Nums lists", s.shortString(), n, maxNums)
	}
	nums := make([]uint32, 0, n)
	for _, r := range s.ranges {
		for v := r.lo; ; v++ {
			nums = append(nums, v)
			if v == r.hi {
				break
			}
		}
	}
	return nums, nil
}

// shortString is String cut to a length fit for an error message.
func (s SeqSet) shortString() string {
	const limit = 60
	var buf []byte
	for i, r := range s.ranges {
		if len(buf) > limit {
			return string(buf) + ",..."
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendRange(buf, r)
	}
	return string(buf)
}

// Union returns the numbers that are in s, in o, or in both.
func (s SeqSet) Union(o SeqSet) SeqSet {
	a, b := s.ranges, o.ranges
	out := make([]seqRange, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		var r seqRange
		if len(b) == 0 || len(a) > 0 && a[0].lo <= b[0].lo {
			r, a = a[0], a[1:]
		} else {
			r, b = b[0], b[1:]
		}
		if n := len(out); n > 0 && touches(out[n-1], r) {
			out[n-1].hi = max(out[n-1].hi, r.hi)
		} else {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return SeqSet{}
	}
	return SeqSet{ranges: out}
}

// Intersect returns the numbers that are both in s and in o.
func (s SeqSet) Intersect(o SeqSet) SeqSet {
	a, b := s.ranges, o.ranges
	var out []seqRange
	for len(a) > 0 && len(b) > 0 {
		lo, hi := max(a[0].lo, b[0].lo), min(a[0].hi, b[0].hi)
		if lo <= hi {
			out = append(out, seqRange{lo, hi})
		}
		// Drop the range that ends first; the other may meet more ranges.
		if a[0].hi < b[0].hi {
			a = a[1:]
		} else {
			b = b[1:]
		}
	}
	return SeqSet{ranges: out}
}

// Difference returns the numbers of s that are not in o.
func (s SeqSet) Difference(o SeqSet) SeqSet {
	var out []seqRange
	b := o.ranges
	for _, r := range s.ranges {
		// Skip the ranges of o that end before r starts.
		for len(b) > 0 && b[0].hi < r.lo {
			b = b[1:]
		}
		lo := r.lo
		cut := b
		for ; len(cut) > 0 && cut[0].lo <= r.hi; cut = cut[1:] {
			if cut[0].lo > lo {
				out = append(out, seqRange{lo, cut[0].lo - 1})
			}
			if cut[0].hi >= r.hi {
				lo = 0 // r is used up
				break
			}
			lo = cut[0].hi + 1
		}
		if lo != 0 {
			out = append(out, seqRange{lo, r.hi})
		}
		// The ranges of o that start in r and end within it cannot meet
		// the next range of s; the last one might.
		b = cut
	}
	return SeqSet{ranges: out}
}

// Split cuts s into sets whose String is at most maxLen bytes each, in
// ascending order, none empty, that together hold exactly the numbers of s;
// it keeps a command such as "UID FETCH <set> ..." under a server's line
// limit. Pieces are filled greedily; a range that does not fit is cut into
// shorter ranges. A range ending in Star is never cut: a server reads "n:*"
// as "*:n" when the mailbox ends below n, so its pieces could overlap.
//
// With maxLen of 21 or more (the length of "4294967293:4294967294") every
// piece fits. With less, a part of s that cannot be written in maxLen bytes
// as a range of its own (a long number, a range ending in "*", or a range
// whose start is more than half of maxLen long) gets a piece of its own,
// longer than maxLen. The empty set gives no pieces.
func (s SeqSet) Split(maxLen int) []SeqSet {
	var pieces []SeqSet
	var cur []seqRange
	curLen := 0
	emit := func() {
		if len(cur) > 0 {
			pieces = append(pieces, SeqSet{ranges: cur})
			cur, curLen = nil, 0
		}
	}
	for _, r := range s.ranges {
		for {
			l := rangeLen(r)
			if len(cur) > 0 && curLen+1+l <= maxLen {
				cur = append(cur, r)
				curLen += 1 + l
				break
			}
			if l <= maxLen || r.lo == r.hi || r.hi == Star {
				emit()
				cur, curLen = []seqRange{r}, l
				break
			}
			// r alone is too long: cut off the longest head lo:m that fits,
			// where m has the digits that maxLen leaves after "lo:".
			emit()
			digits := maxLen - numberLen(r.lo) - 1
			if digits < numberLen(r.lo) {
				cur, curLen = []seqRange{r}, l // cannot be cut into ranges
				break
			}
			m := uint32(math.Pow10(digits) - 1) // digits < 10 since "lo:hi" does not fit
			pieces = append(pieces, SeqSet{ranges: []seqRange{{r.lo, m}}})
			r.lo = m + 1
		}
	}
	emit()
	return pieces
}

// SplitCount cuts the set into pieces of at most n numbers each, in
// ascending order: the batches of a scan. A range ending in Star is never
// cut (how many numbers it stands for depends on the mailbox): it is a
// piece of its own. n of 0 or less gives the whole set as one piece; the
// empty set gives no pieces.
func (s SeqSet) SplitCount(n int) []SeqSet {
	if s.IsEmpty() {
		return nil
	}
	if n <= 0 {
		return []SeqSet{s}
	}
	var pieces []SeqSet
	var cur []seqRange
	left := n
	emit := func() {
		if len(cur) > 0 {
			pieces = append(pieces, SeqSet{ranges: cur})
			cur, left = nil, n
		}
	}
	for _, r := range s.ranges {
		if r.hi == Star {
			emit()
			pieces = append(pieces, SeqSet{ranges: []seqRange{r}})
			continue
		}
		for {
			size := uint64(r.hi-r.lo) + 1
			if size <= uint64(left) {
				cur = append(cur, r)
				left -= int(size)
				if left == 0 {
					emit()
				}
				break
			}
			head := seqRange{r.lo, r.lo + uint32(left) - 1}
			cur = append(cur, head)
			emit()
			r.lo = head.hi + 1
		}
	}
	emit()
	return pieces
}
