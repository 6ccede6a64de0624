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
	methods  *lua.LTable
	connMeta *lua.LTable
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
	methods := make(map[string]lua.LGFunction, len(methodTable)+len(methodAliases))
	for name, fn := range methodTable {
		methods[name] = func(L *lua.LState) int {
			c := mod.check(L)
			c.mu.Lock()
			defer c.mu.Unlock()
			return fn(L, mod, c)
		}
	}
	for alias, name := range methodAliases {
		methods[alias] = methods[name]
	}
	// The instance type is declared per state: its methods close over the
	// module's state. Scripts may set attributes of their own on an
	// instance, and read any attribute (nil when unset), as in Python.
	mod.connMeta = luabind.Register(L, &luabind.Type{
		Name:     connMetaName,
		Methods:  methods,
		Fields:   fieldNames,
		Field:    mod.field,
		SetField: mod.setField,
		Lenient:  true,
		String: func(_ *lua.LState, ud *lua.LUserData) string {
			c := ud.Value.(*conn)
			return fmt.Sprintf("<smtplib.%s %s:%d>", c.class, c.s.Host, c.s.Port)
		},
	})
	mod.methods, _ = mod.connMeta.RawGetString("__methods").(*lua.LTable)
	values := luabind.Classes(L, classList()...)
	for _, class := range []string{"SMTP", "SMTP_SSL", "LMTP"} {
		values[class] = luabind.NewClass(L, class, "smtplib."+class, func(L *lua.LState) int {
			return mod.construct(L, class)
		}, nil)
	}
	values["SMTP_PORT"] = lua.LNumber(smtplib.SMTPPort)
	values["SMTP_SSL_PORT"] = lua.LNumber(smtplib.SMTPSSLPort)
	values["LMTP_PORT"] = lua.LNumber(smtplib.LMTPPort)
	values["CRLF"] = lua.LString("\r\n")
	values["None"] = luabind.Null(L)
	t := luabind.NewModule(L, map[string]lua.LGFunction{
		"quoteaddr": func(L *lua.LState) int {
			L.Push(lua.LString(smtplib.QuoteAddr(L.CheckString(1))))
			return 1
		},
		"quotedata": quotedata,
		"with":      mod.with,
	}, values)
	L.Push(t)
	return 1
}

// quotedata is Python's quotedata: CRLF line ends and doubled leading
// dots, without the terminating dot line.
func quotedata(L *lua.LState) int {
	out := smtplib.DotStuff([]byte(L.CheckString(1)))
	in := L.CheckString(1)
	out = out[:len(out)-3]
	if len(in) > 0 && in[len(in)-1] != '\n' && in[len(in)-1] != '\r' {
		out = out[:len(out)-2]
	}
	L.Push(lua.LString(out))
	return 1
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
			L.Error(luabind.NewError(L, luabind.ValueError, "Non-blocking socket (timeout=0) is not supported"), 1)
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

// fieldNames are Python's attributes of an instance.
var fieldNames = []string{"esmtp_features", "does_esmtp", "ehlo_resp", "helo_resp",
	"local_hostname", "debuglevel", "default_port", "ehlo_msg"}

// field serves an instance's keys that are not methods: Python's
// attributes, the exception classes, then attributes the script set.
func (mod *module) field(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	c := ud.Value.(*conn)
	switch key {
	case "esmtp_features":
		t := L.NewTable()
		for k, v := range c.s.ESMTPFeatures() {
			t.RawSetString(k, lua.LString(v))
		}
		return t, true
	case "does_esmtp":
		return lua.LBool(c.s.DoesESMTP()), true
	case "ehlo_resp":
		return optional(L, c.s.EhloResp), true
	case "helo_resp":
		return optional(L, c.s.HeloResp), true
	case "local_hostname":
		return lua.LString(c.s.LocalHostname()), true
	case "debuglevel":
		return lua.LNumber(c.debug), true
	case "default_port":
		switch c.class {
		case "SMTP_SSL":
			return lua.LNumber(smtplib.SMTPSSLPort), true
		case "LMTP":
			return lua.LNumber(smtplib.LMTPPort), true
		}
		return lua.LNumber(smtplib.SMTPPort), true
	case "ehlo_msg":
		if c.class == "LMTP" {
			return lua.LString("lhlo"), true
		}
		return lua.LString("ehlo"), true
	}
	if cls, ok := classByName[key]; ok {
		return luabind.ClassTable(L, cls), true
	}
	if c.fields != nil {
		if v := c.fields.RawGetString(key); v != lua.LNil {
			return v, true
		}
	}
	return nil, false
}

// optional is a value Python may hold as None.
func optional(L *lua.LState, get func() (string, bool)) lua.LValue {
	if v, ok := get(); ok {
		return lua.LString(v)
	}
	return luabind.Null(L)
}

var readOnlyAttrs = map[string]bool{
	"esmtp_features": true, "does_esmtp": true, "ehlo_resp": true, "helo_resp": true,
	"local_hostname": true, "default_port": true, "ehlo_msg": true,
}

// setField assigns debuglevel, refuses Python's read-only attributes and
// the methods, and keeps any other key as the script's own attribute.
func (mod *module) setField(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool {
	c := ud.Value.(*conn)
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
	return true
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
	return luabind.With(L, ud, fn, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		code, msg, err := c.s.DoCmd("QUIT", "")
		c.s.Close()
		switch {
		case err == nil && code != 221:
			return &smtplib.Error{Kind: smtplib.KindResponse, Code: code, Msg: msg}
		case err != nil && !smtplib.KindIs(err, smtplib.KindServerDisconnected):
			return err
		}
		return nil
	}, func(L *lua.LState, err error) {
		L.Error(mod.luaError(L, err, nil), 1)
	})
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

// refused converts refused recipients to {addr = {code, msg}}.
func (mod *module) refused(L *lua.LState, m map[string]smtplib.Reply) *lua.LTable {
	t := L.CreateTable(0, len(m))
	for k, r := range m {
		t.RawSetString(k, luabind.NewTuple(L, "smtplib.tuple", lua.LNumber(r.Code), lua.LString(r.Msg)))
	}
	return t
}

var _ io.Closer = (*conn)(nil)
