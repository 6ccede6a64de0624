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
func (m *IMAP4) WaitIdleEvery(ctx context.Context, renew time.Duration) ([]IdleResponse, error) {
	if renew <= 0 || renew > IdleRenewInterval {
		renew = IdleRenewInterval
	}
	return m.waitIdle(ctx, renew, DefaultBurstInterval)
}
