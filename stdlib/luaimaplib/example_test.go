package luaimaplib_test

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

// A Python imaplib session and its Lua translation, line for line. The
// Python lines are in the comments; both print the same thing.
func Example() {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, subject := range []string{"Lunch?", "Invoice #1041", "Invoice #1042"} {
		raw := "From: billing@shop.example\r\nSubject: " + subject + "\r\n\r\nHello\r\n"
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Now()); err != nil {
			log.Fatal(err)
		}
	}
	host, port, _ := net.SplitHostPort(srv.Addr())

	script := fmt.Sprintf(`
local imaplib = require("imaplib")
local M = imaplib.IMAP4(%q, %s)                    -- M = imaplib.IMAP4(host, port)
local typ, data = M:login("alice", "secret")       -- typ, data = M.login('alice', 'secret')
print(typ)                                         -- print(typ)
typ, data = M:select("INBOX", {readonly = true})   -- typ, data = M.select('INBOX', readonly=True)
print(typ .. " " .. data[1])                       -- print(typ, data[0].decode())
typ, data = M:search(nil, "SUBJECT", '"Invoice"')  -- typ, data = M.search(None, 'SUBJECT', '"Invoice"')
for num in data[1]:gmatch("%%S+") do               -- for num in data[0].split():
  typ, data = M:fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")  -- typ, data = M.fetch(num, ...)
  print(num .. " " .. data[1][2]:gsub("%%s+$", ""))  --     print(num.decode(), data[0][1].decode().rstrip())
end
M:logout()                                         -- M.logout()`, host, port)

	e := engine.New(engine.WithStdout(os.Stdout))
	if _, err := e.RunString(context.Background(), "python.lua", script); err != nil {
		log.Fatal(err)
	}
	// Output:
	// OK
	// OK 3
	// 2 Subject: Invoice #1041
	// 3 Subject: Invoice #1042
}
