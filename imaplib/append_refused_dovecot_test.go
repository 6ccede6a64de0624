package imaplib_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestAppendRefusedKeepsMessageOut: Dovecot refuses an APPEND whose flags
// it does not accept (\Recent, an unknown system flag) as soon as it has
// read the command line, before the message. Had the message been sent
// at once (LITERAL+, which Dovecot offers), Dovecot would read its lines
// as commands. Each message here holds a line that is a valid command,
// "Z1 CREATE Injected": after each refusal the session must go on, and
// no mailbox Injected exist.
func TestAppendRefusedKeepsMessageOut(t *testing.T) {
	srv := dovecottest.Start(t)
	m := session(t, srv, srv.User)
	if !m.HasCapability("LITERAL+") {
		t.Fatal("Dovecot offers LITERAL+: the test needs it")
	}
	msg := []byte("Subject: hostile\r\n\r\nZ1 CREATE Injected\r\nZ2 NOOP\r\n")
	for _, tc := range []struct {
		name   string
		append func() error
	}{
		{"Append, \\Recent", func() error {
			_, _, err := m.Append("INBOX", `(\Recent)`, "", msg)
			return err
		}},
		{"AppendMessage, \\Bogus", func() error {
			_, err := m.AppendMessage("INBOX", []string{`\Seen`, `\Bogus`}, time.Time{}, msg)
			return err
		}},
		{"AppendMessageDate, a date that is none", func() error {
			_, err := m.AppendMessageDate("INBOX", nil, "yesterday", msg)
			return err
		}},
		{"MultiAppend, \\Recent in the second", func() error {
			_, err := m.MultiAppend("INBOX", []imaplib.AppendItem{{Msg: msg}, {Flags: []string{`\Recent`}, Msg: msg}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.append(); err == nil {
				t.Fatal("the server accepted the append")
			}
			if _, _, err := m.Noop(); err != nil {
				t.Fatalf("the session after the refusal: %v", err)
			}
			// What the server holds, seen from a connection of its own.
			typ, data, err := session(t, srv, srv.User).List("", "Injected")
			if err != nil || typ != "OK" {
				t.Fatalf("list: %s %v", typ, err)
			}
			for _, it := range data {
				if strings.Contains(string(it.Line), "Injected") {
					t.Fatalf("the message's lines ran as commands: %s", it.Line)
				}
			}
		})
	}
	// Flags a server must accept still go at once, and the message is
	// stored: the only one in INBOX, with its flags.
	if _, err := m.AppendMessage("INBOX", []string{`\Seen`, "$Forwarded"}, time.Time{}, msg); err != nil {
		t.Fatal(err)
	}
	other := session(t, srv, srv.User)
	if _, err := other.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	fd, err := other.UIDFetch(all, "(UID FLAGS)")
	if err != nil || len(fd) != 1 || !slices.Contains(fd[0].Flags, `\Seen`) || !slices.Contains(fd[0].Flags, "$Forwarded") {
		t.Fatalf("INBOX holds %+v (%v), want the one message flagged \\Seen $Forwarded", fd, err)
	}
}

// TestAppendMessageDate: the date goes as written, and the server reads
// it in its own way (Dovecot takes a leap second as the second before);
// a date that cannot be quoted is refused before anything is sent.
func TestAppendMessageDate(t *testing.T) {
	srv := dovecottest.Start(t)
	m := session(t, srv, srv.User)
	msg := []byte("Subject: dated\r\n\r\nbody\r\n")
	if _, err := m.AppendMessageDate("INBOX", []string{`\Seen`}, "30-Jun-2015 23:59:60 +0000", msg); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`05-Mar-2025 "12:00:00" +0000`, "05-Mar-2025 12:00:00 +0000\r\nZ1 NOOP", `a\b`} {
		if _, err := m.AppendMessageDate("INBOX", nil, bad, msg); !errors.Is(err, imaplib.ErrValue) {
			t.Errorf("date %q: %v, want a value error", bad, err)
		}
	}
	if _, err := m.SelectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	all, _ := imaplib.ParseSeqSet("1:*")
	fd, err := m.UIDFetch(all, "(INTERNALDATE)")
	if err != nil || len(fd) != 1 {
		t.Fatalf("INBOX holds %+v (%v), want one message", fd, err)
	}
	if want := time.Date(2015, 6, 30, 23, 59, 59, 0, time.UTC); !fd[0].InternalDate.Equal(want) {
		t.Errorf("internal date %v, want %v", fd[0].InternalDate, want)
	}
}
