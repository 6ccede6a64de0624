package mail

import (
	"time"

	"github.com/mailscript/mailscript/host"
)

// What the engine's watch asks of triggers to run as a daemon: the
// account a trigger watches, to serialise the rules that act on it and to
// pick the shard that watches it.

// Account returns the account the trigger watches, user@host: the name
// rules are serialised by and sharded by.
func (t *NewMailTrigger) Account() string { return t.owner.acct.Name() }

// Account returns the account the trigger watches, user@host.
func (t *ChangeTrigger) Account() string { return t.owner.acct.Name() }

// handledCounter is a Sink that counts the messages handed to callbacks
// (the engine's, for its metrics).
type handledCounter interface {
	Handled(n int)
}

// countHandled tells s that n messages were handled, when it counts them.
func countHandled(s host.Sink, n int) {
	if c, ok := s.(handledCounter); ok {
		c.Handled(n)
	}
}

// newsTimer is a Sink that records, for each callback of on_new woken by
// the server's news, how long the mail waited: from the moment the
// trigger read the server's news (the "* N EXISTS" of IDLE) to the start
// of the callback (the engine's, for its metrics).
type newsTimer interface {
	NewsLatency(d time.Duration)
}

// timeNews tells s how long mail announced at newsAt waited for its
// callback, when s records it and newsAt is known.
func timeNews(s host.Sink, newsAt time.Time) {
	if c, ok := s.(newsTimer); ok && !newsAt.IsZero() {
		c.NewsLatency(time.Since(newsAt))
	}
}
