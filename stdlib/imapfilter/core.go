package imapfilter

// The core: one Go function per IMAP request the Lua layer needs, in the
// spirit of imapfilter's own C core, but over the Go imaplib connection of
// a mail.Account and working on whole sets of messages at once (one UID
// FETCH for all the messages of a search, not one per message).

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// sessionType is the session userdata the Lua layer holds for an account:
// an opaque handle, with no fields or methods of its own.
var sessionType = &luabind.Type{
	Name:   "imapfilter.session",
	String: func(_ *lua.LState, ud *lua.LUserData) string { return "imapfilter.session " + ud.Value.(*session).name },
}

// session is one logged-in account as the Lua layer sees it.
type session struct {
	acct     *mail.Account
	name     string // user@server
	h        *host.Host
	selected string // mailbox selected, "" for none
	readonly bool
	children bool // the server has the CHILDREN capability
	// uidValidity is the UIDVALIDITY of the selected mailbox; exists its
	// number of messages when selected.
	uidValidity, exists uint32
	// pend is what was deleted and waits for its expunge (pending.go).
	pend pending
	// canDelete tells that the selected mailbox takes \Deleted for good
	// (its PERMANENTFLAGS).
	canDelete bool
	// inflight are the copies and appends whose answer was lost
	// (inflight.go).
	inflight []inflight
}

// core holds what the core functions share: the run's host and the
// settings of the command.
type core struct {
	h    *host.Host
	opts Options
	// sessions are the accounts logged in, active the one of the last
	// request.
	sessions []*session
	active   *session
	// trustRoots are the certificates of Options.TrustFile, once read.
	trustRoots *x509.CertPool
}

func (c *core) logger() *slog.Logger {
	if c.h.Logger != nil {
		return c.h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (c *core) functions() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"login":         c.login,
		"logout":        c.logout,
		"select":        c.selectBox,
		"close":         c.closeBox,
		"status":        c.status,
		"search":        c.search,
		"fetch":         c.fetch,
		"store":         c.store,
		"copy":          c.copy,
		"append":        c.appendMsg,
		"append_all":    c.appendAll,
		"create":        c.mailboxOp("create"),
		"delete":        c.mailboxOp("delete"),
		"rename":        c.mailboxOp("rename"),
		"subscribe":     c.mailboxOp("subscribe"),
		"unsubscribe":   c.mailboxOp("unsubscribe"),
		"list":          c.list(false),
		"lsub":          c.list(true),
		"idle":          c.idle,
		"dryrun":        c.dryrun,
		"sleep":         c.sleep,
		"getpass":       c.getpass,
		"pipe_to":       c.pipeTo,
		"pipe_from":     c.pipeFrom,
		"daemon":        c.daemon,
		"daemon_failed": c.daemonFailed,
		"warn":          c.warn,
		"regex":         c.regexSearch,
		"match_all":     c.matchAll,
		"decode":        c.decode,
		"fields":        c.fields,
		"fields_of":     c.fieldsOf,
		"setop":         c.setop,
		"ranges":        c.ranges,
		"mailboxes":     c.mailboxes,
		"uids":          c.uids,
		"result":        c.result,
		"remember":      c.remember,
		"flush":         c.flushLua,
	}
}

// sess returns the session that is the first argument, the start of a
// request on it.
func (c *core) sess(L *lua.LState) *session {
	s := checkSession(L, 1)
	c.enter(L, s)
	return s
}

func checkSession(L *lua.LState, n int) *session {
	s, ok := luabind.As[*session](L.Get(n))
	if !ok {
		L.ArgError(n, "imapfilter session expected")
	}
	return s
}

// fail raises the error of a request that broke (not a NO): the
// connection is dropped and the next request logs in again, as
// imapfilter does. Errors of this module are strings, as imapfilter's
// own are: configurations written for it pcall and print them.
func (c *core) fail(L *lua.LState, s *session, request string, err error) {
	c.certFatal(L, s.name, err)
	if errors.Is(err, imaplib.ErrAbort) {
		s.acct.Close()
		s.selected = ""
	}
	L.RaiseError("%s request to %s failed: %v", request, s.name, err)
}

// refused reports whether err is the server saying NO (or BAD).
func refused(err error) (*imaplib.ResponseError, bool) {
	var re *imaplib.ResponseError
	if errors.As(err, &re) {
		return re, true
	}
	return nil, false
}

