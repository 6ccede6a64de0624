package smtplib

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/smtplib"
)

type method func(L *lua.LState, mod *module, c *conn) int

// methodTable lists the methods of an instance by Python name.
var methodTable = map[string]method{
	"connect": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "connect", 2, []string{"host", "port", "source_address"}, 3, -1)
		port := 0
		if p, ok := a.Number(1); ok {
			port = int(p)
		}
		code, msg, err := c.s.Connect(a.Str(0, "localhost"), port)
		return mod.reply(L, code, msg, err)
	},
	"set_debuglevel": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "set_debuglevel", 2, []string{"debuglevel"}, 1, -1)
		f, _ := a.Number(0)
		c.debug = int(f)
		c.s.SetDebugLevel(c.debug)
		return 0
	},
	"helo": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "helo", 2, []string{"name"}, 1, -1)
		code, msg, err := c.s.Helo(a.Str(0, ""))
		return mod.reply(L, code, msg, err)
	},
	"ehlo": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "ehlo", 2, []string{"name"}, 1, -1)
		code, msg, err := c.s.Ehlo(a.Str(0, ""))
		return mod.reply(L, code, msg, err)
	},
	"ehlo_or_helo_if_needed": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "ehlo_or_helo_if_needed", 2, nil, 0, -1)
		if err := c.s.EhloOrHeloIfNeeded(); err != nil {
			L.Error(mod.luaError(L, err, nil), 1)
		}
		return 0
	},
	"has_extn": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "has_extn", 2, []string{"opt"}, 1, -1)
		L.Push(lua.LBool(c.s.HasExtn(a.Required(0))))
		return 1
	},
	"help": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "help", 2, []string{"args"}, 1, -1)
		msg, err := c.s.Help(a.Str(0, ""))
		if err != nil {
			L.Error(mod.luaError(L, err, nil), 1)
		}
		L.Push(lua.LString(msg))
		return 1
	},
	"starttls": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "starttls", 2, []string{"context"}, 0, -1)
		var code int
		var msg string
		var err error
		if a.Given(0) {
			code, msg, err = c.s.StartTLS(mod.sslContext(L, a.Vals[0]))
		} else {
			code, msg, err = c.s.StartTLS(nil)
		}
		return mod.reply(L, code, msg, err)
	},
	"login": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "login", 2, []string{"user", "password", "initial_response_ok"}, 2, -1)
		user, password := a.Required(0), a.Required(1)
		var code int
		var msg string
		var err error
		if a.TruthOr(2, true) {
			code, msg, err = c.s.Login(user, password)
		} else {
			code, msg, err = c.s.LoginNoInitialResponse(user, password)
		}
		return mod.reply(L, code, msg, err)
	},
	"auth": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "auth", 2, []string{"mechanism", "authobject", "initial_response_ok"}, 2, -1)
		mech := a.Required(0)
		fn, ok := a.Vals[1].(*lua.LFunction)
		if !ok {
			L.RaiseError("auth(): authobject must be a function")
		}
		code, msg, err := c.s.Auth(&luaMech{L: L, name: mech, fn: fn}, a.TruthOr(2, true))
		return mod.reply(L, code, msg, err)
	},
	"sendmail": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "sendmail", 2, []string{"from_addr", "to_addrs", "msg", "mail_options", "rcpt_options"}, 5, -1)
		from, to, msg := a.Str(0, ""), a.StrList(1), a.Required(2)
		if a.Vals[0] == lua.LNil {
			L.RaiseError("sendmail() missing required argument: 'from_addr'")
		}
		if dry(L, "sendmail", from, to, len(msg)) {
			L.Push(L.NewTable())
			return 1
		}
		refused, err := c.s.Sendmail(from, to, []byte(msg), a.StrList(3), a.StrList(4))
		if err != nil {
			L.Error(mod.luaError(L, err, to), 1)
		}
		L.Push(mod.refused(L, refused))
		return 1
	},
	"send_message": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "send_message", 2, []string{"msg", "from_addr", "to_addrs", "mail_options", "rcpt_options"}, 5, 0)
		raw := messageBytes(L, a.Vals[0])
		from := a.Str(1, "")
		var to []string
		if a.Given(2) {
			to = a.StrList(2)
		}
		if host.Get(L).DryRun {
			env, err := smtplib.Envelope(raw)
			if err != nil {
				L.Error(mod.luaError(L, err, nil), 1)
			}
			if from == "" {
				from = env.From
			}
			if to == nil {
				to = env.To
			}
			dry(L, "send_message", from, to, len(raw))
			L.Push(L.NewTable())
			return 1
		}
		order := to
		if order == nil {
			if env, err := smtplib.Envelope(raw); err == nil {
				order = env.To
			}
		}
		refused, err := c.s.SendMessage(raw, from, to, a.StrList(3), a.StrList(4))
		if err != nil {
			L.Error(mod.luaError(L, err, order), 1)
		}
		L.Push(mod.refused(L, refused))
		return 1
	},
	"verify": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "verify", 2, []string{"address"}, 1, -1)
		code, msg, err := c.s.Verify(a.Required(0))
		return mod.reply(L, code, msg, err)
	},
	"expn": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "expn", 2, []string{"address"}, 1, -1)
		code, msg, err := c.s.Expn(a.Required(0))
		return mod.reply(L, code, msg, err)
	},
	"noop": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "noop", 2, nil, 0, -1)
		code, msg, err := c.s.Noop()
		return mod.reply(L, code, msg, err)
	},
	"rset": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "rset", 2, nil, 0, -1)
		code, msg, err := c.s.Rset()
		return mod.reply(L, code, msg, err)
	},
	"mail": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "mail", 2, []string{"sender", "options"}, 2, -1)
		code, msg, err := c.s.Mail(a.Required(0), a.StrList(1))
		return mod.reply(L, code, msg, err)
	},
	"rcpt": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "rcpt", 2, []string{"recip", "options"}, 2, -1)
		code, msg, err := c.s.Rcpt(a.Required(0), a.StrList(1))
		return mod.reply(L, code, msg, err)
	},
	"data": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "data", 2, []string{"msg"}, 1, -1)
		msg := a.Required(0)
		if dry(L, "data", "", nil, len(msg)) {
			return mod.reply(L, 250, "dry run: nothing sent", nil)
		}
		code, m, err := c.s.Data([]byte(msg))
		return mod.reply(L, code, m, err)
	},
	"docmd": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "docmd", 2, []string{"cmd", "args"}, 2, -1)
		code, msg, err := c.s.DoCmd(a.Required(0), a.Str(1, ""))
		return mod.reply(L, code, msg, err)
	},
	"putcmd": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "putcmd", 2, []string{"cmd", "args"}, 2, -1)
		if err := c.s.PutCmd(a.Required(0), a.Str(1, "")); err != nil {
			L.Error(mod.luaError(L, err, nil), 1)
		}
		return 0
	},
	"getreply": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "getreply", 2, nil, 0, -1)
		code, msg, err := c.s.GetReply()
		return mod.reply(L, code, msg, err)
	},
	"quit": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "quit", 2, nil, 0, -1)
		code, msg, err := c.s.Quit()
		return mod.reply(L, code, msg, err)
	},
	"close": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "close", 2, nil, 0, -1)
		c.s.Close()
		return 0
	},
}

