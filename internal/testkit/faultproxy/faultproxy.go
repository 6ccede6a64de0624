package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Direction is one way of a proxied connection.
type Direction int

const (
	// Upstream is from the client to the server.
	Upstream Direction = iota
	// Downstream is from the server to the client.
	Downstream
)

// String returns the Direction as text.
func (d Direction) String() string {
	if d == Upstream {
		return "upstream"
	}
	return "downstream"
}

// Action is what a rule does when it fires.
type Action int

const (
	// Cut closes both sides of the connection.
	Cut Action = iota
	// Stall stops forwarding in one direction until the fault is released;
	// the sockets stay open.
	Stall
	// Slow forwards at a limited rate from then on.
	Slow
	// Corrupt changes bytes: it XORs one byte with Rule.XOR (0xFF when
	// zero), or overwrites bytes with Rule.Replace.
	Corrupt
)

// String returns the Action as text.
func (a Action) String() string {
	switch a {
	case Cut:
		return "cut"
	case Stall:
		return "stall"
	case Slow:
		return "slow"
	case Corrupt:
		return "corrupt"
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// When places a command rule's action relative to the command.
type When int

const (
	// BeforeCommand acts upstream at the first byte of the command line
	// (plus Rule.Offset): the server does not get the command.
	BeforeCommand When = iota
	// AfterCommand acts downstream once the command line has been
	// forwarded: the server acts on the command, but nothing it sends from
	// then on (plus Rule.Offset bytes) is forwarded before the action.
	AfterCommand
	// AfterResponse acts downstream just after the server's tagged
	// response to the command (plus Rule.Offset bytes).
	AfterResponse
	// MidLiteral acts upstream halfway through the literal the command
	// line announces (plus Rule.Offset bytes): the server has the command
	// line and the first half of the literal, as when a connection drops
	// during an APPEND. A command line that announces no literal, or
	// whose synchronising literal the server refuses, does not fire it.
	MidLiteral
)

// String returns the When as text.
func (w When) String() string {
	switch w {
	case BeforeCommand:
		return "before"
	case AfterCommand:
		return "after-command"
	case AfterResponse:
		return "after-response"
	case MidLiteral:
		return "mid-literal"
	}
	return "When(" + strconv.Itoa(int(w)) + ")"
}

// Rule says where a fault happens and what it does. The trigger is a
// command when Command or Match is set, otherwise the byte Offset of
// direction Dir. A rule fires at most once per connection.
type Rule struct {
	// Name identifies the rule in events.
	Name string
	// Conn restricts the rule to the Nth connection accepted (from 1);
	// zero means every connection.
	Conn int

	// Dir and Offset place an offset trigger: the action applies before
	// byte Offset (from 0) of that direction is forwarded.
	Dir    Direction
	Offset int64

	// Command matches the name of a client command, case-insensitively:
	// "APPEND", "UID EXPUNGE" (UID commands are named with their
	// subcommand). Match, if set, must match the command line (without
	// its CRLF, at most its first 8 KiB). For command triggers, Offset
	// moves the action that many bytes past the trigger point.
	Command string
	Match   *regexp.Regexp
	// Nth picks the Nth matching command of the connection (from 1; zero
	// means the first).
	Nth int
	// When places the action relative to the command.
	When When

	// Action is what happens.
	Action Action
	// XOR and Replace configure Corrupt.
	XOR     byte
	Replace []byte
	// Rate (bytes per second), or Chunk and Delay (bytes per write and
	// the pause before each), configure Slow. Chunk defaults to 1.
	Rate  int
	Chunk int
	Delay time.Duration
}

func (r Rule) isCommand() bool { return r.Command != "" || r.Match != nil }

// String returns the Rule as text.
func (r Rule) String() string {
	if r.Name != "" {
		return r.Name
	}
	if r.isCommand() {
		what := r.Command
		if r.Match != nil {
			what += "/" + r.Match.String() + "/"
		}
		return fmt.Sprintf("%s %s %s#%d%+d", r.Action, r.When, what, max(r.Nth, 1), r.Offset)
	}
	return fmt.Sprintf("%s %s@%d", r.Action, r.Dir, r.Offset)
}

// EventKind classifies events.
type EventKind int

const (
	// Accepted: a client connected and the proxy reached the target.
	Accepted EventKind = iota
	// Fired: a rule fired (or CutAll cut the connection).
	Fired
	// Closed: both sides of a connection are closed and its goroutines
	// are done. Err is set when the target could not be reached.
	Closed
)

// String returns the EventKind as text.
func (k EventKind) String() string {
	switch k {
	case Accepted:
		return "accepted"
	case Fired:
		return "fired"
	case Closed:
		return "closed"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is something that happened to a connection.
type Event struct {
	Kind EventKind
	Conn int
	// Rule is the rule's String for Fired events ("CutAll" for CutAll).
	Rule   string
	Action Action
	// Dir and Offset say where in which stream the action applied.
	Dir    Direction
	Offset int64
	// Command is the name of the command that triggered the rule, if any.
	Command string
	Err     error
}

// String returns the Event as text.
func (e Event) String() string {
	switch e.Kind {
	case Fired:
		s := fmt.Sprintf("conn %d: %s fired (%s at %s byte %d)", e.Conn, e.Rule, e.Action, e.Dir, e.Offset)
		if e.Command != "" {
			s += " on " + e.Command
		}
		return s
	case Closed:
		if e.Err != nil {
			return fmt.Sprintf("conn %d: closed: %v", e.Conn, e.Err)
		}
	}
	return fmt.Sprintf("conn %d: %s", e.Conn, e.Kind)
}

// Stats counts what went through the proxy.
type Stats struct {
	// Conns is the number of connections accepted.
	Conns int
	// Commands counts client commands by upper-case name ("UID FETCH",
	// and "DONE" for the end of IDLE).
	Commands map[string]int
	// Log lists the command names in the order the proxy saw them.
	Log []string
	// Continuations counts client lines that were neither commands nor
	// the rest of a command after a literal (AUTHENTICATE answers).
	Continuations int
	// Up and Down are the bytes forwarded each way.
	Up, Down int64
	// Turns counts the client's bursts: reads from the client that came
	// after the server had sent something since the previous one. A
	// client that waits for each answer makes one turn per command; one
	// that pipelines makes fewer.
	Turns int
}

// Total returns the number of commands counted.
func (s Stats) Total() int { return len(s.Log) }

// Option configures New.
type Option func(*Proxy)

// WithDialTimeout bounds connecting to the target (default 10 seconds).
func WithDialTimeout(d time.Duration) Option { return func(p *Proxy) { p.dialTimeout = d } }

// WithRecording keeps the bytes each connection forwards, for Recorded.
func WithRecording() Option { return func(p *Proxy) { p.record = true } }

// Proxy is a running fault-injection proxy. Its methods may be called from
// any goroutine.
type Proxy struct {
	target      string
	ln          net.Listener
	dialTimeout time.Duration
	record      bool
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup

	mu     sync.Mutex
	faults []*Fault
	conns  map[int]*pconn
	all    []*pconn // every connection, for stats
	nextID int
	closed bool

	events, cuts *queue
}

// New starts a proxy on 127.0.0.1 (a free port) that forwards to target
// (host:port).
func New(target string, opts ...Option) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		target:      target,
		ln:          ln,
		dialTimeout: 10 * time.Second,
		ctx:         ctx,
		cancel:      cancel,
		conns:       make(map[int]*pconn),
		events:      newQueue(),
		cuts:        newQueue(),
	}
	for _, o := range opts {
		o(p)
	}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the proxy's listening address, host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port returns the proxy's listening port (its host is 127.0.0.1).
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Events delivers every event in order. Events are kept until read; the
// channel is closed by Close.
func (p *Proxy) Events() <-chan Event { return p.events.out }

// Cuts delivers the Fired events of cuts (rules and CutAll) in order.
func (p *Proxy) Cuts() <-chan Event { return p.cuts.out }

// Add arms a rule and returns its fault. A rule added during a session
// applies to the connections already open as well as to later ones;
// offsets already passed fire at once.
func (p *Proxy) Add(r Rule) *Fault {
	if r.Command != "" {
		r.Command = strings.ToUpper(strings.Join(strings.Fields(r.Command), " "))
	}
	f := &Fault{p: p, rule: r, fired: make(chan struct{}), firedOn: make(map[int]bool)}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, f)
	if !r.isCommand() {
		for _, c := range p.conns {
			if f.appliesTo(c.id) {
				c.pending = append(c.pending, pending{f: f, dir: r.Dir, at: r.Offset})
				c.firePendingLocked(r.Dir)
			}
		}
	}
	return f
}

// CutAll cuts every open connection, as a network drop would, and returns
// how many it cut.
func (p *Proxy) CutAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.conns {
		if !c.dead {
			c.cutLocked(Event{Kind: Fired, Conn: c.id, Rule: "CutAll", Action: Cut, Dir: Downstream, Offset: c.s[Downstream].off})
			n++
		}
	}
	return n
}

// ReleaseAll releases every fault (see Fault.Release).
func (p *Proxy) ReleaseAll() {
	p.mu.Lock()
	faults := append([]*Fault(nil), p.faults...)
	p.mu.Unlock()
	for _, f := range faults {
		f.Release()
	}
}

// Stats returns the counts over all connections.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := Stats{Conns: len(p.all), Commands: make(map[string]int)}
	for _, c := range p.all {
		c.addStats(&st)
	}
	return st
}

