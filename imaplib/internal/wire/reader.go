package wire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// Default limits: generous enough for real mailboxes (a SEARCH result over a
// 500,000-message mailbox is about 4 MB on one line), small enough that a
// hostile server cannot make the client allocate without bound.
const (
	DefaultMaxLine     = 32 << 20  // 32 MiB for one line
	DefaultMaxLiteral  = 512 << 20 // 512 MiB for one literal
	DefaultMaxResponse = 1 << 30   // 1 GiB for a response's lines and literals together
)

// Limits bound what the reader and the parser accept from a server. A zero
// field means its default.
type Limits struct {
	MaxLine     int   // longest line, CRLF excluded
	MaxLiteral  int64 // largest single literal
	MaxResponse int64 // largest response, lines and literals together
	MaxDepth    int   // deepest nesting of parenthesised lists
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	if l.MaxLiteral <= 0 {
		l.MaxLiteral = DefaultMaxLiteral
	}
	if l.MaxResponse <= 0 {
		l.MaxResponse = DefaultMaxResponse
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// A LimitError reports input over one of the Limits.
type LimitError struct {
	What  string // "line", "literal", "response" or "list depth"
	Size  int64  // the size seen or announced (at least Limit+1)
	Limit int64
}

// Error describes the error.
func (e *LimitError) Error() string {
	if e.Size < 0 {
		// LiteralSize's answer for a size that does not fit in int64.
		return fmt.Sprintf("%s of more than %d bytes exceeds the limit of %d", e.What, int64(math.MaxInt64), e.Limit)
	}
	return fmt.Sprintf("%s of %d bytes exceeds the limit of %d", e.What, e.Size, e.Limit)
}

// ErrUnterminated is returned for a line that does not end in CRLF: a bare
// LF, or end of input in the middle of a line.
var ErrUnterminated = errors.New("unterminated line")

// An UnterminatedError carries the line that did not end in CRLF (with
// its LF, if any). It matches ErrUnterminated with errors.Is.
type UnterminatedError struct{ Line []byte }

// Error describes the error.
func (e *UnterminatedError) Error() string { return "unterminated line" }

// Is reports whether target is ErrUnterminated.
func (e *UnterminatedError) Is(target error) bool { return target == ErrUnterminated }

// A Reader reads server responses from a buffered stream.
type Reader struct {
	br  *bufio.Reader
	lim Limits
	// slab is where short lines and small literals are carved from: one
	// allocation for many of them instead of one each. A piece handed out
	// is never written again by the reader.
	slab []byte
	resp Response // reused by ReadResponse
}

// Sizes of the slab allocator: pieces up to slabPiece bytes come from
// slabs of slabSize bytes.
const (
	slabSize  = 16 << 10
	slabPiece = 1 << 10
)

// alloc returns a slice of n bytes that nothing else refers to, with
// capacity n (so that an append by the caller reallocates instead of
// writing past it).
func (r *Reader) alloc(n int) []byte {
	if n > slabPiece {
		return make([]byte, n)
	}
	if cap(r.slab)-len(r.slab) < n {
		r.slab = make([]byte, 0, slabSize)
	}
	off := len(r.slab)
	r.slab = r.slab[:off+n]
	return r.slab[off : off+n : off+n]
}

// readBufSize is sized for bulk FETCH responses: large enough that a
// response of many small items is parsed out of a handful of reads.
const readBufSize = 64 << 10

// NewReader returns a Reader over r with the given limits (zero fields
// take their defaults).
func NewReader(r io.Reader, lim Limits) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, readBufSize), lim: lim.WithDefaults()}
}

// Limits returns the reader's limits, defaults filled in.
func (r *Reader) Limits() Limits { return r.lim }

// Reset makes r read from src, dropping anything buffered. It serves
// STARTTLS, where the stream changes under the same reader.
func (r *Reader) Reset(src io.Reader) { r.br.Reset(src) }

// Buffered reports how many bytes have been read from the stream but not
// consumed yet.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// ReadLine reads one line and returns it without its CRLF. The returned
// slice is the caller's: the reader never writes to it again (short lines
// share one allocation, each with its capacity ending at its CRLF).
//
// A line longer than the limit is an error and is not buffered whole: the
// reader stops reading at the limit. io.EOF before any byte is returned as
// io.EOF; a line cut short by EOF or ended by a bare LF is ErrUnterminated.
func (r *Reader) ReadLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		if len(line)+len(frag) > r.lim.MaxLine+2 {
			return nil, &LimitError{What: "line", Size: int64(len(line) + len(frag)), Limit: int64(r.lim.MaxLine)}
		}
		if err == nil {
			if line == nil {
				line = r.alloc(len(frag))
				copy(line, frag)
			} else {
				line = append(line, frag...)
			}
			break
		}
		if err == bufio.ErrBufferFull {
			line = append(line, frag...)
			continue
		}
		if err == io.EOF {
			if len(line)+len(frag) == 0 {
				return nil, io.EOF
			}
			line = append(line, frag...)
			return line, &UnterminatedError{Line: line}
		}
		return nil, err
	}
	n := len(line)
	if n < 2 || line[n-2] != '\r' {
		return line[: n-1 : n-1], &UnterminatedError{Line: line}
	}
	return line[: n-2 : n-2], nil
}

