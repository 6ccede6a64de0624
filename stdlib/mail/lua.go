package mail

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
	"github.com/mailscript/mailscript/stdlib/host"
	"github.com/mailscript/mailscript/stdlib/re"
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
	L.SetField(mod, "vacation", L.NewFunction(luaVacation))
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

// ---- accounts

var accountKeys = map[string]bool{
	"host": true, "port": true, "tls": true, "user": true, "password": true,
	"password_cmd": true, "password_env": true, "oauth2": true, "ca_file": true,
	"insecure": true, "timeout": true, "create": true, "smtp": true,
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
			L.RaiseError("mail.account: no account given and %s is not set", AccountEnv)
		}
		c, err := ParseURL(u)
		if err != nil {
			raise(L, err)
		}
		cfg = c
	case lua.LString:
		c, err := ParseURL(string(v))
		if err != nil {
			raise(L, err)
		}
		cfg = c
		opts = L.OptTable(2, nil)
	case *lua.LTable:
		opts = v
	default:
		L.ArgError(1, "a table of settings or an account URL expected")
	}
	if opts != nil {
		if err := configFromTable(L, &cfg, opts); err != nil {
			raise(L, err)
		}
	}
	a, err := NewAccount(cfg, h)
	if err != nil {
		raise(L, err)
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
			err = fmt.Errorf("mail.account: unknown key %s (known: host, port, tls, user, password, password_cmd, password_env, oauth2, ca_file, insecure, timeout, create, smtp)", luaRepr(k))
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
		case "smtp":
			err = smtpFromLua(c, v)
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
			L.ArgError(2, "empty mailbox name")
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
		L.ArgError(n, "empty mailbox name")
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

// ---- mailboxes

func mailboxField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	b := ud.Value.(*Mailbox)
	switch key {
	case "name":
		return lua.LString(b.name), true
	case "account":
		return push(L, AccountType, b.acct), true
	}
	return nil, false
}

var mailboxMethods = map[string]lua.LGFunction{
	"new_since": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		s, err := b.NewSince(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
	"status": func(L *lua.LState) int {
		st, err := checkMailbox(L, 1).Status()
		if err != nil {
			raise(L, err)
		}
		t := L.NewTable()
		L.SetField(t, "messages", lua.LNumber(st.Messages))
		L.SetField(t, "unseen", lua.LNumber(st.Unseen))
		L.SetField(t, "recent", lua.LNumber(st.Recent))
		L.SetField(t, "uidnext", lua.LNumber(st.UIDNext))
		L.SetField(t, "uidvalidity", lua.LNumber(st.UIDValidity))
		L.Push(t)
		return 1
	},
	"append": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		raw := L.CheckString(2)
		var flags []string
		var date time.Time
		if opts := L.OptTable(3, nil); opts != nil {
			var err error
			opts.ForEach(func(k, v lua.LValue) {
				if err != nil {
					return
				}
				switch k.String() {
				case "flags":
					flags, err = stringList(v, "flags")
				case "date":
					date, err = dateValue(v, "date")
				default:
					err = fmt.Errorf("mail: append: unknown option %s (flags, date)", luaRepr(k))
				}
			})
			if err != nil {
				raise(L, err)
			}
		}
		uid, err := b.Append([]byte(raw), flags, date)
		if err != nil {
			raise(L, err)
		}
		if uid == 0 {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LNumber(uid))
		}
		return 1
	},
	"all": func(L *lua.LState) int {
		s, err := checkMailbox(L, 1).All()
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
	"search": func(L *lua.LState) int {
		b := checkMailbox(L, 1)
		q, err := queryFromTable(L.CheckTable(2))
		if err != nil {
			raise(L, err)
		}
		s, err := b.Search(q)
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, s))
		return 1
	},
}

// ---- queries

func stringList(v lua.LValue, what string) ([]string, error) {
	switch t := v.(type) {
	case lua.LString:
		return []string{string(t)}, nil
	case *lua.LTable:
		var out []string
		for i := 1; i <= t.Len(); i++ {
			s, ok := t.RawGetInt(i).(lua.LString)
			if !ok {
				return nil, fmt.Errorf("mail: %s must be a string or a list of strings", what)
			}
			out = append(out, string(s))
		}
		return out, nil
	}
	return nil, fmt.Errorf("mail: %s must be a string or a list of strings, not %s", what, v.Type())
}

