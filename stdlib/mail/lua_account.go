package mail

import (
	"fmt"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
)

// ---- accounts

var accountKeys = map[string]bool{
	"host": true, "port": true, "tls": true, "user": true, "password": true,
	"password_cmd": true, "password_env": true, "oauth2": true, "ca_file": true,
	"insecure": true, "timeout": true, "create": true,
}

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
		if err := configFromTable(L, &cfg, opts); err != nil {
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

func configFromTable(L *lua.LState, c *Config, t *lua.LTable) error {
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		key, ok := k.(lua.LString)
		if !ok || !accountKeys[string(key)] {
			err = fmt.Errorf("mail.account: unknown key %s (known: host, port, tls, user, password, password_cmd, password_env, oauth2, ca_file, insecure, timeout, create)", luaRepr(k))
			return
		}
		str := func() string {
			s, ok := v.(lua.LString)
			if !ok {
				err = fmt.Errorf("mail.account: %s must be a string, not %s", key, v.Type())
			}
			return string(s)
		}
		boolean := func() bool {
			b, ok := v.(lua.LBool)
			if !ok {
				err = fmt.Errorf("mail.account: %s must be a boolean, not %s", key, v.Type())
			}
			return bool(b)
		}
		switch key {
		case "host":
			c.Host = str()
		case "port":
			n, ok := v.(lua.LNumber)
			if !ok || float64(n) != float64(int(n)) {
				err = fmt.Errorf("mail.account: port must be a whole number")
			}
			c.Port = int(n)
		case "tls":
			c.TLS = str()
		case "user":
			c.User = str()
		case "password":
			c.Password = str()
		case "password_cmd":
			c.PasswordCmd = str()
		case "password_env":
			c.PasswordEnvVar = str()
		case "ca_file":
			c.CAFile = str()
		case "insecure":
			c.Insecure = boolean()
		case "create":
			c.Create = boolean()
		case "timeout":
			switch tv := v.(type) {
			case lua.LNumber:
				if tv < 0 {
					err = fmt.Errorf("mail.account: negative timeout")
				}
				c.Timeout = time.Duration(float64(tv) * float64(time.Second))
			case lua.LString:
				c.Timeout, err = ParseTimeout(string(tv))
			default:
				err = fmt.Errorf("mail.account: timeout must be seconds or a duration string")
			}
		case "oauth2":
			ot, ok := v.(*lua.LTable)
			if !ok {
				err = fmt.Errorf("mail.account: oauth2 must be a table {token = ...} or {token_cmd = ...}")
				return
			}
			o := &OAuth2{}
			ot.ForEach(func(k2, v2 lua.LValue) {
				s, ok := v2.(lua.LString)
				switch {
				case err != nil:
				case !ok:
					err = fmt.Errorf("mail.account: oauth2.%s must be a string", k2)
				case k2.String() == "token":
					o.Token = string(s)
				case k2.String() == "token_cmd":
					o.TokenCmd = string(s)
				default:
					err = fmt.Errorf("mail.account: oauth2: unknown key %s (token, token_cmd)", luaRepr(k2))
				}
			})
			c.OAuth2 = o
		}
	})
	return err
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
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if mb, ok := ud.Value.(*Mailbox); ok {
			return mb.name
		}
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