// conn returns the session's connection, logging in again if it was lost.
func (c *core) conn(L *lua.LState, s *session, request string) *imaplib.IMAP4 {
	m, err := s.acct.Conn()
	if err != nil {
		c.certFatal(L, s.name, err)
		L.RaiseError("%s request to %s failed: %v", request, s.name, err)
	}
	return m
}

// certFatal ends the run with ExitCertificate when err is a server
// certificate that imapfilter's rules cannot accept, as imapfilter's
// fatal() does: at login, and when logging in again after a lost
// connection (a server whose certificate changed meanwhile).
func (c *core) certFatal(L *lua.LState, name string, err error) {
	var ce *certError
	if errors.As(err, &ce) && ce.fatal {
		c.logger().Error("imapfilter: the server's certificate is not accepted; the run ends with status 5, as imapfilter's does",
			"account", name, "err", ce.msg)
		c.exit(L, ExitCertificate, fmt.Sprintf("login request to %s failed: %v", name, ce))
	}
}

// certPolicy returns the rules for the certificates of server, from the
// login table t (the options at login) and the command line; -t's file is
// read once per run.
func (c *core) certPolicy(L *lua.LState, t *lua.LTable, server, name string) certPolicy {
	if c.opts.TrustFile != "" && c.trustRoots == nil {
		roots, err := loadRoots(c.opts.TrustFile)
		if err != nil {
			L.RaiseError("login request to %s failed: -t: %v", name, err)
		}
		c.trustRoots = roots
	}
	return certPolicy{server: server, hostnames: lua.LVAsBool(L.GetField(t, "hostnames")),
		certificates: lua.LVAsBool(L.GetField(t, "certificates")),
		roots:        c.trustRoots, storeFile: c.opts.CertificatesFile}
}

// login(table) -> session: connects and logs in.
func (c *core) login(L *lua.LState) int {
	t := L.CheckTable(1)
	str := func(k string) string {
		if v, ok := L.GetField(t, k).(lua.LString); ok {
			return string(v)
		}
		return ""
	}
	server, user, pass, oauth, ssl := str("server"), str("username"), str("password"), str("oauth2"), str("ssl")
	port, _ := strconv.Atoi(str("port"))
	timeout := time.Duration(lua.LVAsNumber(L.GetField(t, "timeout"))) * time.Second
	starttls := lua.LVAsBool(L.GetField(t, "starttls"))
	// scan_connections is ours: how many connections a big search may
	// use, this account's own included (1: no other; split.go).
	scans := int(lua.LVAsNumber(L.GetField(t, "scan_connections")))
	name := user + "@" + server
	certs := c.certPolicy(L, t, server, name)
	mk := func(tlsMode string) (*mail.Account, error) {
		cfg := mail.Config{Host: server, Port: port, TLS: tlsMode, User: user, Password: pass,
			VerifyConnection: certs.verify, Timeout: timeout, ScanConnections: scans}
		if timeout == 0 {
			cfg.Timeout = 24 * time.Hour
		}
		if oauth != "" {
			cfg.Password = ""
			cfg.OAuth2 = &mail.OAuth2{Token: oauth}
		}
		return mail.NewAccount(cfg, c.h)
	}
	mode := mail.TLSNone
	switch {
	case ssl != "":
		mode = mail.TLSImplicit
	case starttls:
		mode = mail.TLSStartTLS
	}
	acct, err := mk(mode)
	if err != nil {
		L.RaiseError("%v", err)
	}
	m, err := acct.Conn()
	if err != nil && mode == mail.TLSStartTLS && errors.Is(err, imaplib.ErrNoStartTLS) {
		// imapfilter negotiates TLS only when the server offers it; a
		// handshake that failed is never retried in plaintext.
		if acct, err = mk(mail.TLSNone); err == nil {
			m, err = acct.Conn()
		}
	}
	if err != nil {
		if errors.Is(err, mail.ErrLoginRefused) {
			L.RaiseError("authentication of %s failed: %v", name, err)
		}
		c.certFatal(L, name, err)
		L.RaiseError("login request to %s failed: %v", name, err)
	}
	s := &session{acct: acct, name: name, h: c.h, children: m.HasCapability("CHILDREN")}
	c.sessions = append(c.sessions, s)
	return luabind.Push(L, sessionType, s)
}

// logout(session)
func (c *core) logout(L *lua.LState) int {
	s := c.sess(L)
	c.flushOrFail(L, s, "expunge")
	s.selected = ""
	if err := s.acct.Close(); err != nil {
		c.logger().Warn("imapfilter: logout", "account", s.name, "err", err)
	}
	L.Push(lua.LTrue)
	return 1
}

