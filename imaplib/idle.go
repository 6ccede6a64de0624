package imaplib

import (
	"context"
	"errors"
	"iter"
	"net"
	"sync"
	"time"
)

// DefaultBurstInterval is the interval of Python's Idler.burst(): the
// longest silence between two responses of one burst.
const DefaultBurstInterval = 100 * time.Millisecond

// IdleRenewInterval is how long WaitIdle stays in one IDLE command before
// ending it and starting another. Servers may drop a client that has been
// silent for 30 minutes (RFC 2177 advises re-issuing IDLE at least every
// 29 minutes), and Python's documentation advises durations of at most 29
// minutes.
const IdleRenewInterval = 29 * time.Minute

// An IdleResponse is one untagged response pushed by the server during
// IDLE: its type ("EXISTS", "FETCH", "EXPUNGE", ...) and its data list,
// with a response that carried literals reassembled as Python does (pair
// items followed by the final line).
type IdleResponse struct {
	Type string
	Data []Item
	// Received is when WaitIdle, WaitIdleEvery or WaitIdleBurst read the
	// response (zero for news filed during an earlier command): the start
	// of the latency of whatever the caller does about it.
	Received time.Time
}

// An Idler is an IDLE command in progress (RFC 2177), Python 3.14's
// imaplib.Idler: Next, Responses and Burst hand out the untagged responses
// the server pushes; Close ends the IDLE with DONE. Use it from the
// goroutine that started it; only Interrupt may be called from another.
//
// Until Close, the session is in state IDLING and refuses other commands.
// Close must be called whatever happens: IdleFunc does it for you, even
// when your code fails or panics.
type Idler struct {
	m          *IMAP4
	nc         net.Conn // nil over a stream
	tag        string
	duration   time.Duration
	deadline   time.Time
	queue      []IdleResponse
	savedState string
	ended      bool // the server completed the IDLE command itself
	closed     bool
	closeErr   error
	err        error

	mu          sync.Mutex // guards interrupted and waiting, and deadlines set while waiting
	interrupted bool
	waiting     bool
}

// Idle starts IDLE (Python's idle(duration) entering its context): it
// sends IDLE and waits for the server's continuation request. Responses
// that arrive before it are kept for the Idler too. duration bounds the
// time Next and Responses wait, counted from now; zero means no limit.
//
// It is refused without sending anything when the server does not
// advertise IDLE ("Server does not support IMAP4 IDLE"), and a duration
// needs a network connection ("duration requires a socket connection"),
// as in Python. A NO from the server is an error ("idle denied: ...");
// another completion is an abort ("unexpected status response: ...").
func (m *IMAP4) Idle(duration time.Duration) (*Idler, error) {
	if duration < 0 {
		return nil, newError(KindValue, nil, "idle duration must not be negative")
	}
	if !m.HasCapability("IDLE") {
		return nil, newError(KindError, nil, "Server does not support IMAP4 IDLE")
	}
	if duration > 0 && m.netConn == nil {
		return nil, newError(KindError, nil, "duration requires a socket connection")
	}
	if err := m.allowedIn("IDLE"); err != nil {
		return nil, err
	}
	if m.broken != nil {
		return nil, m.brokenErr()
	}
	m.tracef(4, "idle start duration=%v", duration)
	i := &Idler{m: m, nc: m.netConn, duration: duration}
	// Capture untagged responses before sending IDLE, so those arriving
	// ahead of the continuation request are delivered too.
	m.pushed = i.capture
	tag, err := m.send(&command{name: "IDLE"})
	if err != nil {
		m.pushed = nil
		return nil, err
	}
	i.tag = tag
	for {
		line, cont, err := m.getResponse()
		if err != nil {
			m.pushed = nil
			return nil, err
		}
		if cont {
			break
		}
		if r := m.tagged[tag]; r != nil {
			delete(m.tagged, tag)
			m.pushed = nil
			i.fileLeftovers()
			if r.typ == "NO" {
				return nil, newError(KindError, nil, "idle denied: %s", pyItems(r.data))
			}
			return nil, newError(KindAbort, nil, "unexpected status response: %s", pyBytes(line))
		}
	}
	m.tracef(4, "idle continuation prompt: %s", pyBytes(m.continuation))
	if duration > 0 {
		i.deadline = time.Now().Add(duration)
	}
	i.savedState = m.state
	m.state = "IDLING"
	return i, nil
}

// capture takes the untagged responses while idling (Python's
// _append_untagged with _idle_capture set): a fragment of a response with
// literals joins the response before it.
func (i *Idler) capture(typ string, it Item) {
	if n := len(i.queue); n > 0 {
		last := i.queue[n-1].Data
		if last[len(last)-1].IsPair {
			i.queue[n-1].Data = append(last, it)
			return
		}
	}
	i.queue = append(i.queue, IdleResponse{Type: typ, Data: []Item{it}})
}