func dateValue(v lua.LValue, what string) (time.Time, error) {
	switch t := v.(type) {
	case lua.LNumber:
		sec := float64(t)
		return time.Unix(int64(sec), int64((sec-float64(int64(sec)))*1e9)), nil
	case lua.LString:
		if d, err := ParseDate(string(t)); err == nil {
			return d, nil
		}
		if d, _, _, err := email.ParseDate(string(t)); err == nil {
			return d, nil
		}
		return time.Time{}, fmt.Errorf("mail: %s: bad date %q (epoch seconds, YYYY-MM-DD, DD-Mon-YYYY or an RFC 5322 date)", what, string(t))
	}
	return time.Time{}, fmt.Errorf("mail: %s must be a date (epoch seconds or a string), not %s", what, v.Type())
}

func boolPtr(b bool) *bool { return &b }

// queryKeys lists the keys of mbox:search{...} in a fixed order, so the
// SEARCH sent does not depend on Lua's table order.
var queryKeys = []string{"from", "to", "cc", "bcc", "subject", "body", "text", "header",
	"seen", "unseen", "flagged", "unflagged", "answered", "unanswered", "deleted", "undeleted",
	"draft", "undraft", "recent", "keyword", "unkeyword", "larger", "smaller",
	"since", "before", "on", "sent_since", "sent_before", "sent_on", "older", "newer", "uid",
	"any", "no"}

var queryKeySet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range queryKeys {
		m[k] = true
	}
	return m
}()