// doSelect selects mbox unless it is the selected one.
func (c *core) doSelect(L *lua.LState, s *session, mbox string) (*imaplib.IMAP4, bool) {
	m := c.conn(L, s, "select")
	if s.selected == mbox {
		return m, true
	}
	if s.pend.mailbox != mbox {
		c.flushOrFail(L, s, "expunge")
	}
	info, err := m.SelectMailbox(mbox, false)
	s.acct.Unselected()
	if err != nil {
		if _, no := refused(err); no {
			s.selected = ""
			return m, false
		}
		c.fail(L, s, "select", err)
	}
	s.selected, s.readonly, s.uidValidity, s.exists = mbox, info.ReadOnly, info.UIDValidity, info.Exists
	s.canDelete = hasFlag(info.PermanentFlags, `\Deleted`) || hasFlag(info.PermanentFlags, `\*`)
	return m, true
}

// select(session, mbox) -> ok, readonly
func (c *core) selectBox(L *lua.LState) int {
	s := c.sess(L)
	_, ok := c.doSelect(L, s, L.CheckString(2))
	L.Push(lua.LBool(ok))
	L.Push(lua.LBool(s.readonly))
	return 2
}

// close(session): CLOSE the selected mailbox.
func (c *core) closeBox(L *lua.LState) int {
	s := c.sess(L)
	if s.selected == "" {
		L.Push(lua.LTrue)
		return 1
	}
	c.flushOrFail(L, s, "expunge")
	m := c.conn(L, s, "close")
	if c.h.DryRun {
		// CLOSE would expunge; a dry run leaves the mailbox with UNSELECT.
		_, _, err := m.Unselect()
		if err != nil {
			_, _, err = m.CloseMailbox()
		}
		_ = err
	} else if _, _, err := m.CloseMailbox(); err != nil {
		c.fail(L, s, "close", err)
	}
	s.selected = ""
	s.acct.Unselected()
	L.Push(lua.LTrue)
	return 1
}

// status(session, mbox) -> exists, recent, unseen, uidnext
func (c *core) status(L *lua.LState) int {
	s := c.sess(L)
	mbox := L.CheckString(2)
	c.flushOrFail(L, s, "expunge")
	m := c.conn(L, s, "status")
	st, err := m.MailboxStatus(mbox, "MESSAGES", "RECENT", "UNSEEN", "UIDNEXT")
	if err != nil {
		if _, no := refused(err); no {
			L.Push(lua.LFalse)
			return 1
		}
		c.fail(L, s, "status", err)
	}
	L.Push(lua.LTrue)
	for _, v := range []*uint32{st.Messages, st.Recent, st.Unseen, st.UIDNext} {
		n := 0
		if v != nil {
			n = int(*v)
		}
		L.Push(lua.LNumber(n))
	}
	return 5
}

// search(session, mbox, query, charset) -> ok, {uids}
func (c *core) search(L *lua.LState) int {
	s := c.sess(L)
	mbox, query, charset := L.CheckString(2), L.CheckString(3), L.OptString(4, "")
	m, ok := c.doSelect(L, s, mbox)
	if !ok {
		L.Push(lua.LFalse)
		return 1
	}
	typ, uids, err := s.searchUIDs(m, mbox, charset, query)
	if err != nil {
		// A query the server refuses (a BAD for a quote in a
		// contain_* string, say) is an empty result under imapfilter,
		// and the config goes on. So is one holding a line break:
		// imapfilter sends it as it is, the server answers BAD to the
		// line cut short (and to the rest as a command of its own);
		// here it is not sent at all.
		if _, no := refused(err); !no && !errors.Is(err, imaplib.ErrValue) {
			c.fail(L, s, "search", err)
		}
		c.logger().Warn("imapfilter: search refused", "account", s.name, "mailbox", mbox, "err", err)
		L.Push(lua.LFalse)
		return 1
	}
	if typ != "OK" {
		L.Push(lua.LFalse)
		return 1
	}
	uids = s.hide(mbox, uids)
	t := L.CreateTable(len(uids), 0)
	for _, u := range uids {
		t.Append(lua.LNumber(u))
	}
	L.Push(lua.LTrue)
	L.Push(t)
	return 2
}

