package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Options describes the certificate to generate. The zero value gives a
// certificate for localhost, 127.0.0.1 and ::1, valid from an hour ago for
// one year.
type Options struct {
	// DNSNames are the DNS subject alternative names. When both DNSNames
	// and IPs are empty, the defaults localhost, 127.0.0.1 and ::1 apply.
	DNSNames []string
	// IPs are the IP subject alternative names.
	IPs []net.IP
	// CommonName is the subject's common name; it defaults to the first
	// DNS name, or "testcert" when there is none.
	CommonName string
	// NotBefore is the start of validity; zero means one hour ago.
	NotBefore time.Time
	// NotAfter is the end of validity; zero means NotBefore plus one year.
	// Set it in the past to get an expired certificate.
	NotAfter time.Time
}

// Cert is a generated self-signed certificate and its key.
type Cert struct {
	// CertPEM is the certificate in PEM form ("CERTIFICATE" block).
	CertPEM []byte
	// KeyPEM is the private key in PEM form ("PRIVATE KEY" block, PKCS #8).
	KeyPEM []byte
	// TLS is the certificate ready for tls.Config.Certificates.
	TLS *tls.Certificate
	// Pool trusts exactly this certificate; use it as tls.Config.RootCAs.
	Pool *x509.CertPool
	// X509 is the parsed certificate.
	X509 *x509.Certificate
}

// Generate creates a self-signed certificate described by opts. The
// certificate is its own CA, so Pool can verify it directly.
func Generate(opts Options) (*Cert, error) {
	dnsNames, ips := opts.DNSNames, opts.IPs
	if len(dnsNames) == 0 && len(ips) == 0 {
		dnsNames = []string{"localhost"}
		ips = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	notBefore := opts.NotBefore
	if notBefore.IsZero() {
		notBefore = time.Now().Add(-time.Hour)
	}
	notAfter := opts.NotAfter
	if notAfter.IsZero() {
		notAfter = notBefore.AddDate(1, 0, 0)
	}
	if !notAfter.After(notBefore) {
		return nil, fmt.Errorf("testcert: NotAfter %v is not after NotBefore %v", notAfter, notBefore)
	}
	cn := opts.CommonName
	if cn == "" {
		cn = "testcert"
		if len(dnsNames) > 0 {
			cn = dnsNames[0]
		}
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testcert: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("testcert: serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"mailscript test"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              dnsNames,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("testcert: create certificate: %w", err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testcert: parse certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("testcert: marshal key: %w", err)
	}
	c := &Cert{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		TLS:     &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: parsed},
		Pool:    x509.NewCertPool(),
		X509:    parsed,
	}
	c.Pool.AddCert(parsed)
	return c, nil
}

// ServerConfig returns a *tls.Config for a server presenting c.
func (c *Cert) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{*c.TLS}, MinVersion: tls.VersionTLS12}
}

// ClientConfig returns a *tls.Config for a client that trusts only c and
// expects the server name serverName (e.g. "localhost" or "127.0.0.1").
func (c *Cert) ClientConfig(serverName string) *tls.Config {
	return &tls.Config{RootCAs: c.Pool, ServerName: serverName, MinVersion: tls.VersionTLS12}
}

// WriteFiles writes the certificate and key into dir as cert.pem and
// key.pem (the key with mode 0600) and returns their paths.
func (c *Cert) WriteFiles(dir string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, c.CertPEM, 0o644); err != nil {
		return "", "", fmt.Errorf("testcert: write certificate: %w", err)
	}
	if err := os.WriteFile(keyFile, c.KeyPEM, 0o600); err != nil {
		return "", "", fmt.Errorf("testcert: write key: %w", err)
	}
	return certFile, keyFile, nil
}

// Handshake runs a TLS handshake between a loopback server presenting c
// and a client using cfg, and returns the client's error; after a
// handshake that worked it checks that data flows.
func (c *Cert) Handshake(t testing.TB, cfg *tls.Config) error {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", c.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc, err := ln.Accept()
		if err != nil {
			return
		}
		defer sc.Close()
		sc.SetDeadline(time.Now().Add(10 * time.Second))
		if sc.(*tls.Conn).Handshake() == nil {
			sc.Write([]byte("hi"))
		}
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	cc := tls.Client(raw, cfg)
	err = cc.Handshake()
	if err == nil {
		buf := make([]byte, 2)
		if _, rerr := io.ReadFull(cc, buf); rerr != nil || string(buf) != "hi" {
			t.Errorf("read after handshake: %q, %v", buf, rerr)
		}
	}
	cc.Close()
	<-done
	return err
}
