package imaplib

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Transcripts of the typed API: the exact bytes sent, and cases neither
// test server produces (a message arriving during a fallback move, a
// server choosing read-only, COPYUID in an odd order, MODIFIED codes,
// split command lines, refusals).

// selectedScript starts a preauthenticated session with the given
// capabilities and selects INBOX (tag A1); body follows, from tag A2.
func selectedScript(caps, body string) string {
	return "S: * PREAUTH ready\nC: A0 CAPABILITY\nS: * CAPABILITY IMAP4rev1 " + caps + "\nS: A0 OK done\n" +
		"C: A1 SELECT INBOX\nS: * 6 EXISTS\nS: A1 OK [READ-WRITE] done\n" + strings.TrimSpace(body)
}

// playSelected plays selectedScript(caps, body) and selects INBOX.
func playSelected(t *testing.T, caps, body string) (*IMAP4, *transcript) {
	t.Helper()
	m, tr, err := play(t, selectedScript(caps, body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := m.SelectMailbox("INBOX", false); err != nil || info.Exists != 6 {
		t.Fatalf("select: %+v %v", info, err)
	}
	return m, tr
}

func TestTypedTranscriptMoveFallback(t *testing.T) {
	for _, tt := range []struct{ name, caps, search string }{
		{"search", "LITERAL+ UIDPLUS", "C: A2 UID SEARCH UID 2,4:*\nS: * SEARCH 4 6 2\nS: A2 OK done"},
		{"esearch", "LITERAL+ UIDPLUS ESEARCH", "C: A2 UID SEARCH RETURN (ALL) UID 2,4:*\nS: * ESEARCH (TAG \"A2\") UID ALL 2,4,6\nS: A2 OK done"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// UID 17 arrives during the copy, flagged \Deleted by someone
			// else: "4:*" covers it, but the STORE and the EXPUNGE name
			// only the UIDs that existed before the copy.
			m, tr := playSelected(t, tt.caps, tt.search+`
C: A3 UID COPY 2,4,6 "Old Mail"
S: * 7 EXISTS
S: * 7 FETCH (UID 17 FLAGS (\Deleted))
S: A3 OK [COPYUID 9 2,4,6 11:13] done
C: A4 UID STORE 2,4,6 +FLAGS.SILENT (\Deleted)
S: A4 OK done
C: A5 UID EXPUNGE 2,4,6
S: * 6 EXPUNGE
S: * 4 EXPUNGE
S: * 2 EXPUNGE
S: A5 OK done`)
			set, _ := ParseSeqSet("2,4:*")
			cu, err := m.UIDMove(set, "Old Mail")
			if err != nil || cu.UIDValidity != 9 || cu.Source.String() != "2,4,6" || cu.Dest.String() != "11:13" {
				t.Fatalf("UIDMove = %+v, %v", cu, err)
			}
			// News about other messages stays filed.
			typ, dat := m.Response("FETCH")
			wantResult(t, "FETCH", typ, dat, nil, "FETCH", items(`7 (UID 17 FLAGS (\Deleted))`))
			typ, dat = m.Response("EXPUNGE")
			wantResult(t, "EXPUNGE", typ, dat, nil, "EXPUNGE", items("6", "4", "2"))
			tr.check()
		})
	}
}

func TestTypedTranscriptMoveFallbackStops(t *testing.T) {
	// The copy fails: nothing is flagged, nothing expunged.
	m, tr := playSelected(t, "UIDPLUS", `
C: A2 UID SEARCH UID 1:2
S: * SEARCH 1 2
S: A2 OK done
C: A3 UID COPY 1:2 Archive
S: A3 NO [TRYCREATE] Mailbox doesn't exist: Archive
C: A4 NOOP
S: A4 OK done`)
	cu, err := m.UIDMove(SeqSetOf(1, 2), "Archive")
	var re *ResponseError
	if cu != nil || !errors.As(err, &re) || re.Command != "UID COPY" || re.Code != "TRYCREATE" ||
		re.Text != "Mailbox doesn't exist: Archive" || !errors.Is(err, ErrError) {
		t.Fatalf("UIDMove = %+v, %v", cu, err)
	}
	if err.Error() != "imaplib: error: UID COPY: NO [TRYCREATE] Mailbox doesn't exist: Archive" {
		t.Fatalf("message %q", err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()

	// Nothing matches: nothing is sent after the search.
	m, tr = playSelected(t, "UIDPLUS", `
C: A2 UID SEARCH UID 100:*
S: * SEARCH
S: A2 OK done
C: A3 NOOP
S: A3 OK done`)
	set, _ := ParseSeqSet("100:*")
	if cu, err := m.UIDMove(set, "Archive"); cu != nil || err != nil {
		t.Fatalf("UIDMove of nothing = %+v, %v", cu, err)
	}
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

func TestTypedTranscriptMove(t *testing.T) {
	// With MOVE, COPYUID comes in an untagged OK before the EXPUNGEs; this
	// server lists the source UIDs in its own order.
	m, tr := playSelected(t, "MOVE UIDPLUS", `
C: A2 UID MOVE 1,3 Trash
S: * OK [COPYUID 432 3,1 7:8] Moved UIDs.
S: * 3 EXPUNGE
S: * 1 EXPUNGE
S: A2 OK Move completed.
C: A3 UID MOVE 5 Trash
S: A3 OK Move completed.`)
	cu, err := m.UIDMove(SeqSetOf(3, 1), "Trash")
	if err != nil || cu.Source.String() != "1,3" || cu.Dest.String() != "7:8" {
		t.Fatalf("UIDMove = %+v, %v", cu, err)
	}
	if mp, err := cu.Map(); err != nil || len(mp) != 2 || mp[3] != 7 || mp[1] != 8 {
		t.Fatalf("Map = %v, %v", mp, err)
	}
	// No COPYUID (a destination without sticky UIDs): no result, no error.
	if cu, err := m.UIDMove(SeqSetOf(5), "Trash"); cu != nil || err != nil {
		t.Fatalf("UIDMove = %+v, %v", cu, err)
	}
	tr.check()
}

func TestTypedTranscriptAppendAndNames(t *testing.T) {
	m, tr, err := play(t, greetingSync+`
C: A1 LOGIN u "p"
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS NAMESPACE] ok
C: A2 APPEND "My Mail/Entw&APw-rfe" (\Seen $Label1) "02-Mar-2024 10:04:05 +0100" {11}
S: + go ahead
C: a\r\nb\r\n\r\nc\r\n
S: A2 OK [APPENDUID 38505 3955] APPEND completed
C: A3 CREATE "quote\"back\\slash"
S: A3 OK done
C: A4 RENAME &ZeVnLIqe- INBOX/&U,BTFw-
S: A4 OK done
C: A5 DELETE a&AA0ACg-b
S: A5 NO [NONEXISTENT] no such mailbox
C: A6 APPEND INBOX {1}
S: + go
C: x
S: A6 OK done
C: A7 NAMESPACE
S: * NAMESPACE (("" "/")("&ZeVnLIqe-/" "/" "X-PARAM" ("A" "B"))) NIL (("#shared/" NIL))
S: A7 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	date := time.Date(2024, 3, 2, 10, 4, 5, 0, time.FixedZone("", 3600))
	au, err := m.AppendMessage("My Mail/Entwürfe", []string{`\Seen`, "$Label1"}, date, []byte("a\nb\n\nc\n"))
	if err != nil || *au != (AppendUID{UIDValidity: 38505, UID: 3955}) {
		t.Fatalf("AppendMessage = %+v, %v", au, err)
	}
	if err := m.CreateMailbox(`quote"back\slash`); err != nil {
		t.Fatal(err)
	}
	if err := m.RenameMailbox("日本語", "INBOX/台北"); err != nil {
		t.Fatal(err)
	}
	// CR and LF cannot end the command: modified UTF-7 encodes them.
	err = m.DeleteMailbox("a\r\nb")
	var re *ResponseError
	if !errors.As(err, &re) || re.Code != "NONEXISTENT" || re.Command != "DELETE" {
		t.Fatalf("DeleteMailbox = %v", err)
	}
	if au, err := m.AppendMessage("INBOX", nil, time.Time{}, []byte("x")); au != nil || err != nil {
		t.Fatalf("AppendMessage without APPENDUID = %+v, %v", au, err)
	}
	ns, err := m.Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	want := Namespaces{
		Personal: []Namespace{{Prefix: "", Delim: "/"}, {Prefix: "日本語/", Delim: "/", Extensions: map[string][]string{"X-PARAM": {"A", "B"}}}},
		Shared:   []Namespace{{Prefix: "#shared/"}},
	}
	if got, exp := fmtNamespaces(ns), fmtNamespaces(&want); got != exp {
		t.Fatalf("Namespaces = %s, want %s", got, exp)
	}
	// Bad flags are refused before anything is sent.
	for _, bad := range [][]string{{"a b"}, {"\\Seen\r\nA9 LOGOUT"}, {""}, {`\`}, {"(x"}} {
		if _, err := m.AppendMessage("INBOX", bad, time.Time{}, []byte("x")); !errors.Is(err, ErrValue) {
			t.Errorf("flags %q: %v", bad, err)
		}
	}
	tr.check()
}

func fmtNamespaces(ns *Namespaces) string {
	var b strings.Builder
	for _, l := range [][]Namespace{ns.Personal, ns.Other, ns.Shared} {
		b.WriteString("[")
		for _, n := range l {
			b.WriteString(strings.Join([]string{n.Prefix, n.Delim}, "|"))
			for k, v := range n.Extensions {
				b.WriteString(" " + k + "=" + strings.Join(v, ","))
			}
			b.WriteString(";")
		}
		b.WriteString("]")
	}
	return b.String()
}

func TestTypedTranscriptSelect(t *testing.T) {
	m, tr, err := play(t, `S: * PREAUTH ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 CONDSTORE
S: A0 OK done
C: A1 SELECT INBOX (CONDSTORE)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)
S: * OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited
S: * 172 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 12] first unseen
S: * OK [UIDVALIDITY 3857529045] UIDs valid
S: * OK [UIDNEXT 4392] Predicted next UID
S: * OK [HIGHESTMODSEQ 715194045007] Highest
S: A1 OK [READ-ONLY] SELECT completed, but read-only
C: A2 NOOP
S: * OK [READ-ONLY] still
S: A2 OK done
C: A3 EXAMINE Shared
S: * 0 EXISTS
S: * OK [NOMODSEQ] no mod-sequences
S: A3 OK [READ-ONLY] done
C: A4 SELECT Gone
S: A4 NO [NONEXISTENT] Unknown mailbox
C: A5 SELECT INBOX
S: * 3 EXISTS
S: * OK [UIDVALIDITY x] broken
S: A5 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := m.SelectMailboxWith("INBOX", SelectOptions{CondStore: true})
	if err != nil {
		t.Fatal(err)
	}
	want := MailboxInfo{Name: "INBOX", Exists: 172, Recent: 1, FirstUnseen: 12,
		UIDValidity: 3857529045, UIDNext: 4392, HighestModSeq: 715194045007, ReadOnly: true}
	if info.Flags[5] != "$Forwarded" || len(info.Flags) != 6 || strings.Join(info.PermanentFlags, " ") != `\Deleted \Seen \*` {
		t.Fatalf("flags %v %v", info.Flags, info.PermanentFlags)
	}
	info.Flags, info.PermanentFlags = nil, nil
	if !reflect.DeepEqual(*info, want) {
		t.Fatalf("SelectMailboxWith = %+v, want %+v", *info, want)
	}
	// The server chose read-only: that is no change of state later.
	if _, _, err := m.Noop(); err != nil {
		t.Fatal(err)
	}
	info, err = m.SelectMailbox("Shared", true)
	if err != nil || !info.NoModSeq || !info.ReadOnly || info.Exists != 0 || info.Flags != nil {
		t.Fatalf("examine = %+v, %v", info, err)
	}
	_, err = m.SelectMailbox("Gone", false)
	var re *ResponseError
	if !errors.As(err, &re) || re.Code != "NONEXISTENT" || m.State() != "AUTH" {
		t.Fatalf("select Gone = %v, state %s", err, m.State())
	}
	info, err = m.SelectMailbox("INBOX", false)
	if err == nil || info == nil || info.Exists != 3 || m.State() != "SELECTED" {
		t.Fatalf("malformed UIDVALIDITY: %+v, %v", info, err)
	}
	tr.check()

	m, tr, err = play(t, greeting, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.SelectMailboxWith("INBOX", SelectOptions{CondStore: true}); err == nil || !strings.Contains(err.Error(), "CONDSTORE") {
		t.Fatalf("CONDSTORE without the capability: %v", err)
	}
	tr.check()
}

func TestTypedTranscriptCondStore(t *testing.T) {
	m, tr := playSelected(t, "CONDSTORE", `
C: A2 UID STORE 1:3 (UNCHANGEDSINCE 12) +FLAGS (\Seen)
S: * 1 FETCH (UID 1 MODSEQ (13) FLAGS (\Seen))
S: * 3 FETCH (UID 3 MODSEQ (14) FLAGS (\Seen))
S: A2 OK [MODIFIED 2] Conditional STORE failed
C: A3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 13)
S: * 3 FETCH (UID 3 MODSEQ (14) FLAGS (\Seen))
S: A3 OK done
C: A4 UID STORE 7 (UNCHANGEDSINCE 0) FLAGS.SILENT ()
S: A4 OK [MODIFIED 7] no
C: A5 UID SEARCH MODSEQ 13
S: * SEARCH 3 (MODSEQ 14)
S: A5 OK done`)
	fd, modified, err := m.UIDStoreUnchangedSince(SeqSetOf(1, 2, 3), "+flags", []string{`\Seen`}, false, 12)
	if err != nil || modified.String() != "2" || len(fd) != 2 || fd[0].ModSeq != 13 || fd[1].UID != 3 {
		t.Fatalf("UIDStoreUnchangedSince = %+v %s %v", fd, modified, err)
	}
	all, _ := ParseSeqSet("1:*")
	fd, err = m.UIDFetchChangedSince(all, "FLAGS", 13)
	if err != nil || len(fd) != 1 || fd[0].ModSeq != 14 {
		t.Fatalf("UIDFetchChangedSince = %+v %v", fd, err)
	}
	if _, modified, err = m.UIDStoreUnchangedSince(SeqSetOf(7), ReplaceFlags, nil, true, 0); err != nil || modified.String() != "7" {
		t.Fatalf("UNCHANGEDSINCE 0 = %s %v", modified, err)
	}
	if got, err := m.UIDSearch("MODSEQ", uint64(13)); err != nil || got.String() != "3" {
		t.Fatalf("search = %s %v", got, err)
	}
	if _, err := m.UIDFetchChangedSince(all, "FLAGS", 0); !errors.Is(err, ErrValue) {
		t.Fatalf("CHANGEDSINCE 0: %v", err)
	}
	if _, err := m.UIDStore(all, "FLAGS.SILENT", nil, false); !errors.Is(err, ErrValue) {
		t.Fatalf("bad store op: %v", err)
	}
	tr.check()
}

func TestTypedTranscriptSearch(t *testing.T) {
	m, tr := playSelected(t, "LITERAL+ ESEARCH", `
C: A2 UID SEARCH RETURN (ALL) CHARSET UTF-8 SUBJECT {5+}
C= café
C:  FROM "Jane Doe" (OR SEEN NOT SINCE 1-Feb-2024) UID 1:*
S: * ESEARCH (TAG "A2") UID ALL 3:5,9
S: A2 OK done
C: A3 SEARCH RETURN (ALL) SUBJECT "1:*" HEADER X-Spam ""
S: * ESEARCH (TAG "A3")
S: A3 OK done
C: A4 UID SEARCH RETURN (MIN MAX COUNT ALL) ALL
S: * ESEARCH (TAG "A4") UID MIN 2 MAX 40 COUNT 3 ALL 2,7,40
S: A4 OK done
C: A5 UID SEARCH RETURN (ALL) ALL
S: * ESEARCH (TAG "B7") UID ALL 1
S: A5 NO [BADCHARSET] nope`)
	got, err := m.UIDSearch("SUBJECT", "café", "FROM", "Jane Doe", "(", "OR", "SEEN", "NOT", "SINCE",
		time.Date(2024, 2, 1, 23, 0, 0, 0, time.UTC), ")", "UID", "1:*")
	if err != nil || got.String() != "3:5,9" {
		t.Fatalf("UIDSearch = %s, %v", got, err)
	}
	got, err = m.SearchMessages("SUBJECT", Text("1:*"), "HEADER", "X-Spam", "")
	if err != nil || !got.IsEmpty() {
		t.Fatalf("SearchMessages = %s, %v", got, err)
	}
	st, err := m.UIDSearchStats()
	if err != nil || *st.Min != 2 || *st.Max != 40 || *st.Count != 3 || st.All != "2,7,40" || st.Tag != "A4" {
		t.Fatalf("UIDSearchStats = %+v, %v", st, err)
	}
	var re *ResponseError
	if _, err := m.UIDSearch(); !errors.As(err, &re) || re.Code != "BADCHARSET" {
		t.Fatalf("refused search: %v", err)
	}
	for _, bad := range [][]any{{"SUBJECT", "a\r\nb"}, {3.5}, {"LARGER", -1}, {SeqSet{}}, {Text("\x00")}} {
		if _, err := m.UIDSearch(bad...); !errors.Is(err, ErrValue) {
			t.Errorf("criteria %q: %v", bad, err)
		}
	}
	tr.check()
}

func TestTypedTranscriptListStatus(t *testing.T) {
	m, tr, err := play(t, `S: * PREAUTH ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 LIST-STATUS SPECIAL-USE
S: A0 OK done
C: A1 LIST "" * RETURN (STATUS (MESSAGES UNSEEN))
S: * LIST (\HasNoChildren) "/" INBOX
S: * STATUS "inbox" (MESSAGES 17 UNSEEN 16)
S: * LIST (\Noselect \HasChildren) "/" "Archiv"
S: * LIST (\HasNoChildren \Sent) "/" "Archiv/Entw&APw-rfe"
S: * STATUS "Archiv/Entw&APw-rfe" (MESSAGES 2 UNSEEN 0)
S: A1 OK done
C: A2 LIST Archiv/ %
S: * LIST (\Sent) "/" "Archiv/Entw&APw-rfe"
S: * LIST () "/" "Archiv/bad&-name&"
S: A2 OK done
C: A3 STATUS Archiv/Entw&APw-rfe (HIGHESTMODSEQ SIZE)
S: * STATUS Other (MESSAGES 1)
S: * STATUS "Archiv/Entw&APw-rfe" (HIGHESTMODSEQ 9 SIZE 1234)
S: A3 OK done
C: A4 STATUS Gone (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)
S: A4 NO [NONEXISTENT] no`, nil)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := m.ListStatus("", "*", "messages", "unseen")
	if err != nil || len(ls) != 3 {
		t.Fatalf("ListStatus = %+v, %v", ls, err)
	}
	if ls[0].Name != "INBOX" || *ls[0].Status.Messages != 17 || ls[0].Status.Mailbox != "INBOX" ||
		ls[1].Status != nil || !ls[1].HasAttr(`\noselect`) ||
		ls[2].Name != "Archiv/Entwürfe" || !ls[2].HasAttr(`\Sent`) || *ls[2].Status.Unseen != 0 {
		t.Fatalf("ListStatus = %+v", ls)
	}
	entries, err := m.ListMailboxes("Archiv/", "%")
	// A name that is not valid modified UTF-7 is kept as sent.
	if err != nil || len(entries) != 2 || entries[0].Name != "Archiv/Entwürfe" || entries[1].Name != "Archiv/bad&-name&" {
		t.Fatalf("ListMailboxes = %+v, %v", entries, err)
	}
	st, err := m.MailboxStatus("Archiv/Entwürfe", "HIGHESTMODSEQ", "SIZE")
	if err != nil || st.Mailbox != "Archiv/Entwürfe" || *st.HighestModSeq != 9 || *st.Size != 1234 || st.Messages != nil {
		t.Fatalf("MailboxStatus = %+v, %v", st, err)
	}
	if _, err := m.MailboxStatus("Gone"); err == nil {
		t.Fatal("status of a missing mailbox")
	}
	if _, err := m.MailboxStatus("INBOX", "MESSAGES)"); !errors.Is(err, ErrValue) {
		t.Fatalf("bad status item: %v", err)
	}
	tr.check()
}

func TestTypedTranscriptListSubscribed(t *testing.T) {
	// The pattern is sent quoted and encoded, the names come back in
	// UTF-8, as ListMailboxes has them.
	m, tr := playSelected(t, "", `
C: A2 LSUB "" "My F&APY-lder/*"
S: * LSUB () "/" "My F&APY-lder/Entw&APw-rfe"
S: * LSUB (\Noselect) "/" "My F&APY-lder/R&-D"
S: A2 OK done`)
	entries, err := m.ListSubscribed("", "My Földer/*")
	tr.check()
	if err != nil || len(entries) != 2 || entries[0].Name != "My Földer/Entwürfe" ||
		entries[1].Name != "My Földer/R&D" || !entries[1].HasAttr(`\Noselect`) {
		t.Fatalf("ListSubscribed = %+v, %v", entries, err)
	}
}

func TestTypedTranscriptSplit(t *testing.T) {
	SetMaxCommandLine(t, 56)
	// Each command line stays within 56 bytes, a 16-byte tag included;
	// results are merged.
	m, tr := playSelected(t, "UIDPLUS", `
C: A2 UID COPY 1,3,5,7,9,11,13,15,17 Trash
S: A2 OK [COPYUID 5 1,3,5,7,9,11,13,15,17 1:9] done
C: A3 UID COPY 19,21,23 Trash
S: A3 OK [COPYUID 5 19,21,23 10:12] done
C: A4 UID FETCH 1,3,5,7,9,11,13,15,17,19 (UID)
S: * 1 FETCH (UID 1)
S: * 2 FETCH (UID 13)
S: * 3 FETCH (FLAGS (\Seen))
S: A4 OK done
C: A5 UID FETCH 21,23 (UID)
S: * 4 FETCH (UID 23)
S: A5 OK done
C: A6 UID EXPUNGE 1,3,5,7,9,11,13,15,17,19,21
S: A6 OK done
C: A7 UID EXPUNGE 23
S: A7 NO stop
C: A8 UID STORE 1,3,5,7 -FLAGS (\Seen)
S: A8 OK done`)
	odd := oddUIDs(24)
	cu, err := m.UIDCopy(odd, "Trash")
	if err != nil || cu.Source.String() != odd.String() || cu.Dest.String() != "1:12" {
		t.Fatalf("UIDCopy = %+v, %v", cu, err)
	}
	if mp, err := cu.Map(); err != nil || mp[23] != 12 || mp[17] != 9 || mp[19] != 10 {
		t.Fatalf("Map = %v, %v", mp, err)
	}
	fd, err := m.UIDFetch(odd, "UID")
	if err != nil || len(fd) != 3 || fd[0].UID != 1 || fd[1].UID != 13 || fd[2].UID != 23 {
		t.Fatalf("UIDFetch = %+v, %v", fd, err)
	}
	if typ, dat := m.Response("FETCH"); typ != "FETCH" || len(dat) != 1 || string(dat[0].Line) != `3 (FLAGS (\Seen))` {
		t.Fatalf("unsolicited FETCH: %s", pyItems(dat))
	}
	if err := m.UIDExpunge(odd); err == nil {
		t.Fatal("UIDExpunge ignored a NO")
	}
	// An empty set sends nothing.
	if fd, err := m.UIDFetch(SeqSet{}, "UID"); fd != nil || err != nil {
		t.Fatalf("empty fetch: %v %v", fd, err)
	}
	if _, err := m.UIDStore(SeqSetOf(1, 3, 5, 7), RemoveFlags, []string{`\Seen`}, false); err != nil {
		t.Fatal(err)
	}
	tr.check()
}

func TestParseCopyUID(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"9 1:3 4:6", "9 1:3 4:6 map[1:4 2:5 3:6]"},
		{"9 5,1 20:21", "9 1,5 20:21 map[1:21 5:20]"},
		{"9 3:1 7:9", "9 1:3 7:9 map[1:7 2:8 3:9]"},
		{"9 1:2 3", "error"},
		{"9 1:1,1 5:6", "error"},
		{"0 1 2", "error"},
		{"9 1 *", "error"},
		{"9 1", "error"},
		{"9 a b", "error"},
	} {
		cu, err := parseCopyUID([]byte(tt.in))
		got := "error"
		if err == nil {
			mp, err := cu.Map()
			if err != nil {
				t.Fatal(err)
			}
			got = strings.Join([]string{itoa(cu.UIDValidity), cu.Source.String(), cu.Dest.String(), fmtMap(mp)}, " ")
		}
		if got != tt.want {
			t.Errorf("parseCopyUID(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func itoa(n uint32) string { return uitoa(uint64(n)) }

func fmtMap(m map[uint32]uint32) string {
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = itoa(k) + ":" + itoa(m[k])
	}
	return "map[" + strings.Join(parts, " ") + "]"
}

func FuzzParseNamespaces(f *testing.F) {
	f.Add([]byte(`(("" "/")) NIL NIL`))
	f.Add([]byte(`(("" "/" "X" ("a" "b"))("~" NIL)) (("#u/" ".")) NIL`))
	f.Fuzz(func(t *testing.T, line []byte) {
		ns, err := parseNamespaces(line)
		if (ns == nil) == (err == nil) {
			t.Fatalf("parseNamespaces(%q) = %v, %v", line, ns, err)
		}
	})
}

func FuzzParseCopyUID(f *testing.F) {
	f.Add([]byte("9 1:3,7 4:7"))
	f.Add([]byte("1 5 5"))
	f.Fuzz(func(t *testing.T, arg []byte) {
		cu, err := parseCopyUID(arg)
		if err != nil {
			return
		}
		if cu.Source.Len() != cu.Dest.Len() {
			t.Fatalf("sets of different sizes accepted: %q", arg)
		}
		if cu.Source.Len() > 1<<16 {
			return
		}
		mp, err := cu.Map()
		if err != nil {
			t.Fatalf("Map of %q: %v", arg, err)
		}
		for s := range mp {
			if !cu.Source.Contains(s) {
				t.Fatalf("Map of %q has source %d", arg, s)
			}
		}
	})
}

func TestTypedTranscriptUTF8(t *testing.T) {
	// With UTF8=ACCEPT enabled, names and search text go as UTF-8 quoted
	// strings: no modified UTF-7, no CHARSET.
	m, tr := playSelected(t, "LITERAL+ UTF8=ACCEPT", `
C: A2 CREATE "Entwürfe"
S: A2 OK done
C: A3 LIST "" Entw*
S: * LIST () "/" "Entwürfe"
S: * LIST () "/" "Entw&APw-rfe"
S: A3 OK done
C: A4 UID SEARCH SUBJECT "café"
S: * SEARCH 2
S: A4 OK done`)
	m.utf8 = true // as Enable("UTF8=ACCEPT") leaves it
	if err := m.CreateMailbox("Entwürfe"); err != nil {
		t.Fatal(err)
	}
	entries, err := m.ListMailboxes("", "Entw*")
	if err != nil || len(entries) != 2 || entries[0].Name != "Entwürfe" || entries[1].Name != "Entw&APw-rfe" {
		t.Fatalf("ListMailboxes = %+v, %v", entries, err)
	}
	if got, err := m.UIDSearch("SUBJECT", "café"); err != nil || got.String() != "2" {
		t.Fatalf("UIDSearch = %s, %v", got, err)
	}
	tr.check()
}

// TestTypedTranscriptSavedSet: with SEARCHRES, a set too long for one line
// is built up in "$" by searches of at most one line each, and the action
// is one command on "$"; the next action on the same set uses "$" as it
// is, until a command that may change "$" (here a search); a server that
// refuses the searches as malformed gets the set cut into pieces instead,
// and a NO to a search stops the action before anything is sent.
func TestTypedTranscriptSavedSet(t *testing.T) {
	SetMaxCommandLine(t, 64)
	m, tr := playSelected(t, "UIDPLUS MOVE SEARCHRES", `
C: A2 UID SEARCH RETURN (SAVE) UID 1,3,5,7,9,11,13,15,17
S: A2 OK done
C: A3 UID SEARCH RETURN (SAVE) OR UID $ UID 19,21,23,25,27,29,31
S: A3 OK done
C: A4 UID SEARCH RETURN (SAVE) OR UID $ UID 33,35,37,39
S: A4 OK done
C: A5 UID MOVE $ Trash
S: * OK [COPYUID 5 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39 1:20] moved
S: * 1 EXPUNGE
S: A5 OK done
C: A6 UID STORE $ +FLAGS (\Flagged)
S: * 2 FETCH (UID 3 FLAGS (\Flagged))
S: * 9 FETCH (UID 40 FLAGS (\Seen))
S: A6 OK done
C: A7 UID SEARCH FLAGGED
S: * SEARCH 3
S: A7 OK done
C: A8 UID SEARCH RETURN (SAVE) UID 1,3,5,7,9,11,13,15,17
S: A8 OK done
C: A9 UID SEARCH RETURN (SAVE) OR UID $ UID 19,21,23,25,27,29,31
S: A9 BAD unknown search key
C: A10 UID EXPUNGE 1,3,5,7,9,11,13,15,17,19,21,23,25,27
S: A10 OK done
C: A11 UID EXPUNGE 29,31,33,35,37,39
S: A11 OK done
C: A12 UID SEARCH RETURN (SAVE) UID 1,3,5,7,9,11,13,15,17
S: A12 NO [NOTSAVED] too busy`)
	odd := oddUIDs(40)
	cu, err := m.UIDMove(odd, "Trash")
	if err != nil || cu.Source.String() != odd.String() || cu.Dest.String() != "1:20" {
		t.Fatalf("UIDMove = %+v, %v", cu, err)
	}
	fd, err := m.UIDStore(odd, AddFlags, []string{`\Flagged`}, false)
	if err != nil || len(fd) != 1 || fd[0].UID != 3 {
		t.Fatalf("UIDStore = %+v, %v", fd, err)
	}
	if typ, dat := m.Response("FETCH"); typ != "FETCH" || len(dat) != 1 || string(dat[0].Line) != `9 (UID 40 FLAGS (\Seen))` {
		t.Fatalf("unsolicited FETCH: %s", pyItems(dat))
	}
	if got, err := m.UIDSearch("FLAGGED"); err != nil || got.String() != "3" {
		t.Fatalf("UIDSearch = %s, %v", got, err)
	}
	if err := m.UIDExpunge(odd); err != nil {
		t.Fatalf("UIDExpunge after a BAD search: %v", err)
	}
	var re *ResponseError
	if _, err := m.UIDMove(odd, "Trash"); !errors.As(err, &re) || re.Code != "NOTSAVED" {
		t.Fatalf("UIDMove after a refused search: %v", err)
	}
	tr.check()
}

// oddUIDs returns the odd UIDs below n.
func oddUIDs(n uint32) SeqSet {
	var odd SeqSet
	for u := uint32(1); u < n; u += 2 {
		odd.Add(u)
	}
	return odd
}

// TestTypedTranscriptMultiAppend: each message of a MULTIAPPEND waits for
// the server's go-ahead without LITERAL+, and a refusal of the second
// ends the command (RFC 3502: nothing of it is kept).
func TestTypedTranscriptMultiAppend(t *testing.T) {
	m, tr, err := play(t, greetingSync+`
C: A1 LOGIN u "p"
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS MULTIAPPEND] ok
C: A2 APPEND Archive (\Seen) "02-Mar-2024 10:04:05 +0100" {3}
S: + go ahead
C: a\r\n (\Flagged $Work) {3}
S: + go ahead
C: b\r\n {1}
S: + go ahead
C: c
S: A2 OK [APPENDUID 38505 20:22] APPEND completed
C: A3 APPEND Archive {1}
S: + go ahead
C: a {5000}
S: A3 NO [TOOBIG] too big
C: A4 APPEND Archive {1}
S: + go ahead
C: x
S: A4 OK [APPENDUID 38505 23] APPEND completed`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	date := time.Date(2024, 3, 2, 10, 4, 5, 0, time.FixedZone("", 3600))
	au, err := m.MultiAppend("Archive", []AppendItem{
		{Flags: []string{`\Seen`}, Date: date, Msg: []byte("a\n")},
		{Flags: []string{`\Flagged`, "$Work"}, Msg: []byte("b\r\n")},
		{Msg: []byte("c")},
	})
	if err != nil || au.UIDValidity != 38505 || au.UIDs.String() != "20:22" {
		t.Fatalf("MultiAppend = %+v, %v", au, err)
	}
	_, err = m.MultiAppend("Archive", []AppendItem{{Msg: []byte("a")}, {Msg: []byte(strings.Repeat("x", 5000))}})
	var re *ResponseError
	if !errors.As(err, &re) || re.Code != "TOOBIG" {
		t.Fatalf("refused MultiAppend = %v", err)
	}
	// The session goes on; one message is a MULTIAPPEND of one.
	if au, err := m.MultiAppend("Archive", []AppendItem{{Msg: []byte("x")}}); err != nil || au.UIDs.String() != "23" {
		t.Fatalf("MultiAppend of one = %+v, %v", au, err)
	}
	// Nothing is sent for bad flags, or for none.
	if _, err := m.MultiAppend("Archive", []AppendItem{{Msg: []byte("x")}, {Flags: []string{"a b"}}}); !errors.Is(err, ErrValue) {
		t.Errorf("bad flags: %v", err)
	}
	if au, err := m.MultiAppend("Archive", nil); au != nil || err != nil {
		t.Errorf("MultiAppend of none = %+v, %v", au, err)
	}
	tr.check()
}

func TestParseMultiAppendUID(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"9 4:6", 3, "9 4:6"},
		{"9 4,7", 2, "9 4,7"},
		{"9 4:6", 2, "error"},
		{"9 4:*", 1, "error"},
		{"9 4,4", 2, "error"},
		{"0 4", 1, "error"},
		{"9", 1, "error"},
		{"9 x", 1, "error"},
	} {
		au, err := parseMultiAppendUID([]byte(tt.in), tt.n)
		got := "error"
		if err == nil {
			got = itoa(au.UIDValidity) + " " + au.UIDs.String()
		}
		if got != tt.want {
			t.Errorf("parseMultiAppendUID(%q, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}
