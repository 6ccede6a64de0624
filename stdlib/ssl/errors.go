package ssl

import (
	"errors"
	"io/fs"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Python's ssl exceptions. A failed TLS handshake raises them, in the
// modules that open connections (imaplib): SSLError is an OSError, and
// SSLCertVerificationError, raised for a certificate that does not
// verify, is an SSLError and also a ValueError, as in Python. Being
// luabind classes, they are the same Lua tables in every module of a
// state, so ssl.SSLError:is(e) recognises imaplib's errors.
var (
	SSLError                 = &luabind.Class{Name: "SSLError", Qualname: "ssl.SSLError", Parent: luabind.OSError}
	SSLCertVerificationError = &luabind.Class{Name: "SSLCertVerificationError", Qualname: "ssl.SSLCertVerificationError",
		Parent: SSLError, Bases: []*luabind.Class{luabind.ValueError}}
)

// setErrorClasses puts the error classes on the module table t.
func setErrorClasses(L *lua.LState, t *lua.LTable) {
	for name, cls := range luabind.Classes(L, SSLError, SSLCertVerificationError) {
		t.RawSetString(name, cls)
	}
}

// raise raises err of loading certificates as Python does: a file that
// cannot be read is an OSError, a certificate or key that does not parse
// an SSLError. A permission the run lacks stays a plain message, as in
// the other modules. It does not return.
func raise(L *lua.LState, err error) {
	var pe *host.PermissionError
	if errors.As(err, &pe) {
		L.RaiseError("%v", err)
	}
	luabind.Raise(L, err, SSLError, func(err error) (*luabind.Class, string, bool) {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return luabind.OSError, err.Error(), true
		}
		return nil, "", false
	})
}
