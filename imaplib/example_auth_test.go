package imaplib_test

import (
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"strconv"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/memserver"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// Authenticate with a built-in mechanism: PLAIN goes in one round trip
// when the server offers SASL-IR.
func ExampleIMAP4_LoginPlain() {
	srv, host, port := startServer()
	defer srv.Close()

	m, err := imaplib.Dial(host, port, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	typ, _, err := m.LoginPlain("alice", "secret")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(typ, m.State())
	// Output:
	// OK AUTH
}

// Authenticate with Python's authobject contract: the function gets each
// challenge decoded and returns the response, which is sent in base64;
// returning false cancels.
func ExampleIMAP4_Authenticate() {
	srv, host, port := startServer()
	defer srv.Close()

	m, err := imaplib.Dial(host, port, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	typ, _, err := m.Authenticate("PLAIN", func(challenge []byte) ([]byte, bool) {
		return []byte("\x00alice\x00secret"), true
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(typ, m.State())
	// Output:
	// OK AUTH
}

// Upgrade a plain connection with STARTTLS, refusing to go on without
// TLS. Here the server's certificate is a test certificate trusted
// explicitly; by default the system roots verify it.
func ExampleDialStartTLS() {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		log.Fatal(err)
	}
	srv, err := memserver.New(memserver.Options{
		Users: map[string]string{"alice": "secret"},
		TLS:   cert.ServerConfig(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)

	m, err := imaplib.DialStartTLS("localhost", port, &imaplib.Options{
		TLSConfig: &tls.Config{RootCAs: cert.Pool},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Logout()
	typ, _, err := m.Login("alice", "secret")
	if err != nil {
		log.Fatal(err)
	}
	_, isTLS := m.Conn().(*tls.Conn)
	fmt.Println(typ, isTLS)
	// Output:
	// OK true
}