// queryFromTable reads a search table.
func queryFromTable(t *lua.LTable) (*Query, error) {
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); (!ok || !queryKeySet[string(ks)]) && err == nil {
			err = fmt.Errorf("mail: search: unknown key %s (known: %s)", luaRepr(k), strings.Join(queryKeys, ", "))
		}
	})
	if err != nil {
		return nil, err
	}
	q := &Query{}
	for _, key := range queryKeys {
		v := t.RawGetString(key)
		if v == lua.LNil {
			continue
		}
		if err := setQueryKey(q, key, v); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func setQueryKey(q *Query, key string, v lua.LValue) error {
	var err error
	text := func(dst *[]string) {
		var l []string
		l, err = stringList(v, key)
		*dst = append(*dst, l...)
	}
	flag := func(dst **bool, positive bool) {
		b, ok := v.(lua.LBool)
		if !ok {
			err = fmt.Errorf("mail: search: %s must be true or false", key)
			return
		}
		*dst = boolPtr(bool(b) == positive)
	}
	size := func(dst *int64) {
		switch t := v.(type) {
		case lua.LNumber:
			if t < 0 {
				err = fmt.Errorf("mail: search: %s must not be negative", key)
			}
			*dst = int64(t)
		case lua.LString:
			*dst, err = ParseSize(string(t))
		default:
			err = fmt.Errorf("mail: search: %s must be a size such as 2M or a number of bytes", key)
		}
	}
	date := func(dst *time.Time) { *dst, err = dateValue(v, "search: "+key) }
	age := func(dst *time.Duration) {
		switch t := v.(type) {
		case lua.LNumber:
			*dst, err = ParseAge(strconv.FormatFloat(float64(t), 'f', -1, 64))
		case lua.LString:
			*dst, err = ParseAge(string(t))
		default:
			err = fmt.Errorf("mail: search: %s must be an age such as \"30d\" or a number of days", key)
		}
	}
	switch key {
	case "from":
		text(&q.From)
	case "to":
		text(&q.To)
	case "cc":
		text(&q.Cc)
	case "bcc":
		text(&q.Bcc)
	case "subject":
		text(&q.Subject)
	case "body":
		text(&q.Body)
	case "text":
		text(&q.Text)
	case "header":
		ht, ok := v.(*lua.LTable)
		if !ok {
			return fmt.Errorf("mail: search: header must be a table {[\"Name\"] = \"value\"}")
		}
		var names []string
		ht.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
		sort.Strings(names)
		for _, n := range names {
			if !validFieldName(n) {
				return fmt.Errorf("mail: search: bad header name %q", n)
			}
			vals, err := stringList(ht.RawGetString(n), "header "+n)
			if err != nil {
				return err
			}
			for _, val := range vals {
				q.Header = append(q.Header, HeaderTest{n, val})
			}
		}
	case "seen":
		flag(&q.Seen, true)
	case "unseen":
		flag(&q.Seen, false)
	case "flagged":
		flag(&q.Flagged, true)
	case "unflagged":
		flag(&q.Flagged, false)
	case "answered":
		flag(&q.Answered, true)
	case "unanswered":
		flag(&q.Answered, false)
	case "deleted":
		flag(&q.Deleted, true)
	case "undeleted":
		flag(&q.Deleted, false)
	case "draft":
		flag(&q.Draft, true)
	case "undraft":
		flag(&q.Draft, false)
	case "recent":
		flag(&q.Recent, true)
	case "keyword", "unkeyword":
		var l []string
		if l, err = stringList(v, key); err == nil {
			for _, k := range l {
				if !isAtom(k) {
					return fmt.Errorf("mail: search: %s %q is not a valid keyword", key, k)
				}
			}
			if key == "keyword" {
				q.Keyword = append(q.Keyword, l...)
			} else {
				q.Unkeyword = append(q.Unkeyword, l...)
			}
		}
	case "larger":
		size(&q.Larger)
	case "smaller":
		size(&q.Smaller)
	case "since":
		date(&q.Since)
	case "before":
		date(&q.Before)
	case "on":
		date(&q.On)
	case "sent_since":
		date(&q.SentSince)
	case "sent_before":
		date(&q.SentBefore)
	case "sent_on":
		date(&q.SentOn)
	case "older":
		age(&q.Older)
	case "newer":
		age(&q.Newer)
	case "uid":
		var s imaplib.SeqSet
		switch t := v.(type) {
		case lua.LNumber:
			s = imaplib.SeqSetOf(uint32(t))
		case lua.LString:
			s, err = imaplib.ParseSeqSet(string(t))
		case *lua.LTable:
			for i := 1; i <= t.Len(); i++ {
				n, ok := t.RawGetInt(i).(lua.LNumber)
				if !ok {
					return fmt.Errorf("mail: search: uid must be a number, a string such as \"1:100\" or a list of numbers")
				}
				s.Add(uint32(n))
			}
		default:
			err = fmt.Errorf("mail: search: uid must be a number, a string such as \"1:100\" or a list of numbers")
		}
		if err == nil {
			q.UID = &s
		}
	case "any", "no":
		subs, e := subQueries(v, key)
		if e != nil {
			return e
		}
		if key == "any" {
			q.Any = append(q.Any, subs...)
		} else {
			q.No = append(q.No, subs...)
		}
	}
	return err
}

// subQueries reads the value of any or no: a list of search tables, or
// one table whose keys are taken one by one ({from = "a", subject = "b"}
// means the alternatives "from a" and "subject b").
func subQueries(v lua.LValue, key string) ([]Query, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("mail: search: %s must be a table", key)
	}
	var out []Query
	if t.Len() > 0 {
		for i := 1; i <= t.Len(); i++ {
			st, ok := t.RawGetInt(i).(*lua.LTable)
			if !ok {
				return nil, fmt.Errorf("mail: search: %s[%d] must be a search table", key, i)
			}
			q, err := queryFromTable(st)
			if err != nil {
				return nil, err
			}
			out = append(out, *q)
		}
		return out, nil
	}
	q, err := queryFromTable(t) // checks the keys
	if err != nil {
		return nil, err
	}
	_ = q
	for _, k := range queryKeys {
		if val := t.RawGetString(k); val != lua.LNil {
			var one Query
			if err := setQueryKey(&one, k, val); err != nil {
				return nil, err
			}
			out = append(out, one)
		}
	}
	return out, nil
}

func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}

// ---- sets

func setOp(f func(*Set, *Set) *Set) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(push(L, SetType, f(checkSet(L, 1), checkSet(L, 2))))
		return 1
	}
}

