package mail_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/internal/memserver"
)

// A rule as the package documentation shows it: a server-side search, a
// regular expression on the decoded subjects, and a move, run by the
// engine against a server holding four messages.
func Example() {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, m := range []struct{ from, subject string }{
		{"billing@shop.example", "Invoice #1041"},
		{"billing@shop.example", "=?UTF-8?Q?Invoice_=231042_=E2=80=93_paid?="},
		{"billing@shop.example", "Your basket misses you"},
		{"bob@example.org", "Invoice #7 for the band"},
	} {
		raw := "From: " + m.from + "\r\nSubject: " + m.subject + "\r\n\r\nHello\r\n"
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Now()); err != nil {
			log.Fatal(err)
		}
	}

	host, port, _ := net.SplitHostPort(srv.Addr())
	rule := fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none",
                          user = "alice", password = "secret", create = true}
local inbox = acct:mailbox("INBOX")

local invoices = inbox:search{from = "billing@"}
                      :match{subject = [[(?i)invoice\s+#\d+]]}
print(#invoices .. " invoices from billing")
invoices:move_to("Invoices")

for msg in acct:mailbox("Invoices"):all():messages() do
  print(msg.uid, msg.subject)
end
print(#inbox:all() .. " left in the inbox")`, host, port)

	e := engine.New(engine.WithStdout(os.Stdout))
	if _, err := e.RunString(context.Background(), "invoices.lua", rule); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 invoices from billing
	// 1	Invoice #1041
	// 2	Invoice #1042 – paid
	// 2 left in the inbox
}
