package smtplib

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/smtplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Error classes mirror Python's: SMTPException (an OSError) and its
// subclasses, and the built-in ValueError, shared with the other modules
// through luabind. An error is a luabind error value {class, name,
// message, args} with, for the classes that carry them, smtp_code,
// smtp_error, sender and recipients; its tostring is "Class: message", the
// message being Python's str() of the exception.

// smtpClass declares smtplib.name, printed "name: message" as before.
func smtpClass(name string, parent *luabind.Class) *luabind.Class {
	return &luabind.Class{Name: name, Qualname: "smtplib." + name, Parent: parent, Short: true}
}

// The classes, declared once for every state.
var (
	classException         = smtpClass("SMTPException", luabind.OSError)
	classNotSupported      = smtpClass("SMTPNotSupportedError", classException)
	classDisconnected      = smtpClass("SMTPServerDisconnected", classException)
	classResponse          = smtpClass("SMTPResponseException", classException)
	classSenderRefused     = smtpClass("SMTPSenderRefused", classResponse)
	classRecipientsRefused = smtpClass("SMTPRecipientsRefused", classException)
	classData              = smtpClass("SMTPDataError", classResponse)
	classConnect           = smtpClass("SMTPConnectError", classResponse)
	classHelo              = smtpClass("SMTPHeloError", classResponse)
	classAuthentication    = smtpClass("SMTPAuthenticationError", classResponse)
)

// classByName holds the classes the module exposes, by name.
var classByName = map[string]*luabind.Class{
	"OSError":    luabind.OSError,
	"ValueError": luabind.ValueError,
}

func init() {
	for _, c := range []*luabind.Class{classException, classNotSupported, classDisconnected, classResponse,
		classSenderRefused, classRecipientsRefused, classData, classConnect, classHelo, classAuthentication} {
		classByName[c.Name] = c
	}
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
		return luabind.NewError(L, classException, err.Error())
	}
	cls := classByName[se.Kind.String()]
	if cls == nil {
		cls = classException
	}
	switch {
	case se.Kind == smtplib.KindRecipientsRefused:
		keys := orderedKeys(se.Recipients, order)
		parts := make([]string, len(keys))
		for i, k := range keys {
			r := se.Recipients[k]
			parts[i] = fmt.Sprintf("%s: (%d, %s)", smtplib.Repr(k, false), r.Code, smtplib.Repr(r.Msg, true))
		}
		e := luabind.NewError(L, cls, "{"+strings.Join(parts, ", ")+"}")
		e.RawSetString("recipients", mod.refused(L, se.Recipients))
		args := L.CreateTable(1, 0)
		args.RawSetInt(1, mod.refused(L, se.Recipients))
		e.RawSetString("args", args)
		return e
	case se.Kind.IsA(smtplib.KindResponse):
		msg := fmt.Sprintf("(%d, %s)", se.Code, smtplib.Repr(se.Msg, true))
		args := L.CreateTable(3, 0)
		args.RawSetInt(1, lua.LNumber(se.Code))
		args.RawSetInt(2, lua.LString(se.Msg))
		if se.Kind == smtplib.KindSenderRefused {
			msg = fmt.Sprintf("(%d, %s, %s)", se.Code, smtplib.Repr(se.Msg, true), smtplib.Repr(se.Sender, false))
			args.RawSetInt(3, lua.LString(se.Sender))
		}
		e := luabind.NewError(L, cls, msg)
		e.RawSetString("smtp_code", lua.LNumber(se.Code))
		e.RawSetString("smtp_error", lua.LString(se.Msg))
		e.RawSetString("args", args)
		if se.Kind == smtplib.KindSenderRefused {
			e.RawSetString("sender", lua.LString(se.Sender))
		}
		return e
	}
	return luabind.NewError(L, cls, se.Msg)
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

// classList is the classes the module exposes.
func classList() []*luabind.Class {
	out := make([]*luabind.Class, 0, len(classByName))
	for _, c := range classByName {
		out = append(out, c)
	}
	return out
}
