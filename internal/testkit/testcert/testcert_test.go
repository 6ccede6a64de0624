package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

func TestHandshake(t *testing.T) {
	def, err := Generate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := Generate(Options{
		NotBefore: time.Now().Add(-48 * time.Hour),
		NotAfter:  time.Now().Add(-24 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Generate(Options{DNSNames: []string{"mail.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		srv     *Cert
		pool    *Cert
		sni     string
		wantErr any // nil, or a pointer to the error type expected
	}{
		{"localhost", def, def, "localhost", nil},
		{"ipv4", def, def, "127.0.0.1", nil},
		{"ipv6", def, def, "::1", nil},
		{"custom name", other, other, "mail.example.org", nil},
		{"wrong name", def, def, "example.com", new(x509.HostnameError)},
		{"custom cert lacks localhost", other, other, "localhost", new(x509.HostnameError)},
		{"untrusted", def, other, "localhost", new(x509.UnknownAuthorityError)},
		{"expired", expired, expired, "localhost", new(x509.CertificateInvalidError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.srv.Handshake(t, tt.pool.ClientConfig(tt.sni))
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
			case *x509.HostnameError:
				if !errors.As(err, want) {
					t.Fatalf("handshake error = %v, want a HostnameError", err)
				}
			case *x509.UnknownAuthorityError:
				if !errors.As(err, want) {
					t.Fatalf("handshake error = %v, want an UnknownAuthorityError", err)
				}
			case *x509.CertificateInvalidError:
				if !errors.As(err, want) || want.Reason != x509.Expired {
					t.Fatalf("handshake error = %v, want an expired CertificateInvalidError", err)
				}
			}
		})
	}
}

func TestWriteFiles(t *testing.T) {
	c, err := Generate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := c.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatalf("load written pair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if !leaf.Equal(c.X509) {
		t.Error("written certificate differs from the generated one")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: c.Pool, DNSName: "localhost"}); err != nil {
		t.Errorf("verify written certificate: %v", err)
	}
}

func TestGenerateRejectsBadValidity(t *testing.T) {
	now := time.Now()
	_, err := Generate(Options{NotBefore: now, NotAfter: now.Add(-time.Minute)})
	if err == nil {
		t.Fatal("Generate accepted NotAfter before NotBefore")
	}
}

func TestDefaults(t *testing.T) {
	c, err := Generate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.X509.DNSNames; len(got) != 1 || got[0] != "localhost" {
		t.Errorf("DNSNames = %v, want [localhost]", got)
	}
	var ips []string
	for _, ip := range c.X509.IPAddresses {
		ips = append(ips, ip.String())
	}
	if len(ips) != 2 || ips[0] != "127.0.0.1" || ips[1] != "::1" {
		t.Errorf("IPAddresses = %v, want [127.0.0.1 ::1]", ips)
	}
	if !c.X509.NotAfter.After(time.Now()) || !c.X509.NotBefore.Before(time.Now()) {
		t.Errorf("default validity %v..%v does not include now", c.X509.NotBefore, c.X509.NotAfter)
	}
}
