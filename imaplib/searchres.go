package imaplib

import (
	"errors"
	"strings"
)

// Long UID sets and the saved search result (SEARCHRES, RFC 5182).
//
// A UID set too long for one command line used to be cut into several
// commands, each of which the server runs on its own: on a big Maildir
// mailbox every UID MOVE or UID EXPUNGE ends with a sync of the whole
// index, so moving 20,000 scattered messages of a 200,000-message mailbox
// in twenty commands cost the server twenty syncs. With SEARCHRES the set
// is built up on the server instead, piece by piece, in the connection's
// search result variable "$" (each UID SEARCH RETURN (SAVE) adds a piece
// of at most one line to what "$" held), and the action runs once, on
// "$". The searches change nothing in the mailbox, so the action is still
// one command: it runs whole or, if the server refuses it, not at all.

// savedSet is the sequence set that names the search result variable.
const savedSet = "$"

// A setPiece is how one command names some of a set's messages: the text
// it sends ("$" or UIDs) and the UIDs that text stands for.
type setPiece struct {
	text string
	uids SeqSet
}

// pieces returns the sets of the commands that act on set, each of which
// has budget bytes for its set: the one piece "$" when saveUIDs put set
// there, else set cut into pieces that fit.
func (m *IMAP4) pieces(set SeqSet, budget int) ([]setPiece, error) {
	saved, err := m.saveUIDs(set, budget)
	if err != nil {
		return nil, err
	}
	if saved {
		return []setPiece{{savedSet, set}}, nil
	}
	chunks := set.Split(budget)
	out := make([]setPiece, len(chunks))
	for i, c := range chunks {
		out[i] = setPiece{c.String(), c}
	}
	return out, nil
}

// saveUIDs makes the connection's search result variable ("$") hold the
// messages of set that exist, when set does not fit in budget bytes and
// the server has SEARCHRES. It reports whether "$" now holds them; false
// with a nil error means the caller should cut set into pieces as before
// (the set fits in one line, the server lacks SEARCHRES, or it refused a
// search as malformed). It replaces whatever "$" held.
//
// When "$" was built from the same set and no command since may have
// changed it, it is used as it is: the delete's UID STORE and UID EXPUNGE
// of a long set build it once. Expunges since only take messages out of
// "$", as they take them out of the mailbox.
func (m *IMAP4) saveUIDs(set SeqSet, budget int) (bool, error) {
	text := set.String()
	if !m.HasCapability("SEARCHRES") || len(text) <= budget {
		return false, nil
	}
	if m.savedFor == text {
		return true, nil
	}
	const more = "UID SEARCH RETURN (SAVE) OR UID $ UID "
	for i, piece := range set.Split(setBudget(len(more))) {
		args := []any{"SEARCH", "RETURN", "(SAVE)", "UID", piece.String()}
		if i > 0 {
			args = []any{"SEARCH", "RETURN", "(SAVE)", "OR", "UID", savedSet, "UID", piece.String()}
		}
		_, err := m.do("UID SEARCH", &command{name: "UID", args: args})
		m.takeCodes("ESEARCH", "SEARCH")
		if err != nil {
			var re *ResponseError
			if errors.As(err, &re) && re.Type == "BAD" {
				// A server whose SEARCHRES is not what it says: the
				// searches changed nothing, so cut the set instead.
				return false, nil
			}
			return false, err
		}
	}
	m.savedFor = text
	return true, nil
}

// keepsSaved reports whether cmd leaves the saved search result as it
// was, so that the set saveUIDs built there stays known. A search may
// save a result ("$" is replaced), and a SELECT, EXAMINE, CLOSE, UNSELECT
// or a new login empties it (RFC 5182); only commands known to do
// neither keep it.
func keepsSaved(cmd *command) bool {
	name := cmd.name
	if name == "UID" && len(cmd.args) > 0 {
		if sub, ok := cmd.args[0].(string); ok {
			name = strings.ToUpper(sub)
		}
	}
	switch name {
	case "FETCH", "STORE", "COPY", "MOVE", "EXPUNGE", "NOOP", "CHECK":
		return true
	}
	return false
}
