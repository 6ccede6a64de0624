package wire

import "bytes"

// WaitResponse blocks until a whole response is buffered, consuming
// nothing: its first line, and for an untagged response each literal it
// announces and the line after it. IDLE uses it under a read deadline, so
// that a response the server started but has not finished (a trickle) does
// not hold the client past its duration: when the deadline expires, what
// arrived stays buffered and the next ReadResponse reads on from there.
//
// It returns nil without waiting further when the response cannot be held
// in the buffer (a large literal) or announces an impossible literal: the
// caller then reads it with ReadResponse, which applies the limits.
func (r *Reader) WaitResponse() error {
	for {
		n := r.br.Buffered()
		if n > 0 {
			buf, _ := r.br.Peek(n)
			if wholeResponse(buf) {
				return nil
			}
			if n >= r.br.Size() {
				return nil
			}
		}
		if _, err := r.br.Peek(n + 1); err != nil {
			return err
		}
	}
}

// wholeResponse reports whether buf starts with a whole response, or with
// one whose end cannot be known from the buffer (an impossible literal).
func wholeResponse(buf []byte) bool {
	untagged := len(buf) > 0 && buf[0] == '*'
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			return false
		}
		line := bytes.TrimSuffix(buf[:i], []byte("\r"))
		if !untagged {
			return true
		}
		n, ok := LiteralSize(line)
		if !ok {
			return true
		}
		if n < 0 {
			return true
		}
		rest := buf[i+1:]
		if int64(len(rest)) < n {
			return false
		}
		buf = rest[n:]
	}
}
