package imaplib

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// commandStates is Python's Commands table: the states in which each
// command may be sent. A command sent in another state is refused before
// anything reaches the server.
var commandStates = map[string][]string{
	"APPEND":        {"AUTH", "SELECTED"},
	"AUTHENTICATE":  {"NONAUTH"},
	"CAPABILITY":    {"NONAUTH", "AUTH", "SELECTED", "LOGOUT"},
	"CHECK":         {"SELECTED"},
	"CLOSE":         {"SELECTED"},
	"COPY":          {"SELECTED"},
	"CREATE":        {"AUTH", "SELECTED"},
	"DELETE":        {"AUTH", "SELECTED"},
	"DELETEACL":     {"AUTH", "SELECTED"},
	"ENABLE":        {"AUTH"},
	"EXAMINE":       {"AUTH", "SELECTED"},
	"EXPUNGE":       {"SELECTED"},
	"FETCH":         {"SELECTED"},
	"GETACL":        {"AUTH", "SELECTED"},
	"GETANNOTATION": {"AUTH", "SELECTED"},
	"GETQUOTA":      {"AUTH", "SELECTED"},
	"GETQUOTAROOT":  {"AUTH", "SELECTED"},
	"ID":            {"NONAUTH", "AUTH", "SELECTED"},
	"IDLE":          {"AUTH", "SELECTED"},
	"MYRIGHTS":      {"AUTH", "SELECTED"},
	"LIST":          {"AUTH", "SELECTED"},
	"LOGIN":         {"NONAUTH"},
	"LOGOUT":        {"NONAUTH", "AUTH", "SELECTED", "LOGOUT"},
	"LSUB":          {"AUTH", "SELECTED"},
	"MOVE":          {"SELECTED"},
	"NAMESPACE":     {"AUTH", "SELECTED"},
	"NOOP":          {"NONAUTH", "AUTH", "SELECTED", "LOGOUT"},
	"PARTIAL":       {"SELECTED"},
	"PROXYAUTH":     {"AUTH"},
	"RENAME":        {"AUTH", "SELECTED"},
	"SEARCH":        {"SELECTED"},
	"SELECT":        {"AUTH", "SELECTED"},
	"SETACL":        {"AUTH", "SELECTED"},
	"SETANNOTATION": {"AUTH", "SELECTED"},
	"SETQUOTA":      {"AUTH", "SELECTED"},
	"SORT":          {"SELECTED"},
	"STARTTLS":      {"NONAUTH"},
	"STATUS":        {"AUTH", "SELECTED"},
	"STORE":         {"SELECTED"},
	"SUBSCRIBE":     {"AUTH", "SELECTED"},
	"THREAD":        {"SELECTED"},
	"UID":           {"SELECTED"},
	"UNSELECT":      {"SELECTED"},
	"UNSUBSCRIBE":   {"AUTH", "SELECTED"},
}

// allowedIn reports whether command name may be sent in state.
func (m *IMAP4) allowedIn(name string) error {
	states, ok := commandStates[name]
	if !ok && name == "NOTIFY" {
		states, ok = notifyStates, true
	}
	if !ok {
		states = m.xatoms[name]
	}
	if contains(states, m.state) {
		return nil
	}
	return newError(KindError, nil, "command %s illegal in state %s, only allowed in states %s",
		name, m.state, strings.Join(states, ", "))
}

// A command is one command to send. Its arguments are either verbatim
// (args, Python's way: the caller formats them, nil entries are skipped) or
// built by the wire writer (build), which chooses atom, quoted string or
// literal for each.
type command struct {
	name string
	args []any // string or []byte, sent verbatim after a space; nil skipped
	// build appends arguments after "TAG NAME" (it adds its own leading
	// spaces).
	build func(c *wire.Command)
	// literal is sent after the arguments as " {n}" (Python's
	// self.literal), or " UTF8 (~{n}" ... ")" in UTF-8 mode when utf8Lit.
	literal    []byte
	hasLiteral bool
	utf8Lit    bool
	// literator answers each continuation (AUTHENTICATE): it gets the
	// decoded challenge text and returns the line to send.
	literator func(challenge []byte) ([]byte, error)
	// redactFrom hides the arguments from that index on in the trace.
	redactFrom int
	redact     bool
	// buffered leaves the command in the write buffer (no literal may
	// wait for a continuation): the caller flushes a burst of them.
	buffered bool
	// syncLiteral sends the literals synchronised ({n}, then the
	// server's go-ahead) even when the server has LITERAL+: a command the
	// server may refuse before its literal (see appendLiteralSafe).
	syncLiteral bool
}