// uidsArg reads a Lua array of UIDs.
func uidsArg(L *lua.LState, n int) imaplib.SeqSet {
	t := L.CheckTable(n)
	var nums []uint32
	var set imaplib.SeqSet
	t.ForEach(func(_, v lua.LValue) {
		switch v := v.(type) {
		case lua.LNumber:
			if v > 0 {
				nums = append(nums, uint32(v))
			}
		case lua.LString:
			// A UID a set written by hand gives as a string ("10"),
			// which imapfilter sends as it is.
			if s, err := imaplib.ParseSeqSet(string(v)); err == nil {
				set = set.Union(s)
			}
		}
	})
	return set.Union(imaplib.SeqSetOf(nums...))
}

// stringsArg reads a Lua array of strings.
func stringsArg(L *lua.LState, n int) []string {
	t := L.CheckTable(n)
	var out []string
	for i := 1; i <= t.Len(); i++ {
		out = append(out, lua.LVAsString(t.RawGetInt(i)))
	}
	return out
}

// internalDate is how imapfilter hands INTERNALDATE to Lua: as the server
// wrote it, which for the servers of interest is this layout.
const internalDate = "02-Jan-2006 15:04:05 -0700"

// fetchItems are the FETCH items of each kind of fetch; ARG is the
// argument of the kind (a field name, a section).
var fetchItems = map[string]string{
	"fast":      "(FLAGS INTERNALDATE RFC822.SIZE)",
	"flags":     "(FLAGS)",
	"date":      "(INTERNALDATE)",
	"size":      "(RFC822.SIZE)",
	"structure": "(BODYSTRUCTURE)",
	"header":    "(BODY.PEEK[HEADER])",
	"text":      "(BODY.PEEK[TEXT])",
	"fields":    "(BODY.PEEK[HEADER.FIELDS (ARG)])",
	"part":      "(BODY.PEEK[ARG])",
}

// fetch(session, mbox, {uids}, kind, arg) -> ok, {uid = value}
//
// kind is fast, flags, date, size, header, text, fields (arg: a field
// name), part (arg: a section) or structure.
func (c *core) fetch(L *lua.LState) int {
	s := c.sess(L)
	mbox := L.CheckString(2)
	set := uidsArg(L, 3)
	kind, arg := L.CheckString(4), L.OptString(5, "")
	out := L.NewTable()
	if s.pend.mailbox == mbox {
		// Messages waiting for their expunge are gone already.
		set = set.Difference(s.pend.uids)
	}
	if set.IsEmpty() {
		L.Push(lua.LTrue)
		L.Push(out)
		return 2
	}
	items, known := fetchItems[kind]
	if !known {
		L.ArgError(4, "unknown fetch kind "+kind)
	}
	items = strings.ReplaceAll(items, "ARG", arg)
	m, ok := c.doSelect(L, s, mbox)
	if !ok {
		L.Push(lua.LFalse)
		return 1
	}
	fds, err := s.fetchUIDs(m, mbox, set, kind, items)
	if err != nil {
		if _, no := refused(err); no {
			L.Push(lua.LFalse)
			return 1
		}
		c.fail(L, s, "fetch"+kind, err)
	}
	m.DiscardUntagged("FETCH")
	for _, fd := range fds {
		var v lua.LValue
		switch kind {
		case "fast":
			t := L.NewTable()
			L.SetField(t, "flags", flagsTable(L, fd.Flags))
			L.SetField(t, "date", lua.LString(fd.InternalDate.Format(internalDate)))
			L.SetField(t, "size", lua.LString(strconv.FormatInt(fd.RFC822Size, 10)))
			v = t
		case "flags":
			v = flagsTable(L, fd.Flags)
		case "date":
			v = lua.LString(fd.InternalDate.Format(internalDate))
		case "size":
			v = lua.LNumber(fd.RFC822Size)
		case "structure":
			v = structureOf(L, mbox, fd)
		default:
			if len(fd.Sections) > 0 && fd.Sections[0].Data != nil {
				v = lua.LString(fd.Sections[0].Data)
			}
		}
		if v != nil {
			out.RawSetInt(int(fd.UID), v)
		}
	}
	L.Push(lua.LTrue)
	L.Push(out)
	return 2
}

func flagsTable(L *lua.LState, flags []string) *lua.LTable {
	t := L.CreateTable(len(flags), 0)
	for _, f := range flags {
		t.Append(lua.LString(f))
	}
	return t
}

