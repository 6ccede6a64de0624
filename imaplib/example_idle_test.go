package imaplib_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"strconv"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
)

// startServer starts an in-memory IMAP server with the user alice and
// returns it with its host and port.
func startServer() (*memserver.Server, string, int) {
	srv, err := memserver.New(memserver.Options{
		Users:        map[string]string{"alice": "secret"},
		InsecureAuth: true, // loopback only
	})
	if err != nil {
		log.Fatal(err)
	}
	host, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)
	return srv, host, port
}

// deliver plays the rest of the world: it delivers a message to alice's
// INBOX now and then until stop is closed.
func deliver(srv *memserver.Server, stop <-chan struct{}) {
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		srv.Append("alice", "INBOX", []byte("Subject: hi\r\n\r\nhello\r\n"), nil, time.Time{})
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// connect logs in as alice and selects INBOX.
func connect(host string, port int) *imaplib.IMAP4 {
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := m.Login("alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		log.Fatal(err)
	}
	return m
}

// Wait for new mail with IDLE. IdleFunc ends the IDLE command with DONE
// however the function returns, even by a panic.
func ExampleIMAP4_IdleFunc() {
	srv, host, port := startServer()
	defer srv.Close()
	m := connect(host, port)
	defer m.Logout()

	stop := make(chan struct{})
	defer close(stop)
	err := m.IdleFunc(29*time.Minute, func(idler *imaplib.Idler) error {
		go deliver(srv, stop) // mail arrives while we idle
		for typ := range idler.Responses() {
			if typ == "EXISTS" {
				fmt.Println("new mail")
				return nil // stop idling: DONE is sent
			}
		}
		return idler.Err()
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.State())
	// Output:
	// new mail
	// SELECTED
}

// Handle the responses a change causes as one batch: Burst yields the
// next response and those following it closely.
func ExampleIdler_Burst() {
	srv, host, port := startServer()
	defer srv.Close()
	m := connect(host, port)
	defer m.Logout()

	idler, err := m.Idle(0)
	if err != nil {
		log.Fatal(err)
	}
	defer idler.Close() // sends DONE

	stop := make(chan struct{})
	defer close(stop)
	go deliver(srv, stop)
	var batch []imaplib.IdleResponse
	for typ, data := range idler.Burst(imaplib.DefaultBurstInterval) {
		batch = append(batch, imaplib.IdleResponse{Type: typ, Data: data})
	}
	if err := idler.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(batch[0].Type)
	// Output:
	// EXISTS
}

// Wait for mail as long as it takes: WaitIdle renews the IDLE command
// before the server's 30-minute limit, and returns what arrived.
func ExampleIMAP4_WaitIdle() {
	srv, host, port := startServer()
	defer srv.Close()
	m := connect(host, port)
	defer m.Logout()

	stop := make(chan struct{})
	defer close(stop)
	go deliver(srv, stop)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	responses, err := m.WaitIdle(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(responses[0].Type, m.State())
	// Output:
	// EXISTS SELECTED
}
