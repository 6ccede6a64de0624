package smtplib_test

import (
	"fmt"
	"log"
	"time"

	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/smtplib"
)

// Example sends a message the way Python's smtplib does, to an in-process
// server that refuses one recipient.
func Example() {
	srv, err := smtpmem.Start(smtpmem.Options{
		Users: map[string]string{"alice": "secret"},
		RefuseRcpt: func(addr string) *smtpmem.Refusal {
			if addr == "nobody@example.org" {
				return &smtpmem.Refusal{Code: 550, Enhanced: "5.1.1", Text: "no such user"}
			}
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	code, _, err := s.Login("alice", "secret")
	fmt.Println("login:", code, err)
	msg := []byte("From: alice@example.org\r\nTo: bob@example.org, nobody@example.org\r\nSubject: hi\r\n\r\nHello.\r\n")
	refused, err := s.SendMessage(msg, "", nil, nil, nil)
	fmt.Println("refused:", refused, err)
	code, _, err = s.Quit()
	fmt.Println("quit:", code, err)
	fmt.Println("server got:", len(srv.Messages()), "message for", srv.Messages()[0].To)
	// Output:
	// login: 235 <nil>
	// refused: map[nobody@example.org:{550 5.1.1 no such user}] <nil>
	// quit: 221 <nil>
	// server got: 1 message for [bob@example.org]
}
