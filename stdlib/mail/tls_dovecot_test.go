package mail_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

func runWithEnv(t *testing.T, src string, env map[string]string, readable ...string) (string, error) {
	t.Helper()
	e := engine.New(
		engine.WithPermissions(host.Permissions{Read: readable}),
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithTimeout(time.Minute),
	)
	res, err := e.RunString(context.Background(), "rule.lua", src)
	return string(res.Output), err
}

// TestAccountTLS connects with implicit TLS and with STARTTLS, trusting the
// test certificate through ca_file, and refuses an untrusted certificate.
func TestAccountTLS(t *testing.T) {
	srv := dovecottest.Start(t)
	_, tlsPort, _ := net.SplitHostPort(srv.TLSAddr())
	_, plainPort, _ := net.SplitHostPort(srv.Addr())
	rule := func(tlsMode, port, caFile string) string {
		ca := ""
		if caFile != "" {
			ca = fmt.Sprintf("ca_file = %q,", caFile)
		}
		return fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account{host = "localhost", port = %s, tls = %q, %s user = %q, password = %q}
print(acct:mailbox("INBOX"):status().messages)
`, port, tlsMode, ca, srv.User, srv.Password)
	}
	oc, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := oc.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ mode, port string }{{"implicit", tlsPort}, {"starttls", plainPort}} {
		// Reading the CA file is a file read like any other: it needs
		// the read permission.
		out, err := runWithEnv(t, rule(tc.mode, tc.port, srv.CertFile()), nil, srv.CertFile())
		if err != nil || strings.TrimSpace(out) != "0" {
			t.Errorf("%s with ca_file: %q, %v", tc.mode, out, err)
		}
		_, err = runWithEnv(t, rule(tc.mode, tc.port, ""), nil)
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s with the system roots: %v, want a certificate error", tc.mode, err)
		}
		// A ca_file that vouches for another server does not make this
		// one trusted (nor do the system's roots, then consulted).
		_, err = runWithEnv(t, rule(tc.mode, tc.port, other), nil, other)
		if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
			t.Errorf("%s with another ca_file: %v, want a certificate error", tc.mode, err)
		}
	}
}

// TestAccountStartTLSRequired refuses to go on in plaintext with a server
// that offers no STARTTLS.
func TestAccountStartTLSRequired(t *testing.T) {
	srv, err := memserver.New(memserver.Options{Users: map[string]string{"alice": "secret"}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Addr())
	_, err = runWithEnv(t, fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "starttls", user = "alice", password = "secret"}
acct:mailboxes()
`, host, port), nil)
	if err == nil || !strings.Contains(err.Error(), "TLS not supported by server") {
		t.Fatalf("starttls against a server without it: %v", err)
	}
}

// TestAccountOAuth2 logs in with a token from oauth2.token and checks the
// XOAUTH2 exchange a fake server receives (the real servers that take
// XOAUTH2, Gmail and Office 365, are not reachable from tests).
func TestAccountOAuth2(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		r := bufio.NewReader(c)
		fmt.Fprint(c, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] fake\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				return
			}
			tag, cmd := f[0], strings.ToUpper(f[1])
			switch cmd {
			case "CAPABILITY":
				fmt.Fprintf(c, "* CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2\r\n%s OK done\r\n", tag)
			case "AUTHENTICATE":
				payload, _ := base64.StdEncoding.DecodeString(f[len(f)-1])
				got <- f[2] + " " + string(payload)
				fmt.Fprintf(c, "%s OK authenticated\r\n", tag)
			case "LIST":
				fmt.Fprintf(c, "* LIST () \"/\" INBOX\r\n%s OK done\r\n", tag)
			case "LOGOUT":
				fmt.Fprintf(c, "* BYE bye\r\n%s OK done\r\n", tag)
				return
			default:
				fmt.Fprintf(c, "%s BAD unexpected\r\n", tag)
			}
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	out, err := runWithEnv(t, fmt.Sprintf(`
local mail = require("mail")
local acct = mail.account{host = %q, port = %s, tls = "none", user = "alice@example.com", oauth2 = {token = "ya29.token"}}
for _, name in ipairs(acct:mailboxes()) do print(name) end
`, host, port), nil)
	if err != nil || strings.TrimSpace(out) != "INBOX" {
		t.Fatalf("rule: %q, %v", out, err)
	}
	select {
	case exchange := <-got:
		if want := "XOAUTH2 user=alice@example.com\x01auth=Bearer ya29.token\x01\x01"; exchange != want {
			t.Fatalf("server received %q, want %q", exchange, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no AUTHENTICATE received")
	}
}

// TestPasswordCmdNeedsRunPermission: a password_cmd is a program run, so
// without --allow-run the run fails with an error an embedding program can
// recognise as a refused permission.
func TestPasswordCmdNeedsRunPermission(t *testing.T) {
	_, err := runWithEnv(t, `
local mail = require("mail")
local acct = mail.account{host = "127.0.0.1", port = 1, tls = "none", user = "alice", password_cmd = "echo secret"}
acct:mailboxes()
`, nil)
	var pe *host.PermissionError
	if !errors.Is(err, host.ErrPermission) || !errors.As(err, &pe) || pe.Flag != "--allow-run" {
		t.Fatalf("run: %v, want a refused --allow-run", err)
	}
}
