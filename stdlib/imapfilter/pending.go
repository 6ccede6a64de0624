package imapfilter

// Deferred expunges. A move is UID COPY, UID STORE +FLAGS (\Deleted) and
// UID EXPUNGE of the messages moved; on a big Maildir the EXPUNGE is the
// server's most expensive part of the three, and a config that moves
// messages one at a time pays it once per message. So the expunge of the
// messages a config deleted is put off and sent for all of them at once,
// at the latest at a point where the config (or anyone else) could
// notice the difference: before another mailbox is selected, before
// CLOSE, STATUS, IDLE, LOGOUT, sleep, pipe_to/pipe_from, a request on
// another account, the deletion or renaming of the mailbox, when
// maxPending messages wait, and at the end of the run (also when the
// config failed). Until then the session hides the waiting messages:
// searches leave them out and fetches return nothing for them, as they
// would after an expunge; a store or copy naming one of them expunges
// first, so the server answers for a mailbox without them.
//
// The STORE of \Deleted of a move or delete waits too, and goes with the
// EXPUNGE. Nothing is lost when they never come (the connection breaks,
// the process is killed): the copies are made before, and the originals
// stay in the source, flagged \Deleted or not.

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// maxPending is how many deleted messages may wait for their expunge (a
// variable for tests).
var maxPending = 250

// pending is what a session has deleted and not expunged yet: UIDs of
// one mailbox, valid for one UIDVALIDITY.
type pending struct {
	mailbox     string
	uidValidity uint32
	uids        imaplib.SeqSet
	// unflagged are the UIDs among uids whose \Deleted is not stored
	// yet: a move's or delete's STORE waits with its EXPUNGE.
	unflagged imaplib.SeqSet
}

// has reports whether some of the UIDs of set in mbox wait for their
// expunge.
func (p *pending) has(mbox string, set imaplib.SeqSet) bool {
	return p.mailbox == mbox && !p.uids.IsEmpty() && !p.uids.Intersect(set).IsEmpty()
}

// deferExpunge records the UIDs of set in the selected mailbox as deleted
// and waiting for their expunge (stored tells whether their \Deleted is
// stored already); it expunges at once when too many wait.
func (c *core) deferExpunge(s *session, set imaplib.SeqSet, stored bool) error {
	if s.pend.mailbox != s.selected || s.pend.uidValidity != s.uidValidity {
		if err := c.flush(s); err != nil {
			return err
		}
		s.pend = pending{mailbox: s.selected, uidValidity: s.uidValidity}
	}
	s.pend.uids = s.pend.uids.Union(set)
	if !stored {
		s.pend.unflagged = s.pend.unflagged.Union(set)
	}
	if s.pend.uids.Len() >= maxPending {
		return c.flush(s)
	}
	return nil
}

// flush expunges what s deleted and has not expunged yet, selecting its
// mailbox again when it is not the selected one (after a reconnection).
// When the mailbox is gone or has a new UIDVALIDITY, there is nothing
// left to expunge.
func (c *core) flush(s *session) error {
	if s.pend.uids.IsEmpty() {
		return nil
	}
	m, err := s.acct.Conn()
	if err != nil {
		return err
	}
	p := s.pend
	if s.selected != p.mailbox {
		info, err := m.SelectMailbox(p.mailbox, false)
		s.acct.Unselected()
		if err != nil {
			if _, no := refused(err); no {
				s.selected = ""
				c.logger().Warn("imapfilter: the mailbox of deleted messages is gone", "account", s.name,
					"mailbox", p.mailbox, "err", err)
				s.pend = pending{}
				return nil
			}
			return err
		}
		s.selected, s.readonly, s.uidValidity = p.mailbox, info.ReadOnly, info.UIDValidity
	}
	if s.uidValidity != p.uidValidity {
		c.logger().Warn("imapfilter: the mailbox of deleted messages changed its UIDVALIDITY; they stay in it",
			"account", s.name, "mailbox", p.mailbox)
		s.pend = pending{}
		return nil
	}
	if !p.unflagged.IsEmpty() {
		_, err = m.UIDStore(p.unflagged, imaplib.AddFlags, []string{`\Deleted`}, true)
		m.DiscardUntagged("FETCH")
		if _, no := refused(err); no {
			c.logger().Warn("imapfilter: storing \\Deleted refused; the messages stay in their mailbox", "account", s.name,
				"mailbox", p.mailbox, "err", err)
			s.pend = pending{}
			return nil
		}
		if err != nil {
			return err
		}
		s.pend.unflagged = imaplib.SeqSet{}
	}
	err = c.expunge(m, p.uids)
	if _, no := refused(err); err == nil || no {
		if err != nil {
			c.logger().Warn("imapfilter: expunge refused; the messages stay flagged \\Deleted", "account", s.name,
				"mailbox", p.mailbox, "err", err)
		}
		s.pend = pending{}
		return nil
	}
	return err
}