// fileLeftovers files the responses not handed out into the untagged
// responses, one fragment at a time as Python does.
func (i *Idler) fileLeftovers() {
	if len(i.queue) > 0 {
		i.m.tracef(4, "idle quit with %d leftover responses", len(i.queue))
	}
	for _, r := range i.queue {
		for _, it := range r.Data {
			i.m.appendUntagged(r.Type, it)
		}
	}
	i.queue = nil
}

// Next returns the next response the server pushes, waiting for it until
// the Idler's duration runs out (Python's next(idler)). ok is false at the
// end: the duration ran out, Interrupt was called, or an error occurred,
// which Err then reports. Responses already received are returned even
// after the duration ran out.
func (i *Idler) Next() (typ string, data []Item, ok bool) {
	if i.err != nil {
		return "", nil, false
	}
	var timeout time.Duration
	if i.duration > 0 {
		timeout = time.Until(i.deadline)
	}
	r, ok := i.pop(timeout, i.duration > 0)
	return r.Type, r.Data, ok
}

// Responses iterates over the responses Next returns:
//
//	for typ, data := range idler.Responses() { ... }
//
// Check Err after the loop.
func (i *Idler) Responses() iter.Seq2[string, []Item] {
	return func(yield func(string, []Item) bool) {
		for {
			typ, data, ok := i.Next()
			if !ok || !yield(typ, data) {
				return
			}
		}
	}
}

// Burst iterates over a burst of responses (Python's burst(interval)):
// the next response, waited for as Next does, then those that follow it
// each within interval of the one before (DefaultBurstInterval is
// Python's default; zero takes only responses already received). Those
// after the first are waited for even past the Idler's duration, as in
// Python. It needs a network connection: over a stream it yields nothing
// and Err reports "burst() requires a socket connection".
func (i *Idler) Burst(interval time.Duration) iter.Seq2[string, []Item] {
	return func(yield func(string, []Item) bool) {
		if i.nc == nil {
			if i.err == nil {
				i.err = newError(KindError, nil, "burst() requires a socket connection")
			}
			return
		}
		typ, data, ok := i.Next()
		if !ok || !yield(typ, data) {
			return
		}
		for i.err == nil {
			r, ok := i.pop(interval, true)
			if !ok || !yield(r.Type, r.Data) {
				return
			}
		}
	}
}

// Err returns the error that ended the iteration, if any: an abort when
// the connection failed, an error when the server ended the IDLE command
// itself.
func (i *Idler) Err() error { return i.err }

// Interrupt makes a Next or Burst that is waiting for a response return
// promptly with ok false, and later ones too unless responses are already
// waiting; it may be called from any goroutine, before or during a wait.
// The idling goroutine must still call Close. Over a stream it cannot
// interrupt a wait in progress.
func (i *Idler) Interrupt() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.interrupted = true
	if i.waiting && i.nc != nil {
		i.nc.SetReadDeadline(time.Unix(1, 0))
	}
}

// pop returns the next response (Python's Idler._pop): one already
// received, else one read within timeout when limited. ok is false at a
// timeout, after Interrupt, and on an error (kept in i.err).
func (i *Idler) pop(timeout time.Duration, limited bool) (IdleResponse, bool) {
	m := i.m
	if i.closed || m.state != "IDLING" {
		if i.err == nil {
			i.err = newError(KindError, nil, "_pop() only works during IDLE")
		}
		return IdleResponse{}, false
	}
	end := time.Now().Add(timeout)
	for len(i.queue) == 0 {
		if i.ended || i.err != nil {
			return IdleResponse{}, false
		}
		if limited && time.Until(end) <= 0 {
			return IdleResponse{}, false
		}
		if m.r.Buffered() == 0 {
			got, err := i.wait(end, limited)
			if err != nil {
				i.err = err
				return IdleResponse{}, false
			}
			if !got {
				return IdleResponse{}, false
			}
		}
		if limited {
			// The limit bounds the whole response, not only its start:
			// one still arriving when it runs out is left for the next
			// command to read, unless it completes within the grace.
			whole, err := i.waitWhole(end.Add(IdleGrace))
			if err != nil {
				i.err = err
				return IdleResponse{}, false
			}
			if !whole {
				return IdleResponse{}, false
			}
		}
		line, cont, err := m.getResponse()
		if err != nil {
			i.err = err
			return IdleResponse{}, false
		}
		if cont {
			continue
		}
		if r := m.tagged[i.tag]; r != nil {
			// The server ended the IDLE command on its own.
			delete(m.tagged, i.tag)
			i.ended = true
			i.err = newError(KindError, nil, "unexpected status response: %s", pyBytes(line))
		}
	}
	r := i.queue[0]
	i.queue = i.queue[1:]
	return r, true
}

