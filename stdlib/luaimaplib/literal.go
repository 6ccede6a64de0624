package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"
)

// literalAttr reads M.literal: the literal the next command will carry,
// or nil (Python's None).
func literalAttr(c *conn) lua.LValue {
	if b, ok := c.m.Literal(); ok {
		return lua.LString(string(b))
	}
	return lua.LNil
}

// setLiteralAttr assigns M.literal, as Python's `M.literal = b"..."`: the
// next command sends it as a literal, then it is reset. nil and
// imaplib.None reset it.
func setLiteralAttr(L *lua.LState, c *conn, v lua.LValue) {
	if isNone(v) {
		c.m.SetLiteral(nil)
		return
	}
	s, ok := toStr(v)
	if !ok {
		L.RaiseError("imaplib: M.literal must be a string (Python bytes) or nil, not %s", typeName(v))
	}
	c.m.SetLiteral([]byte(s))
}
