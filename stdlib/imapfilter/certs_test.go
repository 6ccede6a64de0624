package imapfilter

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// TestCertPolicy checks imapfilter's rules for the server's certificate
// case by case; cmd/mailscript's TestIMAPFilterCertificates runs the same
// rules against imapfilter itself.
func TestCertPolicy(t *testing.T) {
	dir := t.TempDir()
	gen := func(opts testcert.Options) *testcert.Cert {
		t.Helper()
		c, err := testcert.Generate(opts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	write := func(name string, certs ...*testcert.Cert) string {
		t.Helper()
		var b strings.Builder
		for _, c := range certs {
			// As imapfilter stores them: description lines, then PEM.
			b.WriteString("Subject: " + c.X509.Subject.String() + "\n")
			b.Write(c.CertPEM)
			b.WriteString("\n")
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	server := gen(testcert.Options{})
	other := gen(testcert.Options{})
	// Same subject, issuer (itself) and serial as server's, another key.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := *server.X509
	tmpl.PublicKey = nil
	impostor, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	expired := gen(testcert.Options{NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(-1, 0, 0)})

	pool := func(file string) *x509.CertPool {
		t.Helper()
		p, err := loadRoots(file)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := loadRoots(write("empty.pem")); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("a -t file without certificates: %v", err)
	}
	trust := write("trust.pem", server)
	stored := write("certificates", other, server)
	storedExpired := write("certificates-expired", expired)
	storedImpostor := filepath.Join(dir, "certificates-impostor")
	if err := os.WriteFile(storedImpostor, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: impostor}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		policy certPolicy
		peer   *x509.Certificate
		host   string
		want   string // "" accepted, else a part of the error
		fatal  bool
	}{
		{name: "trusted with -t", policy: certPolicy{hostnames: true, certificates: true, roots: pool(trust)}, peer: server.X509, host: "localhost"},
		{name: "trusted with -t, another name", policy: certPolicy{hostnames: true, certificates: true, roots: pool(trust)}, peer: server.X509, host: "mail.example.org", want: "certificate verify failed", fatal: true},
		{name: "self-signed", policy: certPolicy{hostnames: true, certificates: true, storeFile: stored}, peer: server.X509, host: "localhost", want: "certificate verify failed", fatal: true},
		{name: "hostnames off, stored", policy: certPolicy{certificates: true, storeFile: stored}, peer: server.X509, host: "mail.example.org"},
		{name: "hostnames off, not stored", policy: certPolicy{certificates: true, storeFile: write("empty")}, peer: server.X509, host: "localhost", want: "can't accept certificate in non-interactive mode", fatal: true},
		{name: "hostnames off, no file", policy: certPolicy{certificates: true, storeFile: filepath.Join(dir, "missing")}, peer: server.X509, host: "localhost", want: "non-interactive", fatal: true},
		{name: "hostnames off, another stored", policy: certPolicy{certificates: true, storeFile: storedImpostor}, peer: server.X509, host: "localhost", want: "certificate mismatch occurred"},
		{name: "hostnames off, trusted with -t", policy: certPolicy{certificates: true, roots: pool(trust)}, peer: server.X509, host: "mail.example.org"},
		// OpenSSL looks for the issuer before the dates: an expired
		// self-signed certificate is looked up in the file.
		{name: "hostnames off, expired, stored", policy: certPolicy{certificates: true, storeFile: storedExpired}, peer: expired.X509, host: "localhost"},
		{name: "hostnames off, expired, not stored", policy: certPolicy{certificates: true, storeFile: stored}, peer: expired.X509, host: "localhost", want: "non-interactive", fatal: true},
		{name: "hostnames off, expired, trusted with -t", policy: certPolicy{certificates: true, roots: pool(write("trust-expired.pem", expired))}, peer: expired.X509, host: "localhost", want: "certificate verification failed"},
		{name: "both off", policy: certPolicy{}, peer: server.X509, host: "mail.example.org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.policy.server = tc.host
			err := tc.policy.verify(tls.ConnectionState{ServerName: tc.host, PeerCertificates: []*x509.Certificate{tc.peer}})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ce *certError
			if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if ce.fatal != tc.fatal {
				t.Errorf("fatal %v, want %v (%v)", ce.fatal, tc.fatal, err)
			}
		})
	}
}
