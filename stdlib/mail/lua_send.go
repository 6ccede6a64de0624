package mail

import (
	"fmt"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// This file binds sending to Lua: acct:send, msg:reply, msg:forward,
// set:forward_each and mail.vacation.

// VacationType is the metatable name of the object mail.vacation returns.
const VacationType = "mail.Vacation"

func init() {
	accountMethods["send"] = luaSend
	accountMethods["from_address"] = func(L *lua.LState) int {
		L.Push(lua.LString(checkAccount(L, 1).FromAddress()))
		return 1
	}
	messageMethods["reply"] = luaReply
	messageMethods["forward"] = luaForward
	setMethods["forward_each"] = luaForwardEach
}

// optTable walks an options table, calling f for each key; f returns an
// error for an unknown key or a bad value.
func optTable(t *lua.LTable, f func(key string, v lua.LValue) error) error {
	if t == nil {
		return nil
	}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		ks, ok := k.(lua.LString)
		if !ok {
			err = fmt.Errorf("unknown option %s", luaRepr(k))
			return
		}
		err = f(string(ks), v)
	})
	return err
}

func optString(key string, v lua.LValue) (string, error) {
	s, ok := v.(lua.LString)
	if !ok {
		return "", fmt.Errorf("%s must be a string, not %s", key, v.Type())
	}
	return string(s), nil
}

func optBool(key string, v lua.LValue) (bool, error) {
	b, ok := v.(lua.LBool)
	if !ok {
		return false, fmt.Errorf("%s must be a boolean, not %s", key, v.Type())
	}
	return bool(b), nil
}

// messageBytes reads a message argument: an email.Message (serialised as
// as_bytes does) or raw bytes.
func messageBytes(L *lua.LState, n int) []byte {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if m, ok := ud.Value.(*email.Message); ok {
			if m.Default {
				return []byte(m.Generate(false))
			}
			return []byte(m.String())
		}
	}
	if s, ok := L.Get(n).(lua.LString); ok {
		return []byte(s)
	}
	L.ArgError(n, "an email.Message or the message's bytes expected")
	return nil
}

// sendOptions reads {save_sent=, sent_mailbox=, from=, to=}.
func sendOptions(L *lua.LState, n int, what string) SendOptions {
	var o SendOptions
	err := optTable(L.OptTable(n, nil), func(k string, v lua.LValue) error {
		var err error
		switch k {
		case "save_sent":
			var save bool
			save, err = optBool(k, v)
			o.NoSave = !save
		case "sent_mailbox":
			o.SentMailbox, err = optString(k, v)
		case "from":
			o.From, err = optString(k, v)
		case "to":
			o.To, err = stringList(v, "to")
		default:
			err = fmt.Errorf("unknown option %q (save_sent, sent_mailbox, from, to)", k)
		}
		return err
	})
	if err != nil {
		raiseArg(L, "mail: %s: %v", what, err)
	}
	return o
}

func pushSendResult(L *lua.LState, r *SendResult) int {
	L.Push(lua.LString(r.MessageID))
	t := L.NewTable()
	for k, v := range r.Refused {
		t.RawSetString(k, lua.LString(v))
	}
	L.Push(t)
	return 2
}

// luaSend is acct:send(msg [, opts]): it returns the Message-ID and a
// table of refused recipients.
func luaSend(L *lua.LState) int {
	a := checkAccount(L, 1)
	raw := messageBytes(L, 2)
	r, err := a.Send(raw, sendOptions(L, 3, "send"))
	if err != nil {
		raise(L, err)
	}
	return pushSendResult(L, r)
}

// replyOptions reads msg:reply{...}; send=false returns the message.
func luaReply(L *lua.LState) int {
	m := checkMessage(L, 1)
	o := ReplyOptions{Quote: true}
	send := true
	so := SendOptions{Action: "reply"}
	err := optTable(L.OptTable(2, nil), func(k string, v lua.LValue) error {
		var err error
		switch k {
		case "text":
			o.Text, err = optString(k, v)
		case "html":
			o.HTML, err = optString(k, v)
		case "quote":
			o.Quote, err = optBool(k, v)
		case "all":
			o.All, err = optBool(k, v)
		case "from":
			o.From, err = optString(k, v)
		case "subject":
			o.Subject, err = optString(k, v)
		case "headers":
			o.Headers, err = stringList(v, "headers")
		case "send":
			send, err = optBool(k, v)
		case "save_sent":
			var save bool
			save, err = optBool(k, v)
			so.NoSave = !save
		default:
			err = fmt.Errorf("unknown option %q (text, html, quote, all, from, subject, headers, send, save_sent)", k)
		}
		return err
	})
	if err != nil {
		raiseArg(L, "mail: reply: %v", err)
	}
	orig, err := m.Parse()
	if err != nil {
		raise(L, err)
	}
	a := m.Mailbox.acct
	from := o.From
	if from == "" {
		from = a.FromAddress()
	}
	r, err := BuildReply(orig, from, o)
	if err != nil {
		raise(L, err)
	}
	if !send {
		email.Push(L, r)
		return 1
	}
	res, err := a.Send([]byte(r.Generate(false)), so)
	if err != nil {
		raise(L, err)
	}
	return pushSendResult(L, res)
}

