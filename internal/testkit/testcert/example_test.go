package testcert_test

import (
	"crypto/tls"
	"fmt"
	"log"

	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

func Example() {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cert.ServerConfig())
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("hello\n"))
			c.Close()
		}
	}()

	// The client trusts the test certificate through cert.Pool only.
	conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: cert.Pool, ServerName: "localhost"})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println("verified:", conn.ConnectionState().PeerCertificates[0].DNSNames)
	// Output:
	// verified: [localhost]
}