// ConnStats returns the counts of connection n (from 1); Conns is 1 when
// it exists.
func (p *Proxy) ConnStats(n int) Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := Stats{Commands: make(map[string]int)}
	if n >= 1 && n <= len(p.all) {
		st.Conns = 1
		p.all[n-1].addStats(&st)
	}
	return st
}

// Recorded returns the bytes connection n (from 1) read from the client
// (up) and from the server (down), before any corruption. It needs
// WithRecording.
func (p *Proxy) Recorded(n int) (up, down []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < 1 || n > len(p.all) {
		return nil, nil
	}
	c := p.all[n-1]
	return append([]byte(nil), c.rec[Upstream]...), append([]byte(nil), c.rec[Downstream]...)
}

// Close stops the proxy: it closes the listener and every connection,
// waits for its goroutines, and closes the event channels.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for _, c := range p.conns {
		c.shutdownLocked()
	}
	p.mu.Unlock()
	p.cancel()
	err := p.ln.Close()
	p.wg.Wait()
	p.events.stop()
	p.cuts.stop()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			client.Close()
			return
		}
		p.nextID++
		c := &pconn{p: p, id: p.nextID, client: client, done: make(chan struct{}), matches: make(map[*Fault]int)}
		c.s[Upstream].dir, c.s[Downstream].dir = Upstream, Downstream
		c.downSinceUp = true
		p.all = append(p.all, c)
		p.mu.Unlock()
		p.wg.Add(1)
		go c.run()
	}
}