// simple sends a command and waits for its completion (Python's
// _simple_command), with verbatim arguments.
func (m *IMAP4) simple(name string, args ...any) (string, []Item, error) {
	return m.run(&command{name: name, args: args})
}

// run sends cmd and waits for its completion.
func (m *IMAP4) run(cmd *command) (string, []Item, error) {
	start := time.Now()
	tag, err := m.send(cmd)
	if err != nil {
		return "", nil, err
	}
	typ, data, err := m.complete(cmd.name, tag)
	if err == nil {
		m.lastTook = time.Since(start)
	}
	return typ, data, err
}

// LastCommandTook returns how long the last command that completed took,
// from sending it to its tagged reply (0 before any): for a cheap command,
// a measure of the round trip to the server. Pipelined and streamed
// fetches do not change it.
func (m *IMAP4) LastCommandTook() time.Duration { return m.lastTook }

func (m *IMAP4) newTag() string {
	tag := m.tagPrefix + strconv.Itoa(m.tagNum)
	m.tagNum++
	m.tagged[tag] = nil
	return tag
}

// send builds and writes cmd (Python's _command) and returns its tag.
func (m *IMAP4) send(cmd *command) (string, error) {
	if err := m.sendable(cmd); err != nil {
		return "", err
	}
	m.takeLiteral(cmd)
	if !keepsSaved(cmd) {
		m.savedFor = ""
	}
	tag := m.newTag()
	parts, traceText, err := m.build(tag, cmd)
	if err != nil {
		m.forgetTag(tag)
		return "", err
	}
	if m.trace != nil {
		if traceText != nil {
			m.traceLine(">", append(traceText, " <redacted>"...))
		} else {
			m.traceParts(parts)
		}
	}
	if done, err := m.writeParts(tag, parts, cmd.buffered); err != nil || done {
		if err != nil && !done {
			return "", err
		}
		return tag, err
	}
	if cmd.literator == nil {
		return tag, nil
	}
	return m.converse(tag, cmd)
}

// sendable checks, before a tag is spent, that cmd may be sent now and that
// its arguments carry no control characters, so a refused command leaves no
// pending tag behind.
func (m *IMAP4) sendable(cmd *command) error {
	// The state comes first, as in Python: a command refused in this
	// state is an error even on a closed connection.
	if err := m.allowedIn(cmd.name); err != nil {
		m.pyLiteral = nil
		return err
	}
	if m.broken != nil {
		return m.brokenErr()
	}
	for _, typ := range []string{"OK", "NO", "BAD"} {
		delete(m.untagged, typ)
	}
	if m.untagged["READ-ONLY"] != nil && !m.isReadonly {
		return newError(KindReadonly, nil, "mailbox status changed to READ-ONLY")
	}
	for _, a := range cmd.args {
		switch v := a.(type) {
		case string:
			if strings.ContainsAny(v, "\r\n\x00") {
				return newError(KindValue, wire.ErrControlChars, "Control characters not allowed in commands")
			}
		case []byte:
			if wire.HasControl(v) {
				return newError(KindValue, wire.ErrControlChars, "Control characters not allowed in commands")
			}
		}
	}
	return nil
}