// store(session, mbox, {uids}, mode, {flags}, expunge) -> ok
//
// With expunge set and \Deleted among the flags added, exactly those
// messages are expunged (UID EXPUNGE), never every deleted message; with
// Options.DeferExpunge, later and for many at once (pending.go).
func (c *core) store(L *lua.LState) int {
	s := c.sess(L)
	mbox := L.CheckString(2)
	set := uidsArg(L, 3)
	mode := L.CheckString(4)
	flags := stringsArg(L, 5)
	expunge := L.ToBool(6)
	if set.IsEmpty() {
		L.Push(lua.LTrue)
		return 1
	}
	op := imaplib.ReplaceFlags
	switch mode {
	case "add":
		op = imaplib.AddFlags
	case "remove":
		op = imaplib.RemoveFlags
	}
	deleting := false
	for _, f := range flags {
		if strings.EqualFold(f, `\Deleted`) {
			deleting = op != imaplib.RemoveFlags
		}
	}
	if c.h.DryRun {
		c.logger().Info("imapfilter: dry-run: would store", "account", s.name, "mailbox", mbox,
			"mode", mode, "flags", strings.Join(flags, " "), "count", set.Len())
		L.Push(lua.LTrue)
		return 1
	}
	if s.pend.has(mbox, set) {
		c.flushOrFail(L, s, "expunge")
	}
	m, ok := c.doSelect(L, s, mbox)
	if !ok {
		L.Push(lua.LFalse)
		return 1
	}
	start := time.Now()
	if deleting && expunge && len(flags) == 1 && op == imaplib.AddFlags && c.canDefer(s, m) {
		// A move or delete: its STORE waits with its EXPUNGE.
		if err := c.deferExpunge(s, set, false); err != nil {
			c.fail(L, s, "expunge", err)
		}
		c.logger().Info("imapfilter: store", "account", s.name, "mailbox", mbox, "mode", mode,
			"flags", strings.Join(flags, " "), "count", set.Len(), "expunged", false, "deferred", true, "duration", time.Since(start))
		L.Push(lua.LTrue)
		return 1
	}
	if _, err := m.UIDStore(set, op, flags, true); err != nil {
		// A flag that is not one (imaplib sends nothing) is refused
		// too: imapfilter sends it and the server answers BAD.
		if _, no := refused(err); no || errors.Is(err, imaplib.ErrValue) {
			L.Push(lua.LFalse)
			return 1
		}
		c.fail(L, s, "store", err)
	}
	m.DiscardUntagged("FETCH")
	if deleting && expunge && c.canDefer(s, m) {
		if err := c.deferExpunge(s, set, true); err != nil {
			c.fail(L, s, "expunge", err)
		}
	} else if deleting && expunge {
		if err := c.expunge(m, set); err != nil {
			if _, no := refused(err); !no {
				c.fail(L, s, "expunge", err)
			}
		}
	}
	c.logger().Info("imapfilter: store", "account", s.name, "mailbox", mbox, "mode", mode,
		"flags", strings.Join(flags, " "), "count", set.Len(), "expunged", deleting && expunge,
		"duration", time.Since(start))
	L.Push(lua.LTrue)
	return 1
}

// expunge removes exactly the messages of set (UID EXPUNGE). Without
// UIDPLUS the messages stay flagged \Deleted rather than have a bare
// EXPUNGE remove what other clients marked.
func (c *core) expunge(m *imaplib.IMAP4, set imaplib.SeqSet) error {
	if !m.HasCapability("UIDPLUS") {
		c.logger().Warn("imapfilter: the server lacks UIDPLUS; deleted messages stay flagged \\Deleted until the mailbox is closed")
		return nil
	}
	err := m.UIDExpunge(set)
	m.DiscardUntagged("EXPUNGE")
	return err
}

// createMailbox creates mbox and subscribes it when asked (TRYCREATE).
func (c *core) createMailbox(m *imaplib.IMAP4, mbox string, subscribe bool) error {
	if err := m.CreateMailbox(mbox); err != nil {
		return err
	}
	if subscribe {
		return m.SubscribeMailbox(mbox)
	}
	return nil
}

