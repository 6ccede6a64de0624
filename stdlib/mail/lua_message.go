package mail

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// ---- messages

// String returns the Message as text.
func (m *Message) String() string {
	return fmt.Sprintf("mail.Message(%s %d)", m.Mailbox.name, m.UID)
}

func stringsTable(L *lua.LState, l []string) *lua.LTable {
	t := L.CreateTable(len(l), 0)
	for _, s := range l {
		t.Append(lua.LString(s))
	}
	return t
}

// messageFields are the keys messageField serves.
var messageFields = []string{"uid", "mailbox", "subject", "from", "to", "cc", "from_addr", "message_id", "date", "internal_date", "size", "flags"}

func messageField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	m := ud.Value.(*Message)
	env := m.Envelope
	if env == nil {
		env = &imaplib.Envelope{}
	}
	switch key {
	case "uid":
		return lua.LNumber(m.UID), true
	case "mailbox":
		return push(L, MailboxType, m.Mailbox), true
	case "subject":
		return lua.LString(m.Subject()), true
	case "from":
		return lua.LString(FormatAddresses(env.From)), true
	case "to":
		return lua.LString(FormatAddresses(env.To)), true
	case "cc":
		return lua.LString(FormatAddresses(env.Cc)), true
	case "from_addr":
		if a := Addresses(env.From); len(a) > 0 {
			return lua.LString(a[0]), true
		}
		return lua.LNil, true
	case "message_id":
		return lua.LString(env.MessageID), true
	case "date":
		return lua.LNumber(float64(m.Date().Unix())), true
	case "internal_date":
		return lua.LNumber(float64(m.InternalDate.Unix())), true
	case "size":
		return lua.LNumber(m.Size), true
	case "flags":
		return stringsTable(L, m.Flags), true
	}
	return nil, false
}

var messageMethods = map[string]lua.LGFunction{
	"header": func(L *lua.LState) int {
		m := checkMessage(L, 1)
		v, ok, err := m.Header(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		if !ok {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(v))
		}
		return 1
	},
	"header_all": func(L *lua.LState) int {
		m := checkMessage(L, 1)
		v, err := m.HeaderAll(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		L.Push(stringsTable(L, v))
		return 1
	},
	"has_flag": func(L *lua.LState) int {
		L.Push(lua.LBool(checkMessage(L, 1).HasFlag(L.CheckString(2))))
		return 1
	},
	"text": func(L *lua.LState) int {
		t, err := checkMessage(L, 1).Text()
		if err != nil {
			raise(L, err)
		}
		L.Push(lua.LString(t))
		return 1
	},
	"raw": func(L *lua.LState) int {
		r, err := checkMessage(L, 1).Raw()
		if err != nil {
			raise(L, err)
		}
		L.Push(lua.LString(r))
		return 1
	},
	"parse": func(L *lua.LState) int {
		p, err := checkMessage(L, 1).Parse()
		if err != nil {
			raise(L, err)
		}
		email.Push(L, p)
		return 1
	},
	"attachments": func(L *lua.LState) int {
		l, err := checkMessage(L, 1).Attachments()
		if err != nil {
			raise(L, err)
		}
		t := L.CreateTable(len(l), 0)
		for _, a := range l {
			at := L.NewTable()
			L.SetField(at, "filename", lua.LString(a.Filename))
			L.SetField(at, "content_type", lua.LString(a.ContentType))
			L.SetField(at, "size", lua.LNumber(len(a.Data)))
			L.SetField(at, "data", lua.LString(a.Data))
			t.Append(at)
		}
		L.Push(t)
		return 1
	},
}
