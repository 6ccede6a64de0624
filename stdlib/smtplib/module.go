package smtplib

import (
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/smtplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/ssl"
)

// Name is the name scripts pass to require.
const Name = "smtplib"

const connMetaName = "smtplib.SMTP"

// quitGrace bounds the QUIT a connection gets when the run ends with the
// connection still open.
const quitGrace = 2 * time.Second

type module struct {
	cls       *classes
	table     *lua.LTable
	methods   *lua.LTable
	connMeta  *lua.LTable
	tupleMeta *lua.LTable
}

// conn is one SMTP, SMTP_SSL or LMTP instance seen from Lua.
type conn struct {
	class   string
	s       *smtplib.SMTP
	debug   int
	fields  *lua.LTable
	mu      sync.Mutex
	release func()
}

// Close is what the run's cleanup calls: QUIT within quitGrace when no
// command is running, then close.
func (c *conn) Close() error {
	if c.mu.TryLock() {
		if c.s.Connected() {
			t := time.AfterFunc(quitGrace, func() { c.s.Close() })
			c.s.Quit()
			t.Stop()
		}
		c.mu.Unlock()
	}
	return c.s.Close()
}

// Loader is the gopher-lua loader of the smtplib module.
func Loader(L *lua.LState) int {
	mod := &module{}
	mod.tupleMeta = L.NewTypeMetatable("smtplib.tuple")
	mod.tupleMeta.RawSetString("__name", lua.LString("smtplib.tuple"))
	mod.cls = newClasses(L)
	mod.table = L.NewTable()
	mod.methods = L.NewTable()
	for name, fn := range methodTable {
		fn := fn
		L.SetField(mod.methods, name, L.NewFunction(func(L *lua.LState) int {
			c := mod.check(L)
			c.mu.Lock()
			defer c.mu.Unlock()
			return fn(L, mod, c)
		}))
	}
	for alias, name := range methodAliases {
		L.SetField(mod.methods, alias, L.GetField(mod.methods, name))
	}
	mod.connMeta = L.NewTypeMetatable(connMetaName)
	L.SetField(mod.connMeta, "__index", L.NewFunction(mod.index))
	L.SetField(mod.connMeta, "__newindex", L.NewFunction(mod.newindex))
	L.SetField(mod.connMeta, "__tostring", L.NewFunction(func(L *lua.LState) int {
		c := mod.check(L)
		L.Push(lua.LString(fmt.Sprintf("<smtplib.%s %s:%d>", c.class, c.s.Host, c.s.Port)))
		return 1
	}))
	t := mod.table
	t.RawSetString("SMTP", mod.class(L, "SMTP"))
	t.RawSetString("SMTP_SSL", mod.class(L, "SMTP_SSL"))
	t.RawSetString("LMTP", mod.class(L, "LMTP"))
	for name, cls := range mod.cls.byName {
		t.RawSetString(name, cls)
	}
	t.RawSetString("SMTP_PORT", lua.LNumber(smtplib.SMTPPort))
	t.RawSetString("SMTP_SSL_PORT", lua.LNumber(smtplib.SMTPSSLPort))
	t.RawSetString("LMTP_PORT", lua.LNumber(smtplib.LMTPPort))
	t.RawSetString("CRLF", lua.LString("\r\n"))
	t.RawSetString("None", luabind.Null(L))
	t.RawSetString("quoteaddr", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(smtplib.QuoteAddr(L.CheckString(1))))
		return 1
	}))
	t.RawSetString("quotedata", L.NewFunction(func(L *lua.LState) int {
		// Python's quotedata: CRLF line ends and doubled leading dots,
		// without the terminating dot line.
		out := smtplib.DotStuff([]byte(L.CheckString(1)))
		in := L.CheckString(1)
		out = out[:len(out)-3]
		if len(in) > 0 && in[len(in)-1] != '\n' && in[len(in)-1] != '\r' {
			out = out[:len(out)-2]
		}
		L.Push(lua.LString(out))
		return 1
	}))
	t.RawSetString("with", L.NewFunction(mod.with))
	L.Push(t)
	return 1
}

// class makes the callable table that stands for a Python class.
func (mod *module) class(L *lua.LState, name string) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("__name", lua.LString(name))
	mt := L.NewTable()
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		L.Remove(1)
		return mod.construct(L, name)
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<class 'smtplib." + name + "'>"))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t
}

