package imaplib

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		name   string
		data   []Item
		want   string
		modSeq uint64
	}{
		{"rfc3501", []Item{LineItem([]byte(`2 84 882`))}, "[2 84 882]", 0},
		{"dovecot modseq", dovecotSearchModSeq, "[1 2 3]", 8},
		{"dovecot none", dovecotSearchNone, "[]", 0},
		{"None", []Item{NoneItem}, "[]", 0},
		{"several responses", []Item{LineItem([]byte(`1 2`)), LineItem([]byte(`7`)), LineItem([]byte(`3 (MODSEQ 5)`)), LineItem([]byte(`4 (modseq 2)`))}, "[1 2 7 3 4]", 5},
		{"trailing space", []Item{LineItem([]byte(`1 2 `))}, "[1 2]", 0},
		{"max uid", []Item{LineItem([]byte(`4294967295`))}, "[4294967295]", 0},
		{"only modseq", []Item{LineItem([]byte(`(MODSEQ 1)`))}, "[]", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nums, modSeq, err := ParseSearch(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(nums) != tt.want && !(tt.want == "[]" && nums == nil) {
				t.Errorf("numbers %v, want %s", nums, tt.want)
			}
			if modSeq != tt.modSeq {
				t.Errorf("modseq %d, want %d", modSeq, tt.modSeq)
			}
		})
	}
}

func TestParseSearchErrors(t *testing.T) {
	for _, line := range []string{`1  2`, `0`, `x`, `1 4294967296`, `1 (MODSEQ)`, `1 (MODSEQ 1`, `1 (MODSEQ 1) 2`, `1 (X 1)`, `1,2`, ` 1`} {
		nums, _, err := ParseSearch([]Item{LineItem([]byte(`5 6`)), LineItem([]byte(line))})
		if err == nil {
			t.Errorf("%q: no error, got %v", line, nums)
			continue
		}
		if fmt.Sprint(nums) != "[5 6]" {
			t.Errorf("%q: numbers %v, want the good response's [5 6] only", line, nums)
		}
		if !strings.Contains(err.Error(), "malformed SEARCH response 1") {
			t.Errorf("%q: error %v", line, err)
		}
	}
}

func esearchString(d *ESearchData) string {
	if d == nil {
		return "nil"
	}
	s := fmt.Sprintf("tag=%q uid=%v", d.Tag, d.UID)
	u := func(name string, p *uint32) {
		if p != nil {
			s += fmt.Sprintf(" %s=%d", name, *p)
		}
	}
	u("min", d.Min)
	u("max", d.Max)
	u("count", d.Count)
	if d.All != "" {
		s += " all=" + d.All
	}
	if d.ModSeq != nil {
		s += fmt.Sprintf(" modseq=%d", *d.ModSeq)
	}
	if d.Other != nil {
		s += fmt.Sprintf(" other=%v", d.Other)
	}
	return s
}

func TestParseESearch(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"dovecot", string(dovecotESearch[0].Line), `tag="EBHK10" uid=false min=1 max=3 count=3 all=1:3`},
		{"brief example", `(TAG "A1") UID COUNT 3 ALL 1:3`, `tag="A1" uid=true count=3 all=1:3`},
		{"rfc4731", `(TAG "A285") UID MIN 7 MAX 3800`, `tag="A285" uid=true min=7 max=3800`},
		{"no results", `(TAG "A284")`, `tag="A284" uid=false`},
		{"count 0", `(TAG "A1") COUNT 0`, `tag="A1" uid=false count=0`},
		{"no tag", `UID ALL 4:6,9`, `tag="" uid=true all=4:6,9`},
		{"empty", ``, `tag="" uid=false`},
		{"modseq", `(TAG "a") ALL 1 MODSEQ 917162500`, `tag="a" uid=false all=1 modseq=917162500`},
		{"lower case", `(tag "a") uid all 2`, `tag="a" uid=true all=2`},
		{"uidnext-like atom is not UID", `(TAG "a") UIDX 5`, `tag="a" uid=false other=map[UIDX:5]`},
		{"partial", `(TAG "a") UID PARTIAL (-1:-100 200:250,252:300)`, `tag="a" uid=true other=map[PARTIAL:[-1:-100 200:250,252:300]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseESearch([]Item{LineItem([]byte(tt.line))})
			if err != nil {
				t.Fatal(err)
			}
			if got := esearchString(d); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if d, err := ParseESearch([]Item{NoneItem}); d != nil || err != nil {
		t.Errorf("None: %v, %v", d, err)
	}
	two := []Item{LineItem([]byte(`(TAG "a") COUNT 1`)), LineItem([]byte(`(TAG "b") COUNT 2`))}
	if _, err := ParseESearch(two); err == nil || !strings.Contains(err.Error(), "ParseESearchAll") {
		t.Errorf("two responses: %v", err)
	}
	all, err := ParseESearchAll(two)
	if err != nil || len(all) != 2 || all[1].Tag != "b" || *all[1].Count != 2 {
		t.Errorf("ParseESearchAll: %v, %v", all, err)
	}
}

func TestParseESearchErrors(t *testing.T) {
	for _, line := range []string{
		`(TAG A1)`, `(TAG "A1"`, `(TAGS "a")`, `(TAG "a")  COUNT 1`, `COUNT`, `COUNT x`, `MIN 0`,
		`ALL 1:`, `ALL 0`, `ALL x`, `(TAG "a") UID UID`, `MODSEQ -1`, `X (`,
	} {
		d, err := ParseESearch([]Item{LineItem([]byte(line))})
		if err == nil {
			t.Errorf("%q: no error, got %s", line, esearchString(d))
			continue
		}
		if d != nil || !strings.Contains(err.Error(), "malformed ESEARCH response 0") {
			t.Errorf("%q: %v, %v", line, d, err)
		}
	}
}

func FuzzParseSearch(f *testing.F) {
	fuzzSeeds(f, dovecotSearchModSeq, dovecotSearchNone, []Item{LineItem([]byte(`1 2 3`)), NoneItem})
	f.Fuzz(func(t *testing.T, b []byte) {
		nums, _, err := ParseSearch(itemsFromBytes(b))
		checkParseErr(t, err)
		for _, n := range nums {
			if n == 0 {
				t.Fatal("0 in search results")
			}
		}
	})
}

func FuzzParseESearch(f *testing.F) {
	fuzzSeeds(f, dovecotESearch, []Item{LineItem([]byte(`(TAG "a") UID PARTIAL (-1:-100 200:250) MODSEQ 5`))})
	f.Fuzz(func(t *testing.T, b []byte) {
		data := itemsFromBytes(b)
		all, err := ParseESearchAll(data)
		checkParseErr(t, err)
		if len(all) > countResponses(data) {
			t.Fatalf("%d results for %d responses", len(all), countResponses(data))
		}
		for _, d := range all {
			if (d.Min != nil && *d.Min == 0) || (d.Max != nil && *d.Max == 0) {
				t.Fatal("MIN or MAX 0 accepted")
			}
		}
	})
}
