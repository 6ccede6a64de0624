package mail

import (
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
)

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
			raise(L, argError(err))
		}
	}
	return b, fn, poll
}

// luaOnNew is mail.on_new(mbox, fn [, opts]).
func luaOnNew(L *lua.LState) int {
	b, fn, poll := triggerArgs(L, "on_new")
	h := host.Get(L)
	if err := h.AddTrigger(NewMailTriggerFor(h, b, fn, poll)); err != nil {
		raise(L, fmt.Errorf("mail.on_new: %w", err))
	}
	return 0
}

// luaOnChange is mail.on_change(mbox, fn [, opts]).
func luaOnChange(L *lua.LState) int {
	b, fn, poll := triggerArgs(L, "on_change")
	h := host.Get(L)
	if err := h.AddTrigger(ChangeTriggerFor(h, b, fn, poll)); err != nil {
		raise(L, fmt.Errorf("mail.on_change: %w", err))
	}
	return 0
}