// ReadLiteral reads a literal of n bytes. Memory grows with the bytes that
// actually arrive, never with the size announced: a server that announces
// a huge literal and sends nothing costs nothing but the limit check.
func (r *Reader) ReadLiteral(n int64) ([]byte, error) {
	if n < 0 || n > r.lim.MaxLiteral {
		return nil, &LimitError{What: "literal", Size: n, Limit: r.lim.MaxLiteral}
	}
	const exact = 1 << 20
	if n <= exact {
		buf := r.alloc(int(n))
		if _, err := io.ReadFull(r.br, buf); err != nil {
			return nil, unexpectedEOF(err)
		}
		return buf, nil
	}
	buf := make([]byte, 0, exact)
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			c := min(int64(cap(buf))*2, n)
			nb := make([]byte, len(buf), c)
			copy(nb, buf)
			buf = nb
		}
		end := min(int64(cap(buf)), n)
		k, err := r.br.Read(buf[len(buf):end])
		buf = buf[:len(buf)+k]
		if err != nil && int64(len(buf)) < n {
			return nil, unexpectedEOF(err)
		}
	}
	return buf, nil
}

// CopyLiteral copies a literal of n bytes to w without holding it in
// memory, for callers that stream large bodies to disk.
func (r *Reader) CopyLiteral(w io.Writer, n int64) error {
	if n < 0 {
		return &LimitError{What: "literal", Size: n, Limit: r.lim.MaxLiteral}
	}
	k, err := io.CopyN(w, r.br, n)
	if err != nil && k < n {
		return unexpectedEOF(err)
	}
	return err
}

// LiteralReader returns a reader of the next n bytes, a literal, for
// callers that stream it: they must read it to its end (or Discard what is
// left) before reading anything else.
func (r *Reader) LiteralReader(n int64) io.Reader { return io.LimitReader(r.br, n) }

// Discard skips the next n bytes.
func (r *Reader) Discard(n int64) error {
	for n > 0 {
		k, err := r.br.Discard(int(min(n, 1<<30)))
		n -= int64(k)
		if err != nil {
			return unexpectedEOF(err)
		}
	}
	return nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// LiteralSize reports whether line ends with a literal announcement, {n} or
// ~{n} (RFC 3516), and the announced size. A size too large for int64 is
// reported with ok true and n -1, so that the caller fails on the limit.
func LiteralSize(line []byte) (n int64, ok bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	i := len(line) - 2
	for i >= 0 && line[i] >= '0' && line[i] <= '9' {
		i--
	}
	if i < 0 || i == len(line)-2 || line[i] != '{' {
		return 0, false
	}
	digits := line[i+1 : len(line)-1]
	for _, c := range digits {
		if n > (1<<63-1-9)/10 {
			return -1, true
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// ReadResponse reads one complete response: a line, and for an untagged
// response ending in a literal announcement, the literal and the line after
// it, repeatedly. Tagged and continuation responses never carry literals.
//
// The Response is reused by the next call; the lines and literals it holds
// are the caller's to keep.
func (r *Reader) ReadResponse() (*Response, error) {
	line, err := r.ReadLine()
	if err != nil {
		return nil, err
	}
	return r.ReadResponseAfter(line)
}

// ReadResponseAfter reads the rest of a response whose first line, line,
// the caller has read already (with ReadLine), as ReadResponse would.
func (r *Reader) ReadResponseAfter(line []byte) (*Response, error) {
	resp := &r.resp
	clear(resp.Text)
	clear(resp.Literals)
	resp.Text = append(resp.Text[:0], line)
	resp.Literals = resp.Literals[:0]
	if len(line) == 0 || line[0] != '*' {
		return resp, nil
	}
	if _, ok := LiteralSize(line); !ok {
		return resp, nil
	}
	total := int64(len(line))
	for {
		n, ok := LiteralSize(line)
		if !ok {
			return resp, nil
		}
		if n < 0 || n > r.lim.MaxLiteral {
			return nil, &LimitError{What: "literal", Size: n, Limit: r.lim.MaxLiteral}
		}
		if total+n > r.lim.MaxResponse {
			return nil, &LimitError{What: "response", Size: total + n, Limit: r.lim.MaxResponse}
		}
		lit, err := r.ReadLiteral(n)
		if err != nil {
			return nil, err
		}
		line, err = r.ReadLine()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		total += n + int64(len(line))
		if total > r.lim.MaxResponse {
			return nil, &LimitError{What: "response", Size: total, Limit: r.lim.MaxResponse}
		}
		resp.Literals = append(resp.Literals, lit)
		resp.Text = append(resp.Text, line)
	}
}

// IsTagged reports whether line starts with tag followed by a space.
func IsTagged(line, tag []byte) bool {
	return len(line) > len(tag) && line[len(tag)] == ' ' && bytes.HasPrefix(line, tag)
}
