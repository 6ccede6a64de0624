package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// charsetVariadic is variadic for SORT and THREAD, whose second parameter
// is a charset: None leaves it out, and any string (even "") is sent as
// given, as Python sends it.
func charsetVariadic(name string, names []string, f func(m *imaplib.IMAP4, first string, charset *string, rest ...string) (string, []imaplib.Item, error)) method {
	return func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, name, 2, names, true, false)
		for i := range names {
			if a.Vals[i] == lua.LNil && L.GetTop() < 2+i {
				L.RaiseError("%s() missing required argument: '%s'", name, names[i])
			}
		}
		var charset *string
		if a.Given(1) {
			s := a.Str(1, "")
			charset = &s
		}
		typ, data, err := f(c.m, a.Str(0, ""), charset, a.RestStrs()...)
		return mod.push(L, typ, data, err)
	}
}
