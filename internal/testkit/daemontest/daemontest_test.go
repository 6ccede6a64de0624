package daemontest

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

func TestFreePortsAreDistinctAndFree(t *testing.T) {
	ports, err := FreePorts(4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] {
			t.Fatalf("port %d twice in %v", p, ports)
		}
		seen[p] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d is not free: %v", p, err)
		}
		l.Close()
	}
}

// greeter serves one greeting line to every connection, over TLS when
// conf is not nil, and returns its address.
func greeter(t *testing.T, line string, conf *tls.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if conf != nil {
		l = tls.NewListener(l, conf)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte(line))
			c.Close()
		}
	}()
	return l.Addr().String()
}

func TestGreets(t *testing.T) {
	cert, err := testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, line, prefix string
		tls, ok            bool
	}{
		{"imap", "* OK ready\r\n", "* OK", false, true},
		{"smtp over tls", "220 mx ESMTP\r\n", "220 ", true, true},
		{"wrong greeting", "* BYE busy\r\n", "* OK", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var server, client *tls.Config
			if tc.tls {
				server, client = cert.ServerConfig(), cert.ClientConfig("localhost")
			}
			err := Greets(greeter(t, tc.line, server), client, tc.prefix)
			if (err == nil) != tc.ok {
				t.Fatalf("Greets = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// A master that exits before it is ready is reported as such, not as a
// timeout, with its output in the file.
func TestWaitReadyMasterExits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "master.out")
	cmd := exec.Command("sh", "-c", "echo bad config; exit 3")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p, err := Start("shd", cmd, out)
	if err != nil {
		t.Fatal(err)
	}
	err = p.WaitReady(time.Minute, func() error { return net.ErrClosed })
	if err == nil || !strings.Contains(err.Error(), "shd exited during start-up (exit status 3)") {
		t.Fatalf("WaitReady = %v", err)
	}
	if data, _ := os.ReadFile(out); string(data) != "bad config\n" {
		t.Fatalf("output %q", data)
	}
}

// Stop ends the master and what it started.
func TestStopEndsTheGroup(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "master.out")
	// The master and its child hold the write end of a pipe: the read end
	// sees EOF once both are gone.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("sh", "-c", "sleep 300 & echo started; wait")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p, err := Start("shd", cmd, out)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = p.WaitReady(time.Minute, func() error {
		if data, _ := os.ReadFile(out); string(data) != "started\n" {
			return os.ErrNotExist
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(time.Minute); err != nil {
		t.Fatal(err)
	}
	r.SetReadDeadline(time.Now().Add(time.Minute))
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("after Stop, the pipe read %d, %v: the child still runs", n, err)
	}
}

func TestTail(t *testing.T) {
	f := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(f, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Tail(f, 2); got != "b\nc" {
		t.Fatalf("Tail = %q", got)
	}
	if got := Tail(f, 10); got != "a\nb\nc" {
		t.Fatalf("Tail = %q", got)
	}
	if got := Tail(filepath.Join(t.TempDir(), "none"), 2); !strings.HasPrefix(got, "(no log: ") {
		t.Fatalf("Tail of a missing file = %q", got)
	}
}
