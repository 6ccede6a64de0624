package luaimaplib

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
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/ssl"
)

// Python raises the errors of its socket and ssl modules unchanged through
// imaplib: OSError with errno and strerror for a refused or unreachable
// connection, TimeoutError (an OSError) when a timeout runs out, whether
// connecting, reading the greeting or reading a response, and
// ssl.SSLCertVerificationError (an ssl.SSLError, itself an OSError, and a
// ValueError) or ssl.SSLError when a TLS handshake fails, in IMAP4_SSL and
// in starttls() alike. Their classes are luabind's TimeoutError and
// OSError and the ssl module's classes, shared by every module of a state.

// osError returns the Lua error for err when Python would raise an
// OSError (or a subclass) for it, and nil otherwise.
func osError(L *lua.LState, err error) lua.LValue {
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
		return tlsError(L, ie.Err)
	}
	var ne net.Error
	if errors.As(ie.Err, &ne) && ne.Timeout() {
		return luabind.NewError(L, classTimeout, "timed out")
	}
	var oe *net.OpError
	if !errors.As(ie.Err, &oe) || oe.Op != "dial" {
		return nil
	}
	var errno syscall.Errno
	if errors.As(oe.Err, &errno) {
		return errnoError(L, classOSError, int(errno), errno.Error())
	}
	return luabind.NewError(L, classOSError, ie.Message)
}

// errnoError makes an OSError with Python's errno and strerror fields and
// its "[Errno N] text" message.
func errnoError(L *lua.LState, cls *luabind.Class, errno int, text string) *lua.LTable {
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	e := luabind.NewError(L, cls, "[Errno "+strconv.Itoa(errno)+"] "+text)
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
func tlsError(L *lua.LState, err error) lua.LValue {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return luabind.NewError(L, classTimeout, "_ssl.c:990: The handshake operation timed out")
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
		e := luabind.NewError(L, ssl.SSLError, err.Error())
		e.RawSetString("errno", lua.LNumber(1))
		e.RawSetString("library", lua.LString("SSL"))
		return e
	}
	msg := "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + why
	e := luabind.NewError(L, ssl.SSLCertVerificationError, msg)
	e.RawSetString("errno", lua.LNumber(1))
	e.RawSetString("strerror", lua.LString(msg))
	e.RawSetString("library", lua.LString("SSL"))
	e.RawSetString("reason", lua.LString("CERTIFICATE_VERIFY_FAILED"))
	e.RawSetString("verify_message", lua.LString(why))
	return e
}
