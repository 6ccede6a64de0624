package memserver_test

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
)

func Example() {
	srv, err := memserver.New(memserver.Options{
		Users:        map[string]string{"alice": "secret"},
		InsecureAuth: true, // loopback only
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, subject := range []string{"hello", "again"} {
		raw := "From: bob@example.org\r\nSubject: " + subject + "\r\n\r\nHi!\r\n"
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Now()); err != nil {
			log.Fatal(err)
		}
	}

	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	r.ReadString('\n') // greeting
	fmt.Fprint(conn, "a LOGIN alice secret\r\nb SELECT INBOX\r\nc SEARCH SUBJECT again\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			log.Fatal(err)
		}
		if strings.HasPrefix(line, "* SEARCH") || strings.HasPrefix(line, "c ") {
			fmt.Println(strings.TrimRight(line, "\r\n"))
		}
		if strings.HasPrefix(line, "c ") {
			break
		}
	}
	// Output:
	// * SEARCH 2
	// c OK SEARCH completed
}
