package mail

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/re"
)

// ---- sets

func setOp(f func(*Set, *Set) *Set) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(push(L, SetType, f(checkSet(L, 1), checkSet(L, 2))))
		return 1
	}
}

// destArg accepts a Mailbox or, for a set of one account, a mailbox name.
func destArg(L *lua.LState, s *Set, n int) *Mailbox {
	if mb, ok := luabind.As[*Mailbox](L.Get(n)); ok {
		return mb
	}
	name := L.CheckString(n)
	var acct *Account
	for _, p := range s.parts {
		if acct != nil && p.mbox.acct != acct {
			argErrorAt(L, n, "a mailbox object expected: the set spans several accounts")
		}
		acct = p.mbox.acct
	}
	if acct == nil {
		argErrorAt(L, n, "a mailbox object expected: the set is empty, so it has no account")
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
				argErrorAt(L, 2, fmt.Sprintf("%q is not a valid flag", f))
			}
		}
		if name == "add_keyword" || name == "remove_keyword" {
			for _, f := range flags {
				if strings.HasPrefix(f, `\`) {
					argErrorAt(L, 2, fmt.Sprintf("%q is a system flag, not a keyword", f))
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
			raise(L, argError(err))
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
				raiseArg(L, "mail: set:uids(): the set spans %d mailboxes; name one: set:uids(mbox)", len(boxes))
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
		L.Push(luabind.Iterator(L, func(L *lua.LState) ([]lua.LValue, bool) {
			m := it.Next()
			if m == nil {
				if err := it.Err(); err != nil {
					raise(L, err)
				}
				return nil, false
			}
			return []lua.LValue{push(L, MessageType, m)}, true
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
	if p, ok := luabind.As[*re.Pattern](v); ok {
		return p.RE, nil
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
