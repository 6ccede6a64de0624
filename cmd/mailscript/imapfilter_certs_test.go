package main

// The server's certificate under "mailscript imapfilter" is judged by
// imapfilter's rules (stdlib/imapfilter/certs.go): each case runs the
// built command and imapfilter 2.8 against the test bed's TLS port, whose
// certificate is self-signed, from the same starting Maildir, and
// compares their exit status, output and the mailboxes they leave.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestIMAPFilterCertificates(t *testing.T) {
	real := needIMAPFilter(t)
	ours := buildMailscript(t)
	b := newBed(t)
	serverPEM, err := os.ReadFile(b.srv.CertFile())
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(serverPEM)
	server, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	// What imapfilter writes to its certificates file when a user accepts
	// a certificate for good.
	accepted := func(c *x509.Certificate) []byte {
		return fmt.Appendf(nil, "Subject: %s\nIssuer: %s\nSerial: %X\n%s\n", c.Subject, c.Issuer, c.SerialNumber,
			pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	// Another certificate of the same subject, issuer and serial: the
	// server's key changed, or someone is in the middle.
	impostor := func() []byte {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := *server
		tmpl.PublicKey, tmpl.Signature, tmpl.Raw = nil, nil, nil
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return accepted(c)
	}()

	const account = "acct = IMAP { server = 'localhost', port = {TLSPORT}, username = '{USER}', password = '{PASS}', ssl = 'auto' }\n"
	const plainTLS = "acct = IMAP { server = 'localhost', port = {PORT}, username = '{USER}', password = '{PASS}' }\n"
	const work = "print(#acct.INBOX:select_all())\nacct.INBOX:contain_from('penguin.land'):move_messages(acct['Later'])\n"
	tests := []struct {
		name    string
		account string // default: the TLS port
		options string
		stored  []byte   // the certificates file of imapfilter's folder
		args    []string // after -c config.lua
		want    int      // the exit status of both
	}{
		// The defaults: the certificate must chain to a trusted root and
		// name the server.
		{name: "self-signed", want: 5},
		{name: "self-signed, trusted with -t", args: []string{"-t", "{CERT}"}, want: 0},
		// A stored certificate counts only with options.hostnames off.
		{name: "self-signed, stored", stored: accepted(server), want: 5},
		{name: "hostnames off, not stored", options: "options.hostnames = false\n", want: 5},
		{name: "hostnames off, stored", options: "options.hostnames = false\n", stored: accepted(server), want: 0},
		{name: "hostnames off, another stored", options: "options.hostnames = false\n", stored: impostor, want: 2},
		{name: "hostnames off, trusted with -t", options: "options.hostnames = false\n", args: []string{"-t", "{CERT}"}, want: 0},
		{name: "hostnames and certificates off", options: "options.hostnames = false\noptions.certificates = false\n", want: 0},
		// STARTTLS on the plain port (options.starttls is on by default):
		// the same rules, and no falling back to plaintext.
		{name: "STARTTLS, self-signed", account: plainTLS, want: 5},
		{name: "STARTTLS, hostnames off, stored", account: plainTLS, options: "options.hostnames = false\n", stored: accepted(server), want: 0},
		{name: "STARTTLS, hostnames off, another stored", account: plainTLS, options: "options.hostnames = false\n", stored: impostor, want: 2},
		// A fatal certificate error is not something recover() retries.
		{name: "self-signed, inside recover", options: "", want: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			acct := account
			if tc.account != "" {
				acct = tc.account
			}
			config := tc.options + acct + work
			if tc.name == "self-signed, inside recover" {
				config = account + "recover(function() " + work + " end, 3)\nprint('after')\n"
			}
			c := sideCase{config: config, want: tc.want, ourWant: tc.want}
			if tc.args != nil {
				c.args = []string{"-c", "config.lua"}
				for _, a := range tc.args {
					if a == "{CERT}" {
						a = b.srv.CertFile()
					}
					c.args = append(c.args, a)
				}
			}
			if tc.stored != nil {
				c.setup = func(t *testing.T, dir string) {
					if err := os.MkdirAll(filepath.Join(dir, ".imapfilter"), 0o700); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, ".imapfilter", "certificates"), tc.stored, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			sideBySide(t, b, real, ours, c)
		})
	}
}
