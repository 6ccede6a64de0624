package imaplib

import (
	"context"
	"time"
)

// WaitIdleEvery is WaitIdle renewing the IDLE command every renew of
// silence instead of every IdleRenewInterval (renew zero or beyond it
// means IdleRenewInterval). Ending IDLE needs the server's answer within
// Options.Timeout, so a short renew is a heartbeat: a server that stopped
// answering is noticed within renew plus Options.Timeout, as an abort.
//
// News the server sends while an IDLE is being ended (EXISTS, EXPUNGE,
// FETCH, VANISHED before the completion of DONE) is returned, with its
// responses left in place for Response, rather than waited past: a
// frequent renewal must not miss mail that arrives at that moment.
func (m *IMAP4) WaitIdleEvery(ctx context.Context, renew time.Duration) ([]IdleResponse, error) {
	return m.WaitIdleBurst(ctx, renew, DefaultBurstInterval)
}

// WaitIdleBurst is WaitIdleEvery returning the burst that follows the
// first response within burst (see Idler.Burst; WaitIdleEvery waits
// DefaultBurstInterval): the interval bounds both how long the news of
// one change is held back and how close together changes must come to be
// returned at once. Zero returns the first response with those already
// received.
func (m *IMAP4) WaitIdleBurst(ctx context.Context, renew, burst time.Duration) ([]IdleResponse, error) {
	if renew <= 0 || renew > IdleRenewInterval {
		renew = IdleRenewInterval
	}
	return m.idleUntilNews(ctx, renew, burst, true, "WaitIdleEvery")
}

// newsCodes are the untagged responses that tell of changes to the
// selected mailbox.
var newsCodes = []string{"EXISTS", "EXPUNGE", "FETCH", "VANISHED"}

// newsMark returns how many news responses of each kind m holds, for
// newsSince.
func (m *IMAP4) newsMark() map[string]int {
	mark := make(map[string]int, len(newsCodes))
	for _, code := range newsCodes {
		mark[code] = len(m.untagged[code])
	}
	return mark
}

// newsSince returns the news filed after mark was taken, without taking
// it. Received is the time of the call: the news came with the answer
// to the command just ended.
func (m *IMAP4) newsSince(mark map[string]int) []IdleResponse {
	var got []IdleResponse
	now := time.Now()
	for _, code := range newsCodes {
		if data := m.untagged[code]; len(data) > mark[code] {
			got = append(got, IdleResponse{Type: code, Data: data[mark[code]:], Received: now})
		}
	}
	return got
}

// pendingNews returns the news filed since the last command took it,
// without taking it.
func (m *IMAP4) pendingNews() []IdleResponse {
	var got []IdleResponse
	for _, code := range newsCodes {
		if data := m.untagged[code]; len(data) > 0 {
			got = append(got, IdleResponse{Type: code, Data: data})
		}
	}
	return got
}
