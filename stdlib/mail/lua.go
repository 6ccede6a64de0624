package mail

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
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
	mod := luabind.NewModule(L, map[string]lua.LGFunction{
		"on_new":    luaOnNew,
		"on_change": luaOnChange,
		"vacation":  luaVacation,
	}, luabind.Classes(L, errorClasses...))
	L.SetField(mod, "dry_run", lua.LFalse)
	L.SetField(mod, "account", L.NewFunction(func(L *lua.LState) int { return luaAccount(L, mod) }))
	L.Push(mod)
	return 1
}

// The module's userdata types, declared once (in init, as their methods
// refer back to them).
var accountT, mailboxT, setT, messageT *luabind.Type

func init() {
	accountT = &luabind.Type{Name: AccountType, Methods: accountMethods, Fields: []string{"user", "host", "name"}, Field: accountField,
		Hint: func(key string) string { return fmt.Sprintf("a mailbox is acct:mailbox(%q)", key) }}
	mailboxT = &luabind.Type{Name: MailboxType, Methods: mailboxMethods, Fields: []string{"name", "account"}, Field: mailboxField}
	setT = &luabind.Type{Name: SetType, Methods: setMethods, Meta: map[string]lua.LGFunction{
		"__add": setOp((*Set).Union),
		"__mul": setOp((*Set).Intersect),
		"__sub": setOp((*Set).Difference),
		"__len": func(L *lua.LState) int {
			L.Push(lua.LNumber(checkSet(L, 1).Len()))
			return 1
		},
	}}
	messageT = &luabind.Type{Name: MessageType, Methods: messageMethods, Fields: messageFields, Field: messageField}
}

var typesByName = map[string]**luabind.Type{AccountType: &accountT, MailboxType: &mailboxT, SetType: &setT, MessageType: &messageT}

func register(L *lua.LState) {
	for _, t := range []*luabind.Type{accountT, mailboxT, setT, messageT} {
		luabind.Register(L, t)
	}
}

// push wraps v as a userdata of type typ.
func push(L *lua.LState, typ string, v any) lua.LValue {
	return luabind.Wrap(L, *typesByName[typ], v)
}

func checkAccount(L *lua.LState, n int) *Account { return luabind.Check[*Account](L, n, accountT) }
func checkMailbox(L *lua.LState, n int) *Mailbox { return luabind.Check[*Mailbox](L, n, mailboxT) }
func checkSet(L *lua.LState, n int) *Set         { return luabind.Check[*Set](L, n, setT) }
func checkMessage(L *lua.LState, n int) *Message { return luabind.Check[*Message](L, n, messageT) }

// raise raises err as a value of its mail error class. It does not return.
func raise(L *lua.LState, err error) {
	noteFailure(L, err)
	luabind.Raise(L, err, ClassError, classify)
}

// raiseArg raises a mail.ArgumentError with the message fmt makes of format
// and args. It does not return.
func raiseArg(L *lua.LState, format string, args ...any) {
	luabind.Raise(L, &ArgumentError{Err: fmt.Errorf(format, args...)}, ClassError, classify)
}

// argErrorAt raises a mail.ArgumentError about argument n, worded as
// gopher-lua's ArgError. It does not return.
func argErrorAt(L *lua.LState, n int, msg string) {
	fn := "?"
	if dbg, ok := L.GetStack(0); ok {
		if _, err := L.GetInfo("n", dbg, lua.LNil); err == nil && dbg.Name != "" {
			fn = dbg.Name
		}
	}
	raiseArg(L, "bad argument #%d to %s (%s)", n, fn, msg)
}
