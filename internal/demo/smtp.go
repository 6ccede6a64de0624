package demo

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/mailscript/mailscript/internal/smtpmem"
)

// startSMTP starts the demo's outgoing server: an in-process SMTP server
// on loopback that takes the demo user's login and delivers every message
// it accepts into the demo user's INBOX, so that mail a script sends can
// be read back from the demo mailbox.
func (s *Server) startSMTP(addr string) error {
	host := "127.0.0.1"
	if addr != "" {
		if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
			host = h
		}
	}
	srv, err := smtpmem.Start(smtpmem.Options{
		Host:  host,
		Users: map[string]string{User: Password},
		Deliver: func(m smtpmem.Message) error {
			_, err := s.srv.Append(User, "INBOX", m.Data, nil, time.Now())
			return err
		},
	})
	if err != nil {
		return fmt.Errorf("demo: start the SMTP server: %w", err)
	}
	s.smtp = srv
	return nil
}

// SMTPAddr is the demo SMTP server's host:port (plain SMTP with AUTH
// PLAIN and LOGIN as demo/demo; acceptable on loopback only).
func (s *Server) SMTPAddr() string { return s.smtp.Addr }

// smtpEnv answers the SMTP_* variables the examples read.
func (s *Server) smtpEnv(name string) (string, bool) {
	switch name {
	case "SMTP_HOST":
		return s.smtp.Host, true
	case "SMTP_PORT":
		return strconv.Itoa(s.smtp.Port), true
	case "SMTP_USER":
		return User, true
	case "SMTP_PASSWORD":
		return Password, true
	}
	return "", false
}
