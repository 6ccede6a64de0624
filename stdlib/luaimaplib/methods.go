package luaimaplib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// A method gets the Lua state (argument 1 is the instance, Python's
// arguments follow), the module and the instance, whose lock it holds.
type method func(L *lua.LState, mod *module, c *conn) int

// simple returns a method with Python's positional/keyword signature names
// (no defaults) that calls f with the arguments as strings.
func simple(name string, names []string, f func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error)) method {
	return func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, name, 2, names, false, true)
		s := make([]string, len(names))
		for i := range names {
			s[i] = a.Required(i)
		}
		typ, data, err := f(c.m, s)
		return mod.push(L, typ, data, err)
	}
}

// variadic returns a method with leading named parameters and Python's
// *args; a None leading parameter becomes "".
func variadic(name string, names []string, f func(m *imaplib.IMAP4, s []string, rest []string) (string, []imaplib.Item, error)) method {
	return func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, name, 2, names, true, false)
		s := make([]string, len(names))
		for i := range names {
			if a.Vals[i] == lua.LNil && L.GetTop() < 2+i {
				L.RaiseError("%s() missing required argument: '%s'", name, names[i])
			}
			s[i] = a.Str(i, "")
		}
		typ, data, err := f(c.m, s, a.RestStrs())
		return mod.push(L, typ, data, err)
	}
}

func noArgs(name string, f func(m *imaplib.IMAP4) (string, []imaplib.Item, error)) method {
	return simple(name, nil, func(m *imaplib.IMAP4, _ []string) (string, []imaplib.Item, error) { return f(m) })
}

