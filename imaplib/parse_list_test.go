package imaplib

import (
	"fmt"
	"strings"
	"testing"
)

func ExampleParseList() {
	entries, err := ParseList([]Item{
		LineItem([]byte(`(\HasNoChildren \Sent) "/" Sent`)),
		LineItem([]byte(`(\HasNoChildren) "/" "My Folder"`)),
	})
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("%q sent=%v\n", e.Name, e.HasAttr(`\Sent`))
	}
	// Output:
	// "Sent" sent=true
	// "My Folder" sent=false
}

func TestParseListDovecot(t *testing.T) {
	got, err := ParseList(dovecotList)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
		if e.Delim != "/" {
			t.Errorf("%s: delimiter %q", e.Name, e.Delim)
		}
	}
	want := []string{`back\slash`, `q"x`, "a b", "Folder", "Folder/Sub", "caf&AOk-", "a", "Junk", "Sent", "INBOX"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if !got[7].HasAttr(`\junk`) || got[7].HasAttr(`\Sent`) || !got[8].HasAttr(`\Sent`) || !got[3].HasAttr(`\NOSELECT`) {
		t.Errorf("attributes wrong: %v %v %v", got[3].Attrs, got[7].Attrs, got[8].Attrs)
	}
	if d, err := got[5].DisplayName(); d != "café" || err != nil {
		t.Errorf("DisplayName of %q: %q, %v", got[5].Name, d, err)
	}
	if d, err := (ListEntry{Name: "caf\xc3\xa9"}).DisplayName(); d != "café" || err == nil {
		t.Errorf("DisplayName of UTF-8: %q, %v; want the name and an error", d, err)
	}
	if fmt.Sprint(got[3].Attrs) != `[\Noselect \HasChildren]` {
		t.Errorf("attrs %v", got[3].Attrs)
	}
}

func TestParseListShapes(t *testing.T) {
	tests := []struct {
		name string
		data []Item
		want string
	}{
		{"NIL delimiter", []Item{LineItem([]byte(`() NIL Foo`))}, `[] "" "Foo" map[]`},
		{"literal name", []Item{PairItem([]byte(`(\HasNoChildren) "." {8}`), []byte(`a "b" \c`)), LineItem(nil)}, `[\HasNoChildren] "." "a \"b\" \\c" map[]`},
		{"escaped delimiter", []Item{LineItem([]byte(`() "\\" "a\\b"`))}, `[] "\\" "a\\b" map[]`},
		{"bracket in name", []Item{LineItem([]byte(`() "/" [Gmail]/Sent`))}, `[] "/" "[Gmail]/Sent" map[]`},
		{"utf8 name", []Item{LineItem([]byte("() \"/\" \"caf\xc3\xa9\""))}, `[] "/" "café" map[]`},
		{"lsub", []Item{LineItem([]byte(`(\Sent) "/" Sent`))}, `[\Sent] "/" "Sent" map[]`},
		{"list-extended", []Item{LineItem([]byte(`(\Subscribed) "/" Foo ("CHILDINFO" ("SUBSCRIBED") "OLDNAME" ("Bar"))`))},
			`[\Subscribed] "/" "Foo" map[CHILDINFO:[SUBSCRIBED] OLDNAME:[Bar]]`},
		{"None and two", []Item{NoneItem, LineItem([]byte(`() "/" a`)), LineItem([]byte(`() "/" b`))}, `[] "/" "a" map[] | [] "/" "b" map[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseList(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, e := range got {
				s = append(s, fmt.Sprintf("%v %q %q %v", e.Attrs, e.Delim, e.Name, e.Extended))
			}
			if g := strings.Join(s, " | "); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func TestParseListErrors(t *testing.T) {
	for _, line := range []string{
		``,
		`\Noselect "/" a`,
		`() "/"`,
		`() "/" `,
		`() / a`,
		`() "/" a b`,
		`() "/" a (x)`,
		`() "/" "a`,
		"() \"/\" a\x00",
		`(\) "/" a`,
		`() "/" a\b`,
	} {
		got, err := ParseList([]Item{LineItem([]byte(`() "/" ok`)), LineItem([]byte(line))})
		if err == nil {
			t.Errorf("%q: no error", line)
			continue
		}
		if len(got) != 1 || got[0].Name != "ok" {
			t.Errorf("%q: the good response was lost: %v", line, got)
		}
		if !strings.Contains(err.Error(), "malformed LIST response 1 (data item 1)") {
			t.Errorf("%q: error %v", line, err)
		}
	}
}

func FuzzParseList(f *testing.F) {
	fuzzSeeds(f, dovecotList, []Item{PairItem([]byte(`() "." {3}`), []byte("a b")), LineItem([]byte(` ("CHILDINFO" ("SUBSCRIBED"))`))})
	f.Fuzz(func(t *testing.T, b []byte) {
		data := itemsFromBytes(b)
		got, err := ParseList(data)
		checkParseErr(t, err)
		if len(got) > countResponses(data) {
			t.Fatalf("%d entries for %d responses", len(got), countResponses(data))
		}
	})
}
