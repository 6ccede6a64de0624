package imaplib

import (
	"testing"
)

const greetingEnable = `S: * OK ready
C: A0 CAPABILITY
S: * CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT ID LITERAL+
S: A0 OK done
C: A1 LOGIN u "p"
S: A1 OK ok`

func TestEnableUTF8(t *testing.T) {
	m, tr, err := play(t, greetingEnable+`
C: A2 ENABLE CONDSTORE
S: * ENABLED CONDSTORE
S: A2 OK Enabled
C: A3 ENABLE utf8=accept
S: * ENABLED UTF8=ACCEPT
S: A3 OK Enabled
C: A4 APPEND INBOX UTF8 (~{16+}
C= Süße\r\nGrüß\r\n)\r\n
S: A4 OK [APPENDUID 1 1] Append completed.
C: A5 SELECT Entwürfe
S: * 1 EXISTS
S: A5 OK [READ-WRITE] selected
C: A6 SEARCH SUBJECT "Grüß"
S: * SEARCH 1
S: A6 OK done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	typ, dat, err := m.Enable("CONDSTORE")
	wantResult(t, "enable condstore", typ, dat, err, "OK", items("Enabled"))
	if m.UTF8Enabled() {
		t.Fatal("UTF-8 mode after ENABLE CONDSTORE")
	}
	typ, dat, err = m.Enable("utf8=accept")
	// As in Python, ENABLE's data is the tagged text and ENABLED stays
	// filed for Response.
	wantResult(t, "enable utf8", typ, dat, err, "OK", items("Enabled"))
	typ, dat = m.Response("ENABLED")
	wantResult(t, "response ENABLED", typ, dat, nil, "ENABLED", items("CONDSTORE", "UTF8=ACCEPT"))
	if !m.UTF8Enabled() {
		t.Fatal("UTF-8 mode not on")
	}
	typ, dat, err = m.Append("INBOX", "", "", []byte("Süße\nGrüß\n"))
	wantResult(t, "append", typ, dat, err, "OK", items("[APPENDUID 1 1] Append completed."))
	typ, dat, err = m.Select("Entwürfe", false)
	wantResult(t, "select", typ, dat, err, "OK", items("1"))
	// A charset is refused in UTF-8 mode, before anything is sent.
	_, _, err = m.Search("UTF-8", "ALL")
	wantErrorKind(t, "search with charset", err, KindError, "Non-None charset not valid in UTF8 mode")
	typ, dat, err = m.Search("", "SUBJECT", `"Grüß"`)
	wantResult(t, "search", typ, dat, err, "OK", items("1"))
	tr.check()
}

func TestEnableRefused(t *testing.T) {
	t.Run("not advertised", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 LOGIN u "p"
S: A1 OK ok
C: A2 NOOP
S: A2 OK`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Login("u", "p"); err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Enable("UTF8=ACCEPT")
		wantErrorKind(t, "enable", err, KindError, "Server does not support ENABLE")
		if _, _, err := m.Noop(); err != nil {
			t.Fatal(err)
		}
		tr.check()
	})
	t.Run("advertised after login", func(t *testing.T) {
		m, tr, err := play(t, greeting+`
C: A1 LOGIN u "p"
S: A1 OK [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] ok
C: A2 ENABLE UTF8=ACCEPT
S: A2 NO not today`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Login("u", "p"); err != nil {
			t.Fatal(err)
		}
		typ, dat, err := m.Enable("UTF8=ACCEPT")
		wantResult(t, "enable", typ, dat, err, "NO", items("not today"))
		if m.UTF8Enabled() {
			t.Fatal("UTF-8 mode after a refused ENABLE")
		}
		tr.check()
	})
	t.Run("wrong state", func(t *testing.T) {
		m, tr, err := play(t, greetingEnable[:len(greetingEnable)-len("\nC: A1 LOGIN u \"p\"\nS: A1 OK ok")], nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Enable("UTF8=ACCEPT")
		wantErrorKind(t, "enable", err, KindError, "command ENABLE illegal in state NONAUTH, only allowed in states AUTH")
		tr.check()
	})
}
