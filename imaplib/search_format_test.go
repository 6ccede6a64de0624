package imaplib

import (
	"testing"
	"time"
)

func TestFormatSearch(t *testing.T) {
	tests := []struct {
		criteria []any
		want     string
	}{
		{nil, "ALL"},
		{[]any{"HEADER", "X-Spam-Flag", "YES"}, "HEADER X-Spam-Flag YES"},
		{[]any{"BEFORE", time.Date(2026, 11, 5, 14, 0, 0, 0, time.UTC)}, "BEFORE 5-Nov-2026"},
		{[]any{"OR", "(", "FROM", "a@b.example", "SEEN", ")", "SUBJECT", Text("Grüße aus Köln")}, `OR (FROM a@b.example SEEN) SUBJECT "Grüße aus Köln"`},
		{[]any{"UID", SeqSetOf(1, 2, 3, 7), "LARGER", 2048}, "UID 1:3,7 LARGER 2048"},
		{[]any{"SUBJECT", "two words"}, `SUBJECT "two words"`},
	}
	for _, tt := range tests {
		got, err := FormatSearch(tt.criteria...)
		if err != nil || got != tt.want {
			t.Errorf("FormatSearch(%v) = %q, %v; want %q", tt.criteria, got, err, tt.want)
		}
	}
	if _, err := FormatSearch("SUBJECT", "a\r\nb"); err == nil {
		t.Error("CR/LF accepted")
	}
}
