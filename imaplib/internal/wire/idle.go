package wire

// Wait blocks until at least one byte of input is buffered, consuming
// nothing. IDLE uses it to wait for the start of a response under a read
// deadline: a deadline that expires during Wait leaves the stream intact,
// where one expiring in the middle of ReadResponse would lose a partial
// line.
func (r *Reader) Wait() error {
	_, err := r.br.Peek(1)
	return err
}
