package memservertest

import (
	"testing"

	"github.com/mailscript/mailscript/internal/memserver"
)

// Default credentials of a server started by Start.
const (
	// User is the user every server started by Start has.
	User = "alice"
	// Password is User's password.
	Password = "secret"
)

// Start starts a memserver on a free loopback port with InsecureAuth set,
// the user User (password Password) added to opts.Users, and the server's
// error messages sent to t.Logf unless opts.Logger is set. It registers
// Close with t.Cleanup and fails the test if Close reports an error.
func Start(t testing.TB, opts memserver.Options) *memserver.Server {
	t.Helper()
	users := map[string]string{User: Password}
	for name, pass := range opts.Users {
		users[name] = pass
	}
	opts.Users = users
	opts.InsecureAuth = true
	if opts.Logger == nil {
		opts.Logger = logger{t}
	}
	s, err := memserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// logger sends log lines to the test log.
type logger struct{ t testing.TB }

func (l logger) Printf(format string, args ...any) {
	l.t.Helper()
	l.t.Logf("memserver: "+format, args...)
}
