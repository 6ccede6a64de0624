package mail_test

import (
	"bufio"
	"io"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
)

// hostileSMTP is a server that greets, accepts EHLO, MAIL and RCPT, then
// does what misbehave does after DATA; it counts the connections.
func hostileSMTP(t *testing.T, misbehave func(c net.Conn, r *bufio.Reader)) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				c.Write([]byte("220 hostile ESMTP\r\n"))
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO":
						c.Write([]byte("250-hostile\r\n250 8BITMIME\r\n"))
					case "DATA":
						c.Write([]byte("354 go ahead\r\n"))
						misbehave(c, r)
						return
					case "QUIT":
						c.Write([]byte("221 bye\r\n"))
						return
					default:
						c.Write([]byte("250 ok\r\n"))
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), &conns
}

// TestSendHostileServer: a server that drops the connection in the middle
// of DATA, or never answers the end of the data, makes acct:send fail
// with a clear error, within the timeout, after one connection only (no
// retry that could deliver the message twice), and nothing is stored in
// Sent.
func TestSendHostileServer(t *testing.T) {
	cases := map[string]func(c net.Conn, r *bufio.Reader){
		"drop mid-DATA": func(c net.Conn, r *bufio.Reader) { r.ReadString('\n') },
		"silent after data": func(c net.Conn, r *bufio.Reader) {
			for {
				line, err := r.ReadString('\n')
				if err != nil || line == ".\r\n" {
					break
				}
			}
			io.Copy(io.Discard, r) // say nothing until the client gives up
		},
		"10 MB reply": func(c net.Conn, r *bufio.Reader) {
			c.Write([]byte("250-" + strings.Repeat("x", 10<<20) + "\r\n"))
		},
	}
	for name, misbehave := range cases {
		t.Run(name, func(t *testing.T) {
			addr, conns := hostileSMTP(t, misbehave)
			im, err := memserver.New(memserver.Options{Users: map[string]string{"alice": alicePW}, InsecureAuth: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { im.Close() })
			if err := im.CreateMailbox("alice", "Sent"); err != nil {
				t.Fatal(err)
			}
			b := &sendBed{imap: im, stateDir: t.TempDir()}
			q := url.Values{"tls": {"none"}, "smtp": {addr}, "smtp_tls": {"none"}, "timeout": {"1"}}
			env := (&url.URL{Scheme: "imap", User: url.UserPassword("alice", alicePW), Host: im.Addr(), RawQuery: q.Encode()}).String()
			start := time.Now()
			out, _ := b.runEnv(t, `
				local mail = require("mail")
				local ok, err = pcall(function()
					return mail.account():send("From: alice@example.org\r\nTo: bob@example.net\r\nSubject: x\r\n\r\nbody\r\n", {sent_mailbox = "Sent"})
				end)
				print(ok, err)
			`, env)
			if !strings.HasPrefix(out, "false\t") || !strings.Contains(out, "mail: alice@127.0.0.1: send: smtp 127.0.0.1:") || !strings.Contains(out, "smtplib: SMTP") {
				t.Errorf("output %q", out)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("send took %v", d)
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
			if sent := b.mailbox(t, "Sent"); len(sent) != 0 {
				t.Errorf("Sent holds %d messages", len(sent))
			}
		})
	}
}
