package imaplib_test

import (
	"bytes"
	"crypto/tls"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/memserver/memservertest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// ENABLE and ID against Dovecot. Dovecot 2.3 has no UTF8=ACCEPT: UTF-8
// mode runs against the go-imap server below and in transcripts.
func TestDovecotEnableID(t *testing.T) {
	srv := dovecottest.Start(t)
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// ID works before login.
	id, err := m.ID(map[string]string{"name": "mailscript", "version": "test"})
	if err != nil || id["name"] != "Dovecot" {
		t.Fatalf("ID: %q %v", id, err)
	}
	if _, err := m.ID(nil); err != nil {
		t.Fatalf("ID NIL: %v", err)
	}
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	typ, dat, err := m.Enable("CONDSTORE")
	if err != nil || typ != "OK" {
		t.Fatalf("enable: %s %v %v", typ, dat, err)
	}
	if typ, dat := m.Response("ENABLED"); typ != "ENABLED" || len(dat) != 1 || string(dat[0].Line) != "CONDSTORE" {
		t.Fatalf("ENABLED response: %s %v", typ, dat)
	}
	if m.UTF8Enabled() {
		t.Fatal("UTF-8 mode after ENABLE CONDSTORE")
	}
}

// UTF8=ACCEPT, AUTHENTICATE PLAIN with SASL-IR and STARTTLS against the
// go-imap server.
func TestMemserverUTF8AuthStartTLS(t *testing.T) {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := memservertest.Start(t, memserver.Options{TLS: cert.ServerConfig()})
	host, port := splitAddr(t, srv.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.StartTLS(&tls.Config{RootCAs: cert.Pool, ServerName: "localhost"}); err != nil {
		t.Fatal(err)
	}
	if m.HasCapability("STARTTLS") {
		t.Fatalf("STARTTLS still advertised: %v", m.Capabilities())
	}
	if !m.HasCapability("SASL-IR") {
		t.Fatalf("no SASL-IR: %v", m.Capabilities())
	}
	if _, _, err := m.LoginPlain(memservertest.User, memservertest.Password); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Enable("UTF8=ACCEPT"); err != nil || !m.UTF8Enabled() {
		t.Fatalf("enable: %v, UTF-8 mode %v", err, m.UTF8Enabled())
	}
	msg := []byte("From: jörg@example.org\r\nSubject: Grüße\r\n\r\nHallo, Welt!\r\n")
	typ, dat, err := m.Append("INBOX", `\Seen`, "", msg)
	if err != nil || typ != "OK" {
		t.Fatalf("append: %s %v %v", typ, dat, err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	typ, dat, err = m.Fetch("1", "(BODY.PEEK[])")
	if err != nil || typ != "OK" || len(dat) == 0 || !bytes.Equal(dat[0].Literal, msg) {
		t.Fatalf("fetch: %s %v %v", typ, dat, err)
	}
}
