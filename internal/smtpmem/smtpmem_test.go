package smtpmem_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/smtpmem"
	"github.com/mailscript/mailscript/smtplib"
)

func TestDeliverAndRefuse(t *testing.T) {
	var delivered []smtpmem.Message
	srv, err := smtpmem.Start(smtpmem.Options{Deliver: func(m smtpmem.Message) error {
		if string(m.Data) == "fail\r\n" {
			return errors.New("disk full")
		}
		delivered = append(delivered, m)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("ok\r\n"), nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sendmail("a@example.org", []string{"b@example.org"}, []byte("fail\r\n"), nil, nil)
	var e *smtplib.Error
	if !errors.As(err, &e) || e.Code != 451 {
		t.Fatalf("failed delivery = %v, want 451", err)
	}
	if len(delivered) != 1 || len(srv.Messages()) != 1 || srv.Sessions() != 1 {
		t.Errorf("delivered %d, kept %d, sessions %d", len(delivered), len(srv.Messages()), srv.Sessions())
	}
}

func TestLoginMechanisms(t *testing.T) {
	srv, err := smtpmem.Start(smtpmem.Options{Users: map[string]string{"u": "p"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, newMech := range []func(user, password string) smtplib.Mechanism{smtplib.PlainMechanism, smtplib.LoginMechanism} {
		for _, ir := range []bool{true, false} {
			mech := newMech("u", "p")
			s, err := smtplib.Dial(srv.Host, srv.Port, &smtplib.Options{Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.EhloOrHeloIfNeeded(); err != nil {
				t.Fatal(err)
			}
			if code, _, err := s.Auth(mech, ir); err != nil || code != 235 {
				t.Errorf("%s (initial response %v) = %d, %v", mech.Name(), ir, code, err)
			}
			s.Close()
		}
	}
}

// TestCloseRightAfterStart: Close does not wait for a Serve that has not
// registered its listener yet.
func TestCloseRightAfterStart(t *testing.T) {
	for range 50 {
		srv, err := smtpmem.Start(smtpmem.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
