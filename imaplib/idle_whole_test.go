package imaplib

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// trickleServer greets, accepts LOGIN and answers IDLE with a continuation
// request followed by the first part of a response, and sends the rest
// only when the client sends DONE: a response that starts before the
// idler's duration runs out and would end after it.
func trickleServer(t *testing.T, first, rest string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			tag, cmd, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch {
			case strings.HasPrefix(cmd, "LOGIN"):
				io.WriteString(c, tag+" OK logged in\r\n")
			case cmd == "IDLE":
				io.WriteString(c, "+ idling\r\n"+first)
				if _, err := br.ReadString('\n'); err != nil { // DONE
					return
				}
				io.WriteString(c, rest+tag+" OK idle done\r\n")
			default:
				io.WriteString(c, tag+" OK done\r\n")
			}
		}
	}()
	return ln.Addr().String()
}

// The duration bounds the whole wait: a response that has started but
// does not complete within IdleGrace of the end is not waited for; it is
// read when the IDLE ends and kept with the untagged responses.
func TestIdleDurationBoundsTrickle(t *testing.T) {
	for _, tc := range []struct {
		name, first, rest, typ, want string
	}{
		{"line", "* 1 EXI", "STS\r\n", "EXISTS", "1"},
		{"literal", "* 1 FETCH (BODY[] {10}\r\nhello", " world)\r\n", "FETCH", "1 (BODY[] {10}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := trickleServer(t, tc.first, tc.rest)
			host, port, _ := net.SplitHostPort(addr)
			var p int
			for _, c := range port {
				p = p*10 + int(c-'0')
			}
			m, err := Dial(host, p, &Options{Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if _, _, err := m.Login("u", "p"); err != nil {
				t.Fatal(err)
			}
			const duration = 500 * time.Millisecond
			start := time.Now()
			idler, err := m.Idle(duration)
			if err != nil {
				t.Fatal(err)
			}
			typ, data, ok := idler.Next()
			elapsed := time.Since(start)
			if ok {
				t.Fatalf("Next = %s %s, want the end of the duration", typ, pyItems(data))
			}
			if idler.Err() != nil {
				t.Fatalf("Err = %v", idler.Err())
			}
			if elapsed < duration || elapsed > duration+IdleGrace+400*time.Millisecond {
				t.Fatalf("Next returned after %v, want about %v", elapsed, duration)
			}
			if err := idler.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			typ, data = m.Response(tc.typ)
			if len(data) == 0 || data[0].IsNone || string(data[0].Line) != tc.want {
				t.Fatalf("Response(%s) = %s %s, want the finished response %q", tc.typ, typ, pyItems(data), tc.want)
			}
			if _, _, err := m.Noop(); err != nil {
				t.Fatalf("noop after the IDLE: %v", err)
			}
		})
	}
}
