package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// handshake runs a TLS handshake between a loopback server presenting srv
// and a client using cfg, and returns the client's error.
func handshake(t *testing.T, srv *Cert, cfg *tls.Config) error {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if c.(*tls.Conn).Handshake() == nil {
			c.Write([]byte("hi"))
		}
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	c := tls.Client(raw, cfg)
	err = c.Handshake()
	if err == nil {
		buf := make([]byte, 2)
		if _, rerr := io.ReadFull(c, buf); rerr != nil || string(buf) != "hi" {
			t.Errorf("read after handshake: %q, %v", buf, rerr)
		}
	}
	c.Close()
	<-done
	return err
}

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
			err := handshake(t, tt.srv, tt.pool.ClientConfig(tt.sni))
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
