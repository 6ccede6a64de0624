package mailgen_test

import (
	"fmt"
	"time"

	"github.com/mailscript/mailscript/internal/mailgen"
)

// A scenario test computes what a rule should do from the generated facts,
// without parsing the messages.
func ExampleGenerate() {
	msgs, err := mailgen.Generate(mailgen.Options{Seed: 1, Count: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	cutoff := mailgen.DefaultNow.Add(-30 * 24 * time.Hour)
	oldNewsletters, unreadVIP := 0, 0
	for _, m := range msgs {
		if m.ListID != "" && m.Kind == mailgen.Newsletter && m.Date.Before(cutoff) {
			oldNewsletters++
		}
		if m.From == "boss@example.com" && !m.Seen() {
			unreadVIP++
		}
	}
	fmt.Println(len(msgs), "messages,", oldNewsletters, "newsletters older than 30 days,", unreadVIP, "unread from the boss")
	// Output: 1000 messages, 198 newsletters older than 30 days, 10 unread from the boss
}

func ExampleDemo() {
	msgs := mailgen.Demo(time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC))
	for _, m := range msgs {
		if m.From == "hanako@tanaka.example" {
			fmt.Println(m.FromName, "|", m.SubjectCharset, "|", m.Subject, "|", m.AttachmentNames())
		}
	}
	fmt.Println(len(mailgen.ByMailbox(msgs)[mailgen.Inbox]), "in INBOX")
	// Output:
	// 田中 花子 | ISO-2022-JP | 会議の議事録について | [議事録_2024年度第3四半期_営業会議.pdf]
	// 87 in INBOX
}