func (p *Proxy) emit(e Event) {
	p.events.push(e)
	if e.Kind == Fired && e.Action == Cut {
		p.cuts.push(e)
	}
}

// Fault is an armed rule.
type Fault struct {
	p       *Proxy
	rule    Rule
	fired   chan struct{}
	count   int
	firedOn map[int]bool
	off     bool
	stalls  []stallRef
}

type stallRef struct {
	c   *pconn
	dir Direction
}

// Rule returns the fault's rule.
func (f *Fault) Rule() Rule { return f.rule }

// Fired is closed when the rule fires the first time.
func (f *Fault) Fired() <-chan struct{} { return f.fired }

// Count returns how many times the rule fired (once per connection at
// most).
func (f *Fault) Count() int {
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	return f.count
}

// Release disarms the fault, which fires no more, and resumes the
// forwarding it stalled. Slowness and corruption already applied stay.
func (f *Fault) Release() {
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	f.off = true
	for _, s := range f.stalls {
		s.c.s[s.dir].unstall()
	}
	f.stalls = nil
}

func (f *Fault) appliesTo(conn int) bool {
	return !f.off && !f.firedOn[conn] && (f.rule.Conn == 0 || f.rule.Conn == conn)
}

func (f *Fault) matches(name string, line []byte) bool {
	if f.rule.Command != "" && f.rule.Command != name {
		return false
	}
	return f.rule.Match == nil || f.rule.Match.Match(line)
}

// pending is an action due at an offset of a direction.
type pending struct {
	f   *Fault
	dir Direction
	at  int64
	cmd string
	lit bool // MidLiteral: dropped when the server refuses the literal
}

type corruption struct {
	at      int64
	xor     byte
	replace []byte
}

func (k corruption) end() int64 {
	if k.replace != nil {
		return k.at + int64(len(k.replace))
	}
	return k.at + 1
}

