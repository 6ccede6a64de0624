package imaplib

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// A methodCase is one call of a Python-mirroring method against a scripted
// server: the exact bytes the client must send, the exact (typ, data) it
// must return, or the exact error (kind and Python's message).
type methodCase struct {
	name   string
	state  string // the session's state before the call; "" leaves NONAUTH
	sync   bool   // a server without LITERAL+
	script string // the conversation after the greeting
	call   func(m *IMAP4) (string, []Item, error)
	typ    string
	data   []Item
	err    string // "kind: message" when the call must fail
	after  func(t *testing.T, m *IMAP4)
}

func runMethodCases(t *testing.T, cases []methodCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := greeting
			if tc.sync {
				g = greetingSync
			}
			script := g
			if tc.script != "" {
				script += "\n" + tc.script
			}
			m, tr, err := play(t, script, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.state != "" {
				m.state = tc.state
			}
			typ, data, err := tc.call(m)
			if tc.err != "" {
				var e *Error
				if !errors.As(err, &e) || e.Kind.String()+": "+e.Message != tc.err {
					t.Fatalf("got (%q, %s, %v), want the error %q", typ, pyItems(data), err, tc.err)
				}
			} else {
				wantResult(t, tc.name, typ, data, err, tc.typ, tc.data)
			}
			tr.check()
			if tc.after != nil {
				tc.after(t, m)
			}
		})
	}
}

func wantState(state string) func(t *testing.T, m *IMAP4) {
	return func(t *testing.T, m *IMAP4) {
		t.Helper()
		if m.State() != state {
			t.Fatalf("state %s, want %s", m.State(), state)
		}
	}
}

// wantFiled checks what Response hands out for code afterwards.
func wantFiled(code string, want ...Item) func(t *testing.T, m *IMAP4) {
	return func(t *testing.T, m *IMAP4) {
		t.Helper()
		typ, dat := m.Response(code)
		if typ != code || !itemsEqual(dat, want) {
			t.Fatalf("Response(%q) = %s %s, want %s", code, typ, pyItems(dat), pyItems(want))
		}
	}
}

var none = []Item{NoneItem}

