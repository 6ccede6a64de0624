// Package testcert generates self-signed TLS certificates for tests and for
// local demo servers.
//
// Generate returns the certificate and key as PEM, a ready *tls.Certificate
// and an *x509.CertPool that trusts it, so a test can start a TLS server and
// a client that verifies it without touching the system trust store.
// Keys are ECDSA P-256, which is fast to generate.
package testcert