// Limits of the line tracking.
const (
	maxHead = 8 << 10 // line text kept for matching
	maxTail = 32      // line end kept for literal announcements
	maxHold = 1 << 20 // a client line held whole before a command rule
)

// stream is one direction's state.
type stream struct {
	dir       Direction
	off       int64 // bytes forwarded
	litLeft   int64 // literal bytes still to come
	lineLen   int64
	lineStart int64
	head      []byte
	tail      []byte
	hold      []byte
	cont      bool   // upstream: the next line continues a command
	litTag    string // upstream: the command whose literal is pending
	litSync   bool
	stallers  int
	stallCh   chan struct{}
	freezeCh  chan struct{}
	chunk     int
	delay     time.Duration
	corrupt   []corruption
}

func (s *stream) unstall() {
	if s.stallers == 0 {
		return
	}
	s.stallers--
	if s.stallers == 0 {
		close(s.stallCh)
		s.stallCh = nil
	}
}

func (s *stream) blocked() chan struct{} {
	if s.freezeCh != nil {
		return s.freezeCh
	}
	return s.stallCh
}

func (s *stream) note(b []byte) {
	if s.lineLen == 0 {
		s.lineStart = s.off + int64(len(s.hold))
	}
	s.lineLen += int64(len(b))
	if room := maxHead - len(s.head); room > 0 {
		s.head = append(s.head, b[:min(room, len(b))]...)
	}
	s.tail = append(s.tail, b...)
	if len(s.tail) > maxTail {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-maxTail:]...)
	}
}

// finishLine returns the completed line's text (without CRLF, at most
// maxHead bytes), its last bytes and the offsets of its start and end (just
// past the LF), and starts a new line.
func (s *stream) finishLine() (text, tail []byte, start, end int64) {
	text = bytes.TrimRight(s.head, "\r\n")
	tail = bytes.TrimRight(s.tail, "\r\n")
	start, end = s.lineStart, s.lineStart+s.lineLen
	s.head, s.tail, s.lineLen = nil, nil, 0
	return text, tail, start, end
}

// literal reports the size a line announces at its end: {n}, {n+} or ~{n}.
func literal(tail []byte) (n int64, sync, ok bool) {
	if len(tail) < 3 || tail[len(tail)-1] != '}' {
		return 0, false, false
	}
	end := len(tail) - 1
	sync = true
	if tail[end-1] == '+' {
		sync = false
		end--
	}
	i := end - 1
	for i >= 0 && tail[i] >= '0' && tail[i] <= '9' {
		i--
	}
	if i < 0 || i == end-1 || tail[i] != '{' {
		return 0, false, false
	}
	n, err := strconv.ParseInt(string(tail[i+1:end]), 10, 64)
	if err != nil {
		return 0, false, false
	}
	return n, sync, true
}

// parseCommand splits "tag NAME ..." into tag and upper-case name, with
// UID's subcommand; ok is false for lines that are not commands.
func parseCommand(line []byte) (tag, name string, ok bool) {
	f := strings.Fields(string(line[:min(len(line), 200)]))
	if len(f) < 2 {
		return "", "", false
	}
	name = strings.ToUpper(f[1])
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", "", false
		}
	}
	if name == "UID" && len(f) > 2 {
		name += " " + strings.ToUpper(f[2])
	}
	return f[0], name, true
}

// pconn is one proxied connection.
type pconn struct {
	p              *Proxy
	id             int
	client, server net.Conn
	done           chan struct{}
	dead           bool
	s              [2]stream
	pending        []pending
	matches        map[*Fault]int
	watches        []pending // AfterResponse: cmd holds the tag
	contTag        string    // AUTHENTICATE or IDLE in progress
	rec            [2][]byte

	commands      []string
	continuations int
	turns         int
	downSinceUp   bool
}

func (c *pconn) addStats(st *Stats) {
	for _, n := range c.commands {
		st.Commands[n]++
	}
	st.Log = append(st.Log, c.commands...)
	st.Continuations += c.continuations
	st.Up += c.s[Upstream].off
	st.Down += c.s[Downstream].off
	st.Turns += c.turns
}

