package smtplib_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/smtplib"
)

// hostile serves one connection with handle and returns the address.
func hostile(t *testing.T, handle func(c net.Conn, r *bufio.Reader)) (string, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		handle(c, bufio.NewReader(c))
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	a := ln.Addr().(*net.TCPAddr)
	return "127.0.0.1", a.Port
}

// answer reads client lines until one starts with prefix, answering
// every other line with 250.
func answer(c net.Conn, r *bufio.Reader, prefix string) bool {
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		if strings.HasPrefix(strings.ToLower(l), prefix) {
			return true
		}
		io.WriteString(c, "250 ok\r\n")
	}
}

func TestHostileServers(t *testing.T) {
	tests := []struct {
		name    string
		handle  func(c net.Conn, r *bufio.Reader)
		timeout time.Duration
		run     func(s *smtplib.SMTP) error
		want    error
		msg     string
	}{
		{"drops mid-DATA", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			answer(c, r, "data")
			io.WriteString(c, "354 go\r\n")
			r.ReadString('\n')
		}, 10 * time.Second, func(s *smtplib.SMTP) error {
			_, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte(strings.Repeat("line\r\n", 100000)), nil, nil)
			return err
		}, smtplib.ErrServerDisconnected, ""},
		{"10 MB line", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			r.ReadString('\n')
			io.WriteString(c, "250-")
			io.WriteString(c, strings.Repeat("x", 10<<20))
		}, 10 * time.Second, func(s *smtplib.SMTP) error {
			_, _, err := s.Ehlo("")
			return err
		}, smtplib.ErrResponseException, "500 Line too long."},
		{"STARTTLS then injected data", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			r.ReadString('\n')
			io.WriteString(c, "250-mx\r\n250 STARTTLS\r\n")
			r.ReadString('\n')
			io.WriteString(c, "220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
			r.ReadString('\n')
		}, 10 * time.Second, func(s *smtplib.SMTP) error {
			_, _, err := s.StartTLS(nil)
			return err
		}, smtplib.ErrSMTPException, "before the TLS handshake"},
		{"never answers", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			r.ReadString('\n')
			io.Copy(io.Discard, r)
		}, 300 * time.Millisecond, func(s *smtplib.SMTP) error {
			_, _, err := s.Noop()
			return err
		}, smtplib.ErrServerDisconnected, "timed out"},
		{"never greets", func(c net.Conn, r *bufio.Reader) {
			io.Copy(io.Discard, r)
		}, 300 * time.Millisecond, nil, smtplib.ErrServerDisconnected, "timed out"},
		{"greets with an error", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "554 go away\r\n")
		}, 10 * time.Second, nil, smtplib.ErrConnectError, "554 go away"},
		{"garbage reply", func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			r.ReadString('\n')
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n")
			io.Copy(io.Discard, r)
		}, 10 * time.Second, func(s *smtplib.SMTP) error {
			code, msg, err := s.Noop()
			if err == nil && code == -1 && msg == "/1.1 400 Bad Request" {
				return nil
			}
			return errors.New("unexpected")
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, port := hostile(t, tt.handle)
			start := time.Now()
			s, err := smtplib.Dial(host, port, &smtplib.Options{Timeout: tt.timeout, LocalHostname: "client.example"})
			if err == nil {
				defer s.Close()
				if tt.run == nil {
					t.Fatal("Dial succeeded")
				}
				err = tt.run(s)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.want, tt.msg)
			}
			if s != nil && s.Connected() && !errors.Is(err, smtplib.ErrConnectError) {
				t.Error("connection left open after a broken session")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestContextInterrupts: cancelling the context interrupts a blocked read.
func TestContextInterrupts(t *testing.T) {
	host, port := hostile(t, func(c net.Conn, r *bufio.Reader) {
		io.WriteString(c, "220 hi\r\n")
		io.Copy(io.Discard, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := smtplib.Dial(host, port, &smtplib.Options{Context: ctx, LocalHostname: "c"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	errc := make(chan error, 1)
	go func() { _, _, err := s.Noop(); errc <- err }()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, smtplib.ErrServerDisconnected) {
			t.Fatalf("Noop after cancel = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not interrupt the read")
	}
}

// TestStartTLSInjectionNeverPlain: whether the injected bytes come with
// the 220 or after it, StartTLS fails and the client never sends a
// command in plain text after asking for TLS.
func TestStartTLSInjectionNeverPlain(t *testing.T) {
	for _, split := range []bool{false, true} {
		after := make(chan []byte, 1)
		host, port := hostile(t, func(c net.Conn, r *bufio.Reader) {
			io.WriteString(c, "220 hi\r\n")
			r.ReadString('\n')
			io.WriteString(c, "250-mx\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n")
			r.ReadString('\n')
			if split {
				io.WriteString(c, "220 go ahead\r\n")
				io.WriteString(c, "250-injected\r\n250 AUTH PLAIN\r\n")
			} else {
				io.WriteString(c, "220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			rest, _ := io.ReadAll(r)
			after <- rest
		})
		s, err := smtplib.Dial(host, port, &smtplib.Options{Timeout: 5 * time.Second, LocalHostname: "c"})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.StartTLS(nil)
		if err == nil {
			t.Fatalf("split=%v: StartTLS succeeded against an injecting server", split)
		}
		if !errors.Is(err, smtplib.ErrOSError) {
			t.Errorf("split=%v: err = %v, want an SMTPException or a TLS failure", split, err)
		}
		if _, _, err := s.Login("u", "p"); !errors.Is(err, smtplib.ErrServerDisconnected) {
			t.Errorf("split=%v: Login after the failed STARTTLS = %v, want SMTPServerDisconnected", split, err)
		}
		rest := <-after
		if len(rest) > 0 && rest[0] != 0x16 {
			t.Errorf("split=%v: the client sent %q after STARTTLS, not a TLS handshake", split, rest)
		}
		s.Close()
	}
}

// TestCloseFromAnotherGoroutine: Close interrupts a blocked read (the
// engine's cleanup does this when a run is cancelled).
func TestCloseFromAnotherGoroutine(t *testing.T) {
	host, port := hostile(t, func(c net.Conn, r *bufio.Reader) {
		io.WriteString(c, "220 hi\r\n")
		io.Copy(io.Discard, r)
	})
	s, err := smtplib.Dial(host, port, &smtplib.Options{LocalHostname: "c"})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		_, _, err := s.Noop()
		errc <- err
	}()
	<-started
	s.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, smtplib.ErrServerDisconnected) {
			t.Fatalf("Noop after Close = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not interrupt the read")
	}
}
