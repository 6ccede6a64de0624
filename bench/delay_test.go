package bench

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer greets, then answers each line with "ok <line>".
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, "hello\n")
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					io.WriteString(c, "ok "+line)
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestDelayProxy(t *testing.T) {
	p, err := NewDelayProxy(echoServer(t), time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	read := func(want string) {
		t.Helper()
		got, err := br.ReadString('\n')
		if err != nil || got != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	read("hello\n")
	// Two commands in one turn (pipelined), then one more: two turns.
	io.WriteString(c, "a\nb\n")
	read("ok a\n")
	read("ok b\n")
	io.WriteString(c, "c\n")
	read("ok c\n")
	c.Close()
	if got := p.RoundTrips(); got != 3 {
		t.Errorf("RoundTrips = %d, want 3 (the connection and two turns)", got)
	}
	if got := p.Connections(); got != 1 {
		t.Errorf("Connections = %d, want 1", got)
	}
	p.Reset()
	if got := p.RoundTrips(); got != 0 {
		t.Errorf("after Reset: %d", got)
	}
}

func TestDelayProxyBadDelay(t *testing.T) {
	if _, err := NewDelayProxy("127.0.0.1:1", -time.Second); err == nil {
		t.Fatal("negative delay accepted")
	}
}
