package smtplib

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/smtplib"
	"github.com/mailscript/mailscript/stdlib/host"
)

// Error classes mirror Python's: SMTPException (an OSError) and its
// subclasses, ValueError. A class is a table {name, qualname, parent} with
// an is(e) method; an error is a table {class, message, args, smtp_code,
// smtp_error, sender, recipients} whose __tostring is "Class: message", the
// message being Python's str() of the exception.

const (
	errorMetaName = "smtplib.exception"
	classMetaName = "smtplib.class"
)

// classNames lists the classes with their Python parents, parents first.
var classNames = []struct{ name, parent string }{
	{"OSError", ""},
	{"ValueError", ""},
	{"SMTPException", "OSError"},
	{"SMTPNotSupportedError", "SMTPException"},
	{"SMTPServerDisconnected", "SMTPException"},
	{"SMTPResponseException", "SMTPException"},
	{"SMTPSenderRefused", "SMTPResponseException"},
	{"SMTPRecipientsRefused", "SMTPException"},
	{"SMTPDataError", "SMTPResponseException"},
	{"SMTPConnectError", "SMTPResponseException"},
	{"SMTPHeloError", "SMTPResponseException"},
	{"SMTPAuthenticationError", "SMTPResponseException"},
}

type classes struct {
	byName  map[string]*lua.LTable
	errMeta *lua.LTable
}

func newClasses(L *lua.LState) *classes {
	c := &classes{byName: map[string]*lua.LTable{}}
	c.errMeta = L.NewTypeMetatable(errorMetaName)
	L.SetField(c.errMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		e := L.CheckTable(1)
		name := "error"
		if cls, ok := e.RawGetString("class").(*lua.LTable); ok {
			name = lua.LVAsString(cls.RawGetString("name"))
		}
		L.Push(lua.LString(name + ": " + lua.LVAsString(e.RawGetString("message"))))
		return 1
	}))
	clsMeta := L.NewTypeMetatable(classMetaName)
	L.SetField(clsMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		L.Push(lua.LString("<class '" + lua.LVAsString(cls.RawGetString("qualname")) + "'>"))
		return 1
	}))
	L.SetField(clsMeta, "__call", L.NewFunction(func(L *lua.LState) int {
		cls := L.CheckTable(1)
		msg := ""
		if L.GetTop() >= 2 {
			msg = L.ToStringMeta(L.Get(2)).String()
		}
		L.Push(c.newError(L, cls, msg))
		return 1
	}))
	isFn := L.NewFunction(func(L *lua.LState) int {
		cls, _ := L.Get(1).(*lua.LTable)
		if L.GetTop() < 2 || cls == nil || cls.Metatable != clsMeta {
			L.RaiseError("smtplib: is() is called as Class:is(e)")
		}
		L.Push(lua.LBool(c.isInstance(L.Get(2), cls)))
		return 1
	})
	for _, cn := range classNames {
		t := L.NewTable()
		t.RawSetString("name", lua.LString(cn.name))
		qual := cn.name
		if strings.HasPrefix(cn.name, "SMTP") {
			qual = "smtplib." + cn.name
		}
		t.RawSetString("qualname", lua.LString(qual))
		if cn.parent != "" {
			t.RawSetString("parent", c.byName[cn.parent])
		}
		t.RawSetString("is", isFn)
		L.SetMetatable(t, clsMeta)
		c.byName[cn.name] = t
	}
	return c
}

func (c *classes) isInstance(v lua.LValue, cls *lua.LTable) bool {
	e, ok := v.(*lua.LTable)
	if !ok || e.Metatable != c.errMeta {
		return false
	}
	k, _ := e.RawGetString("class").(*lua.LTable)
	for depth := 0; k != nil && depth < 10; depth++ {
		if k == cls {
			return true
		}
		k, _ = k.RawGetString("parent").(*lua.LTable)
	}
	return false
}

func (c *classes) newError(L *lua.LState, cls *lua.LTable, msg string) *lua.LTable {
	e := L.CreateTable(0, 4)
	e.RawSetString("class", cls)
	e.RawSetString("message", lua.LString(msg))
	args := L.CreateTable(1, 0)
	args.RawSetInt(1, lua.LString(msg))
	e.RawSetString("args", args)
	L.SetMetatable(e, c.errMeta)
	return e
}

// luaError converts a Go error into the value Python would raise. order
// gives the recipients in the order they were sent, for the str() of
// SMTPRecipientsRefused (a Python dict keeps insertion order).
func (mod *module) luaError(L *lua.LState, err error, order []string) lua.LValue {
	var se *smtplib.Error
	var pe *host.PermissionError
	switch {
	case errors.As(err, &pe):
		return lua.LString("smtplib: " + pe.Error())
	case !errors.As(err, &se):
		return mod.cls.newError(L, mod.cls.byName["SMTPException"], err.Error())
	}
	cls := mod.cls.byName[se.Kind.String()]
	if cls == nil {
		cls = mod.cls.byName["SMTPException"]
	}
	switch {
	case se.Kind == smtplib.KindRecipientsRefused:
		keys := orderedKeys(se.Recipients, order)
		parts := make([]string, len(keys))
		for i, k := range keys {
			r := se.Recipients[k]
			parts[i] = fmt.Sprintf("%s: (%d, %s)", pyRepr(k, ""), r.Code, pyRepr(r.Msg, "b"))
		}
		e := mod.cls.newError(L, cls, "{"+strings.Join(parts, ", ")+"}")
		e.RawSetString("recipients", mod.refused(L, se.Recipients))
		args := L.CreateTable(1, 0)
		args.RawSetInt(1, mod.refused(L, se.Recipients))
		e.RawSetString("args", args)
		return e
	case se.Kind.IsA(smtplib.KindResponse):
		msg := fmt.Sprintf("(%d, %s)", se.Code, pyRepr(se.Msg, "b"))
		args := L.CreateTable(3, 0)
		args.RawSetInt(1, lua.LNumber(se.Code))
		args.RawSetInt(2, lua.LString(se.Msg))
		if se.Kind == smtplib.KindSenderRefused {
			msg = fmt.Sprintf("(%d, %s, %s)", se.Code, pyRepr(se.Msg, "b"), pyRepr(se.Sender, ""))
			args.RawSetInt(3, lua.LString(se.Sender))
		}
		e := mod.cls.newError(L, cls, msg)
		e.RawSetString("smtp_code", lua.LNumber(se.Code))
		e.RawSetString("smtp_error", lua.LString(se.Msg))
		e.RawSetString("args", args)
		if se.Kind == smtplib.KindSenderRefused {
			e.RawSetString("sender", lua.LString(se.Sender))
		}
		return e
	}
	return mod.cls.newError(L, cls, se.Msg)
}

func orderedKeys(m map[string]smtplib.Reply, order []string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, k := range order {
		if _, ok := m[k]; ok && !seen[k] {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sortStrings(rest)
	return append(keys, rest...)
}

// pyRepr formats s as Python's repr of a str (prefix "") or bytes ("b").
func pyRepr(s, prefix string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	sb.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c < 0x20 || c == 0x7f || (c >= 0x80 && prefix == "b"):
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}
