package bench

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func TestServerTimes(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name           string
		client, server string
		want           map[string]time.Duration
	}{
		{
			name:   "fetch and move of a Python run",
			client: "KDOL1 LOGIN alice secret\r\nKDOL2 SELECT Rules\r\nKDOL3 UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\nKDOL4 UID MOVE 3,7 Archive\r\nKDOL5 LOGOUT\r\n",
			server: "* OK Dovecot ready.\r\nKDOL1 OK [CAPABILITY IMAP4rev1] Logged in\r\n" +
				"KDOL2 OK [READ-WRITE] Select completed (0.002 + 0.000 + 0.001 secs).\r\n" +
				"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {11}\r\nSubject: a\r\n)\r\n" +
				"KDOL3 OK Fetch completed (0.093 + 0.000 + 0.092 secs).\r\n" +
				"* OK [COPYUID 1 3,7 1:2] Moved UIDs.\r\nKDOL4 OK Move completed (1.154 + 0.000 + 1.153 secs).\r\n" +
				"* BYE Logging out\r\nKDOL5 OK Logout completed (0.001 + 0.000 secs).\r\n",
			want: map[string]time.Duration{"SELECT": 2 * ms, "FETCH": 93 * ms, "MOVE": 1154 * ms, "LOGOUT": ms},
		},
		{
			name:   "two fetches add up; lower-case verb",
			client: "a1 fetch 1:2 (FLAGS)\r\na2 UID fetch 3 (FLAGS)\r\n",
			server: "a1 OK Fetch completed (0.010 + 0.000 secs).\r\na2 OK Fetch completed (0.005 + 0.000 + 0.004 secs).\r\n",
			want:   map[string]time.Duration{"FETCH": 15 * ms},
		},
		{
			name:   "untimed, failed and unknown replies are ignored",
			client: "a1 NOOP\r\na2 FETCH x (FLAGS)\r\n",
			server: "a1 OK NOOP completed.\r\na2 BAD Error in IMAP command FETCH: Invalid messageset (0.001 + 0.000 secs).\r\nzz OK Fetch completed (9.000 + 0.000 secs).\r\n",
			want:   map[string]time.Duration{},
		},
		{
			name:   "a literal's content that looks like a reply",
			client: "a1 FETCH 1 (BODY[])\r\n",
			server: "* 1 FETCH (BODY[] {40}\r\na1 OK Fetch completed (5.000 + 0.000 secs).\r\n)\r\n",
			// A trace is read line by line: a message line that copies a
			// tagged reply counts. Real tags are random enough.
			want: map[string]time.Duration{"FETCH": 5 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serverTimes([]byte(tt.client), []byte(tt.server))
			if !maps.Equal(got, tt.want) {
				t.Errorf("serverTimes = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzServerTimes(f *testing.F) {
	f.Add([]byte("a1 UID MOVE 1 X\r\n"), []byte("a1 OK Move completed (0.154 + 0.000 + 0.153 secs).\r\n"))
	f.Fuzz(func(t *testing.T, client, server []byte) {
		for verb, d := range serverTimes(client, server) {
			if d < 0 || verb == "" {
				t.Fatalf("serverTimes: %q: %v", verb, d)
			}
		}
	})
}

func TestPairedRatios(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		a, b []time.Duration
		want []float64
	}{
		{"sorted by ratio", []time.Duration{100 * ms, 300 * ms, 90 * ms}, []time.Duration{200 * ms, 200 * ms, 100 * ms}, []float64{0.5, 0.9, 1.5}},
		{"only the rounds both ran", []time.Duration{100 * ms, 100 * ms}, []time.Duration{50 * ms}, []float64{2}},
		{"a zero time is left out", []time.Duration{100 * ms, 100 * ms}, []time.Duration{0, 400 * ms}, []float64{0.25}},
		{"none", nil, []time.Duration{ms}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pairedRatios(tc.a, tc.b); !slices.Equal(got, tc.want) {
				t.Fatalf("pairedRatios = %v, want %v", got, tc.want)
			}
		})
	}
}
