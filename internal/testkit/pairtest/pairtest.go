package pairtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// User2 and Password2 are a second account whose password needs quoting.
const (
	User2     = "carol"
	Password2 = `p"a\ss w0rd`
)

// Env is a Dovecot instance with a saved state of its default user.
type Env struct {
	Srv *dovecottest.Server
	// Vars are the environment variables the scripts get.
	Vars     map[string]string
	user     string
	home     string
	template string
}

// required reports whether missing tools must fail the test.
func required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("MAILSCRIPT_REQUIRE_DOVECOT") == "1"
}

// Python returns the path of python3, skipping the test when it is missing
// (failing it under CI).
func Python(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		if required() {
			t.Fatalf("pairtest: python3 is required (CI): %v", err)
		}
		t.Skip("pairtest: python3 not installed")
	}
	return p
}

// Start starts Dovecot with ACL and QUOTA, calls seed to fill the default
// user's mail, and saves that user's home folder for Reset.
func Start(t testing.TB, seed func(srv *dovecottest.Server), opts ...dovecottest.Option) *Env {
	t.Helper()
	opts = append([]dovecottest.Option{dovecottest.WithACL(), dovecottest.WithQuota(), dovecottest.WithUser(User2, Password2)}, opts...)
	srv := dovecottest.Start(t, opts...)
	e := &Env{Srv: srv, user: srv.User}
	e.home = filepath.Dir(srv.MailDir(srv.User))
	if seed != nil {
		seed(srv)
	}
	e.template = filepath.Join(t.TempDir(), "home")
	if err := copyTree(e.home, e.template); err != nil {
		t.Fatalf("pairtest: saving the seeded mail: %v", err)
	}
	h, p, _ := strings.Cut(srv.Addr(), ":")
	_, sp, _ := strings.Cut(srv.TLSAddr(), ":")
	e.Vars = map[string]string{
		"IMAP_HOST":        h,
		"IMAP_PORT":        p,
		"IMAP_SSL_PORT":    sp,
		"IMAP_USER":        srv.User,
		"IMAP_PASSWORD":    srv.Password,
		"IMAP_CAFILE":      srv.CertFile(),
		"IMAP_STREAM":      srv.StreamCommand(srv.User),
		"IMAP_KICK":        kickCommand(srv),
		"IMAP_USER2":       User2,
		"IMAP_PASSWORD2":   Password2,
		"IMAP_SILENT_PORT": silentServer(t),
	}
	return e
}

// kickCommand is a shell command that drops the default user's
// connections, as Kick does, and returns only once the server has let
// them go: doveadm kick only signals the sessions, and a script that goes
// on at once may still find its connection alive. It gives up (exit 1)
// after about ten seconds.
func kickCommand(srv *dovecottest.Server) string {
	d := "doveadm -c '" + srv.ConfigFile() + "'"
	u := srv.User
	return "kicked=0; for i in $(seq 200); do " +
		d + " kick " + u + " 2>/dev/null | grep -q " + u + " && kicked=1; " +
		"if [ $kicked = 1 ] && ! " + d + " who -1 " + u + " 2>/dev/null | grep -q " + u + "; then exit 0; fi; " +
		"sleep 0.05; done; exit 1"
}

// Reset drops the user's sessions and puts the saved mail back.
func (e *Env) Reset(t testing.TB) {
	t.Helper()
	e.Srv.Kick(e.user)
	if err := e.waitNoSessions(); err != nil {
		t.Fatalf("pairtest: %v", err)
	}
	entries, err := os.ReadDir(e.home)
	if err != nil {
		t.Fatalf("pairtest: %v", err)
	}
	for _, en := range entries {
		if err := os.RemoveAll(filepath.Join(e.home, en.Name())); err != nil {
			t.Fatalf("pairtest: %v", err)
		}
	}
	if err := copyTree(e.template, e.home); err != nil {
		t.Fatalf("pairtest: restoring the seeded mail: %v", err)
	}
}

// waitNoSessions waits until the user has no IMAP process left, so that
// no process of the previous run writes into the restored mail.
func (e *Env) waitNoSessions() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := e.Srv.Doveadm("who", "-1", e.user)
		if err != nil {
			return err
		}
		if !strings.Contains(out, e.user) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sessions of %s still open: %s", e.user, out)
		}
		e.Srv.Kick(e.user)
		// Polling a process table has no event to wait on.
		time.Sleep(20 * time.Millisecond)
	}
}

// environ returns the process environment with the scripts' variables.
func (e *Env) environ() []string {
	env := os.Environ()
	for k, v := range e.Vars {
		env = append(env, k+"="+v)
	}
	return append(env, "PYTHONDONTWRITEBYTECODE=1", "PYTHONIOENCODING=utf-8", "PYTHONUNBUFFERED=1")
}

// RunPython runs a Python script and returns its standard output; the
// error includes the standard error.
func (e *Env) RunPython(t testing.TB, script string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Python(t), append([]string{script}, args...)...)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = e.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("python %s: %w\n%s", filepath.Base(script), err, stderr.String())
	}
	return stdout.String(), nil
}

// RunLua runs a Lua script in the engine, with every permission, and
// returns what it printed.
func (e *Env) RunLua(t testing.TB, script string, args ...string) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	en := engine.New(
		engine.WithCapture(),
		engine.WithStderr(&stderr),
		engine.WithPermissions(host.All()),
		engine.WithTimeout(2*time.Minute),
		engine.WithEnv(func(name string) (string, bool) {
			if v, ok := e.Vars[name]; ok {
				return v, true
			}
			return os.LookupEnv(name)
		}),
	)
	res, err := en.Run(context.Background(), script, args...)
	out := ""
	if res != nil {
		out = string(res.Output)
	}
	if err != nil {
		var se *engine.ScriptError
		if errors.As(err, &se) && se.Traceback != "" {
			return out, fmt.Errorf("lua %s: %w\n%s\n%s", filepath.Base(script), err, se.Traceback, stderr.String())
		}
		return out, fmt.Errorf("lua %s: %w\n%s", filepath.Base(script), err, stderr.String())
	}
	return out, nil
}

var timingRE = regexp.MustCompile(`\(\d+\.\d+( \+ \d+\.\d+)* secs\)`)

// Normalize replaces Dovecot's command timings, "(0.001 + 0.000 secs)",
// with "(T secs)".
func Normalize(s string) string {
	return timingRE.ReplaceAllString(s, "(T secs)")
}

// copyTree copies a folder with modes, owners and modification times.
func copyTree(src, dst string) error {
	type dirTime struct {
		path string
		t    time.Time
	}
	var dirs []dirTime
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case info.IsDir():
			if err := os.MkdirAll(target, info.Mode().Perm()); err != nil {
				return err
			}
			if err := os.Chmod(target, info.Mode().Perm()); err != nil {
				return err
			}
			dirs = append(dirs, dirTime{target, info.ModTime()})
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			return nil // sockets and pipes are not mail
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			if err := os.Lchown(target, int(st.Uid), int(st.Gid)); err != nil {
				return err
			}
		}
		if info.Mode().IsRegular() {
			return os.Chtimes(target, info.ModTime(), info.ModTime())
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Folders last, deepest first: copying into a folder changes its time.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Chtimes(dirs[i].path, dirs[i].t, dirs[i].t); err != nil {
			return err
		}
	}
	return nil
}

func statOwner(info fs.FileInfo) ([2]int, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]int{}, false
	}
	return [2]int{int(st.Uid), int(st.Gid)}, true
}
