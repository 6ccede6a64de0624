package main

// What a dropped connection does to the mail of "mailscript imapfilter":
// a config that moves messages within an account and to another one,
// deletes and flags runs through a proxy that cuts its connection at one
// point, once as it is and once inside recover(). Nothing may be lost:
// a message leaves its mailbox only once it is in the destination. A run
// without recover() fails with status 2 and keeps what was done; with
// recover() the run reconnects and ends as if nothing had happened, also
// when the answer to a copy or append was lost: the server made it, the
// client cannot know, and the second attempt looks for the messages in
// the destination by Message-ID before it copies them again (imapfilter
// copies them twice).

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

const dropHead = `options.starttls = false
options.info = false
acct = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }
acct2 = IMAP { server = 'localhost', port = {PORT}, username = '{USER2}', password = '{PASS2}' }
function work()
    local inbox = acct.INBOX
    print('move', inbox:contain_from('penguin.land'):move_messages(acct['Trash']))
    print('move2', inbox:contain_from('amazon'):move_messages(acct2['mymailbox2']))
    print('delete', inbox:contain_from('news.letter'):delete_messages())
    print('flag', inbox:contain_from('daemon.land'):mark_seen())
end
`

// dropGroup is a set of messages the config acts on in the same way.
type dropGroup struct {
	name string
	ids  []string
	// src and dst are "user/mailbox"; dst is empty for a delete or a
	// flag change.
	src, dst string
	// flag is the flag the config adds (\Seen), or "" for a delete.
	flag string
}

var dropGroups = []dropGroup{
	{name: "tux", ids: []string{"<tux1@corpus.test>", "<tux2@corpus.test>"},
		src: dovecottest.DefaultUser + "/INBOX", dst: dovecottest.DefaultUser + "/Trash"},
	{name: "amz", ids: []string{"<amz1@corpus.test>", "<amz2@corpus.test>"},
		src: dovecottest.DefaultUser + "/INBOX", dst: dovecottest.SecondUser + "/mymailbox2"},
	{name: "news", ids: []string{"<news1@corpus.test>", "<news2@corpus.test>"},
		src: dovecottest.DefaultUser + "/INBOX"},
	{name: "bsd", ids: []string{"<bsd1@corpus.test>"}, src: dovecottest.DefaultUser + "/INBOX", flag: `\Seen`},
}

// dropOutcome tells what happened to each group between two states of
// the test bed (see bed.state): a move is "moved", "moved twice" (two
// copies in the destination), "kept" (not copied, not flagged),
// "copied" (in both, the original not flagged \Deleted), "copied,
// deleted" (in both, the original flagged) or "LOST"; a delete is
// "gone", "kept" or "deleted" (flagged); a flag change "done" or "kept".
// Every other message must be as it was; changes lists those that are
// not.
func dropOutcome(before, after []string) (outcome map[string]string, changes []string) {
	type loc struct{ box, flags string }
	parse := func(st []string) map[string][]loc {
		out := map[string][]loc{}
		for _, l := range st {
			box, rest, _ := strings.Cut(l, " ")
			id, flags, _ := strings.Cut(rest, " ")
			out[id] = append(out[id], loc{box, flags})
		}
		return out
	}
	was, is := parse(before), parse(after)
	outcome = map[string]string{}
	acted := map[string]bool{}
	for _, g := range dropGroups {
		var got []string
		for _, id := range g.ids {
			acted[id] = true
			var src, dst int
			var deleted, flagged bool
			for _, l := range is[id] {
				switch l.box {
				case g.src:
					src++
					deleted = strings.Contains(l.flags, `\Deleted`)
					flagged = g.flag != "" && strings.Contains(l.flags, g.flag)
				case g.dst:
					dst++
				default:
					changes = append(changes, fmt.Sprintf("%s is in %s", id, l.box))
				}
			}
			var o string
			switch {
			case g.dst == "" && g.flag == "" && src == 0:
				o = "gone"
			case g.dst == "" && g.flag == "" && deleted:
				o = "deleted"
			case g.flag != "" && src == 1 && flagged:
				o = "done"
			case g.dst == "" && src == 1:
				o = "kept"
			case src == 0 && dst == 0:
				o = "LOST"
			case src == 0 && dst == 1:
				o = "moved"
			case src == 0 && dst == 2:
				o = "moved twice"
			case src == 1 && dst == 0 && !deleted:
				o = "kept"
			case src == 1 && dst == 1 && !deleted:
				o = "copied"
			case src == 1 && dst == 1:
				o = "copied, deleted"
			default:
				o = fmt.Sprintf("%d in the source (\\Deleted %v), %d in the destination", src, deleted, dst)
			}
			got = append(got, o)
		}
		outcome[g.name] = got[0]
		for _, o := range got[1:] {
			if o != got[0] {
				outcome[g.name] = strings.Join(got, " / ")
			}
		}
	}
	for id, locs := range was {
		if !acted[id] && fmt.Sprint(is[id]) != fmt.Sprint(locs) {
			changes = append(changes, fmt.Sprintf("%s was %v, is %v", id, locs, is[id]))
		}
	}
	return outcome, changes
}

