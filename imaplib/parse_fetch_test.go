package imaplib

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// Data lists captured from Dovecot 2.3 with Python's imaplib: FETCH of
// three messages (a text/plain one with a quote and a backslash in its
// Subject, so that Dovecot sends it as a literal; a multipart/mixed with a
// multipart/alternative, a PDF with every extension field, a forwarded
// multipart message and a forwarded single-part message, and RFC 5322
// groups; a message with almost no headers), then LIST, STATUS, SEARCH and
// ESEARCH data of the same mailboxes.
var dovecotFetchAll = []Item{
	PairItem([]byte(`1 (UID 1 FLAGS (\Seen $Forwarded) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE 448 MODSEQ (8) ENVELOPE ("Tue, 1 Jul 2003 10:52:37 +0200" {37}`), []byte(`=?UTF-8?Q?caf=C3=A9?= "quoted" \ back`)),
	PairItem([]byte(` (("Joe Q. Public" NIL "john.q.public" "example.com")) (("Joe Q. Public" NIL "john.q.public" "example.com")) (("Joe Q. Public" NIL "john.q.public" "example.com")) (("Mary Smith" NIL "mary" "x.test")(NIL NIL "jdoe" "example.org")("Who?" NIL "one" "y.test")) ((NIL NIL "boss" "nil.test")({16}`), []byte(`Giant; "Big" Box`)),
	LineItem([]byte(` NIL "sysservices" "example.net")) NIL NIL "<5678.21-Nov-1997@example.com>") BODYSTRUCTURE ("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "8bit" 21 2 NIL NIL NIL NIL))`)),
	LineItem([]byte(`2 (UID 2 FLAGS (\Flagged \Seen $Forwarded) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE 1514 MODSEQ (8) ENVELOPE ("Thu, 13 Feb 1969 23:32:54 -0330" "multipart" (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example")) ((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL)) ((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL)) NIL "<5678.21-Nov-1997@example.com>" "<testabcd.1234@silly.example>") BODYSTRUCTURE ((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "quoted-printable" 11 0 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)("application" "pdf" ("name" "doc.pdf") "<part2@silly.example>" "A document" "base64" 20 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("attachment" ("filename" "doc.pdf" "size" "12")) ("en" "de") "http://example.com/doc.pdf")("message" "rfc822" NIL NIL NIL "7bit" 348 ("Mon, 2 Jan 2006 15:04:05 +0000" "forwarded" ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "someone" "example.com")) NIL NIL NIL NIL) (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)("image" "gif" NIL NIL NIL "base64" 20 NIL ("inline" NIL) NIL NIL) "mixed" ("boundary" "b3") NIL NIL NIL) 18 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 66 (NIL "single part inside" ((NIL NIL "single" "example.com")) ((NIL NIL "single" "example.com")) ((NIL NIL "single" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 9 0 NIL NIL NIL NIL) 3 NIL ("attachment" NIL) NIL NIL) "mixed" ("boundary" "outer") NIL NIL NIL))`)),
	LineItem([]byte(`3 (UID 3 FLAGS (\Seen $Forwarded) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE 34 MODSEQ (8) ENVELOPE (NIL "no headers much" NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))`)),
}

var dovecotFetchBody = []Item{
	LineItem([]byte(`2 (BODY ((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0)("text" "html" ("charset" "us-ascii") NIL NIL "quoted-printable" 11 0) "alternative")("application" "pdf" ("name" "doc.pdf") "<part2@silly.example>" "A document" "base64" 20)("message" "rfc822" NIL NIL NIL "7bit" 348 ("Mon, 2 Jan 2006 15:04:05 +0000" "forwarded" ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "someone" "example.com")) NIL NIL NIL NIL) (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0)("image" "gif" NIL NIL NIL "base64" 20) "mixed") 18)("message" "rfc822" NIL NIL NIL "7bit" 66 (NIL "single part inside" ((NIL NIL "single" "example.com")) ((NIL NIL "single" "example.com")) ((NIL NIL "single" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 9 0) 3) "mixed"))`)),
}