// methodTable maps Python's method names to their implementations.
var methodTable = map[string]method{
	"append": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "append", 2, []string{"mailbox", "flags", "date_time", "message"}, false, true)
		mailbox := a.Str(0, "INBOX")
		flags := ""
		if a.Truth(1) {
			flags = a.Str(1, "")
		}
		date := ""
		if a.Truth(2) {
			d, err := mod.time2Internaldate(L, a.Vals[2])
			if err != nil {
				mod.raise(L, err)
			}
			date = d
		}
		msg := a.Required(3)
		typ, data, err := c.m.Append(mailbox, flags, date, []byte(msg))
		return mod.push(L, typ, data, err)
	},
	"capability": noArgs("capability", (*imaplib.IMAP4).Capability),
	"check":      noArgs("check", (*imaplib.IMAP4).Check),
	"close":      noArgs("close", (*imaplib.IMAP4).CloseMailbox),
	"copy": simple("copy", []string{"message_set", "new_mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Copy(s[0], s[1])
	}),
	"create": simple("create", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Create(s[0])
	}),
	"delete": simple("delete", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Delete(s[0])
	}),
	"deleteacl": simple("deleteacl", []string{"mailbox", "who"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.DeleteACL(s[0], s[1])
	}),
	"expunge": noArgs("expunge", (*imaplib.IMAP4).Expunge),
	"fetch": simple("fetch", []string{"message_set", "message_parts"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Fetch(s[0], s[1])
	}),
	"getacl": simple("getacl", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.GetACL(s[0])
	}),
	"getannotation": simple("getannotation", []string{"mailbox", "entry", "attribute"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.GetAnnotation(s[0], s[1], s[2])
	}),
	"getquota": simple("getquota", []string{"root"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.GetQuota(s[0])
	}),
	"getquotaroot": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "getquotaroot", 2, []string{"mailbox"}, false, true)
		typ, root, quota, err := c.m.GetQuotaRoot(a.Required(0))
		if err != nil {
			mod.raise(L, err)
		}
		t := L.CreateTable(2, 0)
		t.RawSetInt(1, mod.items(L, root))
		t.RawSetInt(2, mod.items(L, quota))
		L.Push(lua.LString(typ))
		L.Push(t)
		return 2
	},
	"list": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "list", 2, []string{"directory", "pattern"}, false, true)
		typ, data, err := c.m.ListVerbatim(a.Str(0, `""`), a.Str(1, "*"))
		return mod.push(L, typ, data, err)
	},
	"login": simple("login", []string{"user", "password"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Login(s[0], s[1])
	}),
	"logout": func(L *lua.LState, mod *module, c *conn) int {
		getArgs(L, "logout", 2, nil, false, true)
		typ, data, err := c.m.Logout()
		c.forget()
		return mod.push(L, typ, data, err)
	},
	"lsub": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "lsub", 2, []string{"directory", "pattern"}, false, true)
		typ, data, err := c.m.LsubVerbatim(a.Str(0, `""`), a.Str(1, "*"))
		return mod.push(L, typ, data, err)
	},
	"myrights": simple("myrights", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.MyRights(s[0])
	}),
	"namespace": noArgs("namespace", (*imaplib.IMAP4).Namespace),
	"noop":      noArgs("noop", (*imaplib.IMAP4).Noop),
	"open": func(L *lua.LState, mod *module, c *conn) int {
		// Python's open(host, port, timeout) connects again; the old
		// connection is closed first.
		if c.class == "IMAP4_stream" {
			getArgs(L, "open", 2, []string{"host", "port"}, false, true)
		} else {
			a := getArgs(L, "open", 2, []string{"host", "port", "timeout"}, false, true)
			c.host = a.Str(0, "")
			if c.class == "IMAP4_SSL" {
				c.port = imaplib.IMAP4SSLPort
			} else {
				c.port = imaplib.IMAP4Port
			}
			if p, ok := a.Number(1); ok {
				c.port = int(p)
			}
			c.timeout = mod.timeoutArg(L, a, 2)
		}
		c.m.Close()
		c.forget()
		if err := mod.dial(L, c); err != nil {
			L.Error(mod.cls.connectError(L, err), 1)
		}
		return 0
	},
	"partial": simple("partial", []string{"message_num", "message_part", "start", "length"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Partial(s[0], s[1], s[2], s[3])
	}),
	"print_log": func(L *lua.LState, mod *module, c *conn) int {
		lines := c.log.last()
		w := hostDebug(L)
		if w == nil {
			return 0
		}
		fprintf(w, "  last %d IMAP4 interactions:\n", len(lines))
		for _, l := range lines {
			fprintf(w, "%s\n", l)
		}
		return 0
	},
	"proxyauth": simple("proxyauth", []string{"user"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.ProxyAuth(s[0])
	}),
	"read": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "read", 2, []string{"size"}, false, true)
		n, ok := a.Number(0)
		if !ok || n < 0 {
			L.RaiseError("read() needs a size of 0 or more")
		}
		b, err := c.m.Read(int(n))
		if err != nil {
			mod.raise(L, err)
		}
		L.Push(literal(b))
		return 1
	},
	"readline": func(L *lua.LState, mod *module, c *conn) int {
		b, err := c.m.Readline()
		if err != nil {
			mod.raise(L, err)
		}
		L.Push(lua.LString(string(b)))
		return 1
	},
	"recent": noArgs("recent", (*imaplib.IMAP4).Recent),
	"rename": simple("rename", []string{"oldmailbox", "newmailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Rename(s[0], s[1])
	}),
	"response": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "response", 2, []string{"code"}, false, true)
		typ, data := c.m.Response(a.Required(0))
		return mod.push(L, typ, data, nil)
	},
	"search": variadic("search", []string{"charset"}, func(m *imaplib.IMAP4, s, rest []string) (string, []imaplib.Item, error) {
		return m.Search(s[0], rest...)
	}),
	"select": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "select", 2, []string{"mailbox", "readonly"}, false, true)
		typ, data, err := c.m.SelectVerbatim(a.Str(0, "INBOX"), a.Truth(1))
		return mod.push(L, typ, data, err)
	},
	"send": func(L *lua.LState, mod *module, c *conn) int {
		a := getArgs(L, "send", 2, []string{"data"}, false, true)
		if _, err := c.m.Send([]byte(a.Required(0))); err != nil {
			mod.raise(L, err)
		}
		return 0
	},
	"setacl": simple("setacl", []string{"mailbox", "who", "what"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.SetACL(s[0], s[1], s[2])
	}),
	"setannotation": variadic("setannotation", []string{"mailbox"}, func(m *imaplib.IMAP4, s, rest []string) (string, []imaplib.Item, error) {
		return m.SetAnnotation(s[0], rest...)
	}),
	"setquota": simple("setquota", []string{"root", "limits"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.SetQuota(s[0], s[1])
	}),
	"shutdown": func(L *lua.LState, mod *module, c *conn) int {
		c.m.Shutdown()
		c.forget()
		return 0
	},
	"socket": func(L *lua.LState, mod *module, c *conn) int {
		L.Push(mod.socket(L, c))
		return 1
	},
	"sort": charsetVariadic("sort", []string{"sort_criteria", "charset"}, (*imaplib.IMAP4).SortVerbatim),
	"status": simple("status", []string{"mailbox", "names"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Status(s[0], s[1])
	}),
	"store": simple("store", []string{"message_set", "command", "flags"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Store(s[0], s[1], s[2])
	}),
	"subscribe": simple("subscribe", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Subscribe(s[0])
	}),
	"thread": charsetVariadic("thread", []string{"threading_algorithm", "charset"}, (*imaplib.IMAP4).ThreadVerbatim),
	"uid": variadic("uid", []string{"command"}, func(m *imaplib.IMAP4, s, rest []string) (string, []imaplib.Item, error) {
		return m.UID(s[0], rest...)
	}),
	"unselect": noArgs("unselect", (*imaplib.IMAP4).Unselect),
	"unsubscribe": simple("unsubscribe", []string{"mailbox"}, func(m *imaplib.IMAP4, s []string) (string, []imaplib.Item, error) {
		return m.Unsubscribe(s[0])
	}),
	"xatom": variadic("xatom", []string{"name"}, func(m *imaplib.IMAP4, s, rest []string) (string, []imaplib.Item, error) {
		return m.Xatom(s[0], rest...)
	}),
}
