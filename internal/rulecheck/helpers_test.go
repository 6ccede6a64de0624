package rulecheck

import (
	"net"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
)

// actOn plays a rule: "mover" moves move.eml to Archive, "flagger" flags
// keep.eml, through a connection of its own to the account at u.
func actOn(t *testing.T, u, rule string) error {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(pu.Host)
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	defer m.Close()
	pass, _ := pu.User.Password()
	if _, _, err := m.Login(pu.User.Username(), pass); err != nil {
		return err
	}
	if _, err := m.SelectMailbox("INBOX", false); err != nil {
		return err
	}
	subject := map[string]string{"mover": "move", "flagger": "keep"}[rule]
	set, err := m.UIDSearch("SUBJECT", subject)
	if err != nil {
		return err
	}
	switch rule {
	case "mover":
		_, err = m.UIDMove(set, "Archive")
	case "flagger":
		_, err = m.UIDStore(set, imaplib.AddFlags, []string{`\Flagged`}, false)
	}
	return err
}
