package imaplib_test

import (
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
)

func TestMemserverSession(t *testing.T) {
	srv := memservertest.Start(t, memserver.Options{})
	for _, msg := range seedMessages(5) {
		if _, err := srv.Append(memservertest.User, "INBOX", msg.Raw, msg.Flags, msg.Date); err != nil {
			t.Fatal(err)
		}
	}
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	exercise(t, m, true, memservertest.User, memservertest.Password)
}
