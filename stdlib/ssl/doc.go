// Package ssl is the Lua module "ssl": the part of Python's ssl module that
// imaplib users touch, mapped onto crypto/tls.
//
//	local ssl = require("ssl")
//	local ctx = ssl.create_default_context({cafile = "/etc/mail/ca.pem"})
//	ctx.check_hostname = false            -- verify the chain, not the name
//	ctx.verify_mode = ssl.CERT_NONE       -- or verify nothing at all
//	ctx:load_cert_chain("client.pem", "client.key")
//	ctx:load_verify_locations("other-ca.pem")
//	local M = imaplib.IMAP4_SSL("imap.example.org", 993, {ssl_context = ctx})
//
// create_default_context(purpose, {cafile=, capath=, cadata=}) returns an
// SSLContext that verifies the server's certificate against the system's
// roots plus the given ones and checks the host name, as Python's does.
// SSLContext(protocol) makes one that verifies nothing unless told
// (Python's PROTOCOL_TLS_CLIENT context verifies; both constants exist).
// Attributes: check_hostname (boolean), verify_mode (CERT_NONE,
// CERT_OPTIONAL, CERT_REQUIRED), minimum_version and maximum_version
// (ssl.TLSVersion.TLSv1_2 ...). Methods: load_cert_chain(certfile,
// keyfile), load_verify_locations(cafile, capath, cadata),
// load_default_certs(), set_ciphers() (accepted and ignored: Go chooses
// the cipher suites). Files are read with the run's read permission.
//
// As in Python, setting verify_mode to CERT_NONE while check_hostname is
// true is a ValueError; CERT_OPTIONAL behaves as CERT_REQUIRED for a
// client. Go code turns a context into a *tls.Config with Config.
package ssl
