package mail_test

import (
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// genMsg is one generated message (package mailgen) with the mailbox and
// flags the fixture seeds it with: the facts the scenarios compute their
// expected state from, never from the server.
type genMsg struct {
	mailgen.Message
	Box   string
	Flags []string
}

func (g *genMsg) has(flag string) bool {
	for _, f := range g.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// boundaries are the ages the scenarios cut at; no generated internal date
// lies within ten minutes of one, so the seconds between generating and
// running a rule cannot move a message across.
var boundaries = []time.Duration{30 * 24 * time.Hour, 365 * 24 * time.Hour}

// genMessages generates n messages as of now: spam goes to Junk, the rest
// to INBOX, and every 37th message is also flagged \Deleted (mail someone
// deleted without expunging, which no rule may expunge by accident).
func genMessages(t testing.TB, seed int64, n int, now time.Time) []*genMsg {
	t.Helper()
	msgs, err := mailgen.Generate(mailgen.Options{Seed: seed, Count: n, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*genMsg, len(msgs))
	for i, m := range msgs {
		g := &genMsg{Message: m, Box: "INBOX", Flags: append([]string(nil), m.Flags...)}
		if m.Kind == mailgen.Spam {
			g.Box = "Junk"
		}
		if i%37 == 5 {
			g.Flags = append(g.Flags, `\Deleted`)
		}
		for _, b := range boundaries {
			if d := now.Sub(g.Date) - b; d > -10*time.Minute && d < 10*time.Minute {
				g.Date = g.Date.Add(-20 * time.Minute)
			}
		}
		out[i] = g
	}
	return out
}

// seed stores msgs in their mailboxes for user, in order.
func seed(t testing.TB, srv *dovecottest.Server, user string, msgs []*genMsg) {
	t.Helper()
	byBox := map[string][]dovecottest.Message{}
	var order []string
	for _, g := range msgs {
		if _, ok := byBox[g.Box]; !ok {
			order = append(order, g.Box)
		}
		byBox[g.Box] = append(byBox[g.Box], dovecottest.Message{Raw: g.Raw, Flags: g.Flags, Date: g.Date})
	}
	for _, b := range order {
		srv.Seed(t, user, b, byBox[b])
	}
}