func (c *pconn) run() {
	p := c.p
	defer p.wg.Done()
	d := net.Dialer{Timeout: p.dialTimeout}
	server, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		c.client.Close()
		p.emit(Event{Kind: Closed, Conn: c.id, Err: fmt.Errorf("faultproxy: dial %s: %w", p.target, err)})
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		server.Close()
		c.client.Close()
		p.emit(Event{Kind: Closed, Conn: c.id, Err: errors.New("faultproxy: closed")})
		return
	}
	c.server = server
	p.conns[c.id] = c
	for _, f := range p.faults {
		if !f.rule.isCommand() && f.appliesTo(c.id) {
			c.pending = append(c.pending, pending{f: f, dir: f.rule.Dir, at: f.rule.Offset})
		}
	}
	p.emit(Event{Kind: Accepted, Conn: c.id})
	// Offsets of zero fire before anything is read.
	c.firePendingLocked(Upstream)
	c.firePendingLocked(Downstream)
	p.mu.Unlock()

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.pump(Upstream) }()
	go func() { defer wg.Done(); c.pump(Downstream) }()
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, c.id)
	p.mu.Unlock()
	p.emit(Event{Kind: Closed, Conn: c.id})
}

func (c *pconn) src(d Direction) net.Conn {
	if d == Upstream {
		return c.client
	}
	return c.server
}

func (c *pconn) dst(d Direction) net.Conn {
	if d == Upstream {
		return c.server
	}
	return c.client
}

// shutdownLocked closes both sides; the pumps then end.
func (c *pconn) shutdownLocked() {
	if c.dead {
		return
	}
	c.dead = true
	close(c.done)
	c.client.Close()
	if c.server != nil {
		c.server.Close()
	}
}

func (c *pconn) cutLocked(e Event) {
	if c.dead {
		return
	}
	c.shutdownLocked()
	c.p.emit(e)
}

func (c *pconn) pump(d Direction) {
	buf := make([]byte, 32<<10)
	src := c.src(d)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			c.p.mu.Lock()
			if d == Upstream && c.downSinceUp {
				c.turns++
				c.downSinceUp = false
			} else if d == Downstream {
				c.downSinceUp = true
			}
			if c.p.record {
				c.rec[d] = append(c.rec[d], buf[:n]...)
			}
			c.p.mu.Unlock()
			if !c.feed(d, buf[:n]) {
				break
			}
		}
		if err != nil {
			break
		}
	}
	c.p.mu.Lock()
	c.shutdownLocked()
	c.p.mu.Unlock()
}

// holdLinesLocked reports whether client lines must be held whole: a
// command rule acting before the command is armed for this connection.
func (c *pconn) holdLinesLocked() bool {
	for _, f := range c.p.faults {
		if f.rule.isCommand() && f.rule.When == BeforeCommand && f.appliesTo(c.id) {
			return true
		}
	}
	return false
}

// feed frames data into lines and literals and forwards it.
func (c *pconn) feed(d Direction, data []byte) bool {
	p := c.p
	for len(data) > 0 {
		p.mu.Lock()
		s := &c.s[d]
		if s.litLeft > 0 {
			n := int(min(int64(len(data)), s.litLeft))
			s.litLeft -= int64(n)
			p.mu.Unlock()
			if !c.emit(d, data[:n]) {
				return false
			}
			data = data[n:]
			continue
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if d == Upstream && len(s.hold)+len(data) <= maxHold && c.holdLinesLocked() {
				s.note(data)
				s.hold = append(s.hold, data...)
				p.mu.Unlock()
				return true
			}
			s.note(data)
			piece := append(s.hold, data...)
			s.hold = nil
			p.mu.Unlock()
			return c.emit(d, piece)
		}
		s.note(data[:i+1])
		piece := data[:i+1]
		if s.hold != nil {
			piece = append(s.hold, piece...)
			s.hold = nil
		}
		line, tail, start, end := s.finishLine()
		var post []func()
		if d == Upstream {
			post = c.commandLineLocked(line, tail, start, end)
		} else {
			post = c.responseLineLocked(line, tail)
		}
		p.mu.Unlock()
		if !c.emit(d, piece) {
			return false
		}
		if len(post) > 0 {
			p.mu.Lock()
			for _, fn := range post {
				fn()
			}
			p.mu.Unlock()
		}
		data = data[i+1:]
	}
	return true
}

