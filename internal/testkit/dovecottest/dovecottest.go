package dovecottest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/daemontest"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// Default credentials of every instance.
const (
	// DefaultUser is the first user of every instance.
	DefaultUser = "alice"
	// DefaultPassword is DefaultUser's password.
	DefaultPassword = "secret"
	// SecondUser is the second user of every instance.
	SecondUser = "bob"
	// SecondPassword is SecondUser's password.
	SecondPassword = "secret2"
)

// Timeouts: generous, as the machine may be busy; they bound waits that
// would otherwise hang a test.
const (
	readyTimeout   = 30 * time.Second
	stopTimeout    = 15 * time.Second
	doveadmTimeout = 5 * time.Minute
)

// Server is a running private Dovecot instance. Its methods may be called
// from several goroutines.
type Server struct {
	// User is the default user's name ("alice").
	User string
	// Password is the default user's password ("secret").
	Password string
	// Users maps every user name to its password; do not modify it.
	Users map[string]string

	dir      string // instance folder
	conf     string // dovecot.conf path
	logFile  string // dovecot's log
	certFile string
	cert     *testcert.Cert
	port     int // plain IMAP
	tlsPort  int // implicit TLS
	uid, gid int
	opts     options

	mu   sync.Mutex
	proc *daemontest.Proc // the master process; nil when stopped
}

// Option changes how Start sets up an instance.
type Option func(*options)

type options struct {
	users    [][2]string
	acl      bool
	quota    []string
	metadata bool
	extra    []string
	oauth2   string // introspection URL (WithOAuth2)
}

// WithUser adds a user with the given password.
func WithUser(name, password string) Option {
	return func(o *options) { o.users = append(o.users, [2]string{name, password}) }
}

// WithACL enables the acl and imap_acl plugins with the vfile backend, so
// GETACL, SETACL, DELETEACL, LISTRIGHTS and MYRIGHTS work. A mailbox's
// owner has all rights until an ACL says otherwise.
func WithACL() Option {
	return func(o *options) { o.acl = true }
}

// WithQuota enables the quota and imap_quota plugins with the count backend
// and the given quota rules (Dovecot's quota_rule syntax); without rules
// the limit is "*:storage=100M" (100 MiB per user). GETQUOTA and
// GETQUOTAROOT then answer with the root "User quota".
func WithQuota(rules ...string) Option {
	return func(o *options) {
		if len(rules) == 0 {
			rules = []string{"*:storage=100M"}
		}
		o.quota = rules
	}
}

// WithMetadata enables IMAP METADATA (RFC 5464), stored in a file
// dictionary per user.
func WithMetadata() Option {
	return func(o *options) { o.metadata = true }
}

// WithConfig appends raw configuration text to dovecot.conf.
func WithConfig(extra string) Option {
	return func(o *options) { o.extra = append(o.extra, extra) }
}

// unavailable skips the test, or fails it when Dovecot is required.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	daemontest.Unavailable(t, "dovecottest", daemontest.Required(), format, args...)
}

// Start starts a private Dovecot instance for the test and stops it when
// the test ends. It skips the test when dovecot is not installed, unless
// the Dovecot tier is required (see the package documentation).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	for _, tool := range []string{"dovecot", "doveadm"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, "%s is not installed", tool)
		}
	}
	if os.Geteuid() != 0 {
		unavailable(t, "Dovecot instances need root (to run mail as the mail user)")
	}
	mailUser, err := user.Lookup("mail")
	if err != nil {
		t.Fatalf("dovecottest: look up the mail system user: %v", err)
	}
	s := &Server{
		User:     DefaultUser,
		Password: DefaultPassword,
		Users:    map[string]string{DefaultUser: DefaultPassword, SecondUser: SecondPassword},
	}
	s.uid, _ = strconv.Atoi(mailUser.Uid)
	s.gid, _ = strconv.Atoi(mailUser.Gid)
	for _, o := range opts {
		o(&s.opts)
	}
	for _, u := range s.opts.users {
		if strings.ContainsAny(u[0], ":\n\r\t /") || u[0] == "" || strings.ContainsAny(u[1], ":\n\r") {
			t.Fatalf("dovecottest: unusable user name or password %q", u[0])
		}
		s.Users[u[0]] = u[1]
	}

	// t.TempDir folders are 0700, which the mail user cannot traverse.
	dir, err := os.MkdirTemp("", "dovecottest-")
	if err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	if err := checkTraversable(filepath.Dir(dir)); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("dovecottest: %v (set TMPDIR to a folder every user can enter)", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	s.dir = dir
	s.conf = filepath.Join(dir, "dovecot.conf")
	s.logFile = filepath.Join(dir, "dovecot.log")

	s.cert, err = testcert.Generate(testcert.Options{})
	if err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	if s.certFile, _, err = s.cert.WriteFiles(dir); err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	if err := s.writeFiles(); err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dovecottest: last lines of the Dovecot log (%s):\n%s", s.logFile, s.LogTail(40))
		}
	})
	// Free ports are found by listening on port 0; another process may take
	// one before Dovecot binds it, so try a few times.
	var startErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := daemontest.FreePorts(2)
		if err != nil {
			t.Fatalf("dovecottest: %v", err)
		}
		s.port, s.tlsPort = ports[0], ports[1]
		if err := s.writeConfig(); err != nil {
			t.Fatalf("dovecottest: %v", err)
		}
		if startErr = s.start(); startErr == nil {
			break
		}
	}
	if startErr != nil {
		t.Fatalf("dovecottest: %v\n%s", startErr, s.LogTail(40))
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("dovecottest: %v", err)
		}
	})
	return s
}

