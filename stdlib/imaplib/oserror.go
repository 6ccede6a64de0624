package imaplib

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/ssl"
)

// Python raises the errors of its socket and ssl modules unchanged through
// imaplib: OSError with errno and strerror for a refused or unreachable
// connection, TimeoutError (an OSError) when a timeout runs out, whether
// connecting, reading the greeting or reading a response, and
// ssl.SSLCertVerificationError (an ssl.SSLError, itself an OSError, and a
// ValueError) or ssl.SSLError when a TLS handshake fails, in IMAP4_SSL and
// in starttls() alike. The classes below are those errors' classes.

// addOSClasses adds the subclasses of OSError to c.
func (c *classes) addOSClasses(L *lua.LState, mk func(name, qual string, parent *lua.LTable) *lua.LTable) {
	c.timeout = mk("TimeoutError", "TimeoutError", c.oserror)
	c.sslError = mk("SSLError", "ssl.SSLError", c.oserror)
	c.certError = mk("SSLCertVerificationError", "ssl.SSLCertVerificationError", c.sslError)
	// Python's SSLCertVerificationError is a ValueError too.
	c.certError.RawSetString("parent2", c.value)
}

func init() {
	ssl.ErrorClasses = func(L *lua.LState) (sslError, certError lua.LValue) {
		c := newClasses(L)
		return c.sslError, c.certError
	}
}

// osError returns the Lua error for err when Python would raise an
// OSError (or a subclass) for it, and nil otherwise.
func (c *classes) osError(L *lua.LState, err error) lua.LValue {
	var ie *imaplib.Error
	if !errors.As(err, &ie) || ie.Kind != imaplib.KindAbort || ie.Err == nil {
		return nil
	}
	var first *imaplib.Error
	if errors.As(ie.Err, &first) {
		// "connection closed after: <first error>": a later command
		// on the closed connection is an abort, whatever the first was.
		return nil
	}
	if errors.Is(ie.Err, context.Canceled) || errors.Is(ie.Err, context.DeadlineExceeded) && !strings.Contains(ie.Message, "TLS handshake") {
		return nil
	}
	if strings.HasPrefix(ie.Message, "TLS handshake failed") {
		return c.tlsError(L, ie.Err)
	}
	var ne net.Error
	if errors.As(ie.Err, &ne) && ne.Timeout() {
		return c.newError(L, c.timeout, "timed out")
	}
	var oe *net.OpError
	if !errors.As(ie.Err, &oe) || oe.Op != "dial" {
		return nil
	}
	var errno syscall.Errno
	if errors.As(oe.Err, &errno) {
		return c.errnoError(L, c.oserror, int(errno), errno.Error())
	}
	return c.newError(L, c.oserror, ie.Message)
}

// errnoError makes an OSError with Python's errno and strerror fields and
// its "[Errno N] text" message.
func (c *classes) errnoError(L *lua.LState, cls *lua.LTable, errno int, text string) *lua.LTable {
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	e := c.newError(L, cls, "[Errno "+strconv.Itoa(errno)+"] "+text)
	e.RawSetString("errno", lua.LNumber(errno))
	e.RawSetString("strerror", lua.LString(text))
	args := L.CreateTable(2, 0)
	args.RawSetInt(1, lua.LNumber(errno))
	args.RawSetInt(2, lua.LString(text))
	e.RawSetString("args", args)
	return e
}

// tlsError is the ssl module's error for a failed handshake: a
// certificate that does not verify is SSLCertVerificationError, anything
// else SSLError.
func (c *classes) tlsError(L *lua.LState, err error) lua.LValue {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return c.newError(L, c.timeout, "_ssl.c:990: The handshake operation timed out")
	}
	var (
		ve   *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
		why  string
		cert = true
	)
	switch {
	case errors.As(err, &ua):
		why = "unable to get local issuer certificate"
		if ua.Cert != nil && ua.Cert.Issuer.String() == ua.Cert.Subject.String() {
			why = "self-signed certificate"
		}
	case errors.As(err, &he):
		why = "Hostname mismatch, certificate is not valid for '" + he.Host + "'."
	case errors.As(err, &ci):
		why = ci.Error()
		if ci.Reason == x509.Expired {
			why = "certificate has expired"
		}
	case errors.As(err, &ve):
		why = ve.Err.Error()
	default:
		cert = false
	}
	if !cert {
		e := c.newError(L, c.sslError, err.Error())
		e.RawSetString("errno", lua.LNumber(1))
		e.RawSetString("library", lua.LString("SSL"))
		return e
	}
	msg := "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + why
	e := c.newError(L, c.certError, msg)
	e.RawSetString("errno", lua.LNumber(1))
	e.RawSetString("strerror", lua.LString(msg))
	e.RawSetString("library", lua.LString("SSL"))
	e.RawSetString("reason", lua.LString("CERTIFICATE_VERIFY_FAILED"))
	e.RawSetString("verify_message", lua.LString(why))
	return e
}
