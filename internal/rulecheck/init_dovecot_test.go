package rulecheck

import (
	"context"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/mailgen"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// TestInitDovecot writes fixtures from a Dovecot mailbox and loads them
// back: the same messages, byte for byte, with the same flags, in the same
// mailboxes; and a second --init into the same folder is refused.
func TestInitDovecot(t *testing.T) {
	srv := dovecottest.Start(t)
	m := dialDovecot(t, srv)
	msgs := mailgen.Demo(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	boxes := map[string]int{"INBOX": 0, "Lists": 0}
	for i, g := range msgs[:40] {
		box := "INBOX"
		if i%3 == 0 {
			box = "Lists"
		}
		flags := slices.Clone(g.Flags)
		if i%5 == 0 {
			flags = append(flags, "$Work")
		}
		if boxes[box] == 0 && box != "INBOX" {
			if typ, _, err := m.Create(box); err != nil || typ != "OK" {
				t.Fatalf("create %s: %s %v", box, typ, err)
			}
		}
		boxes[box]++
		if _, err := m.AppendMessage(box, flags, g.Date, g.Raw); err != nil {
			t.Fatalf("append: %v", err)
		}
	}
	dir := t.TempDir()
	n, err := Init(m, dir, InitOptions{Mailboxes: []string{"INBOX", "Lists"}, Last: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("Init wrote %d messages, want the last 10 of each mailbox", n)
	}
	// What the server holds, read through another connection.
	want, err := ReadAll(dialDovecot(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	fx, err := LoadFixtures(filepath.Join(dir, "fixtures"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(fx.Messages) != 20 {
		t.Fatalf("loaded %d fixtures", len(fx.Messages))
	}
	for _, f := range fx.Messages {
		places, ok := want[keyOf(f.Raw)]
		if !ok {
			t.Errorf("%s: no message of the server has these bytes", f.Name)
			continue
		}
		if len(places) != 1 || places[0].Mailbox != f.Mailbox || !equalFlags(places[0].Flags, f.Flags) {
			t.Errorf("%s: loaded into %s %q, the server has it in %v", f.Name, f.Mailbox, f.Flags, places)
		}
	}
	// Loaded into the test server, the fixtures read back as on Dovecot,
	// internal dates included.
	ts, err := Start(fx)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	got, err := ts.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, places := range got {
		if !slices.EqualFunc(places, want[k], samePlace) {
			t.Errorf("test server has %v, Dovecot %v", places, want[k])
		}
	}
	if len(got) != 20 {
		t.Errorf("test server holds %d messages", len(got))
	}
	dates := map[string]time.Time{}
	err = eachMessage(dialDovecot(t, srv), "", "(UID INTERNALDATE BODY.PEEK[])", func(box string, f *imaplib.FetchData) error {
		dates[string(f.Section("BODY[]").Data)] = f.InternalDate
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fx.Messages {
		if d := dates[string(f.Raw)]; !d.Equal(f.Date) {
			t.Errorf("%s: internal date %v, Dovecot has %v", f.Name, f.Date, d)
		}
	}
	exp, err := ReadExpectations(filepath.Join(dir, ExpectFile), fx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(exp, DefaultExpectations(fx), func(a, b Expectation) bool {
		return a.Mailbox == b.Mailbox && equalFlags(a.Flags, b.Flags)
	}) {
		t.Error("the written expect.txt does not say every message stays where it is")
	}
	if _, err := Init(m, dir, InitOptions{}); err == nil {
		t.Error("a second Init into the same folder did not fail")
	}
}

func dialDovecot(t *testing.T, srv *dovecottest.Server) *imaplib.IMAP4 {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr())
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	return m
}