// construct is SMTP(host=”, port=0, local_hostname=None, timeout=None,
// source_address=None), SMTP_SSL(..., context=None) and LMTP(host=”,
// port=2003, local_hostname=None, source_address=None, timeout=None).
func (mod *module) construct(L *lua.LState, class string) int {
	names := []string{"host", "port", "local_hostname", "timeout", "source_address", "context"}
	npos := 5
	if class == "LMTP" {
		names = []string{"host", "port", "local_hostname", "source_address", "timeout", "context"}
		npos = 5
	}
	a := getArgs(L, class, 1, names, npos, -1)
	h := host.Get(L)
	// The module talks exactly as Python does, one command at a time; the
	// Go package pipelines MAIL and RCPT for its other callers.
	o := &smtplib.Options{Context: h.Context, NoPipelining: true}
	o.LocalHostname = a.Str(2, "")
	ti, si := 3, 4
	if class == "LMTP" {
		ti, si = 4, 3
	}
	if f, ok := a.Number(ti); ok {
		if f <= 0 || math.IsNaN(f) || f > 1e9 {
			L.Error(mod.cls.newError(L, mod.cls.byName["ValueError"], "Non-blocking socket (timeout=0) is not supported"), 1)
		}
		o.Timeout = time.Duration(f * float64(time.Second))
	}
	if a.Given(si) {
		sa, ok := a.Vals[si].(*lua.LTable)
		if !ok {
			L.RaiseError("%s(): source_address must be a (host, port) table", class)
		}
		hs, _ := toStr(sa.RawGetInt(1))
		ps, _ := toStr(sa.RawGetInt(2))
		o.SourceAddress = hs + ":" + ps
	}
	if a.Given(5) {
		if class == "SMTP" || class == "LMTP" {
			L.RaiseError("%s() got an unexpected keyword argument 'context'", class)
		}
		o.TLSConfig = mod.sslContext(L, a.Vals[5])
	}
	if h.Debug != nil {
		o.Debug = h.Debug
	}
	var s *smtplib.SMTP
	var err error
	switch class {
	case "SMTP_SSL":
		s, err = smtplib.NewSMTPSSL(o)
	case "LMTP":
		s, err = smtplib.NewLMTP(o)
	default:
		s, err = smtplib.NewSMTP(o)
	}
	if err != nil {
		L.Error(mod.luaError(L, err, nil), 1)
	}
	c := &conn{class: class, s: s}
	if hostName := a.Str(0, ""); hostName != "" {
		port := 0
		if p, ok := a.Number(1); ok {
			port = int(p)
		}
		code, msg, err := s.Connect(hostName, port)
		if err != nil {
			L.Error(mod.luaError(L, err, nil), 1)
		}
		if code != 220 {
			s.Close()
			L.Error(mod.luaError(L, &smtplib.Error{Kind: smtplib.KindConnect, Code: code, Msg: msg}, nil), 1)
		}
	}
	c.release = h.Track(c)
	ud := L.NewUserData()
	ud.Value = c
	L.SetMetatable(ud, mod.connMeta)
	L.Push(ud)
	return 1
}

func (mod *module) sslContext(L *lua.LState, v lua.LValue) *tls.Config {
	conf, err := ssl.Config(L, v)
	if err != nil {
		L.RaiseError("smtplib: context: %v", err)
	}
	return conf
}

// check returns the instance that is argument 1.
func (mod *module) check(L *lua.LState) *conn {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*conn); ok {
			return c
		}
	}
	L.RaiseError("smtplib: method called without an SMTP instance (use s:method(...), not s.method(...))")
	return nil
}

// index is the __index of an instance: methods, Python's attributes, then
// attributes the script set.
func (mod *module) index(L *lua.LState) int {
	c := mod.check(L)
	key := L.CheckString(2)
	if fn := mod.methods.RawGetString(key); fn != lua.LNil {
		L.Push(fn)
		return 1
	}
	switch key {
	case "esmtp_features":
		t := L.NewTable()
		for k, v := range c.s.ESMTPFeatures() {
			t.RawSetString(k, lua.LString(v))
		}
		L.Push(t)
	case "does_esmtp":
		L.Push(lua.LBool(c.s.DoesESMTP()))
	case "ehlo_resp":
		pushOptional(L, c.s.EhloResp)
	case "helo_resp":
		pushOptional(L, c.s.HeloResp)
	case "local_hostname":
		L.Push(lua.LString(c.s.LocalHostname()))
	case "debuglevel":
		L.Push(lua.LNumber(c.debug))
	case "default_port":
		switch c.class {
		case "SMTP_SSL":
			L.Push(lua.LNumber(smtplib.SMTPSSLPort))
		case "LMTP":
			L.Push(lua.LNumber(smtplib.LMTPPort))
		default:
			L.Push(lua.LNumber(smtplib.SMTPPort))
		}
	case "ehlo_msg":
		if c.class == "LMTP" {
			L.Push(lua.LString("lhlo"))
		} else {
			L.Push(lua.LString("ehlo"))
		}
	default:
		if cls, ok := mod.cls.byName[key]; ok {
			L.Push(cls)
			return 1
		}
		if c.fields != nil {
			L.Push(c.fields.RawGetString(key))
		} else {
			L.Push(lua.LNil)
		}
	}
	return 1
}