// commandLineLocked handles a complete client line, from offset start to
// end, before it is forwarded and returns what to do after.
func (c *pconn) commandLineLocked(line, tail []byte, start, end int64) []func() {
	s := &c.s[Upstream]
	cont := s.cont
	s.cont = false
	if n, sync, ok := literal(tail); ok {
		s.litLeft, s.litSync, s.cont = n, sync, true
	}
	if cont {
		return nil
	}
	if c.contTag != "" {
		if strings.EqualFold(string(line), "DONE") {
			c.commands = append(c.commands, "DONE")
		} else {
			c.continuations++
		}
		return nil
	}
	tag, name, ok := parseCommand(line)
	if !ok {
		c.continuations++
		return nil
	}
	if s.cont {
		s.litTag = tag
	}
	c.commands = append(c.commands, name)
	if name == "AUTHENTICATE" || name == "IDLE" {
		c.contTag = tag
	}
	var post []func()
	for _, f := range c.p.faults {
		r := &f.rule
		if !r.isCommand() || !f.appliesTo(c.id) || !f.matches(name, line) {
			continue
		}
		c.matches[f]++
		if c.matches[f] != max(r.Nth, 1) {
			continue
		}
		switch r.When {
		case BeforeCommand:
			c.pending = append(c.pending, pending{f: f, dir: Upstream, at: start + r.Offset, cmd: name})
		case AfterCommand:
			down := &c.s[Downstream]
			freeze := make(chan struct{})
			if down.freezeCh == nil {
				down.freezeCh = freeze
			}
			post = append(post, func() {
				c.pending = append(c.pending, pending{f: f, dir: Downstream, at: down.off + r.Offset, cmd: name})
				c.firePendingLocked(Downstream)
				if down.freezeCh == freeze {
					close(freeze)
					down.freezeCh = nil
				}
			})
		case AfterResponse:
			c.watches = append(c.watches, pending{f: f, dir: Downstream, at: r.Offset, cmd: tag + " " + name})
		case MidLiteral:
			if s.cont {
				c.pending = append(c.pending, pending{f: f, dir: Upstream, at: end + s.litLeft/2 + r.Offset, cmd: name, lit: true})
			}
		}
	}
	return post
}

// responseLineLocked handles a complete server line before it is
// forwarded and returns what to do after.
func (c *pconn) responseLineLocked(line, tail []byte) []func() {
	down := &c.s[Downstream]
	if n, _, ok := literal(tail); ok {
		down.litLeft = n
	}
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || line[0] == '*' || line[0] == '+' {
		return nil
	}
	tag := string(line[:sp])
	if tag == c.contTag {
		c.contTag = ""
	}
	up := &c.s[Upstream]
	if up.litTag == tag && up.litSync && up.litLeft > 0 {
		// The server refused the command before its literal.
		up.litLeft, up.cont = 0, false
		kept := c.pending[:0]
		for _, pd := range c.pending {
			if !pd.lit || pd.dir != Upstream {
				kept = append(kept, pd)
			}
		}
		c.pending = kept
	}
	var post []func()
	kept := c.watches[:0]
	for _, w := range c.watches {
		wtag, name, _ := strings.Cut(w.cmd, " ")
		if wtag != tag {
			kept = append(kept, w)
			continue
		}
		post = append(post, func() {
			c.pending = append(c.pending, pending{f: w.f, dir: Downstream, at: down.off + w.at, cmd: name})
			c.firePendingLocked(Downstream)
		})
	}
	c.watches = kept
	return post
}

// firePendingLocked fires the actions due at the current offset of d.
func (c *pconn) firePendingLocked(d Direction) {
	if c.dead {
		return
	}
	off := c.s[d].off
	kept := c.pending[:0]
	var due []pending
	for _, pd := range c.pending {
		if pd.dir == d && pd.at <= off {
			due = append(due, pd)
		} else {
			kept = append(kept, pd)
		}
	}
	c.pending = kept
	for _, pd := range due {
		c.fireLocked(pd)
	}
}

