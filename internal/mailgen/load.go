package mailgen

import (
	"fmt"
	"time"
)

// Appender stores one message in a user's mailbox, creating the mailbox
// when it does not exist. *memserver.Server (package internal/memserver)
// is an Appender.
type Appender interface {
	Append(user, mailbox string, raw []byte, flags []string, date time.Time) (uint32, error)
}

// Load appends msgs, in order, to the mailboxes their Mailbox fields name,
// with their Flags and Date as internal date. It stops at the first error;
// the messages before the failing one stay appended.
func Load(dst Appender, user string, msgs []Message) error {
	for i, m := range msgs {
		if _, err := dst.Append(user, m.Mailbox, m.Raw, m.Flags, m.Date); err != nil {
			return fmt.Errorf("mailgen: load message %d (%s) into %q: %w", i, m.MessageID, m.Mailbox, err)
		}
	}
	return nil
}