// destArg accepts a Mailbox or, for a set of one account, a mailbox name.
func destArg(L *lua.LState, s *Set, n int) *Mailbox {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if mb, ok := ud.Value.(*Mailbox); ok {
			return mb
		}
	}
	name := L.CheckString(n)
	var acct *Account
	for _, p := range s.parts {
		if acct != nil && p.mbox.acct != acct {
			L.ArgError(n, "a mailbox object expected: the set spans several accounts")
		}
		acct = p.mbox.acct
	}
	if acct == nil {
		L.ArgError(n, "a mailbox object expected: the set is empty, so it has no account")
	}
	return acct.Mailbox(name)
}

func countResult(L *lua.LState, n int, err error) int {
	if err != nil {
		raise(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

func storeAction(name string, op imaplib.StoreOp, fixed string) lua.LGFunction {
	return func(L *lua.LState) int {
		s := checkSet(L, 1)
		var flags []string
		if fixed != "" {
			flags = []string{fixed}
			if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
				var err error
				if flags, err = stringList(L.Get(2), name); err != nil {
					raise(L, err)
				}
			}
		} else {
			var err error
			if flags, err = stringList(L.CheckAny(2), name); err != nil {
				raise(L, err)
			}
		}
		for _, f := range flags {
			if !isAtom(strings.TrimPrefix(f, `\`)) {
				L.ArgError(2, fmt.Sprintf("%q is not a valid flag", f))
			}
		}
		if name == "add_keyword" || name == "remove_keyword" {
			for _, f := range flags {
				if strings.HasPrefix(f, `\`) {
					L.ArgError(2, fmt.Sprintf("%q is a system flag, not a keyword", f))
				}
			}
		}
		n, err := s.Store(name, op, flags)
		return countResult(L, n, err)
	}
}

var setMethods = map[string]lua.LGFunction{
	"ack": func(L *lua.LState) int {
		if err := checkSet(L, 1).Ack(L.CheckString(2)); err != nil {
			raise(L, err)
		}
		return 0
	},
	"search": func(L *lua.LState) int {
		s := checkSet(L, 1)
		q, err := queryFromTable(L.CheckTable(2))
		if err != nil {
			raise(L, err)
		}
		r, err := s.Search(q)
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, r))
		return 1
	},
	"match": func(L *lua.LState) int {
		s := checkSet(L, 1)
		mt, err := matchFromTable(L.CheckTable(2))
		if err != nil {
			raise(L, err)
		}
		r, err := s.Match(mt)
		if err != nil {
			raise(L, err)
		}
		L.Push(push(L, SetType, r))
		return 1
	},
	"uids": func(L *lua.LState) int {
		s := checkSet(L, 1)
		var uids imaplib.SeqSet
		if L.GetTop() >= 2 {
			mb := destArg(L, s, 2)
			uids = s.UIDs(mb)
		} else {
			boxes := s.Mailboxes()
			if len(boxes) > 1 {
				L.RaiseError("mail: set:uids(): the set spans %d mailboxes; name one: set:uids(mbox)", len(boxes))
			}
			if len(boxes) == 1 {
				uids = s.UIDs(boxes[0])
			}
		}
		nums, err := uids.Nums()
		if err != nil {
			raise(L, err)
		}
		t := L.CreateTable(len(nums), 0)
		for _, n := range nums {
			t.Append(lua.LNumber(n))
		}
		L.Push(t)
		return 1
	},
	"is_empty": func(L *lua.LState) int {
		L.Push(lua.LBool(checkSet(L, 1).IsEmpty()))
		return 1
	},
	"mailboxes": func(L *lua.LState) int {
		t := L.NewTable()
		for _, mb := range checkSet(L, 1).Mailboxes() {
			t.Append(push(L, MailboxType, mb))
		}
		L.Push(t)
		return 1
	},
	"messages": func(L *lua.LState) int {
		s := checkSet(L, 1)
		size := 0
		if opts := L.OptTable(2, nil); opts != nil {
			if b, ok := opts.RawGetString("batch").(lua.LNumber); ok {
				size = int(b)
			}
		}
		it := s.Messages(size)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			m := it.Next()
			if m == nil {
				if err := it.Err(); err != nil {
					raise(L, err)
				}
				L.Push(lua.LNil)
				return 1
			}
			L.Push(push(L, MessageType, m))
			return 1
		}))
		return 1
	},
	"move_to": func(L *lua.LState) int {
		s := checkSet(L, 1)
		n, err := s.MoveTo(destArg(L, s, 2))
		return countResult(L, n, err)
	},
	"copy_to": func(L *lua.LState) int {
		s := checkSet(L, 1)
		n, err := s.CopyTo(destArg(L, s, 2))
		return countResult(L, n, err)
	},
	"delete": func(L *lua.LState) int {
		n, err := checkSet(L, 1).Delete()
		return countResult(L, n, err)
	},
	"mark_seen":      storeAction("mark_seen", imaplib.AddFlags, `\Seen`),
	"unmark_seen":    storeAction("unmark_seen", imaplib.RemoveFlags, `\Seen`),
	"flag":           storeAction("flag", imaplib.AddFlags, `\Flagged`),
	"unflag":         storeAction("unflag", imaplib.RemoveFlags, `\Flagged`),
	"add_keyword":    storeAction("add_keyword", imaplib.AddFlags, ""),
	"remove_keyword": storeAction("remove_keyword", imaplib.RemoveFlags, ""),
	"replace_flags":  storeAction("replace_flags", imaplib.ReplaceFlags, ""),
}

var matchKeys = []string{"subject", "from", "to", "cc", "header", "body"}

func patternValue(v lua.LValue, what string) (*regexp.Regexp, error) {
	if ud, ok := v.(*lua.LUserData); ok {
		if p, ok := ud.Value.(*re.Pattern); ok {
			return p.RE, nil
		}
	}
	s, ok := v.(lua.LString)
	if !ok {
		return nil, fmt.Errorf("mail: match: %s must be a pattern string or a compiled re pattern", what)
	}
	p, err := re.Compile(string(s), 0)
	if err != nil {
		return nil, fmt.Errorf("mail: match: %s: %w", what, err)
	}
	return p.RE, nil
}

func matchFromTable(t *lua.LTable) (*Match, error) {
	mt := &Match{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		key := ""
		if ks, ok := k.(lua.LString); ok {
			key = string(ks)
		}
		switch key {
		case "subject":
			mt.Subject, err = patternValue(v, key)
		case "from":
			mt.From, err = patternValue(v, key)
		case "to":
			mt.To, err = patternValue(v, key)
		case "cc":
			mt.Cc, err = patternValue(v, key)
		case "body":
			mt.Body, err = patternValue(v, key)
		case "header":
			ht, ok := v.(*lua.LTable)
			if !ok {
				err = fmt.Errorf("mail: match: header must be a table {[\"Name\"] = pattern}")
				return
			}
			ht.ForEach(func(hk, hv lua.LValue) {
				if err != nil {
					return
				}
				name := hk.String()
				if !validFieldName(name) {
					err = fmt.Errorf("mail: match: bad header name %q", name)
					return
				}
				var r *regexp.Regexp
				if r, err = patternValue(hv, "header "+name); err == nil {
					mt.Header = append(mt.Header, HeaderPattern{name, r})
				}
			})
			sort.Slice(mt.Header, func(i, j int) bool { return mt.Header[i].Name < mt.Header[j].Name })
		default:
			err = fmt.Errorf("mail: match: unknown key %s (known: %s)", luaRepr(k), strings.Join(matchKeys, ", "))
		}
	})
	return mt, err
}

// ---- messages

// String returns the Message as text.
func (m *Message) String() string {
	return fmt.Sprintf("mail.Message(%s %d)", m.Mailbox.name, m.UID)
}

func stringsTable(L *lua.LState, l []string) *lua.LTable {
	t := L.CreateTable(len(l), 0)
	for _, s := range l {
		t.Append(lua.LString(s))
	}
	return t
}

func messageField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	m := ud.Value.(*Message)
	env := m.Envelope
	if env == nil {
		env = &imaplib.Envelope{}
	}
	switch key {
	case "uid":
		return lua.LNumber(m.UID), true
	case "mailbox":
		return push(L, MailboxType, m.Mailbox), true
	case "subject":
		return lua.LString(m.Subject()), true
	case "from":
		return lua.LString(FormatAddresses(env.From)), true
	case "to":
		return lua.LString(FormatAddresses(env.To)), true
	case "cc":
		return lua.LString(FormatAddresses(env.Cc)), true
	case "from_addr":
		if a := Addresses(env.From); len(a) > 0 {
			return lua.LString(a[0]), true
		}
		return lua.LNil, true
	case "message_id":
		return lua.LString(env.MessageID), true
	case "date":
		return lua.LNumber(float64(m.Date().Unix())), true
	case "internal_date":
		return lua.LNumber(float64(m.InternalDate.Unix())), true
	case "size":
		return lua.LNumber(m.Size), true
	case "flags":
		return stringsTable(L, m.Flags), true
	}
	return nil, false
}

var messageMethods = map[string]lua.LGFunction{
	"header": func(L *lua.LState) int {
		m := checkMessage(L, 1)
		v, ok, err := m.Header(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		if !ok {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(v))
		}
		return 1
	},
	"header_all": func(L *lua.LState) int {
		m := checkMessage(L, 1)
		v, err := m.HeaderAll(L.CheckString(2))
		if err != nil {
			raise(L, err)
		}
		L.Push(stringsTable(L, v))
		return 1
	},
	"has_flag": func(L *lua.LState) int {
		L.Push(lua.LBool(checkMessage(L, 1).HasFlag(L.CheckString(2))))
		return 1
	},
	"text": func(L *lua.LState) int {
		t, err := checkMessage(L, 1).Text()
		if err != nil {
			raise(L, err)
		}
		L.Push(lua.LString(t))
		return 1
	},
	"raw": func(L *lua.LState) int {
		r, err := checkMessage(L, 1).Raw()
		if err != nil {
			raise(L, err)
		}
		L.Push(lua.LString(r))
		return 1
	},
	"parse": func(L *lua.LState) int {
		p, err := checkMessage(L, 1).Parse()
		if err != nil {
			raise(L, err)
		}
		email.Push(L, p)
		return 1
	},
	"attachments": func(L *lua.LState) int {
		l, err := checkMessage(L, 1).Attachments()
		if err != nil {
			raise(L, err)
		}
		t := L.CreateTable(len(l), 0)
		for _, a := range l {
			at := L.NewTable()
			L.SetField(at, "filename", lua.LString(a.Filename))
			L.SetField(at, "content_type", lua.LString(a.ContentType))
			L.SetField(at, "size", lua.LNumber(len(a.Data)))
			L.SetField(at, "data", lua.LString(a.Data))
			t.Append(at)
		}
		L.Push(t)
		return 1
	},
}

// ---- triggers

// triggerArgs reads (mbox, fn [, {poll = interval}]).
func triggerArgs(L *lua.LState, what string) (*Mailbox, *lua.LFunction, time.Duration) {
	b := checkMailbox(L, 1)
	fn := L.CheckFunction(2)
	var poll time.Duration
	if opts := L.OptTable(3, nil); opts != nil {
		var err error
		opts.ForEach(func(k, v lua.LValue) {
			if err != nil {
				return
			}
			if k.String() != "poll" {
				err = fmt.Errorf("mail.%s: unknown option %s (poll)", what, luaRepr(k))
				return
			}
			switch tv := v.(type) {
			case lua.LNumber:
				poll = time.Duration(float64(tv) * float64(time.Second))
			case lua.LString:
				poll, err = ParseTimeout(string(tv))
			default:
				err = fmt.Errorf("mail.%s: poll must be seconds or a duration such as \"5m\"", what)
			}
			if err == nil && poll < time.Second {
				err = fmt.Errorf("mail.%s: poll must be at least 1s", what)
			}
		})
		if err != nil {
			raise(L, err)
		}
	}
	return b, fn, poll
}

// luaOnNew is mail.on_new(mbox, fn [, opts]).
func luaOnNew(L *lua.LState) int {
	b, fn, poll := triggerArgs(L, "on_new")
	h := host.Get(L)
	if err := h.AddTrigger(NewMailTriggerFor(h, b, fn, poll)); err != nil {
		L.RaiseError("mail.on_new: %v", err)
	}
	return 0
}

// luaOnChange is mail.on_change(mbox, fn [, opts]).
func luaOnChange(L *lua.LState) int {
	b, fn, poll := triggerArgs(L, "on_change")
	h := host.Get(L)
	if err := h.AddTrigger(ChangeTriggerFor(h, b, fn, poll)); err != nil {
		L.RaiseError("mail.on_change: %v", err)
	}
	return 0
}