func TestTranscriptMethodsSimple(t *testing.T) {
	runMethodCases(t, []methodCase{
		{
			name: "capability", script: `C: A1 CAPABILITY
S: * CAPABILITY IMAP4rev1 SORT THREAD=REFERENCES
S: A1 OK Capability completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Capability() },
			typ:  "OK", data: items("IMAP4rev1 SORT THREAD=REFERENCES"),
			after: func(t *testing.T, m *IMAP4) {
				// capabilities (Python's attribute) keeps the connect-time list.
				if got := strings.Join(m.Capabilities(), " "); got != "IMAP4REV1 LITERAL+ IDLE" || !m.HasCapability("thread=references") {
					t.Fatalf("capabilities %q", got)
				}
			},
		},
		{
			name: "capability without an answer", script: `C: A1 CAPABILITY
S: A1 OK nothing to say`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Capability() },
			typ:  "OK", data: none,
		},
		{
			name: "noop returns the tagged text and files the rest", state: "SELECTED", script: `C: A1 NOOP
S: * 4 EXISTS
S: * 1 RECENT
S: A1 OK NOOP completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Noop() },
			typ:  "OK", data: items("NOOP completed."),
			after: wantFiled("EXISTS", items("4")...),
		},
		{
			name: "check", state: "SELECTED", script: `C: A1 CHECK
S: A1 OK Check completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Check() },
			typ:  "OK", data: items("Check completed."),
		},
		{
			name: "check refused before select", state: "AUTH",
			call: func(m *IMAP4) (string, []Item, error) { return m.Check() },
			err:  "error: command CHECK illegal in state AUTH, only allowed in states SELECTED",
		},
		{
			name: "close", state: "SELECTED", script: `C: A1 CLOSE
S: A1 OK Close completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.CloseMailbox() },
			typ:  "OK", data: items("Close completed."),
			after: wantState("AUTH"),
		},
		{
			name: "close refused by the server still leaves the mailbox", state: "SELECTED", script: `C: A1 CLOSE
S: A1 BAD No mailbox selected.`,
			call:  func(m *IMAP4) (string, []Item, error) { return m.CloseMailbox() },
			err:   "error: CLOSE command error: BAD [b'No mailbox selected.']",
			after: wantState("AUTH"),
		},
		{
			name: "close in the wrong state still goes to AUTH", state: "NONAUTH",
			call:  func(m *IMAP4) (string, []Item, error) { return m.CloseMailbox() },
			err:   "error: command CLOSE illegal in state NONAUTH, only allowed in states SELECTED",
			after: wantState("AUTH"),
		},
		{
			name: "unselect", state: "SELECTED", script: `C: A1 UNSELECT
S: A1 OK Unselect completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Unselect() },
			typ:  "OK", data: items("Unselect completed."),
			after: wantState("AUTH"),
		},
		{
			name: "copy", state: "SELECTED", script: `C: A1 COPY 1:2 Archive
S: A1 OK [COPYUID 1700000000 3:4 7:8] Copy completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Copy("1:2", "Archive") },
			typ:  "OK", data: items("[COPYUID 1700000000 3:4 7:8] Copy completed."),
			after: wantFiled("COPYUID", items("1700000000 3:4 7:8")...),
		},
		{
			name: "copy to a missing mailbox", state: "SELECTED", script: `C: A1 COPY 1 Nowhere
S: A1 NO [TRYCREATE] Mailbox doesn't exist: Nowhere`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Copy("1", "Nowhere") },
			typ:  "NO", data: items("[TRYCREATE] Mailbox doesn't exist: Nowhere"),
			after: wantFiled("TRYCREATE", items("")...),
		},
		{
			name: "create with a quoted name", state: "AUTH", script: `C: A1 CREATE "My Folder"
S: A1 OK Create completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Create(`"My Folder"`) },
			typ:  "OK", data: items("Create completed."),
		},
		{
			name: "create sends the name verbatim, as Python 3 does", state: "AUTH", script: `C: A1 CREATE My Folder
S: A1 BAD Error in IMAP command CREATE: Unexpected argument`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Create("My Folder") },
			err:  "error: CREATE command error: BAD [b'Error in IMAP command CREATE: Unexpected argument']",
		},
		{
			name: "delete", state: "SELECTED", script: `C: A1 DELETE Old
S: A1 NO [NONEXISTENT] Mailbox doesn't exist: Old`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Delete("Old") },
			typ:  "NO", data: items("[NONEXISTENT] Mailbox doesn't exist: Old"),
		},
		{
			name: "rename", state: "AUTH", script: `C: A1 RENAME Work Projects
S: A1 OK Rename completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Rename("Work", "Projects") },
			typ:  "OK", data: items("Rename completed."),
		},
		{
			name: "subscribe", state: "AUTH", script: `C: A1 SUBSCRIBE Projects
S: A1 OK Subscribe completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Subscribe("Projects") },
			typ:  "OK", data: items("Subscribe completed."),
		},
		{
			name: "unsubscribe", state: "AUTH", script: `C: A1 UNSUBSCRIBE Projects
S: A1 OK Unsubscribe completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Unsubscribe("Projects") },
			typ:  "OK", data: items("Unsubscribe completed."),
		},
		{
			name: "proxyauth", state: "AUTH", script: `C: A1 PROXYAUTH bob
S: A1 OK Proxy authentication completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.ProxyAuth("bob") },
			typ:  "OK", data: items("Proxy authentication completed."),
		},
		{
			name: "proxyauth refused", state: "AUTH", script: `C: A1 PROXYAUTH bob
S: A1 NO Not an administrator`,
			call: func(m *IMAP4) (string, []Item, error) { return m.ProxyAuth("bob") },
			typ:  "NO", data: items("Not an administrator"),
		},
		{
			name: "proxyauth only in AUTH", state: "SELECTED",
			call: func(m *IMAP4) (string, []Item, error) { return m.ProxyAuth("bob") },
			err:  "error: command PROXYAUTH illegal in state SELECTED, only allowed in states AUTH",
		},
		{
			name: "xatom of a known command", state: "SELECTED", script: `C: A1 MOVE 1:3 Trash
S: * OK [COPYUID 9 1:3 4:6] Moved UIDs.
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: A1 OK Move completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Xatom("move", "1:3", "Trash") },
			typ:  "OK", data: items("Move completed."),
			after: wantFiled("EXPUNGE", items("1", "1", "1")...),
		},
		{
			name: "xatom of an unknown command is allowed in the current state", state: "AUTH", script: `C: A1 XLIST "" *
S: * XLIST (\HasNoChildren \Inbox) "/" INBOX
S: A1 OK XLIST completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Xatom("xlist", `""`, "*") },
			typ:  "OK", data: items("XLIST completed."),
			after: wantFiled("XLIST", items(`(\HasNoChildren \Inbox) "/" INBOX`)...),
		},
	})
}

