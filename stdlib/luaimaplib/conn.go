package luaimaplib

import (
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/ssl"
)

// logoutGrace bounds the LOGOUT a connection gets when the run ends with
// the connection still open.
const logoutGrace = 2 * time.Second

// conn is one IMAP4 instance seen from Lua.
type conn struct {
	class   string // IMAP4, IMAP4_SSL or IMAP4_stream
	m       *imaplib.IMAP4
	host    string
	port    int
	command string // IMAP4_stream's command
	timeout time.Duration
	tlsConf *tls.Config
	debug   int
	log     *ringLog
	fields  *lua.LTable // attributes a script set on the instance
	idler   *idler      // the IDLE in progress

	// mu is held while a command runs, so that the run's cleanup, which
	// may come from another goroutine, only sends LOGOUT on an idle
	// connection.
	mu      sync.Mutex
	release func()
}

func (c *conn) String() string {
	if c.class == "IMAP4_stream" {
		return fmt.Sprintf("<imaplib.IMAP4_stream %q state=%s>", c.command, c.m.State())
	}
	return fmt.Sprintf("<imaplib.%s %s:%d state=%s>", c.class, c.host, c.port, c.m.State())
}

// Close is what the run's cleanup calls: it logs out when no command is
// running, within logoutGrace, and closes the connection.
func (c *conn) Close() error {
	if c.mu.TryLock() {
		t := time.AfterFunc(logoutGrace, func() { c.m.Close() })
		c.endIdle()
		t.Stop()
		if s := c.m.State(); s != "LOGOUT" {
			t := time.AfterFunc(logoutGrace, func() { c.m.Close() })
			c.m.Logout()
			t.Stop()
		}
		c.mu.Unlock()
	}
	return c.m.Close()
}

// forget releases the connection from the run's cleanup list.
func (c *conn) forget() {
	if c.release != nil {
		c.release()
		c.release = nil
	}
}

// check returns the instance that is argument 1 (the receiver of M:method).
func (mod *module) check(L *lua.LState) *conn {
	if c, ok := luabind.As[*conn](L.Get(1)); ok {
		return c
	}
	L.RaiseError("imaplib: method called without an IMAP4 instance (use M:method(...), not M.method(...))")
	return nil
}

// options builds the Go options of a new connection.
func (mod *module) options(L *lua.LState, c *conn) *imaplib.Options {
	h := host.Get(L)
	o := &imaplib.Options{Timeout: c.timeout, TLSConfig: c.tlsConf, Context: h.Context}
	c.debug = int(lua.LVAsNumber(L.GetField(mod.table, "Debug")))
	c.log = &ringLog{}
	if h.Debug != nil || c.debug > 0 {
		var w io.Writer = c.log
		if h.Debug != nil {
			w = io.MultiWriter(h.Debug, c.log)
		}
		o.Debug = w
		o.DebugLevel = max(c.debug, 4)
	}
	return o
}

// timeoutArg reads Python's timeout argument: None is no timeout, 0 is
// refused as Python refuses it.
func (mod *module) timeoutArg(L *lua.LState, a *args, i int) time.Duration {
	f, ok := a.Number(i)
	if !ok {
		return 0
	}
	if f == 0 {
		L.Error(luabind.NewError(L, classValue, "Non-blocking socket (timeout=0) is not supported"), 1)
	}
	if f < 0 || math.IsNaN(f) || f > 1e9 {
		L.Error(luabind.NewError(L, classValue, "Timeout value out of range"), 1)
	}
	return time.Duration(f * float64(time.Second))
}

// newIMAP4 is IMAP4(host=”, port=143, timeout=None).
func (mod *module) newIMAP4(L *lua.LState) int {
	a := getArgs(L, "IMAP4", 1, []string{"host", "port", "timeout"}, false, true)
	c := &conn{class: "IMAP4", host: a.Str(0, ""), port: imaplib.IMAP4Port}
	if p, ok := a.Number(1); ok {
		c.port = int(p)
	}
	c.timeout = mod.timeoutArg(L, a, 2)
	return mod.open(L, c)
}

// newIMAP4SSL is IMAP4_SSL(host=”, port=993, *, ssl_context=None,
// timeout=None).
func (mod *module) newIMAP4SSL(L *lua.LState) int {
	a := getArgsN(L, "IMAP4_SSL", 1, []string{"host", "port", "ssl_context", "timeout"}, 2, false, true)
	c := &conn{class: "IMAP4_SSL", host: a.Str(0, ""), port: imaplib.IMAP4SSLPort}
	if p, ok := a.Number(1); ok {
		c.port = int(p)
	}
	c.tlsConf = mod.sslContext(L, a, 2)
	c.timeout = mod.timeoutArg(L, a, 3)
	return mod.open(L, c)
}

// sslContext reads an ssl_context argument (an ssl.SSLContext).
func (mod *module) sslContext(L *lua.LState, a *args, i int) *tls.Config {
	if !a.Given(i) {
		return nil
	}
	conf, err := ssl.Config(L, a.Vals[i])
	if err != nil {
		L.RaiseError("imaplib: ssl_context: %v", err)
	}
	return conf
}

// newIMAP4Stream is IMAP4_stream(command): it runs a program, which needs
// the run permission.
func (mod *module) newIMAP4Stream(L *lua.LState) int {
	a := getArgs(L, "IMAP4_stream", 1, []string{"command"}, false, true)
	c := &conn{class: "IMAP4_stream", command: a.Required(0)}
	if err := host.Get(L).CheckRun(fmt.Sprintf("IMAP4_stream(%q)", c.command)); err != nil {
		L.RaiseError("imaplib: %v", err)
	}
	return mod.open(L, c)
}

