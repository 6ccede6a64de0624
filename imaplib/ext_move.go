package imaplib

import "errors"

// ErrNoSafeMove is the cause of the error UIDMove returns when the server
// has neither MOVE nor UIDPLUS: without UID EXPUNGE the only way to remove
// the originals would be a plain EXPUNGE, which also removes every other
// message flagged \Deleted.
var ErrNoSafeMove = errors.New("imaplib: server has neither MOVE nor UIDPLUS, so no move can remove exactly the messages moved")

// UIDMove moves the messages whose UIDs are in set to the mailbox dest.
//
// With MOVE (RFC 6851) it sends UID MOVE. Without MOVE but with UIDPLUS
// it asks which UIDs of set exist (UID SEARCH), copies exactly those (UID
// COPY), flags them \Deleted (UID STORE +FLAGS.SILENT) and expunges
// exactly them (UID EXPUNGE): messages flagged \Deleted before, outside
// set, and messages arriving meanwhile are never touched. A failed step
// stops the move before anything is removed. With neither extension it
// refuses with an error wrapping ErrNoSafeMove, and sends nothing.
//
// With UIDPLUS the result says where the messages went (nil without it).
// A set too long for one command line is moved with one UID MOVE of the
// saved search result "$" when the server has SEARCHRES (see UIDStore);
// otherwise in several rounds, whose results are merged; when a round
// fails, the error comes with what the earlier rounds moved. An empty set
// moves nothing.
func (m *IMAP4) UIDMove(set SeqSet, dest string) (*CopyUID, error) {
	if m.HasCapability("MOVE") {
		return m.uidCopyMove("MOVE", set, dest)
	}
	if !m.HasCapability("UIDPLUS") {
		return nil, &Error{Kind: KindError, Message: "UID MOVE: " + ErrNoSafeMove.Error()[len("imaplib: "):], Err: ErrNoSafeMove}
	}
	if err := checkMailbox(dest); err != nil {
		return nil, err
	}
	if err := m.allowedIn("UID"); err != nil {
		return nil, err
	}
	wireDest := m.encodeMailbox(dest)
	// A piece must fit in each of the commands below (UID STORE and UID
	// EXPUNGE split further by themselves, but a UID SEARCH cannot).
	budget := setBudget(max(len("UID COPY  ")+len(wireDest)+2, len("UID SEARCH RETURN (ALL) UID ")))
	var result *CopyUID
	for _, chunk := range set.Split(budget) {
		// Only UIDs that exist now: "n:*", or a range beyond UIDNEXT,
		// must not take in messages that arrive after the copy.
		exact, err := m.UIDSearch("UID", chunk)
		if err != nil {
			return result, err
		}
		for _, part := range exact.Split(budget) {
			cu, err := m.copyDeleteExpunge(part, wireDest)
			result = result.merge(cu)
			if err != nil {
				return result, err
			}
		}
	}
	return result, nil
}

// copyDeleteExpunge moves the existing messages of uids with COPY, STORE
// and UID EXPUNGE.
func (m *IMAP4) copyDeleteExpunge(uids SeqSet, wireDest string) (*CopyUID, error) {
	cu, err := m.uidCopyMoveOne("COPY", uids.String(), wireDest)
	if err != nil {
		return nil, err
	}
	if _, _, err := m.uidStore(uids, AddFlags, []string{`\Deleted`}, true, nil); err != nil {
		return cu, err
	}
	if err := m.UIDExpunge(uids); err != nil {
		return cu, err
	}
	return cu, nil
}
