package pythontranslations_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/pairtest"
)

func start(t *testing.T) *pairtest.Env {
	t.Helper()
	return pairtest.Start(t, func(srv *dovecottest.Server) { pairtest.SeedStandard(t, srv) })
}

// The IMAP4 example prints every message of INBOX, with its headers.
func TestIMAP4Example(t *testing.T) {
	env := start(t)
	out, err := env.RunLua(t, "imap4_example.lua")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n := pairtest.Mailboxes["INBOX"]
	for i := 1; i <= n; i++ {
		if !strings.Contains(out, "Message "+strconv.Itoa(i)+"\n") {
			t.Errorf("no \"Message %d\" in the output", i)
		}
	}
	for _, want := range []string{"Subject: Hello\r\n", "Please pay invoice 4711.", "Viele Grüße aus München", "Subject: You won"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if c := strings.Count(out, "Message "); c != n {
		t.Errorf("%d messages printed, want %d", c, n)
	}
}

// The IDLE example waits, prints what the server pushes, then prints a
// burst. New mail arrives through a second connection while it runs.
func TestIdleExample(t *testing.T) {
	env := start(t)
	env.Vars["IDLE_DURATION"] = "1"
	host, port, _ := net.SplitHostPort(env.Srv.Addr())
	p, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, p, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login(env.Srv.User, env.Srv.Password); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	delivered := make(chan int)
	go func() {
		// Mail keeps arriving until the script is done, so that each of
		// its waits sees some; the ticker paces the deliveries.
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		n := 0
		defer func() { delivered <- n }()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, _, err := m.Append("INBOX", "", "", []byte("Subject: pushed\r\n\r\nnew mail\r\n")); err != nil {
					return
				}
				n++
			}
		}
	}()
	out, err := env.RunLua(t, "idle_example.lua")
	cancel()
	sent := <-delivered
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("output:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var processing int
	exists := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "EXISTS\t") {
			exists++
		}
		if strings.HasPrefix(l, "processing ") {
			processing++
		}
	}
	if sent == 0 || exists < 2 || processing != 1 {
		t.Errorf("%d messages delivered; output has %d EXISTS lines and %d processing lines:\n%s", sent, exists, processing, out)
	}
	if !strings.Contains(out, "processing ") || !strings.HasPrefix(lines[len(lines)-1], "EXISTS\t") && !strings.HasPrefix(lines[len(lines)-1], "RECENT\t") {
		t.Errorf("the burst's responses are not printed last:\n%s", out)
	}
}