// build encodes the command line of cmd under tag. traceText, when not nil,
// is the text to trace in place of a redacted command.
func (m *IMAP4) build(tag string, cmd *command) (parts []wire.Part, traceText []byte, err error) {
	c := &wire.Command{UTF8: m.utf8}
	switch {
	case cmd.syncLiteral:
	case m.HasCapability("LITERAL+"):
		c.Mode = wire.LiteralPlus
	case m.HasCapability("LITERAL-"):
		c.Mode = wire.LiteralMinus
	}
	c.RawString(tag)
	c.SP()
	c.RawString(cmd.name)
	for i, a := range cmd.args {
		if a == nil {
			continue
		}
		if cmd.redact && i == cmd.redactFrom {
			traceText = append([]byte(nil), c.PendingText()...)
		}
		c.SP()
		switch v := a.(type) {
		case string:
			c.RawString(v)
		case []byte:
			c.Raw(v)
		}
	}
	if cmd.build != nil {
		cmd.build(c)
	}
	if cmd.hasLiteral {
		if cmd.utf8Lit && m.utf8 {
			c.RawString(" UTF8 (")
			c.Literal(cmd.literal, true)
			c.RawString(")")
		} else {
			c.SP()
			c.Literal(cmd.literal, false)
		}
	}
	parts, err = c.Parts()
	if err != nil {
		if errors.Is(err, wire.ErrControlChars) {
			return nil, nil, newError(KindValue, err, "Control characters not allowed in commands")
		}
		return nil, nil, newError(KindValue, err, "%v", err)
	}
	// A verbatim argument that ends the line with a literal announcement
	// ({5} or {5+}) would make the server wait for bytes that never come.
	if last := parts[len(parts)-1].Text; endsWithLiteral(last[:len(last)-2]) {
		return nil, nil, newError(KindValue, nil, "argument ends with a literal announcement: %s", pyBytes(last[:len(last)-2]))
	}
	return parts, traceText, nil
}

// writeParts writes the encoded command, waiting for the server's
// continuation before each synchronising literal. done reports that the
// command completed early (the server refused a literal); err is then the
// completion's error, and the tag stays valid.
func (m *IMAP4) writeParts(tag string, parts []wire.Part, buffered bool) (done bool, err error) {
	for _, p := range parts {
		if err := m.write(p.Text); err != nil {
			return false, err
		}
		if !p.HasLit {
			continue
		}
		if err := m.write(crlf); err != nil {
			return false, err
		}
		if p.Sync {
			if err := m.flush(); err != nil {
				return false, err
			}
			done, err := m.waitContinuation(tag)
			if err != nil || done {
				return true, err
			}
		}
		if err := m.write(p.Literal); err != nil {
			return false, err
		}
	}
	if buffered {
		return false, nil
	}
	return false, m.flush()
}

// converse answers the server's continuation requests with cmd.literator
// (Python's literal callable of authenticate) until the command completes.
func (m *IMAP4) converse(tag string, cmd *command) (string, error) {
	for rounds := 0; ; rounds++ {
		done, err := m.waitContinuation(tag)
		if err != nil || done {
			return tag, err
		}
		if rounds == maxContinuations {
			return "", m.fail(newError(KindAbort, nil, "too many continuation requests"))
		}
		challenge := decodeBase64(m.continuation)
		answer, err := cmd.literator(challenge)
		if err != nil {
			// Cancel the exchange, then report the caller's error.
			m.write([]byte("*\r\n"))
			m.flush()
			m.complete(cmd.name, tag)
			return "", err
		}
		m.traceLine(">", []byte("<redacted>"))
		if err := m.write(append(answer, crlf...)); err != nil {
			return "", err
		}
		if err := m.flush(); err != nil {
			return "", err
		}
	}
}

var crlf = []byte("\r\n")

// waitContinuation reads responses until a continuation request arrives
// (done false) or the command with tag completes (done true).
func (m *IMAP4) waitContinuation(tag string) (done bool, err error) {
	for {
		_, cont, err := m.getResponse()
		if err != nil {
			return false, err
		}
		if cont {
			return false, nil
		}
		if m.tagged[tag] != nil {
			return true, nil
		}
	}
}

