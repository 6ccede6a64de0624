package dovecottest

import (
	"fmt"
	"time"
)

// Reports returns n small messages for Seed, varied enough for searches
// and matches to find some of them and not others: message i comes from
// one of three senders (news@letter.example, bob@example.org,
// ci@build.example, in turn), is to alice@example.org with a copy to
// team@example.org (the other way round when i%4 == 1), has the subject
// "report i", X-Spam-Flag YES when i%7 == 3 (else NO), the Message-ID
// <si@test>, the body "line i%5", the internal date January 1+i%28,
// 2025, and \Seen when i%3 == 0.
func Reports(n int) []Message {
	senders := []string{"news@letter.example", "bob@example.org", "ci@build.example"}
	msgs := make([]Message, n)
	for i := range n {
		to, cc := "alice@example.org", "team@example.org"
		if i%4 == 1 {
			to, cc = "team@example.org", "alice@example.org"
		}
		spam := "NO"
		if i%7 == 3 {
			spam = "YES"
		}
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nCc: %s\r\nSubject: report %d\r\nX-Spam-Flag: %s\r\nMessage-ID: <s%d@test>\r\n\r\nline %d\r\n",
			senders[i%len(senders)], to, cc, i, spam, i, i%5)
		var flags []string
		if i%3 == 0 {
			flags = []string{`\Seen`}
		}
		msgs[i] = Message{Raw: []byte(raw), Flags: flags, Date: time.Date(2025, 1, 1+i%28, 9, 0, 0, 0, time.UTC)}
	}
	return msgs
}
