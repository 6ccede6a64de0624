package mail

import (
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// ---- mailboxes

func mailboxField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	b := ud.Value.(*Mailbox)
	switch key {
	case "name":
		return lua.LString(b.name), true
	case "account":
		return push(L, AccountType, b.acct), true
	}
	return nil, false
}

var mailboxMethods = map[string]lua.LGFunction{
	"new_since": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		s, err := b.NewSince(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
	"status": func(L *lua.LState) int {
		st, err := checkMailbox(L, 1).Status()
		if err != nil {
			raise(L, err)
		}
		t := L.NewTable()
		L.SetField(t, "messages", lua.LNumber(st.Messages))
		L.SetField(t, "unseen", lua.LNumber(st.Unseen))
		L.SetField(t, "recent", lua.LNumber(st.Recent))
		L.SetField(t, "uidnext", lua.LNumber(st.UIDNext))
		L.SetField(t, "uidvalidity", lua.LNumber(st.UIDValidity))
		L.Push(t)
		return 1
	},
	"append": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		raw := L.CheckString(2)
		var flags []string
		var date time.Time
		if opts := L.OptTable(3, nil); opts != nil {
			var err error
			opts.ForEach(func(k, v lua.LValue) {
				if err != nil {
					return
				}
				switch k.String() {
				case "flags":
					flags, err = stringList(v, "flags")
				case "date":
					date, err = dateValue(v, "date")
				default:
					err = fmt.Errorf("mail: append: unknown option %s (flags, date)", luaRepr(k))
				}
			})
			if err != nil {
				raise(L, err)
			}
		}
		uid, err := b.Append([]byte(raw), flags, date)
		if err != nil {
			raise(L, err)
		}
		if uid == 0 {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LNumber(uid))
		}
		return 1
	},
	"all": func(L *lua.LState) int {
		s, err := checkMailbox(L, 1).All()
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
	"search": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		q, err := queryFromTable(L.CheckTable(2))
		if err != nil {
			raise(L, argError(err))
		}
		s, err := b.Search(q)
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
}
