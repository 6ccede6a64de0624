package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// readmeAuthLogin checks an "auth login" command of the README without
// signing in at a real provider: the command line must be accepted, and
// the flow is then stopped before any request leaves (a context cancelled
// beforehand), in a scratch state folder.
func readmeAuthLogin(t *testing.T, args []string, out *bytes.Buffer) error {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	old := openBrowser
	defer func() { openBrowser = old }()
	openBrowser = func(string) {}
	oldClient := authClient
	defer func() { authClient = oldClient }()
	authClient = &http.Client{Transport: noNetwork{}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	err := run(ctx, args, out, &stderr)
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		return fmt.Errorf("usage error: %w", err)
	case err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) && !errors.Is(err, errNoNetwork):
		return fmt.Errorf("want the flow stopped before the network, got %v", err)
	}
	return nil
}

var errNoNetwork = errors.New("readme test: no network")

// noNetwork refuses every request.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) { return nil, errNoNetwork }
