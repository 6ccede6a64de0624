package mail

import (
	netmail "net/mail"
	"strings"
	"testing"
)

func TestMessageID(t *testing.T) {
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"header block", "Subject: x\r\nMessage-ID: <a@b>\r\n\r\n", "<a@b>"},
		{"whole message", "Message-Id: <a@b>\r\n\r\nMessage-ID: <body@line>\r\n", "<a@b>"},
		{"bare LF", "From: x\nmessage-id:   <a@b>  \n\nbody\n", "<a@b>"},
		{"folded", "Message-ID:\r\n <long@example.test>\r\nTo: y\r\n\r\n", "<long@example.test>"},
		{"folded twice", "Message-ID: <a\r\n\t@b>\r\n\r\n", "<a @b>"},
		{"first of two", "Message-ID: <1@x>\r\nMessage-ID: <2@x>\r\n\r\n", "<1@x>"},
		{"only in the body", "Subject: x\r\n\r\nMessage-ID: <body@line>\r\n", ""},
		{"absent", "Subject: x\r\n", ""},
		{"empty", "", ""},
		{"no end of line", "Message-ID: <a@b>", "<a@b>"},
		{"a name that only starts so", "Message-IDs: <a@b>\r\nX-Message-ID: <c@d>\r\n\r\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := messageID([]byte(tc.raw)); got != tc.want {
				t.Errorf("messageID(%q) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
}

// FuzzMessageID checks messageID against net/mail on every header that
// net/mail reads.
func FuzzMessageID(f *testing.F) {
	for _, s := range []string{"Message-ID: <a@b>\r\n\r\n", "Subject: x\r\nMessage-Id:\r\n <a@b>\r\n\r\nbody", "message-id: x\n y\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := messageID([]byte(raw))
		msg, err := netmail.ReadMessage(strings.NewReader(raw + "\r\n\r\n"))
		if err != nil {
			return
		}
		if want := strings.TrimSpace(msg.Header.Get("Message-Id")); got != want {
			t.Fatalf("messageID(%q) = %q, net/mail says %q", raw, got, want)
		}
	})
}
