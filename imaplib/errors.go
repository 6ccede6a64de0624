package imaplib

import (
	"errors"
	"fmt"
)

// Kind classifies an *Error the way Python's imaplib classifies its
// exceptions: readonly is a kind of abort, abort a kind of error. ValueError
// stands apart, as Python's builtin ValueError does.
type Kind int

const (
	// KindError is IMAP4.error: the command was refused or misused (a
	// tagged BAD, a command in the wrong state, a failed LOGIN).
	KindError Kind = iota
	// KindAbort is IMAP4.abort: the connection is no longer usable (EOF,
	// BYE, malformed or oversized server data, a timeout). Reconnecting
	// usually recovers.
	KindAbort
	// KindReadonly is IMAP4.readonly: the selected mailbox became
	// read-only; select it again.
	KindReadonly
	// KindValue is Python's ValueError: an argument the client refuses to
	// send, such as one holding CR, LF or NUL.
	KindValue
)

// String returns the Kind as text.
func (k Kind) String() string {
	switch k {
	case KindError:
		return "error"
	case KindAbort:
		return "abort"
	case KindReadonly:
		return "readonly"
	case KindValue:
		return "ValueError"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is the one error type of the package. Its Message is the text
// Python's exception would carry; its Kind places it in Python's hierarchy,
// which errors.Is follows upward through the sentinels ErrError, ErrAbort
// and ErrReadonly.
type Error struct {
	Kind    Kind
	Message string
	// Err is the underlying cause (an I/O error, a limit), if any.
	Err error
}

// Error describes the error.
func (e *Error) Error() string {
	return "imaplib: " + e.Kind.String() + ": " + e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrError) true for every error of kind error,
// abort and readonly; errors.Is(err, ErrAbort) true for abort and readonly;
// errors.Is(err, ErrReadonly) only for readonly; errors.Is(err, ErrValue)
// only for ValueError.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrError:
		return e.Kind == KindError || e.Kind == KindAbort || e.Kind == KindReadonly
	case ErrAbort:
		return e.Kind == KindAbort || e.Kind == KindReadonly
	case ErrReadonly:
		return e.Kind == KindReadonly
	case ErrValue:
		return e.Kind == KindValue
	}
	return false
}

// Sentinels for errors.Is; see Error.Is.
var (
	ErrError    = errors.New("imaplib: error")
	ErrAbort    = errors.New("imaplib: abort")
	ErrReadonly = errors.New("imaplib: readonly")
	ErrValue    = errors.New("imaplib: ValueError")
)

func newError(kind Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: cause}
}