func TestTranscriptMethodsUntagged(t *testing.T) {
	runMethodCases(t, []methodCase{
		{
			name: "expunge", state: "SELECTED", script: `C: A1 EXPUNGE
S: * 3 EXPUNGE
S: * 3 EXPUNGE
S: * 5 EXPUNGE
S: A1 OK Expunge completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Expunge() },
			typ:  "OK", data: items("3", "3", "5"),
		},
		{
			name: "expunge of nothing", state: "SELECTED", script: `C: A1 EXPUNGE
S: A1 OK Expunge completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Expunge() },
			typ:  "OK", data: none,
		},
		{
			name: "fetch RFC822, Python's example", state: "SELECTED", script: `C: A1 FETCH 1 (RFC822)
S: * 1 FETCH (RFC822 {11}
S= Hi\r\n\r\nthere
S: )
S: A1 OK Fetch completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Fetch("1", "(RFC822)") },
			typ:  "OK", data: []Item{PairItem([]byte("1 (RFC822 {11}"), []byte("Hi\r\n\r\nthere")), LineItem([]byte(")"))},
		},
		{
			name: "fetch refused", state: "SELECTED", script: `C: A1 FETCH 9 (FLAGS)
S: A1 NO Invalid messageset`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Fetch("9", "(FLAGS)") },
			typ:  "NO", data: items("Invalid messageset"),
		},
		{
			name: "list with Python's defaults", state: "AUTH", script: `C: A1 LIST "" *
S: * LIST (\HasNoChildren) "/" INBOX
S: * LIST (\HasNoChildren \Trash) "/" Trash
S: A1 OK List completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.List("", "") },
			typ:  "OK", data: items(`(\HasNoChildren) "/" INBOX`, `(\HasNoChildren \Trash) "/" Trash`),
		},
		{
			name: "list with a pattern", state: "SELECTED", script: `C: A1 LIST "" T%
S: A1 OK List completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.List(`""`, "T%") },
			typ:  "OK", data: none,
		},
		{
			name: "lsub", state: "AUTH", script: `C: A1 LSUB "" *
S: * LSUB () "/" Projects
S: A1 OK Lsub completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Lsub("", "") },
			typ:  "OK", data: items(`() "/" Projects`),
		},
		{
			name: "namespace", state: "AUTH", script: `C: A1 NAMESPACE
S: * NAMESPACE (("" "/")) NIL NIL
S: A1 OK Namespace completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Namespace() },
			typ:  "OK", data: items(`(("" "/")) NIL NIL`),
		},
		{
			name: "partial", state: "SELECTED", script: `C: A1 PARTIAL 1 BODY[TEXT] 0 4
S: * 1 FETCH (BODY[TEXT]<0> {4}
S= body
S: )
S: A1 OK Partial completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Partial("1", "BODY[TEXT]", "0", "4") },
			typ:  "OK", data: []Item{PairItem([]byte("1 (BODY[TEXT]<0> {4}"), []byte("body")), LineItem([]byte(")"))},
		},
		{
			// Dovecot, like every current server, has no PARTIAL: a BAD.
			name: "partial unknown to the server", state: "SELECTED", script: `C: A1 PARTIAL 1 BODY[] 0 10
S: A1 BAD Error in IMAP command PARTIAL: Unknown command.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Partial("1", "BODY[]", "0", "10") },
			err:  "error: PARTIAL command error: BAD [b'Error in IMAP command PARTIAL: Unknown command.']",
		},
		{
			name: "search", state: "SELECTED", script: `C: A1 SEARCH CHARSET UTF-8 FROM "sender1@example.org" SINCE 1-Mar-2024
S: * SEARCH 2 5
S: A1 OK Search completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.Search("UTF-8", "FROM", `"sender1@example.org"`, "SINCE", "1-Mar-2024")
			},
			typ: "OK", data: items("2 5"),
		},
		{
			name: "search with an empty result", state: "SELECTED", script: `C: A1 SEARCH DELETED
S: * SEARCH
S: A1 OK Search completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Search("", "DELETED") },
			typ:  "OK", data: items(""),
		},
		{
			name: "search with a charset in UTF-8 mode", state: "SELECTED",
			call: func(m *IMAP4) (string, []Item, error) {
				m.utf8 = true
				return m.Search("UTF-8", "ALL")
			},
			err: "error: Non-None charset not valid in UTF8 mode",
		},
		{
			name: "sort puts the criteria in parentheses", state: "SELECTED", script: `C: A1 SORT (REVERSE DATE) UTF-8 ALL
S: * SORT 3 2 1
S: A1 OK Sort completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Sort("REVERSE DATE", "UTF-8", "ALL") },
			typ:  "OK", data: items("3 2 1"),
		},
		{
			name: "sort leaves parenthesised criteria and a None charset out", state: "SELECTED", script: `C: A1 SORT (SUBJECT) SEEN
S: A1 BAD Error in IMAP command SORT: Invalid charset`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Sort("(SUBJECT)", "", "SEEN") },
			err:  "error: SORT command error: BAD [b'Error in IMAP command SORT: Invalid charset']",
		},
		{
			name: "thread", state: "SELECTED", script: `C: A1 THREAD REFERENCES UTF-8 ALL
S: * THREAD (1 2)(3)
S: A1 OK Thread completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Thread("REFERENCES", "UTF-8", "ALL") },
			typ:  "OK", data: items("(1 2)(3)"),
		},
		{
			name: "status", state: "AUTH", script: `C: A1 STATUS INBOX (MESSAGES UNSEEN)
S: * STATUS INBOX (MESSAGES 5 UNSEEN 2)
S: A1 OK Status completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Status("INBOX", "(MESSAGES UNSEEN)") },
			typ:  "OK", data: items("INBOX (MESSAGES 5 UNSEEN 2)"),
		},
		{
			name: "status of a missing mailbox", state: "AUTH", script: `C: A1 STATUS Nowhere (MESSAGES)
S: A1 NO Mailbox doesn't exist: Nowhere`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Status("Nowhere", "(MESSAGES)") },
			typ:  "NO", data: items("Mailbox doesn't exist: Nowhere"),
		},
		{
			name: "store puts the flags in parentheses", state: "SELECTED", script: `C: A1 STORE 1:2 +FLAGS (\Flagged)
S: * 1 FETCH (FLAGS (\Flagged \Seen))
S: * 2 FETCH (FLAGS (\Flagged))
S: A1 OK Store completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Store("1:2", "+FLAGS", `\Flagged`) },
			typ:  "OK", data: items(`1 (FLAGS (\Flagged \Seen))`, `2 (FLAGS (\Flagged))`),
		},
		{
			name: "store silently", state: "SELECTED", script: `C: A1 STORE 1 -FLAGS.SILENT (\Seen \Flagged)
S: A1 OK Store completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Store("1", "-FLAGS.SILENT", `(\Seen \Flagged)`) },
			typ:  "OK", data: none,
		},
		{
			name: "getacl", state: "AUTH", script: `C: A1 GETACL INBOX
S: * ACL INBOX owner lrwstipekxacd carol lr
S: A1 OK Getacl completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.GetACL("INBOX") },
			typ:  "OK", data: items("INBOX owner lrwstipekxacd carol lr"),
		},
		{
			name: "setacl", state: "AUTH", script: `C: A1 SETACL Archive carol lr
S: A1 OK Setacl completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.SetACL("Archive", "carol", "lr") },
			typ:  "OK", data: items("Setacl completed."),
		},
		{
			name: "deleteacl", state: "SELECTED", script: `C: A1 DELETEACL Archive carol
S: A1 OK Deleteacl completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.DeleteACL("Archive", "carol") },
			typ:  "OK", data: items("Deleteacl completed."),
		},
		{
			name: "myrights", state: "AUTH", script: `C: A1 MYRIGHTS INBOX
S: * MYRIGHTS INBOX lrwstipekxacd
S: A1 OK Myrights completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.MyRights("INBOX") },
			typ:  "OK", data: items("INBOX lrwstipekxacd"),
		},
		{
			name: "myrights without ACL support", state: "AUTH", script: `C: A1 MYRIGHTS INBOX
S: A1 BAD Error in IMAP command MYRIGHTS: Unknown command.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.MyRights("INBOX") },
			err:  "error: MYRIGHTS command error: BAD [b'Error in IMAP command MYRIGHTS: Unknown command.']",
		},
		{
			name: "getquota", state: "AUTH", script: `C: A1 GETQUOTA "User quota"
S: * QUOTA "User quota" (STORAGE 10 102400)
S: A1 OK Getquota completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.GetQuota(`"User quota"`) },
			typ:  "OK", data: items(`"User quota" (STORAGE 10 102400)`),
		},
		{
			// Dovecot answers SETQUOTA with NO unless quota_set is set up.
			name: "setquota", state: "AUTH", script: `C: A1 SETQUOTA "User quota" (STORAGE 512)
S: * QUOTA "User quota" (STORAGE 10 512)
S: A1 OK Setquota completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.SetQuota(`"User quota"`, "(STORAGE 512)") },
			typ:  "OK", data: items(`"User quota" (STORAGE 10 512)`),
		},
		{
			name: "setquota refused", state: "AUTH", script: `C: A1 SETQUOTA "User quota" (STORAGE 512)
S: A1 NO Quota can be changed only by admin.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.SetQuota(`"User quota"`, "(STORAGE 512)") },
			typ:  "NO", data: items("Quota can be changed only by admin."),
		},
		{
			// Dovecot has METADATA (RFC 5464), not the ANNOTATEMORE draft
			// that GETANNOTATION and SETANNOTATION belong to: transcripts only.
			name: "getannotation", state: "AUTH", script: `C: A1 GETANNOTATION INBOX /comment value.priv
S: * ANNOTATION INBOX "/comment" ("value.priv" "My comment")
S: A1 OK Getannotation completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.GetAnnotation("INBOX", "/comment", "value.priv") },
			typ:  "OK", data: items(`INBOX "/comment" ("value.priv" "My comment")`),
		},
		{
			name: "setannotation", state: "AUTH", script: `C: A1 SETANNOTATION INBOX /comment ("value.priv" "hi") /flags ("value.shared" NIL)
S: A1 OK Setannotation completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.SetAnnotation("INBOX", "/comment", `("value.priv" "hi")`, "/flags", `("value.shared" NIL)`)
			},
			typ: "OK", data: none,
		},
		{
			name: "setannotation answered with annotations", state: "AUTH", script: `C: A1 SETANNOTATION INBOX /comment ("value.priv" "hi")
S: * ANNOTATION INBOX "/comment" ("value.priv" "hi")
S: A1 OK Setannotation completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.SetAnnotation("INBOX", "/comment", `("value.priv" "hi")`)
			},
			typ: "OK", data: items(`INBOX "/comment" ("value.priv" "hi")`),
		},
	})
}

func TestTranscriptMethodsUID(t *testing.T) {
	runMethodCases(t, []methodCase{
		{
			name: "uid fetch", state: "SELECTED", script: `C: A1 UID FETCH 1:* (FLAGS)
S: * 1 FETCH (UID 4 FLAGS (\Seen))
S: * 2 FETCH (UID 9 FLAGS ())
S: A1 OK Fetch completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("fetch", "1:*", "(FLAGS)") },
			typ:  "OK", data: items(`1 (UID 4 FLAGS (\Seen))`, `2 (UID 9 FLAGS ())`),
		},
		{
			name: "uid search", state: "SELECTED", script: `C: A1 UID SEARCH UNSEEN
S: * SEARCH 9 12
S: A1 OK Search completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("SEARCH", "UNSEEN") },
			typ:  "OK", data: items("9 12"),
		},
		{
			// UID STORE sends the flags as given: Python parenthesises only in store().
			name: "uid store", state: "SELECTED", script: `C: A1 UID STORE 9 +FLAGS \Deleted
S: * 2 FETCH (UID 9 FLAGS (\Deleted))
S: A1 OK Store completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("STORE", "9", "+FLAGS", `\Deleted`) },
			typ:  "OK", data: items(`2 (UID 9 FLAGS (\Deleted))`),
		},
		{
			name: "uid copy returns FETCH data, None here", state: "SELECTED", script: `C: A1 UID COPY 4,9 Archive
S: A1 OK [COPYUID 1700000000 4,9 1:2] Copy completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("COPY", "4,9", "Archive") },
			typ:  "OK", data: none,
			after: wantFiled("COPYUID", items("1700000000 4,9 1:2")...),
		},
		{
			name: "uid move", state: "SELECTED", script: `C: A1 UID MOVE 9 Trash
S: * OK [COPYUID 1700000001 9 3] Moved UIDs.
S: * 2 EXPUNGE
S: A1 OK Move completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("MOVE", "9", "Trash") },
			typ:  "OK", data: none,
			after: wantFiled("EXPUNGE", items("2")...),
		},
		{
			name: "uid expunge", state: "SELECTED", script: `C: A1 UID EXPUNGE 4:9
S: * 1 EXPUNGE
S: A1 OK Expunge completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("EXPUNGE", "4:9") },
			typ:  "OK", data: none,
			after: wantFiled("EXPUNGE", items("1")...),
		},
		{
			name: "uid sort", state: "SELECTED", script: `C: A1 UID SORT (ARRIVAL) UTF-8 ALL
S: * SORT 4 9
S: A1 OK Sort completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("SORT", "(ARRIVAL)", "UTF-8", "ALL") },
			typ:  "OK", data: items("4 9"),
		},
		{
			name: "uid thread", state: "SELECTED", script: `C: A1 UID THREAD ORDEREDSUBJECT UTF-8 ALL
S: * THREAD (4 9)
S: A1 OK Thread completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL") },
			typ:  "OK", data: items("(4 9)"),
		},
		{
			name: "uid with a NO keeps the tagged text", state: "SELECTED", script: `C: A1 UID COPY 4 Nowhere
S: A1 NO [TRYCREATE] Mailbox doesn't exist: Nowhere`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("COPY", "4", "Nowhere") },
			typ:  "NO", data: items("[TRYCREATE] Mailbox doesn't exist: Nowhere"),
		},
		{
			name: "uid BAD names UID", state: "SELECTED", script: `C: A1 UID FETCH 1 (NOSUCH)
S: A1 BAD Error in IMAP command UID FETCH: Unknown parameter NOSUCH`,
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("FETCH", "1", "(NOSUCH)") },
			err:  "error: UID command error: BAD [b'Error in IMAP command UID FETCH: Unknown parameter NOSUCH']",
		},
		{
			name: "uid of an unknown command", state: "SELECTED",
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("bogus", "1") },
			err:  "error: Unknown IMAP4 UID command: BOGUS",
		},
		{
			name: "uid of a command not allowed now", state: "SELECTED",
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("LOGIN", "a", "b") },
			err:  "error: command LOGIN illegal in state SELECTED, only allowed in states NONAUTH",
		},
		{
			name: "uid before select", state: "AUTH",
			call: func(m *IMAP4) (string, []Item, error) { return m.UID("FETCH", "1", "(FLAGS)") },
			err:  "error: command FETCH illegal in state AUTH, only allowed in states SELECTED",
		},
		{
			name: "uid of a command added by xatom", state: "SELECTED", script: `C: A1 XFOO 1
S: A1 OK done
C: A2 UID XFOO 4
S: * 1 FETCH (UID 4)
S: A2 OK done`,
			call: func(m *IMAP4) (string, []Item, error) {
				if _, _, err := m.Xatom("XFOO", "1"); err != nil {
					return "", nil, err
				}
				return m.UID("XFOO", "4")
			},
			typ: "OK", data: items("1 (UID 4)"),
		},
	})
}

