package imapfilter_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
)

// TestCertificateChangedOnReconnect: a config logs in to a server whose
// self-signed certificate imapfilter's file of accepted certificates
// holds; the connection drops and, logging in again, the layer meets
// another certificate. imapfilter ends such a run with status 5 at once,
// and so does the layer (it raised an error inside recover(), which tried
// again and again). The same drop with the same certificate is only a
// reconnection.
func TestCertificateChangedOnReconnect(t *testing.T) {
	gen := func() *testcert.Cert {
		t.Helper()
		c, err := testcert.Generate(testcert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	accepted, other := gen(), gen()
	store := filepath.Join(t.TempDir(), "certificates")
	if err := os.WriteFile(store, accepted.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		changes bool
		out     string
		exit    int
	}{
		{"same certificate", false, "1\ntrue\t1\nend\n", 0},
		{"another certificate", true, "1\n", imapfilter.ExitCertificate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var changed atomic.Bool
			srv, err := memserver.New(memserver.Options{
				Users: map[string]string{"alice": "secret"},
				TLS: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
					if changed.Load() {
						return other.TLS, nil
					}
					return accepted.TLS, nil
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			if _, err := srv.Append("alice", "INBOX", []byte("Subject: one\r\n\r\nbody\r\n"), nil, time.Now()); err != nil {
				t.Fatal(err)
			}
			proxy, err := faultproxy.New(srv.TLSAddr())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { proxy.Close() })
			_, port, _ := net.SplitHostPort(proxy.Addr())

			e := engine.New(engine.WithCapture(), engine.WithTimeout(20*time.Second),
				engine.WithSetup(func(L *lua.LState) error {
					return imapfilter.Install(L, imapfilter.Options{CertificatesFile: store})
				}),
				engine.WithTeardown(imapfilter.Teardown),
				engine.WithGlobal("drop", func() {
					changed.Store(tc.changes)
					proxy.CutAll()
				}))
			// recover() logs in again after the drop (imapfilter's way),
			// after a pause of 2 s.
			res, err := e.RunString(context.Background(), "config.lua", `options.hostnames = false
acct = IMAP { server = '127.0.0.1', port = `+port+`, username = 'alice', password = 'secret', ssl = 'tls1' }
print(#acct.INBOX:select_all())
drop()
print(recover(function() return #acct.INBOX:select_all() end))
print('end')`)
			if got := string(res.Output); got != tc.out {
				t.Errorf("printed %q, want %q", got, tc.out)
			}
			var exit *engine.ExitError
			switch {
			case tc.exit == 0 && err != nil:
				t.Fatalf("the run failed: %v", err)
			case tc.exit != 0 && (!errors.As(err, &exit) || exit.Code != tc.exit):
				t.Fatalf("the run ended with %v, want exit status %d", err, tc.exit)
			}
		})
	}
}