func (c *pconn) fireLocked(pd pending) {
	f := pd.f
	if c.dead || f.off || f.firedOn[c.id] {
		return
	}
	f.firedOn[c.id] = true
	f.count++
	if f.count == 1 {
		close(f.fired)
	}
	s := &c.s[pd.dir]
	e := Event{Kind: Fired, Conn: c.id, Rule: f.rule.String(), Action: f.rule.Action, Dir: pd.dir, Offset: s.off, Command: pd.cmd}
	r := &f.rule
	switch r.Action {
	case Cut:
		c.cutLocked(e)
		return
	case Stall:
		if s.stallers == 0 {
			s.stallCh = make(chan struct{})
		}
		s.stallers++
		f.stalls = append(f.stalls, stallRef{c: c, dir: pd.dir})
	case Slow:
		switch {
		case r.Rate > 0:
			s.chunk = max(1, r.Rate/20)
			s.delay = time.Duration(s.chunk) * time.Second / time.Duration(r.Rate)
		default:
			s.chunk = max(1, r.Chunk)
			s.delay = r.Delay
		}
	case Corrupt:
		k := corruption{at: s.off, xor: r.XOR, replace: r.Replace}
		if k.replace == nil && k.xor == 0 {
			k.xor = 0xFF
		}
		s.corrupt = append(s.corrupt, k)
	}
	c.p.emit(e)
}

// nextPendingLocked returns the nearest offset of d with an action due.
func (c *pconn) nextPendingLocked(d Direction) (int64, bool) {
	var at int64
	found := false
	for _, pd := range c.pending {
		if pd.dir == d && (!found || pd.at < at) {
			at, found = pd.at, true
		}
	}
	return at, found
}

// emit forwards data in direction d, applying the faults on the way.
func (c *pconn) emit(d Direction, data []byte) bool {
	p := c.p
	dst := c.dst(d)
	for {
		p.mu.Lock()
		c.firePendingLocked(d)
		if c.dead {
			p.mu.Unlock()
			return false
		}
		if len(data) == 0 {
			p.mu.Unlock()
			return true
		}
		s := &c.s[d]
		if wait := s.blocked(); wait != nil {
			p.mu.Unlock()
			select {
			case <-wait:
			case <-c.done:
				return false
			}
			continue
		}
		n := len(data)
		if at, ok := c.nextPendingLocked(d); ok && at-s.off < int64(n) {
			n = int(at - s.off)
		}
		if s.chunk > 0 && n > s.chunk {
			n = s.chunk
		}
		piece := s.corruptLocked(data[:n])
		delay := s.delay
		p.mu.Unlock()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-c.done:
				t.Stop()
				return false
			}
		}
		if _, err := dst.Write(piece); err != nil {
			return false
		}
		p.mu.Lock()
		s.off += int64(n)
		p.mu.Unlock()
		data = data[n:]
	}
}

// corruptLocked returns b (the bytes at the stream's offset) with the
// corruptions applied, copied when any applies.
func (s *stream) corruptLocked(b []byte) []byte {
	if len(s.corrupt) == 0 {
		return b
	}
	start, end := s.off, s.off+int64(len(b))
	out := b
	copied := false
	kept := s.corrupt[:0]
	for _, k := range s.corrupt {
		if k.at < end && k.end() > start {
			if !copied {
				out = append([]byte(nil), b...)
				copied = true
			}
			if k.replace != nil {
				for j, v := range k.replace {
					if pos := k.at + int64(j); pos >= start && pos < end {
						out[pos-start] = v
					}
				}
			} else {
				out[k.at-start] ^= k.xor
			}
		}
		if k.end() > end {
			kept = append(kept, k)
		}
	}
	s.corrupt = kept
	return out
}

// queue delivers events in order without blocking the proxy.
type queue struct {
	mu     sync.Mutex
	items  []Event
	notify chan struct{}
	out    chan Event
	done   chan struct{}
	ended  chan struct{}
}

func newQueue() *queue {
	q := &queue{notify: make(chan struct{}, 1), out: make(chan Event), done: make(chan struct{}), ended: make(chan struct{})}
	go q.run()
	return q
}

func (q *queue) push(e Event) {
	q.mu.Lock()
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *queue) run() {
	defer close(q.ended)
	defer close(q.out)
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.mu.Unlock()
			select {
			case <-q.notify:
				continue
			case <-q.done:
				return
			}
		}
		e := q.items[0]
		q.items = q.items[1:]
		q.mu.Unlock()
		select {
		case q.out <- e:
		case <-q.done:
			return
		}
	}
}

func (q *queue) stop() {
	close(q.done)
	<-q.ended
}