var dovecotFetchSections = []Item{
	PairItem([]byte(`1 (SAVEDATE "26-Nov-2026 02:02:16 +0000" BODY[HEADER.FIELDS (FROM SUBJECT)] {101}`), []byte("From: \"Joe Q. Public\" <john.q.public@example.com>\r\nSubject: =?UTF-8?Q?caf=C3=A9?= \"quoted\" \\ back\r\n\r\n")),
	PairItem([]byte(` BODY[1]<0> {5}`), []byte(`Hi ev`)),
	PairItem([]byte(` BINARY[1] {21}`), []byte("Hi everyone.\r\ncaf\xc3\xa9\r\n")),
	PairItem([]byte(` BINARY.SIZE[1] 21 RFC822.HEADER {427}`), []byte("From: \"Joe Q. Public\" <john.q.public@example.com>\r\nTo: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\r\nCc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\r\nDate: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <5678.21-Nov-1997@example.com>\r\nSubject: =?UTF-8?Q?caf=C3=A9?= \"quoted\" \\ back\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")),
	PairItem([]byte(` BODY[TEXT]<2> {19}`), []byte(" everyone.\r\ncaf\xc3\xa9\r\n")),
	LineItem([]byte(`)`)),
	PairItem([]byte(`2 (SAVEDATE "26-Nov-2026 02:02:16 +0000" BODY[HEADER.FIELDS (FROM SUBJECT)] {55}`), []byte("From: Pete <pete@silly.example>\r\nSubject: multipart\r\n\r\n")),
	PairItem([]byte(` BODY[1]<0> {5}`), []byte(`--inn`)),
	PairItem([]byte(` BINARY[1] ~{180}`), []byte("--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain text\r\n--inner\r\nContent-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: binary\r\n\r\n<p>html</p>\r\n--inner--\r\n")),
	PairItem([]byte(` BINARY.SIZE[1] 173 RFC822.HEADER {350}`), []byte("From: Pete <pete@silly.example>\r\nTo: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\r\nCc: Undisclosed recipients:;\r\nDate: Thu, 13 Feb 1969 23:32:54 -0330\r\nMessage-ID: <testabcd.1234@silly.example>\r\nIn-Reply-To: <5678.21-Nov-1997@example.com>\r\nSubject: multipart\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n")),
	PairItem([]byte(` BODY[TEXT]<2> {1162}`), []byte("eamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain text\r\n--inner\r\nContent-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>html</p>\r\n--inner--\r\n--outer\r\nContent-Type: application/pdf; name=\"doc.pdf\"\r\nContent-Disposition: attachment; filename=\"doc.pdf\"; size=12\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <part2@silly.example>\r\nContent-Description: A document\r\nContent-Language: en, de\r\nContent-Location: http://example.com/doc.pdf\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\nSGVsbG8gd29ybGQhCg==\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.com\r\nTo: someone@example.com\r\nSubject: forwarded\r\nDate: Mon, 2 Jan 2006 15:04:05 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b3\"\r\n\r\n--b3\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--b3\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: inline\r\n\r\nR0lGODlhAQABAAAAACw=\r\n--b3--\r\n--outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nFrom: single@example.com\r\nSubject: single part inside\r\n\r\njust text\r\n--outer--\r\n")),
	LineItem([]byte(`)`)),
}

var dovecotList = []Item{
	LineItem([]byte(`(\HasNoChildren) "/" "back\\slash"`)),
	LineItem([]byte(`(\HasNoChildren) "/" "q\"x"`)),
	LineItem([]byte(`(\HasNoChildren) "/" "a b"`)),
	LineItem([]byte(`(\Noselect \HasChildren) "/" Folder`)),
	LineItem([]byte(`(\HasNoChildren) "/" Folder/Sub`)),
	LineItem([]byte(`(\HasNoChildren) "/" caf&AOk-`)),
	LineItem([]byte(`(\HasNoChildren) "/" a`)),
	LineItem([]byte(`(\HasNoChildren \Junk) "/" Junk`)),
	LineItem([]byte(`(\HasNoChildren \Sent) "/" Sent`)),
	LineItem([]byte(`(\HasNoChildren) "/" INBOX`)),
}

var dovecotStatus = []Item{
	LineItem([]byte(`INBOX (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY 1795658538 UNSEEN 0 HIGHESTMODSEQ 8 SIZE 1996)`)),
	LineItem([]byte(`"q\"x" (MESSAGES 0)`)),
}