// wait waits for the start of a response without consuming anything. got
// is false when the time ran out or Interrupt was called.
func (i *Idler) wait(end time.Time, limited bool) (got bool, err error) {
	if i.nc == nil {
		// A stream has no deadlines: wait as long as it takes.
		if err := i.m.r.Wait(); err != nil {
			return false, i.m.ioFail(err)
		}
		return true, nil
	}
	i.mu.Lock()
	if i.interrupted {
		i.mu.Unlock()
		return false, nil
	}
	var d time.Time
	if limited {
		d = end
	}
	i.nc.SetReadDeadline(d)
	i.waiting = true
	i.mu.Unlock()

	werr := i.m.r.Wait()

	i.mu.Lock()
	i.waiting = false
	stopped := i.interrupted
	i.nc.SetReadDeadline(time.Time{})
	i.mu.Unlock()
	if werr == nil {
		return true, nil
	}
	var ne net.Error
	if errors.As(werr, &ne) && ne.Timeout() && (limited || stopped) {
		return false, nil
	}
	return false, i.m.ioFail(werr)
}

// Close ends the IDLE command (Python's leaving the idle context): the
// responses not handed out are filed into the untagged responses (see
// Response), DONE is sent and the server's completion read, and the
// session returns to its state before IDLE. It is safe to call more than
// once; later calls return the first result. When the server already
// ended the IDLE command, nothing is sent.
func (i *Idler) Close() error {
	if i.closed {
		return i.closeErr
	}
	i.mu.Lock()
	i.closed = true
	i.mu.Unlock()
	m := i.m
	m.tracef(4, "idle done")
	m.state = i.savedState
	m.pushed = nil
	i.fileLeftovers()
	i.closeErr = i.done()
	return i.closeErr
}

func (i *Idler) done() error {
	m := i.m
	if i.ended {
		return nil
	}
	if m.broken != nil {
		return m.brokenErr()
	}
	m.traceLine(">", []byte("DONE"))
	if err := m.write([]byte("DONE\r\n")); err != nil {
		return err
	}
	if err := m.flush(); err != nil {
		return err
	}
	typ, dat, err := m.complete("IDLE", i.tag)
	if err != nil {
		return err
	}
	m.tracef(4, "idle status: %s %s", typ, pyItems(dat))
	return nil
}

// Done is Close.
func (i *Idler) Done() error { return i.Close() }

// IdleFunc runs f during an IDLE command and ends the command with DONE
// when f returns, fails or panics: the session never stays stuck in IDLE.
// It returns f's error, else the Idler's Err, together with Close's.
func (m *IMAP4) IdleFunc(duration time.Duration, f func(idler *Idler) error) (err error) {
	idler, err := m.Idle(duration)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, idler.Close())
	}()
	if err := f(idler); err != nil {
		return err
	}
	return idler.Err()
}

// WaitIdle waits in IDLE until the server pushes something or ctx ends,
// for as long as it takes: every IdleRenewInterval of silence it ends the
// IDLE command and starts another, so that the server does not drop the
// connection. It returns the first burst of responses (see Burst, with
// DefaultBurstInterval), or ctx's error when ctx ended first. IDLE is
// always ended with DONE before WaitIdle returns; news that comes with
// the answer to a renewal's DONE is returned, not waited past. It needs
// a network connection to notice ctx ending; Options.Context also ends
// it, by closing the connection.
func (m *IMAP4) WaitIdle(ctx context.Context) ([]IdleResponse, error) {
	return m.waitIdle(ctx, IdleRenewInterval, DefaultBurstInterval)
}

func (m *IMAP4) waitIdle(ctx context.Context, renew, burst time.Duration) ([]IdleResponse, error) {
	return m.idleUntilNews(ctx, renew, burst, false, "WaitIdle")
}

// idleUntilNews is the loop of WaitIdle and WaitIdleBurst (name is the
// caller's, for the error): one IDLE command after another, each ended
// after renew of silence, until the server pushes something or ctx ends.
// With pending, news filed before the call is returned at once. News the
// server sends while an IDLE is being ended (before the completion of
// DONE) is returned too: the server will not send it again, so the next
// IDLE would wait past it.
func (m *IMAP4) idleUntilNews(ctx context.Context, renew, burst time.Duration, pending bool, name string) ([]IdleResponse, error) {
	if m.netConn == nil {
		return nil, newError(KindError, nil, "%s requires a socket connection", name)
	}
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if first && pending {
			if got := m.pendingNews(); len(got) > 0 {
				return got, nil
			}
		}
		mark := m.newsMark()
		idler, err := m.Idle(renew)
		if err != nil {
			return nil, err
		}
		stop := context.AfterFunc(ctx, idler.Interrupt)
		var got []IdleResponse
		for typ, data := range idler.Burst(burst) {
			got = append(got, IdleResponse{Type: typ, Data: data, Received: time.Now()})
		}
		stop()
		if err := errors.Join(idler.Err(), idler.Close()); err != nil {
			return got, err
		}
		if len(got) > 0 {
			return got, nil
		}
		if got := m.newsSince(mark); len(got) > 0 {
			return got, nil
		}
		m.tracef(4, "idle renewed after %v", renew)
	}
}
