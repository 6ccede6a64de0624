package imaplib

// CONDSTORE (RFC 7162) in the typed API: SelectMailboxWith(CondStore)
// reports HIGHESTMODSEQ, MailboxStatus asks for it, FetchData.ModSeq
// carries MODSEQ, and the two methods below use the CHANGEDSINCE and
// UNCHANGEDSINCE modifiers.

// UIDFetchChangedSince is UIDFetch limited to the messages whose
// mod-sequence is above modSeq (the CHANGEDSINCE modifier): what changed
// since a HIGHESTMODSEQ seen earlier. The MODSEQ item is returned with
// each message. It needs CONDSTORE; modSeq must not be 0.
func (m *IMAP4) UIDFetchChangedSince(set SeqSet, items string, modSeq uint64) ([]*FetchData, error) {
	if err := m.require("CONDSTORE", "FETCH (CHANGEDSINCE)"); err != nil {
		return nil, err
	}
	if modSeq == 0 {
		return nil, newError(KindValue, nil, "CHANGEDSINCE needs a mod-sequence above 0")
	}
	return m.uidFetch(set, items, modSeq)
}

// UIDStoreUnchangedSince is UIDStore applied only to the messages whose
// mod-sequence is not above unchangedSince (the UNCHANGEDSINCE modifier):
// a flag change that does not overwrite another client's. modified holds
// the UIDs the server left alone because they changed meanwhile (the
// MODIFIED response code). It needs CONDSTORE; 0 is allowed and refuses
// every message that has a mod-sequence.
func (m *IMAP4) UIDStoreUnchangedSince(set SeqSet, op StoreOp, flags []string, silent bool, unchangedSince uint64) (fetched []*FetchData, modified SeqSet, err error) {
	if err := m.require("CONDSTORE", "STORE (UNCHANGEDSINCE)"); err != nil {
		return nil, SeqSet{}, err
	}
	return m.uidStore(set, op, flags, silent, &unchangedSince)
}
