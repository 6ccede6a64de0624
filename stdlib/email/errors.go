package email

import (
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// ErrorsName is the name of the email.errors submodule, also reachable as
// email.errors.
const ErrorsName = "email.errors"

// HeaderParseError is Python's email.errors.HeaderParseError as a Go
// error: a header that cannot be decoded (an encoded word whose base64 is
// broken).
type HeaderParseError struct{ Message string }

// Error returns the message with the package prefix.
func (e *HeaderParseError) Error() string { return "email: " + e.Message }

// Python's exception classes of email.errors, as luabind classes: in Lua a
// class is a table {name, qualname, parent} with Class:is(e), true for an
// error of the class or a subclass (Python's except clause); an error is a
// table {class, name, message, args} whose tostring is
// "<qualname>: <message>".
var (
	classMessageError           = &luabind.Class{Name: "MessageError", Qualname: "email.errors.MessageError"}
	classMessageParseError      = &luabind.Class{Name: "MessageParseError", Qualname: "email.errors.MessageParseError", Parent: classMessageError}
	classHeaderParseError       = &luabind.Class{Name: "HeaderParseError", Qualname: "email.errors.HeaderParseError", Parent: classMessageParseError}
	classBoundaryError          = &luabind.Class{Name: "BoundaryError", Qualname: "email.errors.BoundaryError", Parent: classMessageParseError}
	classMultipartConversionErr = &luabind.Class{Name: "MultipartConversionError", Qualname: "email.errors.MultipartConversionError", Parent: classMessageError}
	classCharsetError           = &luabind.Class{Name: "CharsetError", Qualname: "email.errors.CharsetError", Parent: classMessageError}
	errorClasses                = []*luabind.Class{classMessageError, classMessageParseError, classHeaderParseError, classBoundaryError, classMultipartConversionErr, classCharsetError}
)

// errorsModule is the email.errors table of L: the classes by name.
func errorsModule(L *lua.LState) *lua.LTable {
	return luabind.NewModule(L, nil, luabind.Classes(L, errorClasses...))
}

// classifyError gives the email.errors class of the module's typed Go
// errors.
func classifyError(err error) (*luabind.Class, string, bool) {
	var hp *HeaderParseError
	if errors.As(err, &hp) {
		return classHeaderParseError, hp.Message, true
	}
	return nil, "", false
}

// raiseEmailError raises err as the email.errors exception it stands
// for, or as a plain error message. It does not return.
func raiseEmailError(L *lua.LState, err error) {
	luabind.Raise(L, err, nil, classifyError)
}

// ErrorsLoader is the loader of email.errors: the exception classes, each
// with Class:is(e).
func ErrorsLoader(L *lua.LState) int {
	L.Push(errorsModule(L))
	return 1
}

// DecodeHeaderStrict is DecodeHeader failing as Python's decode_header
// does: an encoded word whose base64 cannot be decoded is a
// *HeaderParseError ("Base64 decoding error") instead of text kept as it
// is.
func DecodeHeaderStrict(s string) ([]Word, error) {
	return decodeHeader(s, true)
}
