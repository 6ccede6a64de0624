package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// TestReconnectBackoff: connects that fail in a row are spaced out as a
// trigger's reconnections are (doubling from BackoffMin, with jitter down
// to half).
func TestReconnectBackoff(t *testing.T) {
	var at []time.Time
	refused := errors.New("connection refused")
	cfg := mail.Config{Host: "127.0.0.1", Port: 1, User: "alice", Password: "secret", TLS: mail.TLSNone,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			at = append(at, time.Now())
			return nil, refused
		}}
	min := 40 * time.Millisecond
	h := &host.Host{Context: context.Background(), Logger: slog.New(slog.DiscardHandler),
		Tuning: host.Tuning{BackoffMin: min, BackoffMax: time.Second}}
	a, err := mail.NewAccount(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := a.Conn(); !errors.Is(err, refused) {
			t.Fatalf("connect: %v", err)
		}
	}
	if len(at) != 4 {
		t.Fatalf("%d dials", len(at))
	}
	for i := 1; i < len(at); i++ {
		// The i-th wait is drawn between half and all of min<<(i-1).
		if d, least := at[i].Sub(at[i-1]), (min<<(i-1))/2; d < least {
			t.Errorf("connect %d came %s after the previous one, want at least %s", i+1, d, least)
		}
	}
}
