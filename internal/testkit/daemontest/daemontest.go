package daemontest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Required reports whether the environment makes the real-server tier
// mandatory: CI=true or MAILSCRIPT_REQUIRE_DOVECOT=1, or any of the
// further variables set to 1.
func Required(also ...string) bool {
	if os.Getenv("CI") == "true" || os.Getenv("MAILSCRIPT_REQUIRE_DOVECOT") == "1" {
		return true
	}
	for _, v := range also {
		if os.Getenv(v) == "1" {
			return true
		}
	}
	return false
}

// Unavailable skips the test, or fails it when required; kit names the
// test kit in the message.
func Unavailable(t testing.TB, kit string, required bool, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if required {
		t.Fatalf("%s: %s (required by CI=true or MAILSCRIPT_REQUIRE_DOVECOT=1)", kit, msg)
	}
	t.Skipf("%s: %s", kit, msg)
}

// FreePorts returns n distinct TCP ports of 127.0.0.1 that were free a
// moment ago.
func FreePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Greets connects to addr (over TLS when conf is not nil) and checks that
// the first line the server sends starts with prefix ("* OK" for IMAP,
// "220 " for SMTP).
func Greets(addr string, conf *tls.Config, prefix string) error {
	d := net.Dialer{Timeout: time.Second}
	var c net.Conn
	var err error
	if conf != nil {
		c, err = tls.DialWithDialer(&d, "tcp", addr, conf)
	} else {
		c, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, prefix) {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	return nil
}

// A Proc is a daemon's master process, started by Start.
type Proc struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// Start starts cmd, the master process of the daemon called name, with
// its output appended to outFile. The caller sets cmd's SysProcAttr: the
// master must lead a process group of its own (Setpgid, or a master that
// starts a session itself), for Stop signals that group.
func Start(name string, cmd *exec.Cmd, outFile string) (*Proc, error) {
	out, err := os.OpenFile(outFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// WaitReady calls ready until it returns nil, waiting from 5 ms to
// 200 ms between calls. It fails when the master exits first or timeout
// passes, with ready's last error.
func (p *Proc) WaitReady(timeout time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	wait := 5 * time.Millisecond
	for {
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited during start-up (%v)", p.name, p.cmd.ProcessState)
		case <-time.After(wait):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v: %w", p.name, timeout, err)
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

// Stop sends SIGTERM to the master's process group, the master and every
// process it started (a session process only told by the master's exit
// would linger for seconds), waits up to timeout for the master to exit,
// then kills whatever is left of the group, so that a restart finds the
// ports and the files free. It returns an error when the master had to
// be killed.
func (p *Proc) Stop(timeout time.Duration) error {
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	var err error
	select {
	case <-p.exited:
	case <-time.After(timeout):
		err = fmt.Errorf("%s did not stop within %v; killed", p.name, timeout)
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.exited
	return err
}

// Tail returns the last n lines of file, or a line saying why there are
// none.
func Tail(file string, n int) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}
