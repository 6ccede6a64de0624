package imaplib

import (
	"errors"
	"net"
	"time"
)

// IdleGrace is how long past an Idler's limit (its duration, or a burst's
// interval) a response that has started arriving may take to complete. A
// response still incomplete then is not waited for: the iteration ends on
// time, and the response is read, and filed with the untagged responses,
// when the IDLE is closed.
const IdleGrace = 100 * time.Millisecond

// waitWhole waits until a whole response is buffered, until end. whole is
// false when end came first (or Interrupt was called); nothing is
// consumed either way. Over a stream, which has no deadlines, it returns
// at once and the response is read as it comes.
func (i *Idler) waitWhole(end time.Time) (whole bool, err error) {
	if i.nc == nil {
		return true, nil
	}
	i.mu.Lock()
	if i.interrupted {
		i.mu.Unlock()
		return false, nil
	}
	i.nc.SetReadDeadline(end)
	i.waiting = true
	i.mu.Unlock()

	werr := i.m.r.WaitResponse()

	i.mu.Lock()
	i.waiting = false
	i.nc.SetReadDeadline(time.Time{})
	i.mu.Unlock()
	if werr == nil {
		return true, nil
	}
	var ne net.Error
	if errors.As(werr, &ne) && ne.Timeout() {
		return false, nil
	}
	return false, i.m.ioFail(werr)
}
