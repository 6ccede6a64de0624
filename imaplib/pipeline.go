package imaplib

import (
	"errors"
	"strings"
)

// UIDFetchPipeline fetches items of several batches of messages with up to
// depth UID FETCH commands in flight on the connection: it sends the first
// depth batches at once, and each time half of them are answered it sends
// as many more, so the server always has work queued, the client never
// waits a whole round trip between batches, and a long scan costs few
// round trips.
//
// next hands out the batches (false when there are no more); it is called
// only between commands, so several connections may draw batches from one
// shared queue. Each message is handed to message as soon as its response
// has been read, as UIDFetchStream does (literal, when not nil, receives
// the literals as they come off the network): nothing waits for a whole
// batch, and memory stays bounded by one response however many batches
// are fetched. Messages come in the order the server sends them; FETCH
// responses about other messages stay filed for Response("FETCH").
//
// When a callback returns an error or the server refuses a batch,
// UIDFetchPipeline sends no more batches, reads the answers of those in
// flight (the connection stays usable) and returns the first error. A
// batch too long for one command line is split over several commands.
// depth of 0 or less means 1: one command at a time.
func (m *IMAP4) UIDFetchPipeline(next func() (SeqSet, bool), items string, depth int, literal LiteralFunc, message func(*FetchData) error) error {
	if strings.TrimSpace(items) == "" {
		return newError(KindValue, nil, "no fetch items")
	}
	if next == nil {
		return newError(KindValue, nil, "no batches to fetch")
	}
	items = parenthesise(items)
	depth = max(depth, 1)
	p := &pipeline{m: m, next: next, items: items, st: &fetchStream{literal: literal, message: message}}
	return p.run(depth)
}

// pipeline is the state of one UIDFetchPipeline.
type pipeline struct {
	m       *IMAP4
	next    func() (SeqSet, bool)
	items   string
	st      *fetchStream
	pending []SeqSet // pieces of the current batch not yet sent
	flight  []string // tags in flight, oldest first
	sets    []SeqSet // the UIDs of each command in flight
	err     error    // the first refusal or callback error
	done    bool     // next said there are no more batches
	filling bool     // sending a burst of commands
}

func (p *pipeline) run(depth int) error {
	m := p.m
	for {
		// Refill when half the commands are answered: a burst of
		// commands costs one round trip however many it holds.
		for p.err == nil && p.st.err == nil && len(p.flight) < depth && (len(p.flight) <= depth/2 || p.filling) {
			set, ok := p.piece()
			if !ok {
				break
			}
			tag, err := m.send(&command{name: "UID", args: []any{"FETCH", set.String(), p.items}, buffered: true})
			if err != nil {
				if errors.Is(err, ErrAbort) {
					return err
				}
				p.err = err
				break
			}
			p.flight = append(p.flight, tag)
			p.sets = append(p.sets, set)
			p.watch()
			p.filling = true
		}
		if p.filling {
			if err := m.flush(); err != nil {
				return err
			}
		}
		p.filling = false
		if len(p.flight) == 0 {
			break
		}
		if err := p.await(); err != nil {
			return err
		}
	}
	if p.err != nil {
		return p.err
	}
	return p.st.err
}

// piece returns the next command's UIDs: the next piece of the current
// batch, or of a new one.
func (p *pipeline) piece() (SeqSet, bool) {
	for len(p.pending) == 0 {
		if p.done {
			return SeqSet{}, false
		}
		set, ok := p.next()
		if !ok {
			p.done = true
			return SeqSet{}, false
		}
		p.pending = set.Split(setBudget(len("UID FETCH  ") + len(p.items)))
	}
	set := p.pending[0]
	p.pending = p.pending[1:]
	return set, true
}

// watch makes the stream accept the messages of every command in flight.
func (p *pipeline) watch() {
	var all SeqSet
	for _, s := range p.sets {
		all = all.Union(s)
	}
	p.st.set, p.st.star = all, all.Contains(Star)
}

// await reads responses until the oldest command in flight completes.
func (p *pipeline) await() error {
	m := p.m
	tag := p.flight[0]
	for m.tagged[tag] == nil {
		if err := m.checkBye(); err != nil {
			return err
		}
		if err := m.streamResponse(p.st); err != nil {
			return err
		}
	}
	p.flight, p.sets = p.flight[1:], p.sets[1:]
	p.watch()
	typ, dat, err := m.complete("UID", tag)
	switch {
	case err != nil && errors.Is(err, ErrAbort):
		return err
	case err != nil:
		if p.err == nil {
			p.err = err
		}
	case typ != "OK" && p.err == nil:
		p.err = refused("UID FETCH", typ, dat)
	}
	return nil
}
