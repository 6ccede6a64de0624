package mail

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Name is the module's name for require.
const Name = "mail"

// Userdata type names.
const (
	AccountType = "mail.Account"
	MailboxType = "mail.Mailbox"
	SetType     = "mail.Set"
	MessageType = "mail.Message"
)

// Loader is the module's loader for L.PreloadModule.
func Loader(L *lua.LState) int {
	register(L)
	mod := L.NewTable()
	L.SetField(mod, "dry_run", lua.LFalse)
	L.SetField(mod, "account", L.NewFunction(func(L *lua.LState) int { return luaAccount(L, mod) }))
	L.SetField(mod, "on_new", L.NewFunction(luaOnNew))
	L.SetField(mod, "on_change", L.NewFunction(luaOnChange))
	L.Push(mod)
	return 1
}

func register(L *lua.LState) {
	if _, ok := L.GetTypeMetatable(SetType).(*lua.LTable); ok {
		return
	}
	newType(L, AccountType, accountMethods, accountField)
	newType(L, MailboxType, mailboxMethods, mailboxField)
	st := newType(L, SetType, setMethods, nil)
	L.SetField(st, "__add", L.NewFunction(setOp((*Set).Union)))
	L.SetField(st, "__mul", L.NewFunction(setOp((*Set).Intersect)))
	L.SetField(st, "__sub", L.NewFunction(setOp((*Set).Difference)))
	L.SetField(st, "__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(checkSet(L, 1).Len()))
		return 1
	}))
	newType(L, MessageType, messageMethods, messageField)
}

// newType registers a userdata type whose __index serves methods, then
// fields, and raises an error for any other key: a typo is never taken
// for a mailbox or a message property.
func newType(L *lua.LState, name string, methods map[string]lua.LGFunction, field func(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool)) *lua.LTable {
	mt := L.NewTypeMetatable(name)
	fns := L.SetFuncs(L.NewTable(), methods)
	L.SetField(mt, "__name", lua.LString(name))
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		key := L.CheckString(2)
		if f := fns.RawGetString(key); f != lua.LNil {
			L.Push(f)
			return 1
		}
		if field != nil {
			if v, ok := field(L, ud, key); ok {
				L.Push(v)
				return 1
			}
		}
		hint := ""
		if name == AccountType {
			hint = fmt.Sprintf(" (a mailbox is acct:mailbox(%q))", key)
		}
		L.RaiseError("mail: %s has no field or method %q%s", name, key, hint)
		return 0
	}))
	L.SetField(mt, "__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("mail: %s fields cannot be set", name)
		return 0
	}))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		L.Push(lua.LString(fmt.Sprint(ud.Value)))
		return 1
	}))
	return mt
}

// push wraps v as a userdata of type typ (registered by Loader, which is
// where every value of this module comes from).
func push(L *lua.LState, typ string, v any) lua.LValue {
	ud := L.NewUserData()
	ud.Value = v
	L.SetMetatable(ud, L.GetTypeMetatable(typ))
	return ud
}

func check[T any](L *lua.LState, n int, typ string) T {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if v, ok := ud.Value.(T); ok {
			return v
		}
	}
	L.ArgError(n, typ+" expected")
	var zero T
	return zero
}

func checkAccount(L *lua.LState, n int) *Account { return check[*Account](L, n, AccountType) }
func checkMailbox(L *lua.LState, n int) *Mailbox { return check[*Mailbox](L, n, MailboxType) }
func checkSet(L *lua.LState, n int) *Set         { return check[*Set](L, n, SetType) }
func checkMessage(L *lua.LState, n int) *Message { return check[*Message](L, n, MessageType) }

func raise(L *lua.LState, err error) {
	L.RaiseError("%s", err.Error())
}