// flushOrFail flushes s and raises the error of a request that broke.
func (c *core) flushOrFail(L *lua.LState, s *session, request string) {
	if err := c.flush(s); err != nil {
		c.fail(L, s, request, err)
	}
}

// flushAll flushes every session (end of the run, sleeps, programs run).
func (c *core) flushAll() error {
	var errs []error
	for _, s := range c.sessions {
		if err := c.flush(s); err != nil {
			if errors.Is(err, imaplib.ErrAbort) {
				s.acct.Close()
				s.selected = ""
			}
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

// flushAllOrFail is flushAll raising its error.
func (c *core) flushAllOrFail(L *lua.LState) {
	if err := c.flushAll(); err != nil {
		L.RaiseError("expunge request failed: %v", err)
	}
}

// enter is the start of every request on s: a request on another
// session first expunges what the previous one deleted (it may be the
// same mailbox, seen from another connection).
func (c *core) enter(L *lua.LState, s *session) {
	prev := c.active
	c.active = s
	if prev != nil && prev != s && !prev.pend.uids.IsEmpty() {
		c.flushOrFail(L, prev, "expunge")
	}
}

// hide removes from a search's UIDs those that wait for their expunge.
func (s *session) hide(mbox string, uids []uint32) []uint32 {
	if s.pend.mailbox != mbox || s.pend.uids.IsEmpty() {
		return uids
	}
	out := uids[:0]
	for _, u := range uids {
		if !s.pend.uids.Contains(u) {
			out = append(out, u)
		}
	}
	return out
}

// within reports whether the mailbox a, or one inside it, is b.
func within(b, a string) bool {
	return a == b || strings.HasPrefix(b, a+"/") || strings.HasPrefix(b, a+".")
}

// flushTeardown is the run's end: whatever waits is expunged, whether
// the config returned or failed; but not when the run was stopped
// (SIGTERM, Ctrl-C, a timeout: the state's context is done), which ends
// it at once and closes its connections.
func (c *core) flushTeardown(L *lua.LState, _ error) error {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		if n := c.waiting(); n > 0 {
			c.logger().Warn("imapfilter: the run was stopped before the expunge of the messages moved or deleted last; they stay in their mailbox (the copies of moved ones are made)",
				"messages", n)
		}
		return nil
	}
	if err := c.flushAll(); err != nil {
		c.logger().Error("imapfilter: expunging the messages moved or deleted failed; they stay in their mailbox (the copies of moved ones are made)",
			"err", err)
		return err
	}
	return nil
}

// expungeBeforeExit makes os.exit expunge what waits first: imapfilter
// has expunged every move by the time a config calls os.exit, and the
// run's connections close with it, before Teardown.
func expungeBeforeExit(L *lua.LState, c *core) {
	osTable, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		return
	}
	exit, ok := L.GetField(osTable, "exit").(*lua.LFunction)
	if !ok {
		return
	}
	L.SetField(osTable, "exit", L.NewFunction(func(L *lua.LState) int {
		if err := c.flushAll(); err != nil {
			c.logger().Error("imapfilter: expunging the messages moved or deleted failed; they stay in their mailbox (the copies of moved ones are made)",
				"err", err)
		}
		L.Insert(exit, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		return L.GetTop()
	}))
}

// flushLua(session or nil): flushes the session, or every session.
func (c *core) flushLua(L *lua.LState) int {
	if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
		s := checkSession(L, 1)
		c.flushOrFail(L, s, "expunge")
	} else {
		c.flushAllOrFail(L)
	}
	return 0
}

// canDefer reports whether the expunge of messages deleted in the selected
// mailbox of s may wait: the command asked for it, the server can expunge
// exactly those messages later (UIDPLUS), and the mailbox is writable and
// takes \Deleted (so that storing it later is not refused).
func (c *core) canDefer(s *session, m *imaplib.IMAP4) bool {
	return c.opts.DeferExpunge && m.HasCapability("UIDPLUS") && !s.readonly && s.canDelete
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if strings.EqualFold(x, f) {
			return true
		}
	}
	return false
}

// waiting is how many messages wait for their expunge, in all sessions.
func (c *core) waiting() int {
	n := 0
	for _, s := range c.sessions {
		n += s.pend.uids.Len()
	}
	return n
}