var dovecotSearchModSeq = []Item{
	LineItem([]byte(`1 2 3 (MODSEQ 8)`)),
}

var dovecotSearchNone = []Item{
	LineItem([]byte(``)),
}

var dovecotESearch = []Item{
	LineItem([]byte(`(TAG "EBHK10") MIN 1 MAX 3 ALL 1:3 COUNT 3`)),
}

// rfc3501Fetch is the FETCH example of RFC 3501 section 8 (as Python's
// imaplib files it: one line, no literal).
var rfc3501Fetch = []Item{LineItem([]byte(`12 (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ` +
	`RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ` +
	`"IMAP4rev1 WG mtg summary and minutes" ` +
	`(("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
	`(("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
	`(("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
	`((NIL NIL "imap" "cac.washington.edu")) ` +
	`((NIL NIL "minutes" "CNRI.Reston.VA.US")` +
	`("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ` +
	`"<B27397-0100000@cac.washington.edu>") ` +
	`BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))`))}

func mustParseFetch(t *testing.T, data []Item) []*FetchData {
	t.Helper()
	got, err := ParseFetch(data)
	if err != nil {
		t.Fatalf("ParseFetch: %v", err)
	}
	return got
}

func formatAddrs(list []Address) string {
	var s []string
	for _, a := range list {
		switch {
		case a.GroupStart:
			s = append(s, a.Group+":")
		case a.GroupEnd:
			s = append(s, ";")
		default:
			x := fmt.Sprintf("%q <%s>", a.Name, a.Addr())
			if a.Group != "" {
				x = a.Group + "/" + x
			}
			s = append(s, x)
		}
	}
	return strings.Join(s, ", ")
}

func TestParseFetchRFC3501(t *testing.T) {
	got := mustParseFetch(t, rfc3501Fetch)
	if len(got) != 1 {
		t.Fatalf("got %d responses, want 1", len(got))
	}
	f := got[0]
	if f.SeqNum != 12 || f.UID != 0 || fmt.Sprint(f.Flags) != `[\Seen]` || f.RFC822Size != 4286 {
		t.Errorf("seq %d uid %d flags %v size %d", f.SeqNum, f.UID, f.Flags, f.RFC822Size)
	}
	want := time.Date(1996, 7, 17, 9, 44, 25, 0, time.UTC)
	if !f.InternalDate.Equal(want) {
		t.Errorf("InternalDate %v, want %v", f.InternalDate, want)
	}
	if _, off := f.InternalDate.Zone(); off != -7*3600 {
		t.Errorf("InternalDate zone offset %d, want -7h", off)
	}
	e := f.Envelope
	if e == nil {
		t.Fatal("no envelope")
	}
	if e.Date != "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" || e.Subject != "IMAP4rev1 WG mtg summary and minutes" ||
		e.MessageID != "<B27397-0100000@cac.washington.edu>" || e.InReplyTo != "" || e.Bcc != nil {
		t.Errorf("envelope %+v", e)
	}
	if got := formatAddrs(e.Cc); got != `"" <minutes@CNRI.Reston.VA.US>, "John Klensin" <KLENSIN@MIT.EDU>` {
		t.Errorf("Cc: %s", got)
	}
	if got := formatAddrs(e.From); got != `"Terry Gray" <gray@cac.washington.edu>` {
		t.Errorf("From: %s", got)
	}
	b := f.BodyStructure
	if b == nil || b.MediaType() != "text/plain" || b.Param("charset") != "US-ASCII" || b.Encoding != "7BIT" ||
		b.Size != 3028 || b.Lines != 92 || b.Extended {
		t.Errorf("body %+v", b)
	}
}

func TestParseFetchDovecot(t *testing.T) {
	got := mustParseFetch(t, dovecotFetchAll)
	if len(got) != 3 {
		t.Fatalf("got %d responses, want 3", len(got))
	}
	m1, m2, m3 := got[0], got[1], got[2]
	for i, f := range got {
		if f.SeqNum != uint32(i+1) || f.UID != uint32(i+1) || f.ModSeq == 0 {
			t.Errorf("message %d: seq %d uid %d modseq %d", i+1, f.SeqNum, f.UID, f.ModSeq)
		}
	}
	if fmt.Sprint(m2.Flags) != `[\Flagged \Seen $Forwarded]` {
		t.Errorf("flags %v", m2.Flags)
	}
	if m1.RFC822Size != 448 || m2.RFC822Size != 1514 || m3.RFC822Size != 34 {
		t.Errorf("sizes %d %d %d", m1.RFC822Size, m2.RFC822Size, m3.RFC822Size)
	}

	// The Subject came as a literal, a display name too.
	e1 := m1.Envelope
	if e1.Subject != `=?UTF-8?Q?caf=C3=A9?= "quoted" \ back` {
		t.Errorf("subject %q", e1.Subject)
	}
	if got := formatAddrs(e1.Cc); got != `"" <boss@nil.test>, "Giant; \"Big\" Box" <sysservices@example.net>` {
		t.Errorf("Cc: %s", got)
	}
	if got := formatAddrs(e1.To); got != `"Mary Smith" <mary@x.test>, "" <jdoe@example.org>, "Who?" <one@y.test>` {
		t.Errorf("To: %s", got)
	}
	// Groups, one of them empty.
	e2 := m2.Envelope
	if got := formatAddrs(e2.To); got != `A Group:, A Group/"Ed Jones" <c@a.test>, A Group/"" <joe@where.test>, A Group/"John" <jdoe@one.test>, ;` {
		t.Errorf("To: %s", got)
	}
	if got := formatAddrs(e2.Cc); got != `Undisclosed recipients:, ;` {
		t.Errorf("Cc: %s", got)
	}
	if e2.InReplyTo != "<5678.21-Nov-1997@example.com>" || e2.MessageID != "<testabcd.1234@silly.example>" {
		t.Errorf("ids %q %q", e2.InReplyTo, e2.MessageID)
	}
	e3 := m3.Envelope
	if e3.Date != "" || e3.Subject != "no headers much" || e3.From != nil {
		t.Errorf("envelope 3 %+v", e3)
	}
	if b := m1.BodyStructure; b.Param("format") != "flowed" || b.Encoding != "8bit" || b.Lines != 2 || !b.Extended || b.Disposition != nil {
		t.Errorf("body 1 %+v", b)
	}
}

// walkList lists a body structure as "path type size" lines.
func walkList(b *BodyStructure) string {
	var s []string
	b.Walk(func(path string, part *BodyStructure) {
		x := fmt.Sprintf("%s %s", path, part.MediaType())
		if !part.IsMultipart() {
			x += fmt.Sprintf(" %d", part.Size)
		}
		if fn := part.Filename(); fn != "" {
			x += " " + fn
		}
		s = append(s, x)
	})
	return strings.Join(s, "\n")
}

func TestBodyStructureDovecot(t *testing.T) {
	b := mustParseFetch(t, dovecotFetchAll)[1].BodyStructure
	want := strings.Join([]string{
		" multipart/mixed",
		"1 multipart/alternative",
		"1.1 text/plain 10",
		"1.2 text/html 11",
		"2 application/pdf 20 doc.pdf",
		"3 message/rfc822 348",
		"3 multipart/mixed",
		"3.1 text/plain 10",
		"3.2 image/gif 20",
		"4 message/rfc822 66",
		"4.1 text/plain 9",
	}, "\n")
	if got := walkList(b); got != want {
		t.Errorf("Walk:\n%s\nwant:\n%s", got, want)
	}
	if b.Param("boundary") != "outer" || !b.Extended || len(b.Parts) != 4 {
		t.Errorf("top: %+v", b)
	}
	pdf := b.Parts[1]
	if pdf.ID != "<part2@silly.example>" || pdf.Description != "A document" || pdf.Encoding != "base64" ||
		pdf.MD5 != "Q2hlY2sgSW50ZWdyaXR5IQ==" || pdf.Location != "http://example.com/doc.pdf" ||
		fmt.Sprint(pdf.Language) != "[en de]" {
		t.Errorf("pdf: %+v", pdf)
	}
	if d := pdf.Disposition; d == nil || d.Type != "attachment" || d.Param("FILENAME") != "doc.pdf" || d.Param("size") != "12" {
		t.Errorf("pdf disposition: %+v", pdf.Disposition)
	}
	fwd := b.Parts[2]
	if fwd.Envelope == nil || fwd.Envelope.Subject != "forwarded" || fwd.Lines != 18 || fwd.Body == nil || fwd.Body.Param("boundary") != "b3" {
		t.Errorf("forwarded: %+v", fwd)
	}
	if gif := fwd.Body.Parts[1]; gif.Disposition == nil || gif.Disposition.Type != "inline" || gif.Disposition.Params != nil {
		t.Errorf("gif: %+v", gif)
	}
	if att := b.Parts[3]; att.Disposition == nil || att.Disposition.Type != "attachment" || att.Lines != 3 {
		t.Errorf("attached message: %+v", att)
	}

	// BODY gives the same tree without extension data.
	nb := mustParseFetch(t, dovecotFetchBody)[0].BodyStructure
	if got := walkList(nb); got != want { // doc.pdf: from the Content-Type name
		t.Errorf("BODY Walk:\n%s", got)
	}
	if nb.Extended || nb.Parts[1].Extended || nb.Parts[1].MD5 != "" || nb.Param("boundary") != "" {
		t.Errorf("BODY has extension data: %+v", nb)
	}
	// A single-part message is part 1.
	single := mustParseFetch(t, dovecotFetchAll)[0].BodyStructure
	if got := walkList(single); got != "1 text/plain 21" {
		t.Errorf("single part: %s", got)
	}
}

func TestParseFetchSections(t *testing.T) {
	got := mustParseFetch(t, dovecotFetchSections)
	if len(got) != 2 {
		t.Fatalf("got %d responses", len(got))
	}
	m1, m2 := got[0], got[1]
	var names []string
	for _, s := range m2.Sections {
		n := s.Name
		if s.Partial != nil {
			n += fmt.Sprintf("<%d>", *s.Partial)
		}
		names = append(names, fmt.Sprintf("%s(%s)=%d", n, s.Spec, len(s.Data)))
	}
	want := "BODY[HEADER.FIELDS (FROM SUBJECT)](HEADER.FIELDS (FROM SUBJECT))=55 BODY[1]<0>(1)=5 BINARY[1](1)=180 RFC822.HEADER()=350 BODY[TEXT]<2>(TEXT)=1162"
	if strings.Join(names, " ") != want {
		t.Errorf("sections:\n%s\nwant\n%s", strings.Join(names, " "), want)
	}
	if h := m1.Body(" header.fields  ( from subject ) "); string(h) != "From: \"Joe Q. Public\" <john.q.public@example.com>\r\nSubject: =?UTF-8?Q?caf=C3=A9?= \"quoted\" \\ back\r\n\r\n" {
		t.Errorf("Body(header.fields): %q", h)
	}
	if b := m2.Section("BINARY[1]"); b == nil || !bytes.HasPrefix(b.Data, []byte("--inner\r\n")) {
		t.Errorf("BINARY[1]: %+v", b)
	}
	if s := m1.Section("BODY[1]<0>"); s == nil || string(s.Data) != "Hi ev" {
		t.Errorf("BODY[1]<0>: %+v", s)
	}
	if s := m1.Section("BODY[1]<1>"); s != nil {
		t.Errorf("BODY[1]<1> matched %+v", s)
	}
	if s := m1.Section("rfc822.header"); s == nil || !bytes.HasPrefix(s.Data, []byte("From: ")) {
		t.Errorf("RFC822.HEADER: %+v", s)
	}
	if m1.Body("") != nil || m1.Section("BODY[") != nil {
		t.Error("lookups of absent or malformed names found something")
	}
	if m1.Other["BINARY.SIZE[1]"] != uint64(21) || m2.Other["BINARY.SIZE[1]"] != uint64(173) {
		t.Errorf("BINARY.SIZE: %v", m1.Other)
	}
	if d, ok := m1.Other["SAVEDATE"].(string); !ok || !strings.HasSuffix(d, "+0000") {
		t.Errorf("SAVEDATE: %#v", m1.Other["SAVEDATE"])
	}
	if m1.Flags != nil || m1.RFC822Size != -1 || m1.UID != 0 || m1.Envelope != nil {
		t.Errorf("unfetched items set: %+v", m1)
	}
}

func TestParseFetchShapes(t *testing.T) {
	tests := []struct {
		name string
		data []Item
		want string // a summary of the parse
	}{
		{"none", []Item{NoneItem}, ""},
		{"empty", nil, ""},
		{"uid only", []Item{LineItem([]byte("3 (UID 42)"))}, "3 uid=42"},
		{"lower case names", []Item{LineItem([]byte("3 (uid 42 flags () rfc822.size 7)"))}, "3 uid=42 flags=[] size=7"},
		{"quoted body", []Item{LineItem([]byte(`1 (BODY[TEXT] "a \"b\"")`))}, `1 BODY[TEXT]="a \"b\""`},
		{"NIL body", []Item{LineItem([]byte(`1 (BODY[1] NIL)`))}, `1 BODY[1]=nil`},
		{"empty literal", []Item{PairItem([]byte(`1 (BODY[] {0}`), nil), LineItem([]byte(`)`))}, `1 BODY[]=""`},
		{"rfc822", []Item{PairItem([]byte(`1 (RFC822 {2}`), []byte("hi")), LineItem([]byte(` UID 4)`))}, `1 uid=4 RFC822="hi"`},
		{"two literals", []Item{
			PairItem([]byte(`7 (BODY[1] {1}`), []byte("a")),
			PairItem([]byte(` BODY[2]<5> {1}`), []byte("b")),
			LineItem([]byte(`)`)),
		}, `7 BODY[1]="a" BODY[2]<5>="b"`},
		{"two responses and None", []Item{
			LineItem([]byte(`1 (UID 1)`)), NoneItem, LineItem([]byte(`2 (UID 2)`)),
		}, "1 uid=1 | 2 uid=2"},
		{"binary literal8", []Item{PairItem([]byte(`1 (BINARY[1] ~{3}`), []byte("a\x00b")), LineItem([]byte(`)`))}, `1 BINARY[1]="a\x00b"`},
		{"utf8 quoted", []Item{LineItem([]byte("1 (BODY[HEADER.FIELDS (SUBJECT)] \"Subject: caf\xc3\xa9\")"))}, `1 BODY[HEADER.FIELDS (SUBJECT)]="Subject: café"`},
		{"modseq", []Item{LineItem([]byte(`1 (MODSEQ (9223372036854775807))`))}, "1 modseq=9223372036854775807"},
		{"gmail extensions", []Item{LineItem([]byte(`1 (X-GM-LABELS (\Inbox "Important" foo) X-GM-MSGID 1278455344230334865)`))},
			`1 X-GM-LABELS=[\Inbox Important foo] X-GM-MSGID=1278455344230334865`},
		{"preview", []Item{LineItem([]byte(`1 (PREVIEW NIL)`))}, `1 PREVIEW=<nil>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParseFetch(t, tt.data)
			var s []string
			for _, f := range got {
				s = append(s, summarize(f))
			}
			if g := strings.Join(s, " | "); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func summarize(f *FetchData) string {
	s := fmt.Sprint(f.SeqNum)
	if f.UID != 0 {
		s += fmt.Sprintf(" uid=%d", f.UID)
	}
	if f.Flags != nil {
		s += fmt.Sprintf(" flags=%v", f.Flags)
	}
	if f.RFC822Size >= 0 {
		s += fmt.Sprintf(" size=%d", f.RFC822Size)
	}
	if f.ModSeq != 0 {
		s += fmt.Sprintf(" modseq=%d", f.ModSeq)
	}
	for _, sec := range f.Sections {
		s += " " + sec.Name
		if sec.Partial != nil {
			s += fmt.Sprintf("<%d>", *sec.Partial)
		}
		if sec.Data == nil {
			s += "=nil"
		} else {
			s += fmt.Sprintf("=%q", sec.Data)
		}
	}
	var keys []string
	for k := range f.Other {
		keys = append(keys, k)
	}
	// map order: sort by name
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%v", k, f.Other[k])
	}
	return s
}

func TestParseFetchErrors(t *testing.T) {
	tests := []struct {
		name string
		data []Item
		err  string
		good int // responses still returned
	}{
		{"no seq", []Item{LineItem([]byte(`(UID 1)`))}, "expected number", 0},
		{"seq 0", []Item{LineItem([]byte(`0 (UID 1)`))}, "non-zero", 0},
		{"no paren", []Item{LineItem([]byte(`1 UID 1`))}, "expected '('", 0},
		{"unclosed", []Item{LineItem([]byte(`1 (UID 1`))}, "expected ' '", 0},
		{"trailing", []Item{LineItem([]byte(`1 (UID 1) x`))}, "expected end", 0},
		{"empty list", []Item{LineItem([]byte(`1 ()`))}, "expected data item name", 0},
		{"bad flag", []Item{LineItem([]byte(`1 (FLAGS (\))`))}, "expected flag name", 0},
		{"bad date", []Item{LineItem([]byte(`1 (INTERNALDATE "yesterday")`))}, "bad date-time", 0},
		{"bad size", []Item{LineItem([]byte(`1 (RFC822.SIZE -1)`))}, "expected number", 0},
		{"short envelope", []Item{LineItem([]byte(`1 (ENVELOPE (NIL NIL))`))}, "expected ' '", 0},
		{"bad address", []Item{LineItem([]byte(`1 (ENVELOPE (NIL NIL ((NIL NIL "a")) NIL NIL NIL NIL NIL NIL NIL))`))}, "expected ' '", 0},
		{"bad body", []Item{LineItem([]byte(`1 (BODY ("text"))`))}, "expected ' '", 0},
		{"literal size mismatch", []Item{PairItem([]byte(`1 (BODY[] {5}`), []byte("abc")), LineItem([]byte(`)`))}, "announced 5 bytes but holds 3", 0},
		{"literal without line", []Item{PairItem([]byte(`1 (BODY[] {3}`), []byte("abc"))}, "not followed by a line item", 0},
		{"literal then None", []Item{PairItem([]byte(`1 (BODY[] {3}`), []byte("abc")), NoneItem, LineItem([]byte(`2 (UID 2)`))}, "not followed by a line item", 1},
		{"8-bit atom", []Item{LineItem([]byte("1 (FLAGS (\xff))"))}, "expected atom", 0},
		{"one bad of three", []Item{LineItem([]byte(`1 (UID 1)`)), LineItem([]byte(`2 (UID x)`)), LineItem([]byte(`3 (UID 3)`))}, "response 1 (data item 1)", 2},
		{"deep", []Item{LineItem([]byte(`1 (X ` + strings.Repeat("(", 10000) + `))`))}, "nested deeper", 0},
		{"deep body", []Item{LineItem([]byte(`1 (BODY ` + strings.Repeat("(", 10000) + `))`))}, "nested deeper", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFetch(tt.data)
			if err == nil {
				t.Fatalf("no error; got %v", got)
			}
			if !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "imaplib: malformed FETCH response") {
				t.Errorf("error %q, want it to contain %q", err, tt.err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Response != "FETCH" {
				t.Errorf("error %v is not a *ParseError", err)
			}
			if len(got) != tt.good {
				t.Errorf("got %d good responses, want %d", len(got), tt.good)
			}
			for _, f := range got {
				if f == nil || f.SeqNum == 0 {
					t.Errorf("bad response returned: %+v", f)
				}
			}
		})
	}
}

func TestParseErrorUnwrap(t *testing.T) {
	_, err := ParseFetch([]Item{LineItem([]byte(`x`))})
	if !errors.Is(err, wire.ErrSyntax) {
		t.Errorf("%v does not wrap the syntax error", err)
	}
}

// itemsFromBytes builds a data list from arbitrary bytes, for fuzzing:
// lines end at \n; a line ending in {n} takes the next n bytes as its
// literal (a pair item); a line "NONE" is a None item.
func itemsFromBytes(b []byte) []Item {
	var data []Item
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		b = rest
		if string(line) == "NONE" {
			data = append(data, NoneItem)
			continue
		}
		if i := bytes.LastIndexByte(line, '{'); i >= 0 && bytes.HasSuffix(line, []byte("}")) {
			n := 0
			for _, c := range line[i+1 : len(line)-1] {
				if c < '0' || c > '9' || n > 1<<20 {
					n = -1
					break
				}
				n = n*10 + int(c-'0')
			}
			if n >= 0 && n <= len(b) {
				data = append(data, PairItem(line, b[:n]))
				b = b[n:]
				continue
			}
		}
		data = append(data, LineItem(line))
	}
	return data
}

// checkParseErr fails unless err is nil or made of *ParseError values.
func checkParseErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
}

func fuzzSeeds(f *testing.F, lists ...[]Item) {
	for _, data := range lists {
		var b []byte
		for _, it := range data {
			switch {
			case it.IsNone:
				b = append(b, "NONE\n"...)
			case it.IsPair:
				b = append(b, it.Line...)
				b = append(b, '\n')
				b = append(b, it.Literal...)
			default:
				b = append(b, it.Line...)
				b = append(b, '\n')
			}
		}
		f.Add(b)
	}
}

func FuzzParseFetch(f *testing.F) {
	fuzzSeeds(f, dovecotFetchAll, dovecotFetchBody, dovecotFetchSections, rfc3501Fetch)
	f.Fuzz(func(t *testing.T, b []byte) {
		data := itemsFromBytes(b)
		got, err := ParseFetch(data)
		checkParseErr(t, err)
		if len(got) > countResponses(data) {
			t.Fatalf("%d results for %d responses", len(got), countResponses(data))
		}
		for _, fd := range got {
			if fd.SeqNum == 0 {
				t.Fatal("result with sequence number 0")
			}
			if fd.BodyStructure != nil {
				fd.BodyStructure.Walk(func(string, *BodyStructure) {})
			}
			for _, s := range fd.Sections {
				if fd.Section(s.Name) == nil {
					t.Fatalf("Section(%q) finds nothing", s.Name)
				}
			}
		}
	})
}

// benchFetchData builds n FETCH responses as Python's imaplib files them.
func benchFetchData(n int) ([]Item, int64) {
	hdr := []byte("From: \"Some Sender\" <sender@example.com>\r\n" +
		"Subject: Weekly report on the state of the project, part 42\r\n\r\n")
	hdr = append(hdr, bytes.Repeat([]byte{'x'}, 150-len(hdr))...)
	data := make([]Item, 0, 2*n)
	var size int64
	for i := range n {
		line := fmt.Appendf(nil, "%d (FLAGS (\\Seen $Forwarded) RFC822.SIZE %d BODY[HEADER.FIELDS (FROM SUBJECT)] {%d}", i+1, 1000+i, len(hdr))
		data = append(data, PairItem(line, hdr), LineItem([]byte(")")))
		size += int64(len(line) + len(hdr) + 1)
	}
	return data, size
}

func TestBenchFetchData(t *testing.T) {
	data, _ := benchFetchData(3)
	got := mustParseFetch(t, data)
	if len(got) != 3 || got[2].SeqNum != 3 || got[2].RFC822Size != 1002 ||
		len(got[2].Body("HEADER.FIELDS (FROM SUBJECT)")) != 150 {
		t.Fatalf("bench data parses wrong: %v", got)
	}
}

func BenchmarkParseFetch(b *testing.B) {
	const n = 10000
	data, size := benchFetchData(n)
	b.SetBytes(size)
	b.ReportAllocs()
	var allocs float64
	for b.Loop() {
		got, err := ParseFetch(data)
		if err != nil || len(got) != n {
			b.Fatal(err)
		}
	}
	allocs = testing.AllocsPerRun(3, func() { _, _ = ParseFetch(data) })
	b.ReportMetric(allocs/n, "allocs/item")
}

func ExampleParseFetch() {
	// The data list of M.Fetch("1:2", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])").
	data := []Item{
		PairItem([]byte(`1 (UID 10 FLAGS (\Seen) BODY[HEADER.FIELDS (SUBJECT)] {16}`), []byte("Subject: hello\r\n")),
		LineItem([]byte(`)`)),
		PairItem([]byte(`2 (UID 11 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] {15}`), []byte("Subject: news\r\n")),
		LineItem([]byte(`)`)),
	}
	msgs, err := ParseFetch(data)
	if err != nil {
		panic(err)
	}
	for _, m := range msgs {
		fmt.Printf("%d %v %q\n", m.UID, m.Flags, m.Body("HEADER.FIELDS (SUBJECT)"))
	}
	// Output:
	// 10 [\Seen] "Subject: hello\r\n"
	// 11 [] "Subject: news\r\n"
}
