package imaplib

// Python's imaplib sends every argument as it is given: an empty string
// goes out empty, and only None is left out or replaced by a default. The
// methods below do the same for the commands whose Go form gives "" a
// meaning of its own (List's `""` and "*", Select's INBOX, Sort's and
// Thread's omitted charset). The Lua module uses them, so that a
// translated script sends what the Python script sends; Go callers
// normally want List, Select, Sort and Thread.

// ListVerbatim is List with directory and pattern sent as given: "" sends
// an empty argument ("LIST  *"), which servers usually refuse with BAD.
func (m *IMAP4) ListVerbatim(directory, pattern string) (string, []Item, error) {
	return m.withUntagged("LIST", "LIST", directory, pattern)
}

// LsubVerbatim is Lsub with directory and pattern sent as given.
func (m *IMAP4) LsubVerbatim(directory, pattern string) (string, []Item, error) {
	return m.withUntagged("LSUB", "LSUB", directory, pattern)
}

// SelectVerbatim is Select with mailbox sent as given: "" sends "SELECT "
// instead of selecting INBOX.
func (m *IMAP4) SelectVerbatim(mailbox string, readonly bool) (string, []Item, error) {
	return m.selectMailbox(mailbox, readonly)
}

// SortVerbatim is Sort with the charset sent as given; a nil charset is
// Python's None and is left out.
func (m *IMAP4) SortVerbatim(sortCriteria string, charset *string, searchCriteria ...string) (string, []Item, error) {
	args := append([]any{parenthesise(sortCriteria), noneOr(charset)}, strArgs(searchCriteria)...)
	return m.withUntagged("SORT", "SORT", args...)
}

// ThreadVerbatim is Thread with the charset sent as given; a nil charset
// is Python's None and is left out.
func (m *IMAP4) ThreadVerbatim(algorithm string, charset *string, searchCriteria ...string) (string, []Item, error) {
	args := append([]any{algorithm, noneOr(charset)}, strArgs(searchCriteria)...)
	return m.withUntagged("THREAD", "THREAD", args...)
}

// noneOr is the argument for s: nil (left out) when s is nil.
func noneOr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
