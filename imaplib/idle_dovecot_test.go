package imaplib_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// appendFrom appends one message to INBOX over a second connection.
func appendFrom(t *testing.T, addr, user, password string, n int) {
	t.Helper()
	host, port := splitAddr(t, addr)
	other, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Error(err)
		return
	}
	defer other.Close()
	if _, _, err := other.Login(user, password); err != nil {
		t.Error(err)
		return
	}
	msg := fmt.Sprintf("From: bob@example.org\r\nSubject: new %d\r\n\r\nhello\r\n", n)
	if typ, _, err := other.Append("INBOX", "", "", []byte(msg)); err != nil || typ != "OK" {
		t.Errorf("append: %s %v", typ, err)
	}
	other.Logout()
}

// idleForExists idles on INBOX, holding had messages, while deliver adds
// messages from elsewhere, and returns as soon as EXISTS announces them.
// deliver runs once IDLE is established and must return when stop closes.
func idleForExists(t *testing.T, addr, user, password string, had int, deliver func(stop <-chan struct{})) {
	t.Helper()
	host, port := splitAddr(t, addr)
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(user, password); err != nil {
		t.Fatal(err)
	}
	if _, dat, err := m.Select("INBOX", false); err != nil || string(dat[0].Line) != strconv.Itoa(had) {
		t.Fatalf("select: %v %v", dat, err)
	}
	exists := -1
	var delivering sync.WaitGroup
	stop := make(chan struct{})
	defer delivering.Wait()
	defer close(stop)
	err = m.IdleFunc(30*time.Second, func(idler *imaplib.Idler) error {
		// IDLE is established: now the change may happen.
		delivering.Add(1)
		go func() {
			defer delivering.Done()
			deliver(stop)
		}()
		for typ, data := range idler.Responses() {
			if typ == "EXISTS" {
				exists, err = strconv.Atoi(string(data[0].Line))
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if exists <= had {
		t.Fatalf("EXISTS %d, had %d", exists, had)
	}
	// The session is usable after DONE: the new message is there.
	typ, dat, err := m.Fetch(strconv.Itoa(had+1), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	if err != nil || typ != "OK" || string(dat[0].Literal) != "Subject: new 1\r\n\r\n" {
		t.Fatalf("fetch: %s %v %v", typ, dat, err)
	}
}

func TestDovecotIdle(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	// A second connection appends while the first idles.
	idleForExists(t, srv.Addr(), srv.User, srv.Password, 5, func(<-chan struct{}) {
		appendFrom(t, srv.Addr(), srv.User, srv.Password, 1)
	})
}

func TestDovecotWaitIdle(t *testing.T) {
	srv := dovecottest.Start(t)
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	// A context that has ended: WaitIdle returns at once, IDLE or not.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.WaitIdle(ctx); err != context.Canceled {
		t.Fatalf("WaitIdle with a cancelled context: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The append lands before or during an IDLE: either way the
		// EXISTS comes during WaitIdle, since Dovecot reports pending
		// changes when IDLE starts.
		appendFrom(t, srv.Addr(), srv.User, srv.Password, 1)
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got []imaplib.IdleResponse
	for len(got) == 0 || !hasType(got, "EXISTS") {
		got, err = m.WaitIdle(ctx)
		if err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if m.State() != "SELECTED" {
		t.Fatalf("state %s", m.State())
	}
}

func hasType(rs []imaplib.IdleResponse, typ string) bool {
	for _, r := range rs {
		if r.Type == typ {
			return true
		}
	}
	return false
}

func TestMemserverIdle(t *testing.T) {
	srv := memservertest.Start(t, memserver.Options{})
	for i := range 3 {
		if _, err := srv.Append(memservertest.User, "INBOX", []byte(fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i)), nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	// The go-imap server misses a change made between its continuation
	// request and the start of its IDLE loop, so mail keeps arriving
	// until the idler sees some.
	idleForExists(t, srv.Addr(), memservertest.User, memservertest.Password, 3, func(stop <-chan struct{}) {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for n := 1; ; n++ {
			msg := fmt.Sprintf("From: bob@example.org\r\nSubject: new %d\r\n\r\nhello\r\n", n)
			if _, err := srv.Append(memservertest.User, "INBOX", []byte(msg), nil, time.Time{}); err != nil {
				t.Error(err)
				return
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
}
