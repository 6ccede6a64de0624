package imapfilter

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mailscript/mailscript/stdlib/mail"
)

// imapfilter's rules for the server's certificate, from its socket.c and
// cert.c (2.8):
//
//   - options.hostnames (the default): the chain must lead to a trusted
//     root (the system's, or -t's) and name the server; if not, the
//     handshake fails and imapfilter exits with status 5.
//   - options.hostnames = false: the handshake accepts any certificate,
//     and with options.certificates (the default) imapfilter then looks at
//     it: a chain to a trusted root passes whatever its names; a
//     self-signed certificate, or one whose issuer is unknown, passes when
//     it is in the certificates file of imapfilter's folder (kept there by
//     an earlier interactive run), is refused when the file holds another
//     certificate of the same subject, issuer and serial ("certificate
//     mismatch"), and otherwise ends the run with status 5 ("can't accept
//     certificate in non-interactive mode": mailscript never asks);
//     other failures (an expired certificate from a trusted issuer)
//     refuse the connection.
//   - both false: any certificate passes.

// ExitCertificate is the exit status imapfilter ends with when it cannot
// accept the server's certificate (ERROR_CERTIFICATE).
const ExitCertificate = 5

// certError is a certificate refused under imapfilter's rules; fatal ends
// the run with ExitCertificate, as imapfilter's fatal() does.
type certError struct {
	msg   string
	fatal bool
}

func (e *certError) Error() string { return e.msg }

// certPolicy is what decides about a server's certificate: the options at
// login, the roots of -t and the file of accepted certificates.
type certPolicy struct {
	server                  string
	hostnames, certificates bool
	roots                   *x509.CertPool // -t's; nil: the system's only
	storeFile               string
}

// verify checks a handshake's certificate under imapfilter's rules.
func (p certPolicy) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return &certError{msg: fmt.Sprintf("initiating SSL connection to %s; the server sent no certificate", p.server)}
	}
	if !p.hostnames && !p.certificates {
		return nil
	}
	name := ""
	if p.hostnames {
		name = cs.ServerName
	}
	err := p.chain(cs.PeerCertificates, name)
	switch {
	case err == nil:
		return nil
	case p.hostnames:
		return &certError{msg: fmt.Sprintf("initiating SSL connection to %s; certificate verify failed: %v", p.server, err), fatal: true}
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		// OpenSSL builds the chain before it looks at the dates, so an
		// expired certificate without a trusted issuer is looked up in
		// the file like any other: Go looks at the dates first.
		leaf := cs.PeerCertificates[0]
		if e := mail.VerifyChain(cs.PeerCertificates, p.roots, "", leaf.NotBefore); e != nil {
			err = e
		}
	}
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		return &certError{msg: fmt.Sprintf("certificate verification failed; %v", err)}
	}
	switch stored, err := p.stored(cs.PeerCertificates[0]); {
	case err != nil:
		return &certError{msg: fmt.Sprintf("certificate of %s: %v", p.server, err)}
	case stored == storedSame:
		return nil
	case stored == storedOther:
		return &certError{msg: fmt.Sprintf("certificate mismatch occurred: %s holds another certificate of the same subject, issuer and serial as %s's", p.storeFile, p.server)}
	}
	return &certError{msg: fmt.Sprintf("can't accept certificate in non-interactive mode: the certificate of %s (subject %s) is not trusted, and not in %s", p.server, cs.PeerCertificates[0].Subject, p.storeFile), fatal: true}
}

// chain verifies certs (the leaf first) against the roots of -t, then the
// system's, with name as the server's name ("" checks no name).
func (p certPolicy) chain(certs []*x509.Certificate, name string) error {
	return mail.VerifyChain(certs, p.roots, name, time.Time{})
}

// loadRoots reads the PEM certificates of file (imapfilter's -t).
func loadRoots(file string) (*x509.CertPool, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// What the file of accepted certificates says about a certificate.
const (
	storedNone  = iota // not there
	storedSame         // there
	storedOther        // another of the same subject, issuer and serial
)

// stored looks leaf up in the file of accepted certificates: PEM blocks,
// with imapfilter's "Subject:", "Issuer:" and "Serial:" lines between
// them. A missing file holds nothing.
func (p certPolicy) stored(leaf *x509.Certificate) (int, error) {
	if p.storeFile == "" {
		return storedNone, nil
	}
	raw, err := os.ReadFile(p.storeFile)
	if errors.Is(err, os.ErrNotExist) {
		return storedNone, nil
	} else if err != nil {
		return storedNone, err
	}
	for {
		var b *pem.Block
		if b, raw = pem.Decode(raw); b == nil {
			return storedNone, nil
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil || b.Type != "CERTIFICATE" {
			continue
		}
		if !bytes.Equal(c.RawSubject, leaf.RawSubject) || !bytes.Equal(c.RawIssuer, leaf.RawIssuer) ||
			c.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
			continue
		}
		if bytes.Equal(c.Raw, leaf.Raw) {
			return storedSame, nil
		}
		return storedOther, nil
	}
}