func TestTranscriptMethodsSession(t *testing.T) {
	runMethodCases(t, []methodCase{
		{
			name: "login", script: `C: A1 LOGIN alice "secret"
S: A1 OK [CAPABILITY IMAP4rev1 SORT] Logged in`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Login("alice", "secret") },
			typ:  "OK", data: items("[CAPABILITY IMAP4rev1 SORT] Logged in"),
			after: wantState("AUTH"),
		},
		{
			name: "login refused", script: `C: A1 LOGIN alice "wrong"
S: A1 NO [AUTHENTICATIONFAILED] Authentication failed.`,
			call:  func(m *IMAP4) (string, []Item, error) { return m.Login("alice", "wrong") },
			err:   "error: b'[AUTHENTICATIONFAILED] Authentication failed.'",
			after: wantState("NONAUTH"),
		},
		{
			name: "logout returns BYE", state: "SELECTED", script: `C: A1 LOGOUT
S: * BYE Logging out
S: A1 OK Logout completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Logout() },
			typ:  "BYE", data: items("Logging out"),
			after: wantState("LOGOUT"),
		},
		{
			name: "logout answered without BYE", state: "AUTH", script: `C: A1 LOGOUT
S: A1 OK Logout completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Logout() },
			typ:  "OK", data: items("Logout completed."),
		},
		{
			name: "select returns EXISTS", state: "AUTH", script: `C: A1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 5 EXISTS
S: * 2 RECENT
S: * OK [UIDVALIDITY 1700000000] UIDs valid
S: A1 OK [READ-WRITE] Select completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Select("", false) },
			typ:  "OK", data: items("5"),
			after: func(t *testing.T, m *IMAP4) {
				wantState("SELECTED")(t, m)
				wantFiled("RECENT", items("2")...)(t, m)
				wantFiled("READ-WRITE", items("")...)(t, m)
				wantFiled("EXISTS", items("5")...)(t, m) // select does not hand it out
				if m.IsReadonly() {
					t.Fatal("is_readonly after SELECT")
				}
			},
		},
		{
			name: "examine", state: "SELECTED", script: `C: A1 EXAMINE Archive
S: * 2 EXISTS
S: A1 OK [READ-ONLY] Examine completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Select("Archive", true) },
			typ:  "OK", data: items("2"),
			after: func(t *testing.T, m *IMAP4) {
				if !m.IsReadonly() || m.State() != "SELECTED" {
					t.Fatalf("readonly %v, state %s", m.IsReadonly(), m.State())
				}
			},
		},
		{
			name: "select of a missing mailbox", state: "SELECTED", script: `C: A1 SELECT Nowhere
S: A1 NO Mailbox doesn't exist: Nowhere`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Select("Nowhere", false) },
			typ:  "NO", data: items("Mailbox doesn't exist: Nowhere"),
			after: wantState("AUTH"),
		},
		{
			name: "select flushes old responses", state: "SELECTED", script: `C: A1 NOOP
S: * 7 EXISTS
S: * OK [ALERT] hello
S: A1 OK done
C: A2 SELECT Other
S: A2 OK [READ-WRITE] Select completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				if _, _, err := m.Noop(); err != nil {
					return "", nil, err
				}
				return m.Select("Other", false)
			},
			typ: "OK", data: none,
			after: func(t *testing.T, m *IMAP4) {
				wantFiled("ALERT", none...)(t, m)
				wantFiled("EXISTS", none...)(t, m)
			},
		},
		{
			name: "a writable mailbox turned read-only", state: "SELECTED", script: `C: A1 NOOP
S: * OK [READ-ONLY] Mailbox is now read-only
S: A1 OK done`,
			call: func(m *IMAP4) (string, []Item, error) {
				if _, _, err := m.Noop(); err != nil {
					return "", nil, err
				}
				return m.Fetch("1", "(FLAGS)")
			},
			err: "readonly: mailbox status changed to READ-ONLY",
		},
		{
			name: "response clears what it returns", state: "SELECTED", script: `C: A1 NOOP
S: * OK [UIDNEXT 8] next
S: * OK [UIDNEXT 9] next
S: A1 OK done`,
			call: func(m *IMAP4) (string, []Item, error) {
				if _, _, err := m.Noop(); err != nil {
					return "", nil, err
				}
				typ, dat := m.Response("uidnext")
				return typ, dat, nil
			},
			typ: "uidnext", data: items("8", "9"),
			after: wantFiled("UIDNEXT", none...),
		},
		{
			name: "recent already filed", state: "SELECTED", script: `C: A1 NOOP
S: * 3 RECENT
S: A1 OK done`,
			call: func(m *IMAP4) (string, []Item, error) {
				if _, _, err := m.Noop(); err != nil {
					return "", nil, err
				}
				return m.Recent() // no command sent: the script ends here
			},
			typ: "OK", data: items("3"),
		},
		{
			name: "recent prompts with NOOP", state: "SELECTED", script: `C: A1 NOOP
S: * 1 RECENT
S: A1 OK NOOP completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Recent() },
			typ:  "OK", data: items("1"),
		},
		{
			name: "recent with no news", state: "SELECTED", script: `C: A1 NOOP
S: A1 OK NOOP completed.`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Recent() },
			typ:  "OK", data: none,
		},
		{
			name: "recent refused", state: "SELECTED", script: `C: A1 NOOP
S: A1 NO try later`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Recent() },
			typ:  "NO", data: items("try later"),
		},
	})
}

