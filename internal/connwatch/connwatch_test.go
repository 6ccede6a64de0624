package connwatch

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

type record struct {
	mu       sync.Mutex
	open     int
	commands []string
}

func (r *record) Opened() { r.mu.Lock(); r.open++; r.mu.Unlock() }
func (r *record) Closed() { r.mu.Lock(); r.open--; r.mu.Unlock() }
func (r *record) Command(name string, rtt time.Duration, status string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	timed := "untimed"
	if rtt > 0 {
		timed = "timed"
	}
	r.commands = append(r.commands, name+" "+status+" "+timed)
}

func TestObservedConn(t *testing.T) {
	client, server := net.Pipe()
	rec := &record{}
	c := Wrap(NewContext(context.Background(), rec), client)
	if rec.open != 1 {
		t.Fatalf("open = %d after Wrap", rec.open)
	}
	// The server answers each command; the APPEND's literal holds a line
	// that looks like a command and must not count.
	go func() {
		r := bufio.NewReader(server)
		reply := func(s string) { server.Write([]byte(s)) }
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			switch {
			case strings.HasSuffix(strings.TrimSpace(line), "{24}"):
				reply("+ go on\r\n")
				buf := make([]byte, 24+2)
				if _, err := r.Read(buf); err != nil {
					return
				}
				reply(f[0] + " OK APPEND done\r\n")
			case len(f) > 1 && f[1] == "IDLE":
				reply("+ idling\r\n* 3 EXISTS\r\n")
				r.ReadString('\n') // DONE
				reply(f[0] + " OK IDLE done\r\n")
			case len(f) > 1 && f[1] == "BOGUS":
				reply(f[0] + " BAD what?\r\n")
			case len(f) > 0:
				reply("* 2 EXISTS\r\n" + f[0] + " OK done\r\n")
			}
		}
	}()
	r := bufio.NewReader(c)
	send := func(s string, lines int) {
		t.Helper()
		if _, err := c.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		for range lines {
			if _, err := r.ReadString('\n'); err != nil {
				t.Fatal(err)
			}
		}
	}
	send("a1 NOOP\r\n", 2)
	send("a2 uid fetch 1:* (FLAGS)\r\n", 2)
	send("a3 APPEND INBOX {24}\r\n", 1)
	send("a9 NOOP looks like one\r\n\r\n", 1)
	send("a4 IDLE\r\n", 2)
	send("DONE\r\n", 1)
	send("a5 BOGUS\r\n", 1)
	c.Write([]byte("a6 NOOP\r\n")) // cut before its answer is read
	c.Close()
	server.Close()
	want := []string{"NOOP OK timed", "UID FETCH OK timed", "APPEND OK timed", "IDLE OK untimed", "BOGUS BAD timed", "NOOP  untimed"}
	if strings.Join(rec.commands, "|") != strings.Join(want, "|") {
		t.Fatalf("commands:\n%v\nwant\n%v", rec.commands, want)
	}
	if rec.open != 0 {
		t.Fatalf("open = %d after Close", rec.open)
	}
}

func TestWrapWithoutObserver(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	if Wrap(context.Background(), client) != client {
		t.Fatal("Wrap changed a connection without an observer")
	}
}

func FuzzLineScanner(f *testing.F) {
	f.Add([]byte("a1 APPEND x {3}\r\nabc\r\na2 NOOP\r\n"), 5)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		var whole, parts []string
		var s1, s2 lineScanner
		s1.feed(data, func(l []byte) { whole = append(whole, string(l)) })
		// Any cut from 0 to len(data); MinInt has no positive opposite.
		cut = int(uint(cut) % uint(len(data)+1))
		s2.feed(data[:cut], func(l []byte) { parts = append(parts, string(l)) })
		s2.feed(data[cut:], func(l []byte) { parts = append(parts, string(l)) })
		if strings.Join(whole, "\n") != strings.Join(parts, "\n") {
			t.Fatalf("split at %d changes the lines: %q vs %q", cut, whole, parts)
		}
	})
}
