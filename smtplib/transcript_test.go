package smtplib_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/smtplib"
)

// script is a scripted server: lines starting with "S: " are sent (with
// CRLF), lines starting with "C: " are what the client must send next.
// Everything the client sends is recorded.
type script struct {
	t        *testing.T
	lines    []string
	received strings.Builder
	done     chan struct{}
	errc     chan error
}

// playScript serves the script on one end of a pipe and returns the
// client's end.
func playScript(t *testing.T, transcript string) (net.Conn, *script) {
	t.Helper()
	server, client := net.Pipe()
	sc := &script{t: t, done: make(chan struct{}), errc: make(chan error, 1)}
	for _, l := range strings.Split(strings.TrimSpace(transcript), "\n") {
		sc.lines = append(sc.lines, strings.TrimLeft(l, "\t"))
	}
	go func() {
		defer close(sc.done)
		defer server.Close()
		r := bufio.NewReader(server)
		for _, l := range sc.lines {
			switch {
			case strings.HasPrefix(l, "S: "):
				if _, err := io.WriteString(server, l[3:]+"\r\n"); err != nil {
					sc.errc <- err
					return
				}
			case strings.HasPrefix(l, "C: "):
				got, err := r.ReadString('\n')
				sc.received.WriteString(got)
				if err != nil {
					sc.errc <- err
					return
				}
				if want := l[3:] + "\r\n"; got != want {
					sc.errc <- errors.New("client sent " + strings.TrimSpace(got) + ", want " + l[3:])
					return
				}
			}
		}
	}()
	t.Cleanup(func() { client.Close(); <-sc.done })
	return client, sc
}

// finish waits for the server side and reports a mismatch.
func (sc *script) finish() {
	sc.t.Helper()
	select {
	case <-sc.done:
	case <-time.After(10 * time.Second):
		sc.t.Fatal("script did not finish")
	}
	select {
	case err := <-sc.errc:
		sc.t.Fatalf("transcript: %v\nreceived so far:\n%s", err, sc.received.String())
	default:
	}
}

