package ssl

import lua "github.com/yuin/gopher-lua"

// ErrorClasses returns the classes ssl.SSLError and
// ssl.SSLCertVerificationError of L: the error classes of the modules
// that raise them (imaplib), which set it when linked in, so that
// ssl.SSLError:is(e) recognises their errors.
var ErrorClasses func(L *lua.LState) (sslError, certError lua.LValue)

// setErrorClasses puts the error classes on the module table t.
func setErrorClasses(L *lua.LState, t *lua.LTable) {
	if ErrorClasses == nil {
		return
	}
	sslError, certError := ErrorClasses(L)
	t.RawSetString("SSLError", sslError)
	t.RawSetString("SSLCertVerificationError", certError)
}
