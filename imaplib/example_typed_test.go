package imaplib_test

import (
	"errors"
	"fmt"
	"log"
	"net"
	"strconv"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
)

// exampleServer starts an in-memory IMAP server holding a few messages
// for alice, standing in for a real server in the examples, and returns
// it with its host and port.
func exampleServer() (*memserver.Server, string, int) {
	srv, err := memserver.New(memserver.Options{
		Users:        map[string]string{"alice": "secret"},
		InsecureAuth: true, // loopback only
	})
	if err != nil {
		log.Fatal(err)
	}
	date := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, m := range []struct{ from, subject string }{
		{"bob@example.org", "Lunch on Friday?"},
		{"news@shop.example", "This week's offers"},
		{"carol@example.org", "Re: Lunch on Friday?"},
		{"news@shop.example", "Last chance!"},
	} {
		raw := fmt.Sprintf("From: %s\r\nTo: alice@example.org\r\nSubject: %s\r\n\r\nHello.\r\n", m.from, m.subject)
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, date.Add(time.Duration(i)*time.Hour)); err != nil {
			log.Fatal(err)
		}
	}
	host, p, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		log.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return srv, host, port
}

// Log in, select a mailbox, search it and fetch what was found, with the
// typed API: arguments are quoted for you and results come parsed.
func ExampleIMAP4_UIDSearch() {
	srv, host, port := exampleServer()
	defer srv.Close()

	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login("alice", "secret"); err != nil {
		log.Fatal(err)
	}
	info, err := m.SelectMailbox("INBOX", false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Exists, "messages")

	// "Lunch on" holds a space: it is sent as a quoted string.
	found, err := m.UIDSearch("UNSEEN", "SUBJECT", "Lunch on", "SINCE", time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("found UIDs", found)
	msgs, err := m.UIDFetch(found, "(FLAGS ENVELOPE)")
	if err != nil {
		log.Fatal(err)
	}
	for _, msg := range msgs {
		fmt.Printf("%d: %s, from %s\n", msg.UID, msg.Envelope.Subject, msg.Envelope.From[0].Addr())
	}
	// Output:
	// 4 messages
	// found UIDs 1,3
	// 1: Lunch on Friday?, from bob@example.org
	// 3: Re: Lunch on Friday?, from carol@example.org
}

// Move messages to another mailbox. UIDMove uses MOVE when the server has
// it; otherwise COPY, STORE \Deleted and UID EXPUNGE of exactly those
// UIDs; with neither MOVE nor UIDPLUS it refuses (ErrNoSafeMove) rather
// than expunge other deleted mail.
func ExampleIMAP4_UIDMove() {
	srv, host, port := exampleServer()
	defer srv.Close()

	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login("alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if err := m.CreateMailbox("Newsletters"); err != nil {
		log.Fatal(err)
	}
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		log.Fatal(err)
	}
	news, err := m.UIDSearch("FROM", "news@shop.example")
	if err != nil {
		log.Fatal(err)
	}
	moved, err := m.UIDMove(news, "Newsletters")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("moved", moved.Source, "to", moved.Dest)

	boxes, err := m.ListStatus("", "*", "MESSAGES")
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range boxes {
		fmt.Println(b.Name, *b.Status.Messages)
	}
	// Output:
	// moved 2,4 to 1:2
	// INBOX 2
	// Newsletters 2
}

// Select a mailbox and search it in one round trip: the search goes out
// right behind the SELECT.
func ExampleIMAP4_SelectUIDSearch() {
	srv, host, port := exampleServer()
	defer srv.Close()

	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login("alice", "secret"); err != nil {
		log.Fatal(err)
	}
	info, uids, err := m.SelectUIDSearch("INBOX", imaplib.SelectOptions{}, "FROM", "news@shop.example")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Exists, "messages; from the shop:", uids)

	_, _, err = m.SelectUIDSearch("Missing", imaplib.SelectOptions{}, "ALL")
	var refused *imaplib.ResponseError
	fmt.Println(errors.As(err, &refused), refused.Command, m.State())
	// Output:
	// 4 messages; from the shop: 2,4
	// true SELECT AUTH
}
