package mail

import (
	"testing"

	"github.com/mailscript/mailscript/imaplib"
)

func TestStatusChanged(t *testing.T) {
	n := func(v uint32) *uint32 { return &v }
	ms := func(v uint64) *uint64 { return &v }
	base := &imaplib.StatusData{Messages: n(3), UIDNext: n(10), UIDValidity: n(7), HighestModSeq: ms(40)}
	onNew := &member{w: &watcher{}}
	onChange := &member{w: &watcher{condStore: true}}
	for _, tc := range []struct {
		name    string
		r       *member
		prev    *imaplib.StatusData
		cur     *imaplib.StatusData
		changed bool
	}{
		{"no baseline", onNew, nil, base, true},
		{"same", onNew, base, base, false},
		{"new mail", onNew, base, &imaplib.StatusData{UIDNext: n(11)}, true},
		{"recreated", onNew, base, &imaplib.StatusData{UIDNext: n(10), UIDValidity: n(8)}, true},
		{"expunge, for on_new", onNew, base, &imaplib.StatusData{Messages: n(2)}, false},
		{"expunge, for on_change", onChange, base, &imaplib.StatusData{Messages: n(2)}, true},
		{"flags, for on_new", onNew, base, &imaplib.StatusData{HighestModSeq: ms(41)}, false},
		{"flags, for on_change", onChange, base, &imaplib.StatusData{HighestModSeq: ms(41)}, true},
		{"items missing", onChange, base, &imaplib.StatusData{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := statusChanged(tc.r, tc.prev, tc.cur); got != tc.changed {
				t.Errorf("statusChanged = %v, want %v", got, tc.changed)
			}
		})
	}
}
