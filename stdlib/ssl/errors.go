package ssl

import (
	lua "github.com/yuin/gopher-lua"

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