func forwardOptions(L *lua.LState, n int, what string) (ForwardOptions, bool, SendOptions, string) {
	var o ForwardOptions
	mark := ""
	send := true
	so := SendOptions{Action: "forward"}
	err := optTable(L.OptTable(n, nil), func(k string, v lua.LValue) error {
		var err error
		switch k {
		case "to":
			o.To, err = stringList(v, "to")
		case "note":
			o.Note, err = optString(k, v)
		case "inline":
			o.Inline, err = optBool(k, v)
		case "from":
			o.From, err = optString(k, v)
		case "subject":
			o.Subject, err = optString(k, v)
		case "headers":
			o.Headers, err = stringList(v, "headers")
		case "send":
			send, err = optBool(k, v)
		case "save_sent":
			var save bool
			save, err = optBool(k, v)
			so.NoSave = !save
		case "mark":
			if what != "forward_each" {
				return fmt.Errorf("unknown option %q (to, note, inline, from, subject, headers, send, save_sent)", k)
			}
			mark, err = optString(k, v)
			if err == nil && (!isAtom(mark) || strings.HasPrefix(mark, `\`)) {
				err = fmt.Errorf("mark %q is not a keyword", mark)
			}
		default:
			err = fmt.Errorf("unknown option %q (to, note, inline, from, subject, headers, send, save_sent, and mark for forward_each)", k)
		}
		return err
	})
	if err == nil && len(o.To) == 0 {
		err = fmt.Errorf("to is required")
	}
	if err != nil {
		raiseArg(L, "mail: %s: %v", what, err)
	}
	return o, send, so, mark
}

func forwardOne(m *Message, o ForwardOptions) (*email.Message, error) {
	orig, err := m.Parse()
	if err != nil {
		return nil, err
	}
	from := o.From
	if from == "" {
		from = m.Mailbox.acct.FromAddress()
	}
	return BuildForward(orig, from, o)
}

// luaForward is msg:forward{to=, note=, inline=false}.
func luaForward(L *lua.LState) int {
	m := checkMessage(L, 1)
	o, send, so, _ := forwardOptions(L, 2, "forward")
	f, err := forwardOne(m, o)
	if err != nil {
		raise(L, err)
	}
	if !send {
		email.Push(L, f)
		return 1
	}
	res, err := m.Mailbox.acct.Send([]byte(f.Generate(false)), so)
	if err != nil {
		raise(L, err)
	}
	return pushSendResult(L, res)
}

// luaForwardEach is set:forward_each{...}: every message of the set is
// forwarded; it returns how many were sent. It stops at the first error.
// With mark = "$Forwarded", each message gets that keyword as soon as its
// forward was sent, so a later run that searches unkeyword = "$Forwarded"
// never forwards it twice, even after a failure half-way.
func luaForwardEach(L *lua.LState) int {
	s := checkSet(L, 1)
	o, _, so, mark := forwardOptions(L, 2, "forward_each")
	it := s.Messages(0)
	n := 0
	for m := it.Next(); m != nil; m = it.Next() {
		f, err := forwardOne(m, o)
		if err == nil {
			_, err = m.Mailbox.acct.Send([]byte(f.Generate(false)), so)
		}
		if err == nil && mark != "" {
			var validity uint32
			if m.b != nil && m.b.p != nil {
				validity = m.b.p.validity
			}
			_, err = NewSet(m.Mailbox, validity, imaplib.SeqSetOf(m.UID)).Store("add_keyword", imaplib.AddFlags, []string{mark})
		}
		if err != nil {
			raise(L, fmt.Errorf("mail: forward_each: after %d forwarded: %w", n, err))
		}
		n++
	}
	if err := it.Err(); err != nil {
		raise(L, fmt.Errorf("mail: forward_each: after %d forwarded: %w", n, err))
	}
	L.Push(lua.LNumber(n))
	return 1
}

// luaVacation is mail.vacation{mbox=, text=, ...}: it returns a
// mail.Vacation and, in a rule run by the engine and unless watch = false,
// answers each new message of mbox (an on_new trigger).
// vacationOptions reads the table of mail.vacation{...}.
func vacationOptions(t *lua.LTable, v *Vacation) (mbox *Mailbox, poll time.Duration, watch bool, err error) {
	watch = true
	err = optTable(t, func(k string, val lua.LValue) error {
		var err error
		switch k {
		case "mbox":
			ud, ok := val.(*lua.LUserData)
			if ok {
				mbox, ok = ud.Value.(*Mailbox)
			}
			if !ok {
				err = fmt.Errorf("mbox must be a mail.Mailbox")
			}
		case "text":
			v.Text, err = optString(k, val)
		case "html":
			v.HTML, err = optString(k, val)
		case "subject":
			v.Subject, err = optString(k, val)
		case "from":
			v.From, err = optString(k, val)
		case "days":
			n, ok := val.(lua.LNumber)
			if !ok || n < 1 || float64(n) != float64(int(n)) {
				err = fmt.Errorf("days must be a whole number of days, at least 1")
			}
			v.Days = int(n)
		case "addresses":
			v.Addresses, err = stringList(val, "addresses")
		case "first_day":
			v.FirstDay, err = dateValue(val, "first_day")
		case "last_day":
			v.LastDay, err = dateValue(val, "last_day")
		case "watch":
			watch, err = optBool(k, val)
		case "poll":
			switch pv := val.(type) {
			case lua.LNumber:
				poll = time.Duration(float64(pv) * float64(time.Second))
			case lua.LString:
				poll, err = ParseTimeout(string(pv))
			default:
				err = fmt.Errorf("poll must be seconds or a duration")
			}
		default:
			err = fmt.Errorf("unknown key %q (mbox, text, html, subject, from, days, addresses, first_day, last_day, watch, poll)", k)
		}
		return err
	})
	if err == nil && mbox == nil {
		err = fmt.Errorf("mbox is required")
	}
	if err == nil && v.Text == "" {
		err = fmt.Errorf("text is required")
	}
	return mbox, poll, watch, err
}

func luaVacation(L *lua.LState) int {
	h := host.Get(L)
	v := &Vacation{State: h.State}
	mbox, poll, watch, err := vacationOptions(L.CheckTable(1), v)
	if err != nil {
		raiseArg(L, "mail.vacation: %v", err)
	}
	v.Account = mbox.acct
	if h.State == nil {
		v.Account.logger().Warn("mail.vacation: no state store (--state-dir): senders are remembered for this run only")
	}
	ud := pushVacation(L, v)
	if watch && h.Reactive {
		fn := L.NewFunction(func(L *lua.LState) int {
			if _, err := v.AnswerSet(checkSet(L, 1)); err != nil {
				raise(L, err)
			}
			return 0
		})
		if err := h.AddTrigger(NewMailTriggerFor(h, mbox, fn, poll)); err != nil {
			raise(L, fmt.Errorf("mail.vacation: %w", err))
		}
	}
	L.Push(ud)
	return 1
}

// AnswerSet answers every message of s and returns how many got a notice.
func (v *Vacation) AnswerSet(s *Set) (int, error) {
	// A trigger's set names messages the account's own connection may not
	// have seen yet: a NOOP brings its view up to date.
	for _, b := range s.Mailboxes() {
		b.acct.refreshView()
	}
	it := s.Messages(0)
	n := 0
	for m := it.Next(); m != nil; m = it.Next() {
		parsed, err := m.Parse()
		if err != nil {
			return n, err
		}
		sent, _, err := v.Answer(parsed)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, it.Err()
}

// vacationT is mail.Vacation, what mail.vacation{...} returns.
var vacationT *luabind.Type

func init() {
	vacationT = &luabind.Type{Name: VacationType, Methods: map[string]lua.LGFunction{
		"answer": func(L *lua.LState) int {
			v := luabind.Check[*Vacation](L, 1, vacationT)
			n, err := v.AnswerSet(checkSet(L, 2))
			if err != nil {
				raise(L, err)
			}
			L.Push(lua.LNumber(n))
			return 1
		},
		"decide": func(L *lua.LState) int {
			v := luabind.Check[*Vacation](L, 1, vacationT)
			var parsed *email.Message
			if ud, ok := L.Get(2).(*lua.LUserData); ok {
				switch x := ud.Value.(type) {
				case *Message:
					p, err := x.Parse()
					if err != nil {
						raise(L, err)
					}
					parsed = p
				case *email.Message:
					parsed = x
				}
			} else if s, ok := L.Get(2).(lua.LString); ok {
				parsed = email.Parse([]byte(s))
			}
			if parsed == nil {
				L.ArgError(2, "a mail.Message, an email.Message or raw bytes expected")
			}
			sender, _, skip := v.Decide(parsed)
			if skip != "" {
				L.Push(lua.LNil)
				L.Push(lua.LString(skip))
				return 2
			}
			L.Push(lua.LString(sender))
			return 1
		},
	}}
}

func pushVacation(L *lua.LState, v *Vacation) lua.LValue {
	return luabind.Wrap(L, vacationT, v)
}

// refreshView sends a NOOP when a mailbox is selected, so that messages
// that arrived since are visible to UID FETCH.
func (a *Account) refreshView() {
	if a.m != nil && a.selected != "" {
		_, _, err := a.m.Noop()
		_ = a.check(err)
	}
}

func (v *Vacation) String() string { return "mail.Vacation(" + v.Account.Name() + ")" }
