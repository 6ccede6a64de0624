package imapfilter

import "testing"

func TestHeaderFields(t *testing.T) {
	h := "From: a@example.org\r\nTo: b@example.org,\r\n c@example.org\r\nsubject : hi\r\nTO: d@example.org\r\nbroken line\r\n\r\n"
	for _, tc := range []struct{ name, want string }{
		{"to", "To: b@example.org,\r\n c@example.org\r\nTO: d@example.org\r\n\r\n"},
		{"Subject", "subject : hi\r\n\r\n"},
		{"From", "From: a@example.org\r\n\r\n"},
		{"Cc", "\r\n"},
		{"broken line", "\r\n"},
	} {
		if got := headerFields(h, tc.name); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