// checkTraversable reports an error unless every user may enter dir and
// each of its parents, as the mail user must reach the mail inside.
func checkTraversable(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the mail user cannot enter %s (mode %v)", dir, fi.Mode().Perm())
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// writeFiles creates the instance's folders and passwd file.
func (s *Server) writeFiles() error {
	for _, d := range []string{"run", "state", "home"} {
		if err := os.Mkdir(filepath.Join(s.dir, d), 0o755); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(s.Users))
	for name := range s.Users {
		names = append(names, name)
	}
	sort.Strings(names)
	var pw strings.Builder
	for _, name := range names {
		home := s.home(name)
		if err := os.Mkdir(home, 0o700); err != nil {
			return err
		}
		if err := os.Chown(home, s.uid, s.gid); err != nil {
			return err
		}
		fmt.Fprintf(&pw, "%s:{PLAIN}%s:%d:%d::%s::\n", name, s.Users[name], s.uid, s.gid, home)
	}
	return os.WriteFile(filepath.Join(s.dir, "passwd"), []byte(pw.String()), 0o644)
}

// home returns a user's home folder.
func (s *Server) home(name string) string { return filepath.Join(s.dir, "home", name) }

// writeConfig writes dovecot.conf for the current ports and options.
func (s *Server) writeConfig() error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# private test instance written by dovecottest")
	p("base_dir = %s", filepath.Join(s.dir, "run"))
	p("state_dir = %s", filepath.Join(s.dir, "state"))
	p("instance_name = %s", filepath.Base(s.dir))
	p("protocols = imap")
	p("listen = 127.0.0.1")
	p("log_path = %s", s.logFile)
	p("info_log_path = %s", s.logFile)
	p("debug_log_path = %s", s.logFile)
	p("ssl = yes")
	p("ssl_cert = <%s", s.certFile)
	p("ssl_key = <%s", filepath.Join(s.dir, "key.pem"))
	p("disable_plaintext_auth = no")
	p("auth_mechanisms = %s", s.authMechanisms())
	p("auth_failure_delay = 0")
	// After a failed login Dovecot delays the next logins from the same IP
	// by seconds (the auth penalty, kept by anvil). The auth process runs
	// unprivileged and disables the penalty when it cannot reach anvil's
	// penalty socket, so that socket is made unusable.
	p("service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}")
	p("first_valid_uid = %d", s.uid)
	p("mail_max_userip_connections = 1000")
	p("mail_fsync = never")
	p("mail_location = maildir:~/Maildir:LAYOUT=fs:INBOX=~/Maildir/INBOX")
	p("passdb {\n  driver = passwd-file\n%s  args = scheme=PLAIN username_format=%%u %s\n}", s.passwdMechanisms(), filepath.Join(s.dir, "passwd"))
	if pdb, err := s.oauth2Config(); err != nil {
		return err
	} else if pdb != "" {
		p("%s", pdb)
	}
	p("userdb {\n  driver = passwd-file\n  args = username_format=%%u %s\n}", filepath.Join(s.dir, "passwd"))
	p("service imap-login {")
	p("  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }", s.port)
	p("  inet_listener imaps {\n    address = 127.0.0.1\n    port = %d\n    ssl = yes\n  }", s.tlsPort)
	p("}")
	p("namespace inbox {")
	p("  inbox = yes")
	p("  separator = /")
	for _, m := range []string{"Drafts", "Junk", "Sent", "Trash"} {
		p("  mailbox %s {\n    special_use = \\%s\n  }", m, m)
	}
	p("}")

	var mailPlugins, imapPlugins []string
	var plugin []string
	if s.opts.acl {
		mailPlugins = append(mailPlugins, "acl")
		imapPlugins = append(imapPlugins, "imap_acl")
		plugin = append(plugin, "acl = vfile")
	}
	if len(s.opts.quota) > 0 {
		mailPlugins = append(mailPlugins, "quota")
		imapPlugins = append(imapPlugins, "imap_quota")
		plugin = append(plugin, "quota = count:User quota", "quota_vsizes = yes")
		for i, r := range s.opts.quota {
			key := "quota_rule"
			if i > 0 {
				key += strconv.Itoa(i + 1)
			}
			plugin = append(plugin, key+" = "+r)
		}
	}
	if len(mailPlugins) > 0 {
		p("mail_plugins = $mail_plugins %s", strings.Join(mailPlugins, " "))
	}
	if s.opts.metadata {
		p("mail_attribute_dict = file:%%h/dovecot-attributes")
	}
	if len(imapPlugins) > 0 || s.opts.metadata {
		p("protocol imap {")
		if len(imapPlugins) > 0 {
			p("  mail_plugins = $mail_plugins %s", strings.Join(imapPlugins, " "))
		}
		if s.opts.metadata {
			p("  imap_metadata = yes")
		}
		p("}")
	}
	if len(plugin) > 0 {
		p("plugin {\n  %s\n}", strings.Join(plugin, "\n  "))
	}
	for _, e := range s.opts.extra {
		p("%s", e)
	}
	return os.WriteFile(s.conf, []byte(b.String()), 0o644)
}

