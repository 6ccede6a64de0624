package faultproxy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// A server that greets and answers every command with a tagged OK.
func okServer() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, "* OK ready\r\n")
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					tag, _, _ := strings.Cut(line, " ")
					io.WriteString(c, tag+" OK done\r\n")
				}
			}()
		}
	}()
	return ln
}

// Cut the connection once the server has executed UID EXPUNGE, before
// its answer reaches the client, and count the commands sent.
func Example() {
	ln := okServer()
	defer ln.Close()
	p, err := faultproxy.New(ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer p.Close()
	f := p.Add(faultproxy.Rule{Command: "UID EXPUNGE", When: faultproxy.AfterCommand, Action: faultproxy.Cut})

	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	br.ReadString('\n') // greeting
	io.WriteString(c, "a1 NOOP\r\n")
	answer, _ := br.ReadString('\n')
	fmt.Printf("%q\n", answer)
	io.WriteString(c, "a2 UID EXPUNGE 1:3\r\n")
	_, err = br.ReadString('\n')
	fmt.Println("after UID EXPUNGE:", err)
	<-f.Fired()
	cut := <-p.Cuts()
	fmt.Println(cut.Command, cut.Action)
	fmt.Println(p.Stats().Log)
	// Output:
	// "a1 OK done\r\n"
	// after UID EXPUNGE: EOF
	// UID EXPUNGE cut
	// [NOOP UID EXPUNGE]
}
