package imaplib_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

func seedMessages(n int) []dovecottest.Message {
	msgs := make([]dovecottest.Message, n)
	base := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range msgs {
		flags := []string{}
		if i%2 == 0 {
			flags = append(flags, `\Seen`)
		}
		msgs[i] = dovecottest.Message{
			Raw: []byte(fmt.Sprintf("From: sender%d@example.org\r\nTo: alice@example.org\r\nSubject: message %d\r\nMessage-ID: <%d@example.org>\r\n\r\nbody of message %d\r\n",
				i%3, i+1, i+1, i+1)),
			Flags: flags,
			Date:  base.Add(time.Duration(i) * time.Hour),
		}
	}
	return msgs
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

// exercise logs in, selects, searches and fetches, checking the answers
// against what was seeded.
func exercise(t *testing.T, m *imaplib.IMAP4, login bool, user, password string) {
	t.Helper()
	if login {
		typ, _, err := m.Login(user, password)
		if err != nil || typ != "OK" {
			t.Fatalf("login: %s %v", typ, err)
		}
	}
	if m.State() != "AUTH" {
		t.Fatalf("state %s, want AUTH", m.State())
	}
	typ, dat, err := m.Select("INBOX", false)
	if err != nil || typ != "OK" || string(dat[0].Line) != "5" {
		t.Fatalf("select: %s %v %v", typ, dat, err)
	}
	typ, dat, err = m.Search("", "UNSEEN")
	if err != nil || typ != "OK" || string(dat[0].Line) != "2 4" {
		t.Fatalf("search unseen: %s %v %v", typ, dat, err)
	}
	typ, dat, err = m.Search("UTF-8", "FROM", `"sender1@example.org"`)
	if err != nil || string(dat[0].Line) != "2 5" {
		t.Fatalf("search from: %s %v %v", typ, dat, err)
	}
	typ, dat, err = m.Fetch("3", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])")
	if err != nil || typ != "OK" {
		t.Fatalf("fetch: %s %v", typ, err)
	}
	if len(dat) != 3 || !dat[0].IsPair || !dat[1].IsPair || dat[2].IsPair {
		t.Fatalf("fetch data shape: %v", dat)
	}
	if got := string(dat[0].Literal); got != "Subject: message 3\r\n\r\n" {
		t.Fatalf("fetched header %q", got)
	}
	if got := string(dat[1].Literal); got != "body of message 3\r\n" {
		t.Fatalf("fetched text %q", got)
	}
	// Flags compare without case (RFC 3501 2.3.2); go-imap's server sends
	// them lower-cased.
	if flags := imaplib.ParseFlags(dat[0].Line); len(flags) == 0 || !strings.EqualFold(flags[0], `\Seen`) {
		t.Fatalf("flags of message 3: %v (%s)", flags, dat[0].Line)
	}
	typ, dat, err = m.UID("FETCH", "99", "(FLAGS)")
	if err != nil || typ != "OK" || !dat[0].IsNone {
		t.Fatalf("fetch of a missing message: %s %v %v", typ, dat, err)
	}
	// A tagged BAD is an error, and the session goes on.
	if _, _, err := m.Fetch("1", "(NOSUCHITEM)"); !errors.Is(err, imaplib.ErrError) || errors.Is(err, imaplib.ErrAbort) {
		t.Fatalf("bad fetch: %v", err)
	}
	typ, dat, err = m.Logout()
	if err != nil || typ != "BYE" {
		t.Fatalf("logout: %s %v %v", typ, dat, err)
	}
}

func TestDovecotPlain(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.State() != "NONAUTH" || !m.HasCapability("IDLE") {
		t.Fatalf("state %s caps %v", m.State(), m.Capabilities())
	}
	exercise(t, m, true, srv.User, srv.Password)
}

func TestDovecotWrongPassword(t *testing.T) {
	srv := dovecottest.Start(t)
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, _, err = m.Login(srv.User, "wrong")
	var e *imaplib.Error
	if !errors.As(err, &e) || e.Kind != imaplib.KindError || !strings.Contains(e.Message, "AUTHENTICATIONFAILED") {
		t.Fatalf("login with a wrong password: %v", err)
	}
	if m.State() != "NONAUTH" {
		t.Fatalf("state %s", m.State())
	}
	// The session survives a refused login.
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
}

func TestDovecotImplicitTLS(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	host, port := splitAddr(t, srv.TLSAddr())

	t.Run("trusted", func(t *testing.T) {
		m, err := imaplib.DialTLS("localhost", port, &imaplib.Options{
			TLSConfig: &tls.Config{RootCAs: srv.CertPool()},
			Timeout:   10 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, ok := m.Conn().(*tls.Conn); !ok {
			t.Fatalf("connection is %T", m.Conn())
		}
		exercise(t, m, true, srv.User, srv.Password)
	})
	t.Run("untrusted", func(t *testing.T) {
		_, err := imaplib.DialTLS(host, port, &imaplib.Options{Timeout: 10 * time.Second})
		var unknown x509.UnknownAuthorityError
		if !errors.Is(err, imaplib.ErrAbort) || !errors.As(err, &unknown) {
			t.Fatalf("dial with the system roots: %v", err)
		}
	})
	t.Run("wrong host name", func(t *testing.T) {
		_, err := imaplib.DialTLS(host, port, &imaplib.Options{
			TLSConfig: &tls.Config{RootCAs: srv.CertPool(), ServerName: "mail.example.org"},
			Timeout:   10 * time.Second,
		})
		if !errors.Is(err, imaplib.ErrAbort) || !strings.Contains(err.Error(), "mail.example.org") {
			t.Fatalf("dial with a wrong host name: %v", err)
		}
	})
}

func TestDovecotStream(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	m, err := imaplib.DialStream(srv.StreamCommand(srv.User), &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	exercise(t, m, false, "", "")
}

func TestDovecotContextInterruptsRead(t *testing.T) {
	srv := dovecottest.Start(t)
	host, port := splitAddr(t, srv.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	// IDLE leaves the server silent; Python's Readline blocks until the
	// context ends the connection.
	if _, err := m.Send([]byte("X IDLE\r\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Readline(); err != nil { // "+ idling"
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := m.Readline()
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, imaplib.ErrAbort) || !errors.Is(err, context.Canceled) {
			t.Fatalf("read after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled context did not interrupt the read")
	}
}