// copy(session, mbox, {uids}, dest, subscribe) -> ok
func (c *core) copy(L *lua.LState) int {
	s := c.sess(L)
	mbox := L.CheckString(2)
	set := uidsArg(L, 3)
	dest := L.CheckString(4)
	subscribe := L.ToBool(5)
	if set.IsEmpty() {
		L.Push(lua.LTrue)
		return 1
	}
	if c.h.DryRun {
		c.logger().Info("imapfilter: dry-run: would copy", "account", s.name, "mailbox", mbox,
			"destination", dest, "count", set.Len())
		L.Push(lua.LTrue)
		return 1
	}
	if s.pend.has(mbox, set) {
		c.flushOrFail(L, s, "expunge")
	}
	m, ok := c.doSelect(L, s, mbox)
	if !ok {
		L.Push(lua.LFalse)
		return 1
	}
	start := time.Now()
	if done := c.copiedBefore(L, s, m, mbox, set, dest); !done.IsEmpty() {
		if set = set.Difference(done); set.IsEmpty() {
			L.Push(lua.LTrue)
			return 1
		}
	}
	if m, ok = c.doSelect(L, s, mbox); !ok {
		L.Push(lua.LFalse)
		return 1
	}
	err := c.retryCreated(m, dest, subscribe, func() error {
		_, err := m.UIDCopy(set, dest)
		return err
	})
	if err != nil {
		if _, no := refused(err); no {
			c.logger().Error("imapfilter: copy failed", "account", s.name, "mailbox", mbox, "destination", dest, "err", err)
			L.Push(lua.LFalse)
			return 1
		}
		s.lostCopy(err, set, dest)
		c.fail(L, s, "copy", err)
	}
	c.logger().Info("imapfilter: copy", "account", s.name, "mailbox", mbox, "destination", dest,
		"count", set.Len(), "duration", time.Since(start))
	L.Push(lua.LTrue)
	return 1
}

// append(session, mbox, message, flags, date, subscribe) -> ok
func (c *core) appendMsg(L *lua.LState) int {
	s := c.sess(L)
	mbox, msg := L.CheckString(2), L.CheckString(3)
	flags, date, subscribe := L.OptString(4, ""), L.OptString(5, ""), L.ToBool(6)
	if c.h.DryRun {
		// imapfilter -n answers true for any append, sending nothing.
		c.logger().Info("imapfilter: dry-run: would append", "account", s.name, "mailbox", mbox, "size", len(msg))
		L.Push(lua.LTrue)
		return 1
	}
	if why := refusedAppend(flags, date); why != "" {
		c.logger().Error("imapfilter: append refused", "account", s.name, "mailbox", mbox, "err", why)
		L.Push(lua.LFalse)
		return 1
	}
	it, err := appendItem(msg, flags, date)
	// A date that is not dd-Mon-yyyy hh:mm:ss +zzzz as Go reads it goes
	// as written, as imapfilter sends it: the server may take it (Dovecot
	// reads 23:59:60, 24:00:00, 31-Feb or a zone "UTC" in its own way).
	asWritten := ""
	if err != nil {
		asWritten = date
	}
	m := c.conn(L, s, "append")
	if len(c.appendedBefore(L, s, m, mbox, []imaplib.AppendItem{it})) == 0 {
		L.Push(lua.LTrue)
		return 1
	}
	err = c.retryCreated(m, mbox, subscribe, func() error {
		if asWritten != "" {
			_, err := m.AppendMessageDate(mbox, it.Flags, asWritten, it.Msg)
			return err
		}
		_, err := m.AppendMessage(mbox, it.Flags, it.Date, it.Msg)
		return err
	})
	if err != nil {
		if _, no := refused(err); no {
			c.logger().Error("imapfilter: append failed", "account", s.name, "mailbox", mbox, "err", err)
			L.Push(lua.LFalse)
			return 1
		}
		s.lostAppend(err, mbox, []imaplib.AppendItem{it})
		c.fail(L, s, "append", err)
	}
	c.logger().Info("imapfilter: append", "account", s.name, "mailbox", mbox, "size", len(msg))
	L.Push(lua.LTrue)
	return 1
}

// appendItem is a message to append with its flags (as imapfilter's
// Lua code joins them, \Recent dropped: no client may set it) and its
// internal date as configs write it ("" for the server's clock).
func appendItem(msg, flags, dateText string) (imaplib.AppendItem, error) {
	it := imaplib.AppendItem{Msg: []byte(msg)}
	for _, f := range strings.Fields(flags) {
		if !strings.EqualFold(f, `\Recent`) {
			it.Flags = append(it.Flags, f)
		}
	}
	if dateText != "" {
		d, err := time.Parse(internalDate, strings.TrimSpace(dateText))
		if err != nil {
			d, err = time.Parse("2-Jan-2006 15:04:05 -0700", strings.TrimSpace(dateText))
		}
		if err != nil {
			return it, fmt.Errorf("date %q is not dd-Mon-yyyy hh:mm:ss +zzzz", dateText)
		}
		it.Date = d
	}
	return it, nil
}

