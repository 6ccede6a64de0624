package imaplib

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// batches returns a next function over sets.
func batches(sets ...SeqSet) func() (SeqSet, bool) {
	return func() (SeqSet, bool) {
		if len(sets) == 0 {
			return SeqSet{}, false
		}
		s := sets[0]
		sets = sets[1:]
		return s, true
	}
}

func TestUIDFetchPipelineTranscript(t *testing.T) {
	// Two commands go out before the first answer is read (the script
	// answers A2 only after A3 arrived: a client that waited would hang);
	// the third goes out when the first completes.
	m, tr := playSelected(t, "LITERAL+", `
C: A2 UID FETCH 1:2 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])
C: A3 UID FETCH 3:4 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {6}
S= S: a\r\n
S: )
S: * 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {6}
S= S: b\r\n
S: )
S: * 9 FETCH (FLAGS (\Seen))
S: A2 OK done
C: A4 UID FETCH 5 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 3 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {6}
S= S: c\r\n
S: )
S: * 4 FETCH (UID 4 BODY[HEADER.FIELDS (SUBJECT)] {6}
S= S: d\r\n
S: )
S: A3 OK done
S: * 5 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {6}
S= S: e\r\n
S: )
S: A4 OK done`)
	var got []string
	err := m.UIDFetchPipeline(batches(SeqSetOf(1, 2), SeqSetOf(3, 4), SeqSetOf(5)), "UID BODY.PEEK[HEADER.FIELDS (SUBJECT)]", 2, nil,
		func(fd *FetchData) error {
			got = append(got, fmt.Sprintf("%d %q", fd.UID, fd.Sections[0].Data))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := `1 "S: a\r\n",2 "S: b\r\n",3 "S: c\r\n",4 "S: d\r\n",5 "S: e\r\n"`
	if strings.Join(got, ",") != want {
		t.Fatalf("got %s\nwant %s", strings.Join(got, ","), want)
	}
	if _, dat := m.Response("FETCH"); len(dat) != 1 || string(dat[0].Line) != `9 (FLAGS (\Seen))` {
		t.Fatalf("unsolicited FETCH: %s", pyItems(dat))
	}
	tr.check()
}

func TestUIDFetchPipelineStops(t *testing.T) {
	// A refused batch or a failing callback sends no more batches, the
	// commands in flight are read to their end, and the connection stays
	// usable (the NOOP after).
	tests := []struct {
		name, script, want string
		fail               bool
	}{
		{name: "refused", want: "UID FETCH: NO gone", script: `
C: A2 UID FETCH 1 (UID FLAGS)
C: A3 UID FETCH 2 (UID FLAGS)
S: A2 NO gone
S: * 2 FETCH (UID 2 FLAGS ())
S: A3 OK done
C: A4 NOOP
S: A4 OK done`},
		{name: "callback", fail: true, want: "stop", script: `
C: A2 UID FETCH 1 (UID FLAGS)
C: A3 UID FETCH 2 (UID FLAGS)
S: * 1 FETCH (UID 1 FLAGS ())
S: A2 OK done
S: * 2 FETCH (UID 2 FLAGS ())
S: A3 OK done
C: A4 NOOP
S: A4 OK done`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, tr := playSelected(t, "LITERAL+", tc.script)
			calls := 0
			err := m.UIDFetchPipeline(batches(SeqSetOf(1), SeqSetOf(2), SeqSetOf(3)), "UID FLAGS", 2, nil, func(fd *FetchData) error {
				calls++
				if tc.fail {
					return errors.New("stop")
				}
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.fail && calls != 1 {
				t.Fatalf("callback called %d times after its error", calls)
			}
			if _, _, err := m.Noop(); err != nil {
				t.Fatal(err)
			}
			tr.check()
		})
	}
}

func TestSplitCount(t *testing.T) {
	tests := []struct {
		set  string
		n    int
		want string
	}{
		{"1:10", 4, "1:4 5:8 9:10"},
		{"1:3,7,9:12", 3, "1:3 7,9:10 11:12"},
		{"1:4", 4, "1:4"},
		{"1:4", 0, "1:4"},
		{"5,8:*", 2, "5 8:*"},
		{"", 3, ""},
	}
	for _, tc := range tests {
		s, err := ParseSeqSet(tc.set)
		if tc.set == "" {
			s, err = SeqSet{}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range s.SplitCount(tc.n) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("SplitCount(%q, %d) = %q, want %q", tc.set, tc.n, strings.Join(got, " "), tc.want)
		}
	}
}