// complete waits for the tagged response of tag (Python's
// _command_complete).
func (m *IMAP4) complete(name, tag string) (string, []Item, error) {
	logout := name == "LOGOUT"
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	typ, data, err := m.taggedResponse(tag, logout)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "", nil, &Error{Kind: e.Kind, Message: "command: " + name + " => " + e.Message, Err: e.Err}
		}
		return "", nil, err
	}
	if !logout {
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
	}
	if typ == "BAD" {
		// Python's message; the cause says it was a BAD, with its code.
		return "", nil, newError(KindError, responseError(name, typ, data), "%s command error: %s %s", name, typ, pyItems(data))
	}
	return typ, data, nil
}

// maxContinuations bounds the continuation requests a command answers
// (AUTHENTICATE rounds) or ignores (requests nobody asked for, which
// Python skips): a server that sends them without end would otherwise hold
// the client forever.
const maxContinuations = 32

func (m *IMAP4) taggedResponse(tag string, expectBye bool) (string, []Item, error) {
	stray := 0
	for {
		if r := m.tagged[tag]; r != nil {
			delete(m.tagged, tag)
			return r.typ, r.data, nil
		}
		if expectBye {
			if bye, ok := m.untagged["BYE"]; ok {
				delete(m.untagged, "BYE")
				return "BYE", bye, nil
			}
		}
		if err := m.checkBye(); err != nil {
			return "", nil, err
		}
		_, cont, err := m.getResponse()
		if err != nil {
			return "", nil, err
		}
		if cont {
			if stray++; stray > maxContinuations {
				return "", nil, m.fail(newError(KindAbort, nil, "too many continuation requests"))
			}
		}
	}
}

func (m *IMAP4) checkBye() error {
	if bye := m.untagged["BYE"]; len(bye) > 0 {
		return m.fail(newError(KindAbort, nil, "%s", bye[len(bye)-1].Line))
	}
	return nil
}

// getResponse reads one response and files it (Python's _get_response).
// It returns the first line, and cont true for a continuation request.
func (m *IMAP4) getResponse() (line []byte, cont bool, err error) {
	if m.broken != nil {
		return nil, false, m.brokenErr()
	}
	m.setReadDeadline()
	resp, err := m.r.ReadResponse()
	if err != nil {
		return nil, false, m.ioFail(err)
	}
	return m.fileResponse(resp)
}

// fileResponse files a response read whole (the second half of
// getResponse).
func (m *IMAP4) fileResponse(resp *wire.Response) (line []byte, cont bool, err error) {
	if m.trace != nil {
		m.traceResponse(resp)
	}
	line = resp.Text[0]

	var typ string
	var dat []byte
	if tag, ttyp, tdat, ok := m.matchTagged(line); ok {
		if _, pending := m.tagged[tag]; !pending {
			return nil, false, m.fail(newError(KindAbort, nil, "unexpected tagged response: %s", pyBytes(line)))
		}
		typ, dat = ttyp, tdat
		m.tagged[tag] = &tagResult{typ: typ, data: []Item{LineItem(dat)}}
	} else {
		var ok bool
		typ, dat, ok = matchUntagged(line)
		if !ok {
			if len(line) > 0 && line[0] == '+' {
				if len(line) > 1 && line[1] == ' ' {
					m.continuation = line[2:]
				} else {
					m.continuation = nil
				}
				return line, true, nil
			}
			return nil, false, m.fail(newError(KindAbort, nil, "unexpected response: %s", pyBytes(line)))
		}
		if len(resp.Literals) == 0 {
			m.appendUntagged(typ, LineItem(dat))
		} else {
			m.appendUntagged(typ, PairItem(dat, resp.Literals[0]))
			for i := 1; i < len(resp.Literals); i++ {
				m.appendUntagged(typ, PairItem(resp.Text[i], resp.Literals[i]))
			}
			dat = resp.Text[len(resp.Text)-1]
			m.appendUntagged(typ, LineItem(dat))
		}
	}
	if typ == "OK" || typ == "NO" || typ == "BAD" {
		if code, data, ok := matchResponseCode(dat); ok {
			m.appendUntagged(code, LineItem(data))
		}
	}
	if m.trace != nil && m.trace.level >= 1 && (typ == "NO" || typ == "BAD" || typ == "BYE") {
		m.tracef(1, "%s response: %s", typ, pyBytes(dat))
	}
	return line, false, nil
}

