package smtplib

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind places an *Error in Python's smtplib exception hierarchy. Python's
// SMTPException is a subclass of OSError; ValueError stands apart.
type Kind int

const (
	// KindException is SMTPException itself: a misuse or a server
	// behaviour the client cannot follow ("No suitable authentication
	// method found.", an AUTH exchange that never ends).
	KindException Kind = iota
	// KindNotSupported is SMTPNotSupportedError: the command or option
	// needs an extension the server does not advertise (STARTTLS, AUTH,
	// SMTPUTF8).
	KindNotSupported
	// KindServerDisconnected is SMTPServerDisconnected: the connection
	// closed, broke or timed out; the SMTP object is closed.
	KindServerDisconnected
	// KindResponse is SMTPResponseException: the server answered with an
	// error code (Code and Msg hold it).
	KindResponse
	// KindSenderRefused is SMTPSenderRefused: MAIL FROM was refused;
	// Sender holds the address.
	KindSenderRefused
	// KindRecipientsRefused is SMTPRecipientsRefused: every recipient was
	// refused; Recipients maps each to the server's reply.
	KindRecipientsRefused
	// KindData is SMTPDataError: the server refused the message data.
	KindData
	// KindConnect is SMTPConnectError: the greeting was not 220.
	KindConnect
	// KindHelo is SMTPHeloError: neither EHLO nor HELO was accepted.
	KindHelo
	// KindAuthentication is SMTPAuthenticationError: the server refused
	// the credentials.
	KindAuthentication
	// KindOS is Python's OSError outside SMTPException: the connection
	// could not be made (refused, unreachable, DNS, TLS handshake).
	KindOS
	// KindValue is Python's ValueError: an argument the client refuses to
	// send (CR, LF or NUL in a command, non-ASCII without SMTPUTF8, a
	// negative timeout, more than one Resent- block).
	KindValue
)

var kindNames = [...]string{
	KindException:          "SMTPException",
	KindNotSupported:       "SMTPNotSupportedError",
	KindServerDisconnected: "SMTPServerDisconnected",
	KindResponse:           "SMTPResponseException",
	KindSenderRefused:      "SMTPSenderRefused",
	KindRecipientsRefused:  "SMTPRecipientsRefused",
	KindData:               "SMTPDataError",
	KindConnect:            "SMTPConnectError",
	KindHelo:               "SMTPHeloError",
	KindAuthentication:     "SMTPAuthenticationError",
	KindOS:                 "OSError",
	KindValue:              "ValueError",
}

// String returns the Python class name of the kind ("SMTPDataError").
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// parent returns the Python base class of k, or -1 at the top.
func (k Kind) parent() Kind {
	switch k {
	case KindSenderRefused, KindData, KindConnect, KindHelo, KindAuthentication:
		return KindResponse
	case KindNotSupported, KindServerDisconnected, KindResponse, KindRecipientsRefused:
		return KindException
	case KindException:
		return KindOS
	}
	return -1
}

// IsA reports whether k is class c or one of its subclasses in Python's
// hierarchy (KindData.IsA(KindResponse) is true).
func (k Kind) IsA(c Kind) bool {
	for ; k >= 0; k = k.parent() {
		if k == c {
			return true
		}
	}
	return false
}

// Reply is one server reply: Python's (code, msg) tuple. Code is -1 when
// the reply did not start with three digits; the lines of a multi-line
// reply are joined with "\n", each without its code and separator.
type Reply struct {
	Code int
	Msg  string
}

// Error is the one error type of the package. Kind places it in Python's
// hierarchy, which errors.Is follows upward through the sentinels (an
// SMTPSenderRefused is an SMTPResponseException is an SMTPException is an
// OSError); errors.As(err, &e) gives the fields.
type Error struct {
	Kind Kind
	// Code and Msg are smtp_code and smtp_error for the response kinds
	// (Code is 0 otherwise); for the other kinds Msg is the message
	// Python's exception carries.
	Code int
	Msg  string
	// Sender is the refused sender of an SMTPSenderRefused.
	Sender string
	// Recipients holds every refused recipient of an
	// SMTPRecipientsRefused, with the server's reply.
	Recipients map[string]Reply
	// Err is the underlying cause (an I/O error), if any.
	Err error
}

// Error describes the error: "smtplib: SMTPDataError: 554 5.7.1 refused".
func (e *Error) Error() string {
	var sb strings.Builder
	sb.WriteString("smtplib: ")
	sb.WriteString(e.Kind.String())
	sb.WriteString(": ")
	switch {
	case e.Kind == KindRecipientsRefused:
		sb.WriteString("all recipients refused:")
		for _, r := range sortedKeys(e.Recipients) {
			fmt.Fprintf(&sb, " %s (%d %s)", r, e.Recipients[r].Code, oneLine(e.Recipients[r].Msg))
		}
	case e.Kind.IsA(KindResponse):
		fmt.Fprintf(&sb, "%d %s", e.Code, oneLine(e.Msg))
		if e.Kind == KindSenderRefused {
			fmt.Fprintf(&sb, " (sender %s)", e.Sender)
		}
	default:
		sb.WriteString(e.Msg)
	}
	return sb.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrX) follow Python's hierarchy upward:
// errors.Is(err, ErrResponseException) is true for an SMTPDataError,
// errors.Is(err, ErrSMTPException) for every SMTP error, errors.Is(err,
// ErrOSError) for those and for connection failures.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	return ok && e.Kind.IsA(s.kind)
}

type sentinel struct{ kind Kind }

func (s *sentinel) Error() string { return "smtplib: " + s.kind.String() }

// Sentinels for errors.Is, one per Python class; see Error.Is.
var (
	ErrSMTPException       error = &sentinel{KindException}
	ErrNotSupported        error = &sentinel{KindNotSupported}
	ErrServerDisconnected  error = &sentinel{KindServerDisconnected}
	ErrResponseException   error = &sentinel{KindResponse}
	ErrSenderRefused       error = &sentinel{KindSenderRefused}
	ErrRecipientsRefused   error = &sentinel{KindRecipientsRefused}
	ErrDataError           error = &sentinel{KindData}
	ErrConnectError        error = &sentinel{KindConnect}
	ErrHeloError           error = &sentinel{KindHelo}
	ErrAuthenticationError error = &sentinel{KindAuthentication}
	ErrOSError             error = &sentinel{KindOS}
	ErrValue               error = &sentinel{KindValue}
)

// KindOf returns the Kind of err when it is (or wraps) an *Error.
func KindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

func newError(kind Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}

func respError(kind Kind, code int, msg string) *Error {
	return &Error{Kind: kind, Code: code, Msg: msg}
}

func sortedKeys(m map[string]Reply) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