// open connects c and pushes the instance.
func (mod *module) open(L *lua.LState, c *conn) int {
	if err := mod.dial(L, c); err != nil {
		L.Error(mod.cls.connectError(L, err), 1)
	}
	ud := L.NewUserData()
	ud.Value = c
	L.SetMetatable(ud, mod.connMeta) // the per-state type Loader registered
	L.Push(ud)
	return 1
}

// dial opens c's connection and registers it with the run.
func (mod *module) dial(L *lua.LState, c *conn) error {
	o := mod.options(L, c)
	var m *imaplib.IMAP4
	var err error
	switch c.class {
	case "IMAP4":
		m, err = imaplib.Dial(c.host, c.port, o)
	case "IMAP4_SSL":
		m, err = imaplib.DialTLS(c.host, c.port, o)
	default:
		m, err = imaplib.DialStream(c.command, o)
	}
	if err != nil {
		return err
	}
	c.m = m
	c.release = host.Get(L).Track(c)
	return nil
}

// field serves, after the methods, the attributes of an instance: methods, Python's attributes,
// upper-case command aliases, then attributes the script set.
func (mod *module) field(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	c := ud.Value.(*conn)
	var v lua.LValue = lua.LNil
	switch key {
	case "capabilities":
		v = mod.tuple(L, c.m.Capabilities())
	case "state":
		v = lua.LString(c.m.State())
	case "welcome":
		v = lua.LString(string(c.m.Welcome()))
	case "PROTOCOL_VERSION":
		v = lua.LString(c.m.ProtocolVersion())
	case "debug":
		v = lua.LNumber(c.debug)
	case "literal":
		v = literalAttr(c)
	case "utf8_enabled":
		v = lua.LBool(c.m.UTF8Enabled())
	case "is_readonly":
		v = lua.LBool(c.m.IsReadonly())
	case "untagged_responses":
		t := L.NewTable()
		for name, items := range c.m.UntaggedResponses() {
			t.RawSetString(name, mod.items(L, items))
		}
		v = t
	case "host":
		if c.class == "IMAP4_stream" {
			v = lua.LNil
		} else {
			v = lua.LString(c.host)
		}
	case "port":
		if c.class == "IMAP4_stream" {
			v = lua.LNil
		} else {
			v = lua.LNumber(c.port)
		}
	case "command":
		if c.class == "IMAP4_stream" {
			v = lua.LString(c.command)
		} else {
			v = lua.LNil
		}
	case "error":
		v = mod.cls.error
	case "abort":
		v = mod.cls.abort
	case "readonly":
		v = mod.cls.readonly
	default:
		if pythonCommands[key] {
			if fn := mod.methods.RawGetString(strings.ToLower(key)); fn != lua.LNil {
				return fn, true
			}
		}
		if c.fields != nil {
			v = c.fields.RawGetString(key)
		}
	}
	return v, true
}

// readOnlyAttrs are the attributes a script cannot assign.
var readOnlyAttrs = map[string]bool{
	"capabilities": true, "state": true, "welcome": true, "PROTOCOL_VERSION": true,
	"utf8_enabled": true, "is_readonly": true, "untagged_responses": true,
	"host": true, "port": true, "command": true, "error": true, "abort": true, "readonly": true,
}

// setField lets a script set debug (the trace level of later commands,
// when the connection traces) and attributes of its own.
func (mod *module) setField(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool {
	c := ud.Value.(*conn)
	switch {
	case key == "debug":
		c.debug = int(lua.LVAsNumber(v))
	case key == "literal":
		setLiteralAttr(L, c, v)
	case readOnlyAttrs[key] || mod.methods.RawGetString(key) != lua.LNil:
		L.RaiseError("imaplib: attribute %q of an IMAP4 instance cannot be assigned", key)
	default:
		if c.fields == nil {
			c.fields = L.NewTable()
		}
		c.fields.RawSetString(key, v)
	}
	return true
}

// ringLog keeps the last lines of the protocol trace for print_log.
type ringLog struct {
	mu    sync.Mutex
	lines []string
	next  int
}

const ringLen = 10

func (r *ringLog) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if len(r.lines) < ringLen {
			r.lines = append(r.lines, l)
			continue
		}
		r.lines[r.next] = l
		r.next = (r.next + 1) % ringLen
	}
	return len(p), nil
}

func (r *ringLog) last() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(append([]string(nil), r.lines[r.next:]...), r.lines[:r.next]...)
}

// socketInfo is what socket() returns: the connection's addresses and a
// way to close it.
func (mod *module) socket(L *lua.LState, c *conn) lua.LValue {
	t := L.NewTable()
	rwc := c.m.Conn()
	if nc, ok := rwc.(net.Conn); ok {
		t.RawSetString("getpeername", L.NewFunction(func(L *lua.LState) int {
			return pushAddr(L, nc.RemoteAddr())
		}))
		t.RawSetString("getsockname", L.NewFunction(func(L *lua.LState) int {
			return pushAddr(L, nc.LocalAddr())
		}))
	}
	t.RawSetString("close", L.NewFunction(func(L *lua.LState) int {
		c.m.Close()
		return 0
	}))
	return t
}

func pushAddr(L *lua.LState, a net.Addr) int {
	h, p, err := net.SplitHostPort(a.String())
	if err != nil {
		L.Push(lua.LString(a.String()))
		return 1
	}
	t := L.CreateTable(2, 0)
	t.RawSetInt(1, lua.LString(h))
	var port int
	fmt.Sscan(p, &port)
	t.RawSetInt(2, lua.LNumber(port))
	L.Push(t)
	return 1
}