// methodAliases are Python's second names.
var methodAliases = map[string]string{"vrfy": "verify"}

// dry logs what a dry run would send and reports whether the run is dry.
func dry(L *lua.LState, what, from string, to []string, size int) bool {
	h := host.Get(L)
	if !h.DryRun {
		return false
	}
	if h.Logger != nil {
		h.Logger.Info("smtplib: dry run, nothing sent", "call", what, "from", from, "to", to, "bytes", size)
	}
	return true
}

// messageBytes reads send_message's msg: a string, or an object with an
// as_bytes method (an email.message.EmailMessage).
func messageBytes(L *lua.LState, v lua.LValue) []byte {
	switch x := v.(type) {
	case lua.LString:
		return []byte(x)
	case *lua.LTable, *lua.LUserData:
		fn := L.GetField(x, "as_bytes")
		if f, ok := fn.(*lua.LFunction); ok {
			L.Push(f)
			L.Push(x)
			L.Call(1, 1)
			s := L.Get(-1)
			L.Pop(1)
			if str, ok := s.(lua.LString); ok {
				return []byte(str)
			}
			L.RaiseError("send_message(): msg:as_bytes() returned %s, not a string", s.Type())
		}
	}
	L.RaiseError("send_message(): msg must be a string or a message with as_bytes, not %s", v.Type())
	return nil
}

// luaMech adapts a Python-style authobject, a function called with the
// challenge (nil for the initial response) that returns the answer or nil.
type luaMech struct {
	L    *lua.LState
	name string
	fn   *lua.LFunction
}

func (m *luaMech) Name() string { return m.name }

func (m *luaMech) call(challenge lua.LValue) ([]byte, bool, error) {
	L := m.L
	L.Push(m.fn)
	L.Push(challenge)
	if err := L.PCall(1, 1, nil); err != nil {
		return nil, false, fmt.Errorf("authobject: %w", err)
	}
	v := L.Get(-1)
	L.Pop(1)
	if isNone(v) {
		return nil, false, nil
	}
	s, ok := toStr(v)
	if !ok {
		return nil, false, fmt.Errorf("authobject returned %s, not a string", v.Type())
	}
	return []byte(s), true, nil
}

func (m *luaMech) Start() ([]byte, bool, error) { return m.call(lua.LNil) }

func (m *luaMech) Next(challenge []byte) ([]byte, error) {
	b, _, err := m.call(lua.LString(challenge))
	return b, err
}