// start runs the master process in the foreground (as our child, so Stop
// can wait for it) and waits until both ports greet.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("dovecottest: already running")
	}
	cmd := exec.Command("dovecot", "-F", "-c", s.conf)
	// Its own process group, so Stop can signal everything it starts; and
	// if the test binary dies without cleaning up, the master is told to
	// shut down.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	out := filepath.Join(s.dir, "master.out")
	proc, err := daemontest.Start("dovecot", cmd, out)
	if err != nil {
		return fmt.Errorf("dovecottest: %w", err)
	}
	s.proc = proc
	// Both ports must send an IMAP greeting.
	err = proc.WaitReady(readyTimeout, func() error {
		if err := daemontest.Greets(s.Addr(), nil, "* OK"); err != nil {
			return err
		}
		return daemontest.Greets(s.TLSAddr(), &tls.Config{RootCAs: s.cert.Pool, ServerName: "localhost"}, "* OK")
	})
	if err != nil {
		s.stopLocked()
		msg, _ := os.ReadFile(out)
		return fmt.Errorf("dovecottest: %w\n%s", err, bytes.TrimSpace(msg))
	}
	return nil
}

// Stop stops the instance and waits until the master process has exited.
// Stopping a stopped instance does nothing. The mail stays until the test
// ends.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked()
}

func (s *Server) stopLocked() error {
	if s.proc == nil {
		return nil
	}
	proc := s.proc
	s.proc = nil
	if err := proc.Stop(stopTimeout); err != nil {
		return fmt.Errorf("dovecottest: %w", err)
	}
	return nil
}

// Restart stops the instance and starts it again on the same ports with the
// same users and mail.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.start()
}

// Addr returns the host:port of the plain IMAP listener (STARTTLS offered).
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// TLSAddr returns the host:port of the implicit TLS (IMAPS) listener.
func (s *Server) TLSAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort)) }

// CertPool returns a pool that trusts the server's certificate, which is
// valid for localhost, 127.0.0.1 and ::1.
func (s *Server) CertPool() *x509.CertPool { return s.cert.Pool }

// CertFile returns the path of the server's certificate in PEM form.
func (s *Server) CertFile() string { return s.certFile }

// TLSConfig returns a client configuration that trusts the server and
// expects the name "localhost".
func (s *Server) TLSConfig() *tls.Config { return s.cert.ClientConfig("localhost") }

// Dir returns the instance folder (configuration, log, homes).
func (s *Server) Dir() string { return s.dir }

// ConfigFile returns the path of the instance's dovecot.conf.
func (s *Server) ConfigFile() string { return s.conf }

// MailDir returns the root of a user's Maildir; INBOX is its subfolder
// INBOX.
func (s *Server) MailDir(user string) string { return filepath.Join(s.home(user), "Maildir") }

// StreamArgv returns the argument vector of a preauthenticated IMAP session
// for user on stdin/stdout (greeting "* PREAUTH").
func (s *Server) StreamArgv(user string) []string {
	doveadm, err := exec.LookPath("doveadm")
	if err != nil {
		doveadm = "doveadm"
	}
	return []string{doveadm, "-c", s.conf, "exec", "imap", "-u", user}
}

// StreamCommand returns StreamArgv as one shell command line, for
// IMAP4_stream-style clients that run it with sh -c.
func (s *Server) StreamCommand(user string) string {
	argv := s.StreamArgv(user)
	for i, a := range argv {
		argv[i] = shellQuote(a)
	}
	return strings.Join(argv, " ")
}

// shellQuote quotes a word for a POSIX shell when it needs quoting.
func shellQuote(w string) string {
	if w != "" && strings.IndexFunc(w, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@+,", r))
	}) < 0 {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// Doveadm runs `doveadm -c CONFIG args...` against the instance and
// returns its standard output. The instance must be running for commands
// that look up users.
func (s *Server) Doveadm(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), doveadmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "doveadm", append([]string{"-c", s.conf}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("dovecottest: doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.String(), nil
}

// Kick drops every IMAP connection of user.
func (s *Server) Kick(user string) error {
	_, err := s.Doveadm("kick", user)
	return err
}

// LogTail returns the last n lines of the Dovecot log.
func (s *Server) LogTail(n int) string {
	return daemontest.Tail(s.logFile, n)
}
