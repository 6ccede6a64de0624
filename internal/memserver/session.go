package memserver

import (
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// session is the eager session: imapmemserver's own, with an IDLE that
// does not lose news (see idle).
type session struct {
	*imapmemserver.UserSession // nil until LOGIN
	srv                        *Server
}

var _ imapserver.SessionIMAP4rev2 = (*session)(nil)

func (s *session) Login(username, password string) error {
	u, err := s.srv.user(username)
	if err != nil {
		return imapserver.ErrAuthFailed
	}
	if err := u.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(u)
	return nil
}

func (s *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return idle(w, stop, func() error { return s.UserSession.Poll(w, true) })
}

// idleTick is how often an IDLE session looks for news.
const idleTick = 10 * time.Millisecond

// idle reports news with poll until stop is closed, looking first at once
// and then every idleTick.
//
// imapmemserver's own IDLE wakes only for news queued after it started
// waiting: a message appended in the instant between the client's IDLE
// and that start was never reported, and the client waited forever (seen
// about once in a hundred runs under the race detector). Looking at the
// queue on a short tick, as a server watching its storage does, loses
// nothing.
func idle(w *imapserver.UpdateWriter, stop <-chan struct{}, poll func() error) error {
	t := time.NewTicker(idleTick)
	defer t.Stop()
	for {
		if err := poll(); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}
