package mail

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

// TestPieceQueue: the account's connection takes pieces from the first
// up, the pool connection from the last down, each piece once; a piece
// that failed on the pool connection is reported for the account's
// connection to do again, and the pool connection then takes no more.
func TestPieceQueue(t *testing.T) {
	errCut := errors.New("cut")
	tests := []struct {
		name string
		n    int
		// steps: "f" the account's connection takes one (limit n),
		// "l" the pool connection takes one and does it, "x" the pool
		// connection takes one and fails it.
		steps      string
		wantFirst  []int
		wantLast   []int
		wantFailed []int
	}{
		{"alone", 4, "ffff", []int{0, 1, 2, 3}, nil, nil},
		{"no pool piece left", 3, "fffl", []int{0, 1, 2}, nil, nil},
		{"meeting", 5, "flflf", []int{0, 1, 2}, []int{4, 3}, nil},
		{"late pool", 8, "ffffffll", []int{0, 1, 2, 3, 4, 5}, []int{7, 6}, nil},
		{"pool fails", 6, "flxfll", []int{0, 1}, []int{5, 4}, []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newPieceQueue(tt.n)
			var first, last []int
			for _, s := range tt.steps {
				switch s {
				case 'f':
					if i, ok := q.takeFirst(tt.n); ok {
						first = append(first, i)
					}
				case 'l', 'x':
					if i, ok := q.takeLast(); ok {
						last = append(last, i)
						var err error
						if s == 'x' {
							err = errCut
						}
						q.done(i, err)
					}
				}
			}
			// What is left goes to the account's connection.
			for {
				i, ok := q.takeFirst(tt.n)
				if !ok {
					break
				}
				first = append(first, i)
			}
			failed, pooled, err := q.end()
			if !slices.Equal(first[:len(tt.wantFirst)], tt.wantFirst) || !slices.Equal(last, tt.wantLast) ||
				!slices.Equal(failed, tt.wantFailed) {
				t.Errorf("first %v, last %v, failed %v; want first starting %v, last %v, failed %v",
					first, last, failed, tt.wantFirst, tt.wantLast, tt.wantFailed)
			}
			if pooled != len(last)-len(failed) || (err != nil) != (len(failed) > 0) {
				t.Errorf("pooled %d, err %v", pooled, err)
			}
			all := append(append([]int(nil), first...), last...)
			slices.Sort(all)
			for i, v := range all {
				if v != i {
					t.Fatalf("pieces taken %v: each of 0..%d once expected", all, tt.n-1)
				}
			}
			if len(all) != tt.n {
				t.Fatalf("%d pieces taken of %d", len(all), tt.n)
			}
		})
	}
}

// TestPieceQueueLimit: with a limit, the account's connection stops
// there and leaves the rest to the pool connection; after stop nobody
// takes a piece.
func TestPieceQueueLimit(t *testing.T) {
	q := newPieceQueue(4)
	var got []int
	for {
		i, ok := q.takeFirst(2)
		if !ok {
			break
		}
		got = append(got, i)
	}
	if i, ok := q.takeLast(); !ok || i != 3 {
		t.Fatalf("takeLast = %d %v", i, ok)
	}
	q.done(3, nil)
	q.stop()
	if _, ok := q.takeLast(); ok {
		t.Fatal("takeLast after stop")
	}
	if _, ok := q.takeFirst(4); ok {
		t.Fatal("takeFirst after stop")
	}
	if !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("takeFirst(2) gave %v", got)
	}
}

// TestPieceQueueRace: two connections taking at once share the pieces,
// each taken once (go test -race).
func TestPieceQueueRace(t *testing.T) {
	const n = 2000
	q := newPieceQueue(n)
	taken := make([]int, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			i, ok := q.takeLast()
			if !ok {
				return
			}
			taken[i]++
			q.done(i, nil)
		}
	}()
	for {
		i, ok := q.takeFirst(n)
		if !ok {
			break
		}
		taken[i]++
	}
	q.end()
	wg.Wait()
	for i, c := range taken {
		if c != 1 {
			t.Fatalf("piece %d taken %d times", i, c)
		}
	}
}