func TestTranscriptGetQuotaRoot(t *testing.T) {
	cases := []struct {
		name, mailbox  string
		script, typ    string
		quotaRoot, quo []Item
	}{
		{"both parts", "INBOX", `C: A1 GETQUOTAROOT INBOX
S: * QUOTAROOT INBOX "User quota"
S: * QUOTA "User quota" (STORAGE 10 102400 MESSAGE 3 1000)
S: A1 OK Getquotaroot completed.`, "OK",
			items(`INBOX "User quota"`), items(`"User quota" (STORAGE 10 102400 MESSAGE 3 1000)`)},
		{"no quota", "INBOX", `C: A1 GETQUOTAROOT INBOX
S: * QUOTAROOT INBOX
S: A1 OK Getquotaroot completed.`, "OK", items("INBOX"), none},
		{"refused: the tagged text twice, as Python", "Nowhere", `C: A1 GETQUOTAROOT Nowhere
S: A1 NO Mailbox doesn't exist: Nowhere`, "NO",
			items("Mailbox doesn't exist: Nowhere"), items("Mailbox doesn't exist: Nowhere")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, tr, err := play(t, greeting+"\n"+tc.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			m.state = "AUTH"
			typ, qr, q, err := m.GetQuotaRoot(tc.mailbox)
			wantResult(t, "quotaroot", typ, qr, err, tc.typ, tc.quotaRoot)
			wantResult(t, "quota", typ, q, err, tc.typ, tc.quo)
			tr.check()
		})
	}
}

