package postfixtest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/postfixtest"
	"github.com/mailscript/mailscript/smtplib"
)

func TestSubmitAndReadBack(t *testing.T) {
	pf := postfixtest.Start(t)
	d := pf.Dovecot
	at := pf.LogOffset()
	s, err := smtplib.Dial(pf.Host(), pf.SubmissionPort(), &smtplib.Options{Timeout: 30 * time.Second, TLSConfig: pf.TLSConfig(), LocalHostname: "client.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.StartTLS(nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(d.User, d.Password); err != nil {
		t.Fatal(err)
	}
	msg := "From: " + pf.Address("alice") + "\r\nTo: " + pf.Address("bob") + "\r\nSubject: over postfix\r\nMessage-ID: <t1@example.test>\r\n\r\n.dotted line\r\nbye\r\n"
	refused, err := s.SendMessage([]byte(msg), "", nil, nil, nil)
	if err != nil || len(refused) != 0 {
		t.Fatalf("SendMessage = %v, %v", refused, err)
	}
	s.Quit()
	sessions, err := pf.Sessions(at, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// The whole conversation so far was one session: EHLO (again after
	// STARTTLS), AUTH, then MAIL, RCPT and DATA pipelined, QUIT.
	if want := "submission: ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8"; len(sessions) != 1 || sessions[0] != want {
		t.Errorf("sessions = %q, want [%q]", sessions, want)
	}
	if n := pf.WaitDelivered("bob", "INBOX", 1, 30*time.Second); n != 1 {
		t.Fatalf("bob's INBOX holds %d messages\n%s", n, pf.LogTail(30))
	}
	m, err := imaplib.Dial("127.0.0.1", portOf(t, d.Addr()), &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Logout()
	if _, _, err := m.Login("bob", d.Users["bob"]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	_, data, err := m.Fetch("1", "(BODY.PEEK[])")
	if err != nil || len(data) == 0 {
		t.Fatalf("fetch: %v %v", data, err)
	}
	got := string(data[0].Literal)
	if !strings.Contains(got, "Subject: over postfix") || !strings.HasSuffix(got, "\r\n\r\n.dotted line\r\nbye\r\n") {
		t.Errorf("bob received:\n%s", got)
	}
	if !strings.Contains(got, "Received: from client.example") {
		t.Errorf("no Received field from the submission:\n%s", got)
	}
}

func TestRefusals(t *testing.T) {
	pf := postfixtest.Start(t)
	s, err := smtplib.Dial(pf.Host(), pf.SMTPPort(), &smtplib.Options{Timeout: 30 * time.Second, LocalHostname: "client.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refused, err := s.Sendmail("x@elsewhere.example", []string{pf.Address("nobody"), pf.Address("alice")}, []byte("Subject: a\r\n\r\nhi\r\n"), nil, nil)
	if err != nil || len(refused) != 1 || refused[pf.Address("nobody")].Code != 550 {
		t.Fatalf("unknown recipient: %v %v", refused, err)
	}
	_, err = s.Sendmail("x@elsewhere.example", []string{pf.Address("alice")}, []byte("Subject: "+postfixtest.RejectSubject+"\r\n\r\nhi\r\n"), nil, nil)
	var e *smtplib.Error
	if !errors.As(err, &e) || e.Kind != smtplib.KindData || e.Code != 550 || e.Msg != postfixtest.RejectReply {
		t.Fatalf("header check: %v", err)
	}
	_, _, err = s.Login("alice", "wrong")
	if !errors.Is(err, smtplib.ErrAuthenticationError) {
		t.Fatalf("wrong password: %v", err)
	}
	if n := pf.WaitDelivered("alice", "INBOX", 1, 30*time.Second); n != 1 {
		t.Fatalf("alice's INBOX holds %d messages", n)
	}
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	var p int
	for _, c := range addr[i+1:] {
		p = p*10 + int(c-'0')
	}
	return p
}

// TestLMTPDirect speaks LMTP to Dovecot's socket, as Postfix does: one
// reply per accepted recipient after the data.
func TestLMTPDirect(t *testing.T) {
	pf := postfixtest.Start(t)
	s, err := smtplib.DialLMTP(pf.LMTPSocket(), 0, &smtplib.Options{Timeout: 30 * time.Second, LocalHostname: "client.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	refused, err := s.Sendmail(pf.Address("bob"), []string{pf.Address("alice"), pf.Address("nobody"), pf.Address("bob")}, []byte("Subject: lmtp\r\n\r\nhello\r\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 1 || refused[pf.Address("nobody")].Code != 550 {
		t.Errorf("refused = %v", refused)
	}
	s.Quit()
	// LMTP delivers before it answers: no waiting needed.
	for _, u := range []string{"alice", "bob"} {
		if n := pf.WaitDelivered(u, "INBOX", 1, 0); n != 1 {
			t.Errorf("%s's INBOX holds %d messages", u, n)
		}
	}
}
