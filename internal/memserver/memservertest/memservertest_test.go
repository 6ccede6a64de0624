package memservertest

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/memserver"
)

func TestStart(t *testing.T) {
	s := Start(t, memserver.Options{Users: map[string]string{"bob": "pw"}})
	if _, err := s.Append("bob", "INBOX", []byte("Subject: x\r\n\r\nx\r\n"), nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, cred := range [][2]string{{User, Password}, {"bob", "pw"}} {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(time.Minute))
		r := bufio.NewReader(c)
		r.ReadString('\n') // greeting
		fmt.Fprintf(c, "a LOGIN %s %s\r\n", cred[0], cred[1])
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(l, "a ") {
				if !strings.HasPrefix(l, "a OK") {
					t.Errorf("LOGIN %s: %q", cred[0], l)
				}
				break
			}
		}
		c.Close()
	}
}