func TestTranscriptAppend(t *testing.T) {
	// A time in a zone two hours east of UTC; Time2Internaldate keeps it.
	eet := time.Date(2033, 5, 18, 5, 33, 20, 0, time.FixedZone("EET", 2*3600))
	runMethodCases(t, []methodCase{
		{
			name: "flags and date", state: "AUTH", script: `C: A1 APPEND Archive (\Seen \Flagged) "18-May-2033 05:33:20 +0200" {7+}
C: a\r\nb\r\n.
S: A1 OK [APPENDUID 1700000000 3] Append completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.Append("Archive", `\Seen \Flagged`, `"18-May-2033 05:33:20 +0200"`, []byte("a\nb\r."))
			},
			typ: "OK", data: items("[APPENDUID 1700000000 3] Append completed."),
			after: wantFiled("APPENDUID", items("1700000000 3")...),
		},
		{
			name: "a time.Time date, parenthesised flags", state: "SELECTED", script: `C: A1 APPEND INBOX (\Draft) "18-May-2033 05:33:20 +0200" {2+}
C: hi
S: A1 OK Append completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.AppendTime("", `(\Draft)`, eet, []byte("hi"))
			},
			typ: "OK", data: items("Append completed."),
		},
		{
			name: "a date in seconds, through Time2InternaldateValue", state: "AUTH", script: `C: A1 APPEND INBOX "18-May-2033 03:33:20 +0000" {2+}
C: hi
S: A1 OK Append completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				d := Time2Internaldate(time.Unix(2000000000, 0).UTC())
				return m.Append("INBOX", "", d, []byte("hi"))
			},
			typ: "OK", data: items("Append completed."),
		},
		{
			// The server has LITERAL+, but \Recent is a flag it may
			// refuse before the literal: the client waits for the
			// go-ahead, and sends nothing more when refused.
			name: "a flag the server may refuse", state: "AUTH", script: `C: A1 APPEND INBOX (\Recent) {2}
S: A1 BAD Error in IMAP command APPEND: Invalid system flag \Recent`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.Append("INBOX", `(\Recent)`, "", []byte("hi"))
			},
			err: `error: APPEND command error: BAD [b'Error in IMAP command APPEND: Invalid system flag \\Recent']`,
		},
		{
			name: "no flags, no date", state: "AUTH", sync: true, script: `C: A1 APPEND Drafts {3}
S: + OK
C: abc
S: A1 OK Append completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				return m.AppendTime("Drafts", "", time.Time{}, []byte("abc"))
			},
			typ: "OK", data: items("Append completed."),
		},
		{
			name: "an unquoted date is refused before sending", state: "AUTH",
			call: func(m *IMAP4) (string, []Item, error) {
				return m.Append("INBOX", "", "18-May-2033 05:33:20 +0200", []byte("x"))
			},
			err: "ValueError: date_time not of a known type",
		},
		{
			name: "over quota", state: "AUTH", sync: true, script: `C: A1 APPEND INBOX {1}
S: A1 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)`,
			call: func(m *IMAP4) (string, []Item, error) { return m.Append("INBOX", "", "", []byte("x")) },
			typ:  "NO", data: items("[OVERQUOTA] Quota exceeded (mailbox for user is full)"),
		},
		{
			name: "in UTF-8 mode the literal is UTF8 (~{n})", state: "AUTH", script: `C: A1 APPEND INBOX UTF8 (~{5+}
C= hé\r\n)\r\n
S: A1 OK Append completed.`,
			call: func(m *IMAP4) (string, []Item, error) {
				m.utf8 = true
				return m.Append("INBOX", "", "", []byte("hé\n"))
			},
			typ: "OK", data: items("Append completed."),
		},
	})
}

// TestTranscriptRawIO covers read, readline, send, socket and shutdown.
func TestTranscriptRawIO(t *testing.T) {
	m, tr, err := play(t, greeting+`
C: X1 NOOP
S: X1 OK raw
S= 12345
C: A1 NOOP
S: A1 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := m.Send([]byte("X1 NOOP\r\n")); err != nil || n != 9 {
		t.Fatalf("send: %d %v", n, err)
	}
	line, err := m.Readline()
	if err != nil || string(line) != "X1 OK raw\r\n" {
		t.Fatalf("readline: %q %v", line, err)
	}
	b, err := m.Read(5)
	if err != nil || string(b) != "12345" {
		t.Fatalf("read: %q %v", b, err)
	}
	typ, dat, err := m.Noop()
	wantResult(t, "noop", typ, dat, err, "OK", items("done"))
	if _, ok := m.Conn().(net.Conn); !ok {
		t.Fatalf("socket() is %T, want a net.Conn", m.Conn())
	}
	if err := m.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Noop(); !errors.Is(err, ErrAbort) {
		t.Fatalf("noop after shutdown: %v", err)
	}
	tr.check()
}