// runDrop runs config under "mailscript imapfilter" and returns its exit
// status and what it printed.
func (b *bed) runDrop(t *testing.T, config string) (int, string, string) {
	t.Helper()
	stdout, stderr, err := b.runOursErr(t, config, nil, nil)
	return exitCode(err), stdout, stderr
}

func TestIMAPFilterDropKeepsMail(t *testing.T) {
	const (
		alice = 1 // the first account's connection
		bob   = 2 // the second account's
	)
	expunge := regexp.MustCompile(`(?i)^\S+ UID EXPUNGE`)
	seen := regexp.MustCompile(`(?i)^\S+ UID STORE .*\+FLAGS.*\\Seen`)
	done := map[string]string{"tux": "moved", "amz": "moved", "news": "gone", "bsd": "done"}
	tests := []struct {
		name string
		rule faultproxy.Rule
		// printed is what the run without recover() prints before it
		// fails; failed names the request in its error.
		printed, failed string
		// plain is the outcome of the run without recover().
		plain map[string]string
	}{
		{name: "search answer lost", rule: faultproxy.Rule{Command: "UID SEARCH", When: faultproxy.AfterCommand},
			failed: "search request to alice@localhost failed",
			plain:  map[string]string{"tux": "kept", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "copy not sent", rule: faultproxy.Rule{Command: "UID COPY", When: faultproxy.BeforeCommand},
			failed: "copy request to alice@localhost failed",
			plain:  map[string]string{"tux": "kept", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "copy answer lost", rule: faultproxy.Rule{Command: "UID COPY", When: faultproxy.AfterCommand, Offset: 1},
			failed: "copy request to alice@localhost failed",
			plain:  map[string]string{"tux": "copied", "amz": "kept", "news": "kept", "bsd": "kept"}},
		// The copy is answered; the connection breaks at the next
		// request. The end of the run logs in again and completes the
		// move (the \Deleted and the expunge waited).
		{name: "between copy and store", rule: faultproxy.Rule{Command: "UID COPY", When: faultproxy.AfterResponse},
			printed: "move\ttrue\n", failed: "request to alice@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "expunge not sent", rule: faultproxy.Rule{Match: expunge, When: faultproxy.BeforeCommand},
			printed: "move\ttrue\n", failed: "expunge request to alice@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "fetch for another account", rule: faultproxy.Rule{Command: "UID FETCH", When: faultproxy.AfterCommand},
			printed: "move\ttrue\n", failed: "request to alice@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "append half sent", rule: faultproxy.Rule{Command: "APPEND", When: faultproxy.MidLiteral, Conn: bob},
			printed: "move\ttrue\n", failed: "append request to bob@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "kept", "news": "kept", "bsd": "kept"}},
		{name: "append answer lost", rule: faultproxy.Rule{Command: "APPEND", When: faultproxy.AfterCommand, Offset: 1, Conn: bob},
			printed: "move\ttrue\n", failed: "append request to bob@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "copied", "news": "kept", "bsd": "kept"}},
		{name: "flag store", rule: faultproxy.Rule{Match: seen, When: faultproxy.BeforeCommand},
			printed: "move\ttrue\nmove2\ttrue\ndelete\ttrue\n", failed: "store request to alice@localhost failed",
			plain: map[string]string{"tux": "moved", "amz": "moved", "news": "gone", "bsd": "kept"}},
	}
	b := newBed(t)
	for _, tt := range tests {
		for _, recovered := range []bool{false, true} {
			name := strings.ReplaceAll(tt.name, " ", "-")
			if recovered {
				name += "/recover"
			}
			t.Run(name, func(t *testing.T) {
				b.reset(t)
				before := b.state(t)
				proxy := b.proxied(t)
				rule := tt.rule
				rule.Action = faultproxy.Cut
				if rule.Conn == 0 {
					rule.Conn = alice
				}
				fault := proxy.Add(rule)
				body := "work()\nprint('end')\n"
				if recovered {
					body = "print('recover', recover(function() work() end, 3))\nprint('end')\n"
				}
				status, out, stderr := b.runDrop(t, b.withPort(dropHead+body, proxy.Port()))
				select {
				case <-fault.Fired():
				default:
					t.Fatalf("the cut %v never happened; output %q\n%s", rule, out, stderr)
				}
				outcome, changes := dropOutcome(before, b.state(t))
				for _, c := range changes {
					t.Errorf("touched: %s", c)
				}
				want := tt.plain
				if recovered {
					want = done
				}
				for _, g := range dropGroups {
					if outcome[g.name] != want[g.name] {
						t.Errorf("%s: %s, want %s", g.name, outcome[g.name], want[g.name])
					}
				}
				if recovered {
					if status != 0 || !strings.HasSuffix(out, "flag\ttrue\nrecover\ttrue\nend\n") {
						t.Errorf("recover(): status %d, output %q\n%s", status, out, stderr)
					}
					if n := proxy.Stats().Conns; n != 3 {
						t.Errorf("%d connections, want 3 (one more for the account whose connection broke)", n)
					}
					return
				}
				if status != 2 || out != tt.printed || !strings.Contains(stderr, tt.failed) {
					t.Errorf("status %d, output %q; want 2, %q and an error %q:\n%s", status, out, tt.printed, tt.failed, stderr)
				}
			})
		}
	}
}