func newScripted(t *testing.T, transcript string, opts *smtplib.Options) (*smtplib.SMTP, *script) {
	t.Helper()
	conn, sc := playScript(t, transcript)
	if opts == nil {
		opts = &smtplib.Options{}
	}
	if opts.LocalHostname == "" {
		opts.LocalHostname = "client.example"
	}
	s, err := smtplib.NewClient(conn, "localhost", opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return s, sc
}

const ehlo = `
	S: 220 mx.example ESMTP
	C: ehlo client.example
	S: 250-mx.example
	S: 250-SIZE 1000000
	S: 250-8BITMIME
	S: 250 AUTH PLAIN LOGIN CRAM-MD5`

func TestTranscriptSendmail(t *testing.T) {
	s, sc := newScripted(t, ehlo+`
		C: mail FROM:<alice@example.org> size=23
		S: 250 2.1.0 Ok
		C: rcpt TO:<bob@example.org>
		S: 250 2.1.5 Ok
		C: rcpt TO:<nobody@example.org>
		S: 550 5.1.1 <nobody@example.org>: Recipient address rejected
		C: data
		S: 354 End data with <CR><LF>.<CR><LF>
		C: Subject: x
		C: 
		C: ..dot
		C: end
		C: .
		S: 250 2.0.0 Ok: queued as 1234
		C: quit
		S: 221 2.0.0 Bye`, nil)
	refused, err := s.Sendmail("Alice <alice@example.org>", []string{"bob@example.org", "nobody@example.org"},
		[]byte("Subject: x\n\n.dot\nend"), nil, nil)
	if err != nil {
		sc.finish()
		t.Fatalf("Sendmail: %v", err)
	}
	want := smtplib.Reply{Code: 550, Msg: "5.1.1 <nobody@example.org>: Recipient address rejected"}
	if len(refused) != 1 || refused["nobody@example.org"] != want {
		t.Errorf("refused = %v, want only nobody: %v", refused, want)
	}
	code, msg, err := s.Quit()
	if err != nil || code != 221 || msg != "2.0.0 Bye" {
		t.Errorf("Quit = %d %q %v", code, msg, err)
	}
	sc.finish()
}

func TestTranscriptErrors(t *testing.T) {
	tests := []struct {
		name       string
		transcript string
		run        func(s *smtplib.SMTP) error
		kind       smtplib.Kind
		code       int
		msg        string
	}{
		{"sender refused", ehlo + `
			C: mail FROM:<a@example.org> size=1
			S: 553 5.7.1 Sender rejected
			C: rset
			S: 250 Ok`,
			func(s *smtplib.SMTP) error {
				_, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("x"), nil, nil)
				return err
			}, smtplib.KindSenderRefused, 553, "5.7.1 Sender rejected"},
		{"all recipients refused", ehlo + `
			C: mail FROM:<a@example.org> size=1
			S: 250 Ok
			C: rcpt TO:<b@example.org>
			S: 550 no such user
			C: rset
			S: 250 Ok`,
			func(s *smtplib.SMTP) error {
				_, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("x"), nil, nil)
				return err
			}, smtplib.KindRecipientsRefused, 0, ""},
		{"data refused after message", ehlo + `
			C: mail FROM:<a@example.org> size=1
			S: 250 Ok
			C: rcpt TO:<b@example.org>
			S: 250 Ok
			C: data
			S: 354 go
			C: x
			C: .
			S: 554 5.7.1 spam
			C: rset
			S: 250 Ok`,
			func(s *smtplib.SMTP) error {
				_, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("x"), nil, nil)
				return err
			}, smtplib.KindData, 554, "5.7.1 spam"},
		{"DATA command refused", ehlo + `
			C: mail FROM:<a@example.org> size=1
			S: 250 Ok
			C: rcpt TO:<b@example.org>
			S: 250 Ok
			C: data
			S: 503 5.5.1 no valid recipients`,
			func(s *smtplib.SMTP) error {
				_, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("x"), nil, nil)
				return err
			}, smtplib.KindData, 503, "5.5.1 no valid recipients"},
		{"auth refused, every mechanism tried", ehlo + `
			C: AUTH CRAM-MD5
			S: 334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
			C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw
			S: 535 5.7.8 bad
			C: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm
			S: 535 5.7.8 bad
			C: AUTH LOGIN dGlt
			S: 334 UGFzc3dvcmQ6
			C: dGFuc3RhYWZ0YW5zdGFhZg==
			S: 535 5.7.8 still bad`,
			func(s *smtplib.SMTP) error {
				_, _, err := s.Login("tim", "tanstaaftanstaaf")
				return err
			}, smtplib.KindAuthentication, 535, "5.7.8 still bad"},
		{"no auth", `
			S: 220 mx
			C: ehlo client.example
			S: 250 mx`,
			func(s *smtplib.SMTP) error {
				_, _, err := s.Login("u", "p")
				return err
			}, smtplib.KindNotSupported, 0, "SMTP AUTH extension not supported by server."},
		{"starttls not offered", `
			S: 220 mx
			C: ehlo client.example
			S: 250 mx`,
			func(s *smtplib.SMTP) error {
				_, _, err := s.StartTLS(nil)
				return err
			}, smtplib.KindNotSupported, 0, "STARTTLS extension not supported by server."},
		{"starttls refused", `
			S: 220 mx
			C: ehlo client.example
			S: 250-mx
			S: 250 STARTTLS
			C: STARTTLS
			S: 454 4.7.0 TLS not available`,
			func(s *smtplib.SMTP) error {
				_, _, err := s.StartTLS(nil)
				return err
			}, smtplib.KindResponse, 454, "4.7.0 TLS not available"},
		{"helo refused", `
			S: 220 mx
			C: ehlo client.example
			S: 502 no
			C: helo client.example
			S: 501 no either`,
			func(s *smtplib.SMTP) error { return s.EhloOrHeloIfNeeded() },
			smtplib.KindHelo, 501, "no either"},
		{"disconnect", `
			S: 220 mx
			C: noop`,
			func(s *smtplib.SMTP) error {
				_, _, err := s.Noop()
				return err
			}, smtplib.KindServerDisconnected, 0, "Connection unexpectedly closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, sc := newScripted(t, tt.transcript, nil)
			err := tt.run(s)
			sc.finish()
			var e *smtplib.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *smtplib.Error", err)
			}
			if e.Kind != tt.kind || e.Code != tt.code || (tt.msg != "" && e.Msg != tt.msg) {
				t.Errorf("err = %s %d %q, want %s %d %q", e.Kind, e.Code, e.Msg, tt.kind, tt.code, tt.msg)
			}
			if !errors.Is(err, smtplib.ErrSMTPException) || !errors.Is(err, smtplib.ErrOSError) {
				t.Errorf("%v is not an SMTPException and OSError", err)
			}
		})
	}
}

