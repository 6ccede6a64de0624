package memserver

import (
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// lazySession is a session whose view of the selected mailbox moves only
// at SELECT, NOOP, CHECK, IDLE and EXPUNGE, as on Courier-IMAP and other servers
// that report new mail only there: messages that arrived since (from other
// sessions, or appended by this one) are not reported after other
// commands, and FETCH, STORE, SEARCH, COPY, MOVE and UID EXPUNGE do not
// see them (their UIDs are left out, as if they did not exist yet).
type lazySession struct {
	session // the eager session's LOGIN and state; Idle and the rest below

	mu       sync.Mutex
	selected string
	seenNext imap.UID // UIDs below it are in the view
	busy     bool     // a command other than NOOP or CHECK ran since the last poll
}

var _ imapserver.SessionIMAP4rev2 = (*lazySession)(nil)

func (s *lazySession) mark() imap.UID {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = true
	return s.seenNext
}

// refresh records the mailbox's UIDNEXT as the edge of the view.
func (s *lazySession) refresh() {
	s.mu.Lock()
	name := s.selected
	s.mu.Unlock()
	if name == "" {
		return
	}
	st, err := s.UserSession.Status(name, &imap.StatusOptions{UIDNext: true})
	if err != nil {
		return
	}
	s.mu.Lock()
	s.seenNext = st.UIDNext
	s.mu.Unlock()
}

func (s *lazySession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	d, err := s.UserSession.Select(name, options)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = false
	if err != nil {
		s.selected = ""
		return nil, err
	}
	s.selected, s.seenNext = name, d.UIDNext
	return d, nil
}

func (s *lazySession) Unselect() error {
	s.mu.Lock()
	s.selected = ""
	s.mu.Unlock()
	return s.UserSession.Unselect()
}

// Poll reports the news only after NOOP and CHECK (the commands that call
// no other session method).
func (s *lazySession) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	s.mu.Lock()
	busy := s.busy
	s.busy = false
	s.mu.Unlock()
	if busy {
		return nil
	}
	if err := s.UserSession.Poll(w, allowExpunge); err != nil {
		return err
	}
	s.refresh()
	return nil
}

// Idle reports first what is pending (as IDLE starts with a look at the
// mailbox on real servers), then the news as they come; the view follows
// what was reported.
func (s *lazySession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return idle(w, stop, func() error {
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		s.refresh()
		return nil
	})
}

func (s *lazySession) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	s.mark()
	return s.UserSession.Status(name, options)
}

func (s *lazySession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	s.mark()
	return s.UserSession.List(w, ref, patterns, options)
}

func (s *lazySession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	s.mark()
	return s.UserSession.Append(mailbox, r, options)
}

func (s *lazySession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	return s.UserSession.Fetch(w, clamp(numSet, s.mark()), options)
}

func (s *lazySession) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	return s.UserSession.Store(w, clamp(numSet, s.mark()), flags, options)
}

func (s *lazySession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	return s.UserSession.Copy(clamp(numSet, s.mark()), dest)
}

func (s *lazySession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	return s.UserSession.Move(w, clamp(numSet, s.mark()), dest)
}

// Expunge reports the expunged messages, as every server does: the poll
// after it goes through (and reports new mail too, as EXPUNGE may).
func (s *lazySession) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	s.mu.Lock()
	next := s.seenNext
	s.mu.Unlock()
	if uids != nil {
		c := clamp(*uids, next).(imap.UIDSet)
		if len(c) == 0 {
			return nil
		}
		uids = &c
	}
	return s.UserSession.Expunge(w, uids)
}

func (s *lazySession) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	next := s.mark()
	d, err := s.UserSession.Search(kind, criteria, options)
	if err != nil || kind != imapserver.NumKindUID {
		return d, err
	}
	all, _ := d.All.(imap.UIDSet)
	uids, _ := all.Nums()
	out := &imap.SearchData{ModSeq: d.ModSeq}
	var kept imap.UIDSet
	for _, u := range uids {
		if u >= next {
			continue
		}
		kept.AddNum(u)
		if out.Min == 0 || uint32(u) < out.Min {
			out.Min = uint32(u)
		}
		out.Max = max(out.Max, uint32(u))
		out.Count++
	}
	out.All = kept
	return out, nil
}

// clamp leaves out of a UID set the UIDs at or above next; sequence sets
// already stop at the view's edge.
func clamp(numSet imap.NumSet, next imap.UID) imap.NumSet {
	set, ok := numSet.(imap.UIDSet)
	if !ok {
		return numSet
	}
	out := imap.UIDSet{}
	if next <= 1 {
		return out
	}
	last := next - 1
	for _, r := range set {
		start, stop := r.Start, r.Stop
		if start == 0 { // "*" is the last message in view
			start = last
		}
		if stop == 0 {
			stop = last
		}
		if start > stop {
			start, stop = stop, start
		}
		if start > last {
			continue
		}
		out = append(out, imap.UIDRange{Start: start, Stop: min(stop, last)})
	}
	return out
}