func pushOptional(L *lua.LState, get func() (string, bool)) {
	if v, ok := get(); ok {
		L.Push(lua.LString(v))
	} else {
		L.Push(luabind.Null(L))
	}
}

var readOnlyAttrs = map[string]bool{
	"esmtp_features": true, "does_esmtp": true, "ehlo_resp": true, "helo_resp": true,
	"local_hostname": true, "default_port": true, "ehlo_msg": true,
}

func (mod *module) newindex(L *lua.LState) int {
	c := mod.check(L)
	key := L.CheckString(2)
	v := L.Get(3)
	switch {
	case key == "debuglevel":
		c.debug = int(lua.LVAsNumber(v))
		c.s.SetDebugLevel(c.debug)
	case readOnlyAttrs[key] || mod.methods.RawGetString(key) != lua.LNil:
		L.RaiseError("smtplib: attribute %q of an %s instance cannot be assigned", key, c.class)
	default:
		if c.fields == nil {
			c.fields = L.NewTable()
		}
		c.fields.RawSetString(key, v)
	}
	return 0
}

// with is Python's `with smtplib.SMTP(...) as s:` — smtplib.with(s, fn)
// calls fn(s), then sends QUIT (a disconnected server is ignored) and
// closes, whether fn returned or raised; a QUIT answered other than 221
// raises SMTPResponseException, as Python's __exit__.
func (mod *module) with(L *lua.LState) int {
	ud := L.CheckUserData(1)
	c, ok := ud.Value.(*conn)
	if !ok {
		L.ArgError(1, "SMTP instance expected")
	}
	fn := L.CheckFunction(2)
	base := L.GetTop()
	L.Push(fn)
	L.Push(ud)
	err := L.PCall(1, lua.MultRet, nil)
	c.mu.Lock()
	code, msg, qerr := c.s.DoCmd("QUIT", "")
	c.s.Close()
	c.mu.Unlock()
	if err != nil {
		if ae, ok := err.(*lua.ApiError); ok {
			L.Error(ae.Object, 0)
		}
		L.RaiseError("%v", err)
	}
	if qerr == nil && code != 221 {
		L.Error(mod.luaError(L, &smtplib.Error{Kind: smtplib.KindResponse, Code: code, Msg: msg}, nil), 1)
	}
	if qerr != nil && !smtplib.KindIs(qerr, smtplib.KindServerDisconnected) {
		L.Error(mod.luaError(L, qerr, nil), 1)
	}
	return L.GetTop() - base
}

// reply pushes Python's (code, msg) as two values, or raises err.
func (mod *module) reply(L *lua.LState, code int, msg string, err error) int {
	if err != nil {
		L.Error(mod.luaError(L, err, nil), 1)
	}
	L.Push(lua.LNumber(code))
	L.Push(lua.LString(msg))
	return 2
}

// tuple makes a table marked as a Python tuple.
func (mod *module) tuple(L *lua.LState, vals ...lua.LValue) *lua.LTable {
	t := L.CreateTable(len(vals), 0)
	for i, v := range vals {
		t.RawSetInt(i+1, v)
	}
	L.SetMetatable(t, mod.tupleMeta)
	return t
}

// refused converts refused recipients to {addr = {code, msg}}.
func (mod *module) refused(L *lua.LState, m map[string]smtplib.Reply) *lua.LTable {
	t := L.CreateTable(0, len(m))
	for k, r := range m {
		t.RawSetString(k, mod.tuple(L, lua.LNumber(r.Code), lua.LString(r.Msg)))
	}
	return t
}

var _ io.Closer = (*conn)(nil)
