package mail

import (
	"context"
	"errors"
)

// smtpSubmit delivers a message through the account's outgoing server.
func smtpSubmit(ctx context.Context, a *Account, s SMTPConfig, from string, to []string, data []byte) (map[string]string, error) {
	return nil, errors.New("smtp client not available")
}
