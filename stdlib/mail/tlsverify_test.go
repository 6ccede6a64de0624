package mail

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// TestVerifyWith: a certificate ca_file vouches for is trusted, under the
// names it holds only; one it does not is checked against the system's
// roots, which do not know a test certificate; the errors are those
// crypto/tls gives when it checks.
func TestVerifyWith(t *testing.T) {
	server, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, serverName string
		trust            *testcert.Cert
		want             string // "" for trusted
	}{
		{"ca_file's certificate", "localhost", server, ""},
		{"by IP address", "127.0.0.1", server, ""},
		{"another name", "mail.example.test", server, "tls: failed to verify certificate: x509: certificate is valid for localhost, not mail.example.test"},
		{"unknown to ca_file and the system", "localhost", other, "tls: failed to verify certificate: x509: certificate signed by unknown authority"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &tls.Config{ServerName: tc.serverName, InsecureSkipVerify: true, VerifyConnection: verifyWith(tc.trust.Pool)}
			err := server.Handshake(t, cfg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *tls.CertificateVerificationError
			if err == nil || !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
