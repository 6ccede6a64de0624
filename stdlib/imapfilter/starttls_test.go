package imapfilter_test

import (
	"testing"

	"github.com/mailscript/mailscript/host"
)

// TestStartTLSNotOffered: with options.starttls on (imapfilter's default)
// and a server that does not offer STARTTLS, imapfilter logs in without
// TLS, and so does the layer. A handshake that fails is another matter:
// it is never retried in plaintext (cmd/mailscript's
// TestIMAPFilterCertificates, "STARTTLS, hostnames off, another stored").
func TestStartTLSNotOffered(t *testing.T) {
	_, port := bed(t)
	out, err := runLua(t, &host.Host{}, "acct = IMAP { server = '127.0.0.1', port = "+port+
		", username = 'alice', password = 'secret' }\nprint(options.starttls, #acct.INBOX:select_all())\n")
	if err != nil {
		t.Fatal(err)
	}
	if out != "true\t4\n" {
		t.Errorf("got %q, want %q", out, "true\t4\n")
	}
}
