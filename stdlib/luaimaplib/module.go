package luaimaplib

import (
	"strings"
	"unsafe"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "imaplib"

const connMetaName = "imaplib.IMAP4"

// module is the state of the imaplib module in one Lua state.
type module struct {
	cls       *classes
	none      lua.LValue
	table     *lua.LTable
	methods   *lua.LTable
	connMeta  *lua.LTable
	idlerMeta *lua.LTable
	// tupleMeta marks the tables that stand for Python tuples: the
	// (line, literal) pairs, ParseFlags' result, capabilities.
	tupleMeta *lua.LTable
}

// Loader is the gopher-lua loader of the imaplib module.
func Loader(L *lua.LState) int {
	mod := &module{cls: newClasses(L), none: luabind.Null(L)}
	methods := make(map[string]lua.LGFunction, len(methodTable))
	for name, fn := range methodTable {
		methods[name] = func(L *lua.LState) int {
			c := mod.check(L)
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.idler != nil {
				// An IDLE left open (a loop left by break or an error)
				// is ended before the next command: DONE is always sent.
				if err := c.endIdle(); err != nil {
					mod.raise(L, err)
				}
			}
			return fn(L, mod, c)
		}
	}
	// The instance type is declared per state: its methods close over the
	// module's state.
	mod.connMeta = luabind.Register(L, &luabind.Type{
		Name:     connMetaName,
		Methods:  methods,
		Field:    mod.field,
		SetField: mod.setField,
		String:   func(_ *lua.LState, ud *lua.LUserData) string { return ud.Value.(*conn).String() },
	})
	mod.methods, _ = mod.connMeta.RawGetString("__methods").(*lua.LTable)
	mod.idlerMeta = newIdlerMeta(L, mod)
	mod.tupleMeta = luabind.TupleMeta(L, "imaplib.tuple")

	funcs := make(map[string]lua.LGFunction, len(utilTable)+1)
	for name, fn := range utilTable {
		funcs[name] = func(L *lua.LState) int { return fn(L, mod) }
	}
	funcs["with"] = mod.with
	mod.table = luabind.NewModule(L, funcs, map[string]lua.LValue{
		"IMAP4":          mod.class(L, "IMAP4", mod.newIMAP4),
		"IMAP4_SSL":      mod.class(L, "IMAP4_SSL", mod.newIMAP4SSL),
		"IMAP4_stream":   mod.class(L, "IMAP4_stream", mod.newIMAP4Stream),
		"None":           mod.none,
		"ValueError":     mod.cls.value,
		"OSError":        mod.cls.oserror,
		"TimeoutError":   mod.cls.timeout,
		"IMAP4_PORT":     lua.LNumber(imaplib.IMAP4Port),
		"IMAP4_SSL_PORT": lua.LNumber(imaplib.IMAP4SSLPort),
		"Debug":          lua.LNumber(0),
	})
	L.Push(mod.table)
	return 1
}

// class makes the callable table that stands for a Python class: calling
// it constructs a connection, and it holds the exception classes.
func (mod *module) class(L *lua.LState, name string, ctor lua.LGFunction) *lua.LTable {
	return luabind.NewClass(L, name, "imaplib."+name, ctor, map[string]lua.LValue{
		"error":    mod.cls.error,
		"abort":    mod.cls.abort,
		"readonly": mod.cls.readonly,
	})
}

// raise raises err as the Python exception it stands for.
func (mod *module) raise(L *lua.LState, err error) {
	mod.cls.raise(L, err)
}

// push pushes typ and data as a command's results, or raises err.
func (mod *module) push(L *lua.LState, typ string, data []imaplib.Item, err error) int {
	if err != nil {
		mod.raise(L, err)
	}
	L.Push(lua.LString(typ))
	L.Push(mod.items(L, data))
	return 2
}

// items converts a data list: lines become strings, (line, literal) pairs
// two-element tables, None imaplib.None.
func (mod *module) items(L *lua.LState, data []imaplib.Item) *lua.LTable {
	t := L.CreateTable(len(data), 0)
	for i, it := range data {
		switch {
		case it.IsNone:
			t.RawSetInt(i+1, mod.none)
		case it.IsPair:
			p := L.CreateTable(2, 0)
			p.RawSetInt(1, lua.LString(string(it.Line)))
			p.RawSetInt(2, literal(it.Literal))
			p.Metatable = mod.tupleMeta
			t.RawSetInt(i+1, p)
		default:
			t.RawSetInt(i+1, lua.LString(string(it.Line)))
		}
	}
	return t
}

// tuple makes a table of strings marked as a Python tuple.
func (mod *module) tuple(L *lua.LState, s []string) *lua.LTable {
	t := L.CreateTable(len(s), 0)
	for i, v := range s {
		t.RawSetInt(i+1, lua.LString(v))
	}
	t.Metatable = mod.tupleMeta
	return t
}

// literal converts a literal to a Lua string without copying it: the
// reader never writes to the bytes it hands out (small literals share a
// slab, each with its own bytes), nothing writes to them afterwards (the
// imaplib package keeps data lists read-only), and the connection forgets
// the item once the command returned it, so the Lua string is the only
// owner left. A fetch of many whole messages thus holds each one once.
func literal(b []byte) lua.LString {
	if len(b) == 0 {
		return ""
	}
	return lua.LString(unsafe.String(&b[0], len(b)))
}

// pythonCommands are the keys of Python's imaplib.Commands: an upper-case
// attribute of an instance named after one of them is the method of the
// lower-case name (M:SELECT() is M:select()).
var pythonCommands = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`APPEND AUTHENTICATE CAPABILITY CHECK CLOSE COPY CREATE
		DELETE DELETEACL ENABLE EXAMINE EXPUNGE FETCH GETACL GETANNOTATION GETQUOTA
		GETQUOTAROOT MYRIGHTS LIST LOGIN LOGOUT LSUB MOVE NAMESPACE NOOP PARTIAL
		PROXYAUTH RENAME SEARCH SELECT SETACL SETANNOTATION SETQUOTA SORT STARTTLS
		STATUS STORE SUBSCRIBE THREAD UID UNSUBSCRIBE UNSELECT IDLE`) {
		pythonCommands[c] = true
	}
}