// refusedAppend says why the server would refuse an APPEND of a config
// with these flags and date ("" when it would not): a system flag other
// than \Seen, \Answered, \Flagged, \Deleted and \Draft (\Recent too), a
// keyword that is not an atom, a date that cannot go between quotes (a
// `"` or `\`, a control or 8-bit character). imapfilter sends them and
// the server's BAD makes append_message answer false; mailscript answers
// false without sending them, as a server that refuses the command line
// may not read the message sent after it (a LITERAL+ literal) and take
// its lines for commands. Other dates the server judges (appendMsg).
func refusedAppend(flags, date string) string {
	for _, f := range strings.Fields(flags) {
		if strings.HasPrefix(f, `\`) {
			switch strings.ToLower(f) {
			case `\seen`, `\answered`, `\flagged`, `\deleted`, `\draft`:
			default:
				return "invalid system flag " + f
			}
			continue
		}
		if strings.ContainsFunc(f, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(`(){%*"\]`, r) }) {
			return "invalid keyword " + f
		}
	}
	if strings.ContainsFunc(date, func(r rune) bool { return r < ' ' || r > '~' || r == '"' || r == '\\' }) {
		return fmt.Sprintf("date %q cannot be sent", date)
	}
	return ""
}

// retryCreated runs do, and when the server answers [TRYCREATE] creates
// mbox (and subscribes it when subscribe), as imapfilter does whatever
// options.create says, and runs do once more.
func (c *core) retryCreated(m *imaplib.IMAP4, mbox string, subscribe bool, do func() error) error {
	err := do()
	if re, no := refused(err); no && strings.EqualFold(re.Code, "TRYCREATE") {
		if err = c.createMailbox(m, mbox, subscribe); err == nil {
			err = do()
		}
	}
	return err
}

// Appends of many messages (a move or copy to another account) go in
// batches of at most multiAppendCount messages and multiAppendBytes
// bytes per MULTIAPPEND command, when the server has it.
const (
	multiAppendCount = 500
	multiAppendBytes = 16 << 20
)

// append_all(session, mbox, {{message, flags, date}, ...}, subscribe) -> ok:
// the messages appended in order, as append would one by one. With
// MULTIAPPEND (RFC 3502) a batch costs the server one transaction
// instead of one per message, and a refused batch leaves none of its
// messages behind; without it, the first refusal stops the appends, as
// under imapfilter.
func (c *core) appendAll(L *lua.LState) int {
	s := c.sess(L)
	mbox, list, subscribe := L.CheckString(2), L.CheckTable(3), L.ToBool(4)
	var items []imaplib.AppendItem
	for i := 1; i <= list.Len(); i++ {
		e, ok := list.RawGetInt(i).(*lua.LTable)
		if !ok {
			L.ArgError(3, "{message, flags, date} expected")
		}
		it, err := appendItem(lua.LVAsString(e.RawGetInt(1)), lua.LVAsString(e.RawGetInt(2)), lua.LVAsString(e.RawGetInt(3)))
		if err != nil {
			L.ArgError(3, err.Error())
		}
		items = append(items, it)
	}
	if c.h.DryRun {
		for _, it := range items {
			c.logger().Info("imapfilter: dry-run: would append", "account", s.name, "mailbox", mbox, "size", len(it.Msg))
		}
		L.Push(lua.LTrue)
		return 1
	}
	m := c.conn(L, s, "append")
	items = c.appendedBefore(L, s, m, mbox, items)
	multi := m.HasCapability("MULTIAPPEND")
	for len(items) > 0 {
		n, size := 1, len(items[0].Msg)
		for multi && n < len(items) && n < multiAppendCount && size+len(items[n].Msg) <= multiAppendBytes {
			size += len(items[n].Msg)
			n++
		}
		batch := items[:n]
		err := c.retryCreated(m, mbox, subscribe, func() error {
			if multi {
				_, err := m.MultiAppend(mbox, batch)
				return err
			}
			_, err := m.AppendMessage(mbox, batch[0].Flags, batch[0].Date, batch[0].Msg)
			return err
		})
		if err != nil {
			if _, no := refused(err); no {
				c.logger().Error("imapfilter: append failed", "account", s.name, "mailbox", mbox, "count", n, "err", err)
				L.Push(lua.LFalse)
				return 1
			}
			s.lostAppend(err, mbox, batch)
			c.fail(L, s, "append", err)
		}
		c.logger().Info("imapfilter: append", "account", s.name, "mailbox", mbox, "count", n, "size", size)
		items = items[n:]
	}
	L.Push(lua.LTrue)
	return 1
}

// mailboxOp returns create/delete/rename/subscribe/unsubscribe(session, name[, newname]) -> ok.
func (c *core) mailboxOp(op string) lua.LGFunction {
	return func(L *lua.LState) int {
		s := c.sess(L)
		name := L.CheckString(2)
		newName := ""
		if op == "rename" {
			newName = L.CheckString(3)
		}
		if c.h.DryRun {
			c.logger().Info("imapfilter: dry-run: would "+op, "account", s.name, "mailbox", name, "to", newName)
			L.Push(lua.LTrue)
			return 1
		}
		if (op == "delete" || op == "rename") && !s.pend.uids.IsEmpty() && within(s.pend.mailbox, name) {
			c.flushOrFail(L, s, "expunge")
		}
		m := c.conn(L, s, op)
		var err error
		switch op {
		case "create":
			err = m.CreateMailbox(name)
		case "delete":
			if s.selected == name {
				s.selected = ""
				s.acct.Unselected()
			}
			err = m.DeleteMailbox(name)
		case "rename":
			err = m.RenameMailbox(name, newName)
		case "subscribe":
			err = m.SubscribeMailbox(name)
		case "unsubscribe":
			err = m.UnsubscribeMailbox(name)
		}
		if err != nil {
			if _, no := refused(err); no {
				c.logger().Warn("imapfilter: "+op+" refused", "account", s.name, "mailbox", name, "err", err)
				L.Push(lua.LFalse)
				return 1
			}
			c.fail(L, s, op, err)
		}
		c.logger().Info("imapfilter: "+op, "account", s.name, "mailbox", name, "to", newName)
		L.Push(lua.LTrue)
		return 1
	}
}

// list(session, reference, pattern) -> ok, {mailboxes}, {folders}
func (c *core) list(subscribed bool) lua.LGFunction {
	return func(L *lua.LState) int {
		s := c.sess(L)
		ref, pattern := L.CheckString(2), L.CheckString(3)
		m := c.conn(L, s, "list")
		list := m.ListMailboxes
		if subscribed {
			list = m.ListSubscribed
		}
		entries, err := list(ref, pattern)
		if err != nil {
			if _, no := refused(err); no {
				L.Push(lua.LFalse)
				return 1
			}
			c.fail(L, s, "list", err)
		}
		boxes, folders := L.NewTable(), L.NewTable()
		for _, e := range entries {
			has := func(a string) bool {
				for _, x := range e.Attrs {
					if strings.EqualFold(x, a) {
						return true
					}
				}
				return false
			}
			if !has(`\Noselect`) {
				boxes.Append(lua.LString(e.Name))
			}
			if !has(`\NoInferiors`) && (!s.children || (has(`\HasChildren`) && !has(`\HasNoChildren`))) {
				folders.Append(lua.LString(e.Name))
			}
		}
		L.Push(lua.LTrue)
		L.Push(boxes)
		L.Push(folders)
		return 3
	}
}

// idle(session, mbox, wakeonany) -> ok, event
//
// It waits in IDLE until new mail arrives (EXISTS or RECENT), or any
// event with wakeonany; the run's end (SIGTERM, Ctrl-C) interrupts it.
func (c *core) idle(L *lua.LState) int {
	s := c.sess(L)
	mbox := L.CheckString(2)
	any := L.ToBool(3)
	c.flushOrFail(L, s, "expunge")
	m, ok := c.doSelect(L, s, mbox)
	if !ok {
		L.Push(lua.LFalse)
		return 1
	}
	if !m.HasCapability("IDLE") {
		// imapfilter falls back to waiting a while; so do we.
		c.sleepFor(L, 5*time.Minute)
		L.Push(lua.LTrue)
		return 1
	}
	for {
		resps, err := m.WaitIdle(c.h.Context)
		if err != nil {
			if c.h.Context.Err() != nil {
				L.RaiseError("idle interrupted: %v", c.h.Context.Err())
			}
			c.fail(L, s, "idle", err)
		}
		for _, r := range resps {
			t := strings.ToUpper(r.Type)
			if any || t == "EXISTS" || t == "RECENT" {
				m.DiscardUntagged("EXISTS", "RECENT", "FETCH", "EXPUNGE")
				L.Push(lua.LTrue)
				L.Push(lua.LString(t))
				return 2
			}
		}
	}
}

func (c *core) dryrun(L *lua.LState) int {
	L.Push(lua.LBool(c.h.DryRun))
	return 1
}

// warn(message) logs a warning (unknown options and the like).
func (c *core) warn(L *lua.LState) int {
	c.logger().Warn("imapfilter: " + L.CheckString(1))
	return 0
}