func TestTranscriptPipelining(t *testing.T) {
	s, sc := newScripted(t, `
		S: 220 mx
		C: ehlo client.example
		S: 250-mx
		S: 250 PIPELINING
		C: mail FROM:<a@example.org>
		C: rcpt TO:<b@example.org>
		C: rcpt TO:<c@example.org>
		S: 250 Ok
		S: 550 no
		S: 250 Ok
		C: data
		S: 354 go
		C: hi
		C: .
		S: 250 queued`, nil)
	refused, err := s.Sendmail("a@example.org", []string{"b@example.org", "c@example.org"}, []byte("hi\r\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 1 || refused["b@example.org"].Code != 550 {
		t.Errorf("refused = %v", refused)
	}
	sc.finish()
}

func TestTranscriptLMTP(t *testing.T) {
	conn, sc := playScript(t, `
		S: 220 lmtp
		C: lhlo client.example
		S: 250-lmtp
		S: 250 8BITMIME
		C: mail FROM:<a@example.org>
		S: 250 Ok
		C: rcpt TO:<b@example.org>
		S: 250 Ok
		C: rcpt TO:<c@example.org>
		S: 250 Ok
		C: data
		S: 354 go
		C: hi
		C: .
		S: 250 2.0.0 <b@example.org> Saved
		S: 552 5.2.2 <c@example.org> Quota exceeded`)
	s, err := smtplib.NewLMTPClient(conn, "localhost", &smtplib.Options{LocalHostname: "client.example"})
	if err != nil {
		t.Fatal(err)
	}
	refused, err := s.Sendmail("a@example.org", []string{"b@example.org", "c@example.org"}, []byte("hi"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 1 || refused["c@example.org"].Code != 552 {
		t.Errorf("refused = %v", refused)
	}
	sc.finish()
}

// TestInjectionRefused tries CR, LF and NUL in every argument: each is a
// ValueError and nothing reaches the server.
func TestInjectionRefused(t *testing.T) {
	bad := []string{"a@example.org\r\nRCPT TO:<evil@example.org>", "a@example.org\nx", "a\rb@example.org", "a\x00@example.org"}
	for _, b := range bad {
		s, sc := newScripted(t, `
			S: 220 mx
			C: ehlo client.example
			S: 250 mx
			C: quit
			S: 221 bye`, nil)
		calls := map[string]func() error{
			"sendmail from": func() error {
				_, err := s.Sendmail(b, []string{"ok@example.org"}, []byte("x"), nil, nil)
				return err
			},
			"sendmail to": func() error {
				_, err := s.Sendmail("ok@example.org", []string{"ok@example.org", b}, []byte("x"), nil, nil)
				return err
			},
			"mail option": func() error {
				_, err := s.Sendmail("ok@example.org", []string{"ok@example.org"}, []byte("x"), []string{b}, nil)
				return err
			},
			"verify": func() error { _, _, err := s.Verify(b); return err },
			"ehlo":   func() error { _, _, err := s.Ehlo(b); return err },
			"docmd":  func() error { _, _, err := s.DoCmd("noop", b); return err },
			"login":  func() error { _, _, err := s.Login(b, "x"); return err },
		}
		if err := s.EhloOrHeloIfNeeded(); err != nil {
			t.Fatal(err)
		}
		for name, call := range calls {
			err := call()
			if name == "login" {
				// No AUTH offered: refused before the argument matters.
				if !errors.Is(err, smtplib.ErrNotSupported) {
					t.Errorf("%s(%q) = %v", name, b, err)
				}
				continue
			}
			if !errors.Is(err, smtplib.ErrValue) {
				t.Errorf("%s(%q) = %v, want ValueError", name, b, err)
			}
		}
		if _, _, err := s.Quit(); err != nil {
			t.Fatal(err)
		}
		sc.finish()
	}
}
