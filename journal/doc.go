// Package journal records what runs did to mailboxes, so that a run can be
// listed, explained and undone afterwards.
//
// Every run of a rule that may act on mail gets a run id and a file of its
// own in the journal folder (RUN-ID.jsonl), one JSON object a line. An
// action writes an entry before it changes anything (phase "begin": the
// messages it is about to act on, their Message-IDs and flags, why they
// were chosen) and one after (phase "end": what the server confirmed, such
// as the UIDs the messages got in the destination). The begin entry is
// synced to disk before the action's command is sent, so an action cut
// short (a crash, a dropped connection) is still known.
//
// Messages a run deletes are saved first, byte for byte with their flags
// and internal date, under RUN-ID/, so that undo can put them back.
//
// The folder is pruned when a run starts, at most once per PruneEvery: runs
// older than MaxAge, then the oldest runs beyond MaxBytes, are removed.
package journal