func (m *IMAP4) appendUntagged(typ string, it Item) {
	if it.Line == nil && !it.IsPair {
		it.Line = []byte{}
	}
	if m.pushed != nil {
		m.pushed(typ, it)
		return
	}
	list := m.untagged[typ]
	if len(list) == cap(list) && len(list) >= 1024 {
		// A bulk FETCH files tens of thousands of items: grow by doubling
		// rather than by append's quarter, which copies the list many
		// more times.
		list = append(make([]Item, 0, 2*len(list)), list...)
	}
	m.untagged[typ] = append(list, it)
	if typ == "CAPABILITY" {
		// The latest list wins: a server may advertise fewer
		// capabilities after LOGIN or STARTTLS than before.
		caps := make(map[string]bool)
		for _, c := range strings.Fields(strings.ToUpper(string(it.Line))) {
			caps[c] = true
		}
		m.serverCaps = caps
	}
}

// matchTagged matches "<prefix><digits> <TYPE> <data>".
func (m *IMAP4) matchTagged(line []byte) (tag, typ string, data []byte, ok bool) {
	p := m.tagPrefix
	if !bytes.HasPrefix(line, []byte(p)) {
		return
	}
	i := len(p)
	j := i
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	if j == i || j >= len(line) || line[j] != ' ' {
		return
	}
	k := j + 1
	for k < len(line) && line[k] >= 'A' && line[k] <= 'Z' {
		k++
	}
	if k == j+1 {
		return
	}
	switch {
	case k == len(line):
		data = []byte{}
	case line[k] == ' ':
		data = line[k+1:]
	default:
		return
	}
	return string(line[:j]), respType(line[j+1 : k]), data, true
}

func isUpperOrDash(b byte) bool { return b >= 'A' && b <= 'Z' || b == '-' }

// respType returns b as a string, without allocating for the common
// response names: a bulk FETCH files thousands of responses.
func respType(b []byte) string {
	switch string(b) {
	case "FETCH":
		return "FETCH"
	case "OK":
		return "OK"
	case "EXISTS":
		return "EXISTS"
	case "EXPUNGE":
		return "EXPUNGE"
	case "RECENT":
		return "RECENT"
	case "SEARCH":
		return "SEARCH"
	case "ESEARCH":
		return "ESEARCH"
	case "LIST":
		return "LIST"
	case "STATUS":
		return "STATUS"
	case "NO":
		return "NO"
	case "BAD":
		return "BAD"
	case "VANISHED":
		return "VANISHED"
	}
	return string(b)
}

// matchUntagged matches "* TYPE[ data]" and "* N TYPE[ data]" as Python's
// Untagged_response and Untagged_status patterns do; for the second form
// the data is "N data".
func matchUntagged(line []byte) (typ string, dat []byte, ok bool) {
	if len(line) < 3 || line[0] != '*' || line[1] != ' ' {
		return "", nil, false
	}
	j := 2
	for j < len(line) && isUpperOrDash(line[j]) {
		j++
	}
	if j > 2 {
		if j < len(line) && line[j] == ' ' {
			return respType(line[2:j]), line[j+1:], true
		}
		return respType(line[2:j]), []byte{}, true
	}
	// "* N TYPE[ data]"
	d := 2
	for d < len(line) && line[d] >= '0' && line[d] <= '9' {
		d++
	}
	if d == 2 || d >= len(line) || line[d] != ' ' {
		return "", nil, false
	}
	t := d + 1
	for t < len(line) && isUpperOrDash(line[t]) {
		t++
	}
	if t == d+1 {
		return "", nil, false
	}
	typ = respType(line[d+1 : t])
	num := line[2:d]
	if t+1 < len(line) && line[t] == ' ' {
		// "N rest" is not contiguous in the line; the line is ours, so
		// move the number next to the rest instead of allocating.
		start := t - len(num)
		copy(line[start:], num)
		line[t] = ' '
		return typ, line[start:], true
	}
	return typ, num, true
}

