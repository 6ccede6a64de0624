package mail

import (
	"errors"
	"io"
	"net"
	"strings"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// The error classes of the Lua module. Every error the module raises is a
// value of one of them: mail.Error, or one of its subclasses, which tell
// why an operation failed. tostring(e) and e.message are the message.
var (
	// ClassError is mail.Error, the class of every error of the module.
	ClassError = &luabind.Class{Name: "Error", Qualname: "mail.Error", Bare: true}
	// ClassLoginError is mail.LoginError: the server refused the
	// credentials (or was unavailable for a login).
	ClassLoginError = &luabind.Class{Name: "LoginError", Qualname: "mail.LoginError", Parent: ClassError, Bare: true}
	// ClassConnectionError is mail.ConnectionError: the server could not
	// be reached, the connection dropped, or the server broke the protocol.
	ClassConnectionError = &luabind.Class{Name: "ConnectionError", Qualname: "mail.ConnectionError", Parent: ClassError, Bare: true}
	// ClassNoSuchMailbox is mail.NoSuchMailbox: the server says the mailbox
	// does not exist.
	ClassNoSuchMailbox = &luabind.Class{Name: "NoSuchMailbox", Qualname: "mail.NoSuchMailbox", Parent: ClassError, Bare: true}
	// ClassArgumentError is mail.ArgumentError: a bad argument, setting or
	// search key, found before anything was sent.
	ClassArgumentError = &luabind.Class{Name: "ArgumentError", Qualname: "mail.ArgumentError", Parent: ClassError, Bare: true}
	// ClassPermissionError is mail.PermissionError: the run lacks a
	// permission (--allow-run, --allow-read, ...).
	ClassPermissionError = &luabind.Class{Name: "PermissionError", Qualname: "mail.PermissionError", Parent: ClassError, Bare: true}
)

// errorClasses are the classes the module table exposes.
var errorClasses = []*luabind.Class{ClassError, ClassLoginError, ClassConnectionError, ClassNoSuchMailbox, ClassArgumentError, ClassPermissionError}

// ArgumentError is the error of a bad argument, setting or search key. It
// is raised in Lua as mail.ArgumentError.
type ArgumentError struct{ Err error }

// Error returns the message of the wrapped error.
func (e *ArgumentError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *ArgumentError) Unwrap() error { return e.Err }

// argError wraps err (nil stays nil) as an ArgumentError.
func argError(err error) error {
	if err == nil {
		return nil
	}
	return &ArgumentError{Err: err}
}

// Classify returns the class a Go error of this package is raised as in Lua.
func Classify(err error) *luabind.Class {
	var pe *host.PermissionError
	var ae *ArgumentError
	var le *LoginError
	var ne net.Error
	var ie *imaplib.Error
	switch {
	case errors.As(err, &pe):
		return ClassPermissionError
	case errors.As(err, &ae):
		return ClassArgumentError
	case errors.Is(err, ErrLoginRefused):
		return ClassLoginError
	case errors.Is(err, imaplib.ErrAbort), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ClassConnectionError
	case errors.As(err, &le):
		return ClassLoginError
	case errors.As(err, &ie) && ie.Kind == imaplib.KindValue:
		return ClassArgumentError
	case errors.As(err, &ie) && missingMailbox(ie.Message):
		return ClassNoSuchMailbox
	}
	return ClassError
}

// missingMailbox reports whether a server's NO says the mailbox does not
// exist: the response codes of RFC 5530 and RFC 3501, or the words of
// servers that send neither (Dovecot answers SELECT with "Mailbox doesn't
// exist").
func missingMailbox(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"[nonexistent]", "[trycreate]", "mailbox doesn't exist", "mailbox does not exist", "no such mailbox"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// classify is Classify as a luabind.Classifier.
func classify(err error) (*luabind.Class, string, bool) {
	return Classify(err), err.Error(), true
}
