package mail

import (
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// ---- accounts

// luaAccount is mail.account{...}, mail.account(url [, {...}]) and
// mail.account() (the URL in MAILSCRIPT_ACCOUNT).
func luaAccount(L *lua.LState, mod *lua.LTable) int {
	h := host.Get(L)
	var cfg Config
	var opts *lua.LTable
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		u, ok := h.Getenv(AccountEnv)
		if !ok || u == "" {
			raiseArg(L, "mail.account: no account given and %s is not set", AccountEnv)
		}
		c, err := ParseURL(u)
		if err != nil {
			raise(L, argError(err))
		}
		cfg = c
	case lua.LString:
		c, err := ParseURL(string(v))
		if err != nil {
			raise(L, argError(err))
		}
		cfg = c
		opts = L.OptTable(2, nil)
	case *lua.LTable:
		opts = v
	default:
		argErrorAt(L, 1, "a table of settings or an account URL expected")
	}
	if opts != nil {
		if err := configFromTable(&cfg, opts); err != nil {
			raise(L, argError(err))
		}
	}
	a, err := NewAccount(cfg, h)
	if err != nil {
		raise(L, argError(err))
	}
	a.SetDryRun(func() bool { return lua.LVAsBool(mod.RawGetString("dry_run")) })
	L.Push(push(L, AccountType, a))
	return 1
}

func luaRepr(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		return strconv.Quote(string(s))
	}
	return v.String()
}

// String returns the Account as text.
func (a *Account) String() string { return "mail.Account(" + a.Name() + ")" }

func accountField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	a := ud.Value.(*Account)
	switch key {
	case "user":
		return lua.LString(a.cfg.User), true
	case "host":
		return lua.LString(a.cfg.Host), true
	case "name":
		return lua.LString(a.Name()), true
	}
	return nil, false
}

var accountMethods = map[string]lua.LGFunction{
	"mailbox": func(L *lua.LState) int {
		a := checkAccount(L, 1)
		name := L.CheckString(2)
		if name == "" {
			argErrorAt(L, 2, "empty mailbox name")
		}
		L.Push(push(L, MailboxType, a.Mailbox(name)))
		return 1
	},
	"mailboxes": func(L *lua.LState) int {
		a := checkAccount(L, 1)
		l, err := a.Mailboxes(L.OptString(2, "*"))
		if err != nil {
			raise(L, err)
		}
		t := L.NewTable()
		for _, e := range l {
			if e.HasAttr(`\Noselect`) || e.HasAttr(`\NonExistent`) {
				continue
			}
			t.Append(push(L, MailboxType, a.Mailbox(e.Name)))
		}
		L.Push(t)
		return 1
	},
	"special": func(L *lua.LState) int {
		a := checkAccount(L, 1)
		mb, err := a.Special(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		if mb == nil {
			L.Push(lua.LNil)
		} else {
			L.Push(push(L, MailboxType, mb))
		}
		return 1
	},
	"create":      mailboxOp((*Account).CreateMailbox),
	"delete":      mailboxOp((*Account).DeleteMailbox),
	"subscribe":   mailboxOp((*Account).Subscribe),
	"unsubscribe": mailboxOp((*Account).Unsubscribe),
	"rename": func(L *lua.LState) int {
		a := checkAccount(L, 1)
		if err := a.RenameMailbox(mailboxName(L, 2), mailboxName(L, 3)); err != nil {
			raise(L, err)
		}
		return 0
	},
	"close": func(L *lua.LState) int {
		if err := checkAccount(L, 1).Close(); err != nil {
			raise(L, err)
		}
		return 0
	},
}

// mailboxName accepts a name or a Mailbox.
func mailboxName(L *lua.LState, n int) string {
	if mb, ok := luabind.As[*Mailbox](L.Get(n)); ok {
		return mb.name
	}
	s := L.CheckString(n)
	if s == "" {
		argErrorAt(L, n, "empty mailbox name")
	}
	return s
}

func mailboxOp(f func(*Account, string) error) lua.LGFunction {
	return func(L *lua.LState) int {
		a := checkAccount(L, 1)
		if err := f(a, mailboxName(L, 2)); err != nil {
			raise(L, err)
		}
		return 0
	}
}