// matchResponseCode matches "[TYPE]" or "[TYPE data]" at the start of a
// response text; as in Python, data runs to the last "]" of the text.
func matchResponseCode(dat []byte) (code string, data []byte, ok bool) {
	if len(dat) < 3 || dat[0] != '[' {
		return "", nil, false
	}
	j := 1
	for j < len(dat) && isUpperOrDash(dat[j]) {
		j++
	}
	if j == 1 || j >= len(dat) {
		return "", nil, false
	}
	switch dat[j] {
	case ']':
		return string(dat[1:j]), []byte{}, true
	case ' ':
		end := bytes.LastIndexByte(dat, ']')
		if end <= j {
			return "", nil, false
		}
		return string(dat[1:j]), dat[j+1 : end], true
	}
	return "", nil, false
}

// untaggedResponse hands out and forgets the untagged responses of name
// (Python's _untagged_response).
func (m *IMAP4) untaggedResponse(typ string, dat []Item, name string) (string, []Item) {
	if typ == "NO" {
		return typ, dat
	}
	data, ok := m.untagged[name]
	if !ok {
		return typ, []Item{NoneItem}
	}
	delete(m.untagged, name)
	return typ, data
}

func (m *IMAP4) setReadDeadline() {
	if m.netConn != nil && m.opts.Timeout > 0 {
		m.netConn.SetReadDeadline(time.Now().Add(m.opts.Timeout))
	}
}

func (m *IMAP4) write(b []byte) error {
	if m.netConn != nil && m.opts.Timeout > 0 {
		m.netConn.SetWriteDeadline(time.Now().Add(m.opts.Timeout))
	}
	if _, err := m.w.Write(b); err != nil {
		return m.ioFail(err)
	}
	return nil
}

func (m *IMAP4) flush() error {
	if err := m.w.Flush(); err != nil {
		return m.ioFail(err)
	}
	return nil
}

// ioFail turns a read or write failure into an abort and closes the
// connection: after a framing error the stream cannot be trusted.
func (m *IMAP4) ioFail(err error) error {
	var le *wire.LimitError
	var ue *wire.UnterminatedError
	var ne net.Error
	switch {
	case m.opts.Context != nil && m.opts.Context.Err() != nil:
		return m.fail(newError(KindAbort, context.Cause(m.opts.Context), "socket error: %v", context.Cause(m.opts.Context)))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return m.fail(newError(KindAbort, err, "socket error: EOF"))
	case errors.As(err, &ue):
		return m.fail(newError(KindAbort, err, "socket error: unterminated line: %s", pyBytes(ue.Line)))
	case errors.As(err, &le):
		if le.What == "line" {
			return m.fail(newError(KindAbort, err, "got more than %d bytes", le.Limit))
		}
		return m.fail(newError(KindAbort, err, "%v", err))
	case errors.As(err, &ne) && ne.Timeout():
		return m.fail(newError(KindAbort, err, "socket error: timed out"))
	}
	return m.fail(newError(KindAbort, err, "socket error: %v", err))
}

// fail records an abort, closes the connection and returns the error.
func (m *IMAP4) fail(e *Error) error {
	if e.Kind == KindAbort && m.broken == nil {
		m.broken = e
		m.Close()
	}
	return e
}

func (m *IMAP4) brokenErr() error {
	return &Error{Kind: KindAbort, Message: "connection closed after: " + m.broken.Message, Err: m.broken}
}

// endsWithLiteral reports whether text ends with {n} or {n+}.
func endsWithLiteral(text []byte) bool {
	if n := len(text); n > 2 && text[n-1] == '}' && text[n-2] == '+' {
		text = append(text[:n-2:n-2], '}')
	}
	_, ok := wire.LiteralSize(text)
	return ok
}

// forgetTag takes back the tag of a command refused before sending, so
// that the next command gets it: the server sees no gap.
func (m *IMAP4) forgetTag(tag string) {
	delete(m.tagged, tag)
	m.tagNum--
}
