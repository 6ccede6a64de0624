package wire

// A Response is one complete server response as it came off the wire: the
// text of its lines and the literals between them, CRLFs removed.
//
// Text[0] is the first line. When a line ends with a literal announcement
// ({n} or ~{n}), the n bytes that follow are Literals[i] and the line read
// after them is Text[i+1]; so len(Text) == len(Literals)+1 always.
type Response struct {
	Text     [][]byte
	Literals [][]byte
}

// Size is the number of bytes of text and literals in r.
func (r *Response) Size() int {
	n := 0
	for _, t := range r.Text {
		n += len(t)
	}
	for _, l := range r.Literals {
		n += len(l)
	}
	return n
}
