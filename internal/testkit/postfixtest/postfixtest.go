package postfixtest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/daemontest"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// Domain is the mail domain of every instance: user "alice" of the Dovecot
// instance is alice@example.test.
const Domain = "example.test"

// RejectSubject in a message's Subject makes Postfix refuse the message at
// the end of DATA with RejectReply (a header_checks rule).
const (
	RejectSubject = "REJECT-ME"
	RejectReply   = "5.7.1 message refused by test rule"
)

const (
	daemonDirectory = "/usr/lib/postfix/sbin"
	readyTimeout    = 30 * time.Second
	stopTimeout     = 15 * time.Second
)

// Server is a running private Postfix instance delivering into a private
// Dovecot instance.
type Server struct {
	// Dovecot is the IMAP server holding the mailboxes.
	Dovecot *dovecottest.Server

	dir            string
	logFile        string
	lmtpSocket     string
	authSocket     string
	smtpPort       int
	submissionPort int
	smtpsPort      int
	markerPort     int
	opts           options

	mu   sync.Mutex
	proc *daemontest.Proc // Postfix's master; nil when stopped
}

// Option changes how Start sets up an instance.
type Option func(*options)

type options struct {
	dovecot []dovecottest.Option
	mainCF  []string
}

// WithDovecot passes options to the Dovecot instance (more users, say).
func WithDovecot(opts ...dovecottest.Option) Option {
	return func(o *options) { o.dovecot = append(o.dovecot, opts...) }
}

// WithMainCF appends raw lines to Postfix's main.cf.
func WithMainCF(lines ...string) Option {
	return func(o *options) { o.mainCF = append(o.mainCF, lines...) }
}

// unavailable skips the test, or fails it when the real-server tier is
// required (also by MAILSCRIPT_REQUIRE_POSTFIX=1).
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	daemontest.Unavailable(t, "postfixtest", daemontest.Required("MAILSCRIPT_REQUIRE_POSTFIX"), format, args...)
}

// Start starts a private Dovecot (IMAP, LMTP and an auth socket for
// Postfix) and a private Postfix in front of it, and stops both when the
// test ends. It skips the test when Postfix or Dovecot's LMTP server is
// not installed, unless the real-server tier is required.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	if _, err := os.Stat(filepath.Join(daemonDirectory, "master")); err != nil {
		unavailable(t, "postfix is not installed")
	}
	if _, err := os.Stat("/usr/lib/dovecot/lmtp"); err != nil {
		unavailable(t, "dovecot-lmtpd is not installed")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "Postfix instances need root")
	}
	pf, err := user.Lookup("postfix")
	if err != nil {
		t.Fatalf("postfixtest: look up the postfix system user: %v", err)
	}
	pfUID, _ := strconv.Atoi(pf.Uid)
	pfGID, _ := strconv.Atoi(pf.Gid)
	postdrop, err := user.LookupGroup("postdrop")
	if err != nil {
		t.Fatalf("postfixtest: look up the postdrop group: %v", err)
	}
	postdropGID, _ := strconv.Atoi(postdrop.Gid)

	s := &Server{}
	for _, o := range opts {
		o(&s.opts)
	}
	// Dovecot gains LMTP and an authentication socket for Postfix, both
	// Unix sockets in its base_dir ("run").
	dovecotOpts := append([]dovecottest.Option{dovecottest.WithConfig(dovecotExtra)}, s.opts.dovecot...)
	s.Dovecot = dovecottest.Start(t, dovecotOpts...)
	s.lmtpSocket = filepath.Join(s.Dovecot.Dir(), "run", "lmtp-postfix")
	s.authSocket = filepath.Join(s.Dovecot.Dir(), "run", "auth-postfix")

	dir, err := os.MkdirTemp("", "postfixtest-")
	if err != nil {
		t.Fatalf("postfixtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("postfixtest: %v", err)
	}
	s.dir = dir
	s.logFile = filepath.Join(dir, "postfix.log")
	if err := s.makeDirs(pfUID, pfGID, postdropGID); err != nil {
		t.Fatalf("postfixtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("postfixtest: last lines of the Postfix log (%s):\n%s", s.logFile, s.LogTail(40))
		}
	})
	var startErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := daemontest.FreePorts(4)
		if err != nil {
			t.Fatalf("postfixtest: %v", err)
		}
		s.smtpPort, s.submissionPort, s.smtpsPort, s.markerPort = ports[0], ports[1], ports[2], ports[3]
		if err := s.writeConfig(); err != nil {
			t.Fatalf("postfixtest: %v", err)
		}
		if startErr = s.start(); startErr == nil {
			break
		}
	}
	if startErr != nil {
		t.Fatalf("postfixtest: %v\n%s", startErr, s.LogTail(40))
	}
	// The readiness probes' sessions are summarised by smtpd a little
	// later; wait for them, so that a test's Sessions sees only its own.
	if _, err := s.Sessions(0, readyTimeout); err != nil {
		t.Fatalf("postfixtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("postfixtest: %v", err)
		}
	})
	return s
}

// dovecotExtra turns on LMTP (users found without the domain) and the
// authentication socket Postfix's smtpd asks.
const dovecotExtra = `protocols = imap lmtp
postmaster_address = postmaster@` + Domain + `
service lmtp {
  unix_listener lmtp-postfix {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
protocol lmtp {
  auth_username_format = %Ln
}
`

// makeDirs creates the queue and data folders with the ownership Postfix
// checks (what "postfix check" / post-install would create).
func (s *Server) makeDirs(uid, gid, postdropGID int) error {
	q := filepath.Join(s.dir, "queue")
	mk := func(path string, mode os.FileMode, u, g int) error {
		if err := os.MkdirAll(path, mode); err != nil {
			return err
		}
		if err := os.Chown(path, u, g); err != nil {
			return err
		}
		return os.Chmod(path, mode)
	}
	if err := mk(q, 0o755, 0, 0); err != nil {
		return err
	}
	for _, d := range []string{"active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace"} {
		if err := mk(filepath.Join(q, d), 0o700, uid, 0); err != nil {
			return err
		}
	}
	if err := mk(filepath.Join(q, "pid"), 0o755, 0, 0); err != nil {
		return err
	}
	if err := mk(filepath.Join(q, "maildrop"), 0o730, uid, postdropGID); err != nil {
		return err
	}
	if err := mk(filepath.Join(q, "public"), 0o710, uid, postdropGID); err != nil {
		return err
	}
	return mk(filepath.Join(s.dir, "data"), 0o700, uid, gid)
}

// writeConfig writes main.cf, master.cf, the recipient map and the header
// checks.
func (s *Server) writeConfig() error {
	users := make([]string, 0, len(s.Dovecot.Users))
	for u := range s.Dovecot.Users {
		users = append(users, u)
	}
	sort.Strings(users)
	var vmailbox strings.Builder
	for _, u := range users {
		fmt.Fprintf(&vmailbox, "%s@%s ok\n", u, Domain)
	}
	fmt.Fprintf(&vmailbox, "postmaster@%s ok\n", Domain)
	if err := os.WriteFile(filepath.Join(s.dir, "vmailbox"), []byte(vmailbox.String()), 0o644); err != nil {
		return err
	}
	checks := fmt.Sprintf("/^Subject:.*%s/ REJECT %s\n", RejectSubject, RejectReply)
	if err := os.WriteFile(filepath.Join(s.dir, "header_checks"), []byte(checks), 0o644); err != nil {
		return err
	}
	key := filepath.Join(s.Dovecot.Dir(), "key.pem")
	var m strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&m, format+"\n", args...) }
	p("# private test instance written by postfixtest")
	p("compatibility_level = 3.6")
	p("queue_directory = %s", filepath.Join(s.dir, "queue"))
	p("data_directory = %s", filepath.Join(s.dir, "data"))
	p("daemon_directory = %s", daemonDirectory)
	p("mail_owner = postfix")
	p("setgid_group = postdrop")
	p("maillog_file = %s", s.logFile)
	p("maillog_file_prefixes = %s", s.dir)
	p("inet_interfaces = 127.0.0.1")
	p("inet_protocols = ipv4")
	p("myhostname = mx.%s", Domain)
	p("mydomain = %s", Domain)
	p("myorigin = %s", Domain)
	p("mydestination =")
	p("mynetworks = 192.0.2.1/32")
	p("relay_domains =")
	p("relayhost =")
	p("biff = no")
	// No NIS alias lookups (the default alias_maps has one), no reverse
	// DNS of loopback clients.
	p("alias_maps =")
	p("alias_database =")
	p("smtpd_peername_lookup = no")
	p("smtputf8_enable = yes")
	p("virtual_mailbox_domains = %s", Domain)
	p("virtual_mailbox_maps = texthash:%s", filepath.Join(s.dir, "vmailbox"))
	p("virtual_transport = lmtp:unix:%s", s.lmtpSocket)
	p("lmtp_destination_recipient_limit = 50")
	p("header_checks = regexp:%s", filepath.Join(s.dir, "header_checks"))
	p("smtpd_tls_cert_file = %s", s.Dovecot.CertFile())
	p("smtpd_tls_key_file = %s", key)
	p("smtpd_tls_security_level = may")
	p("smtpd_sasl_type = dovecot")
	p("smtpd_sasl_path = %s", s.authSocket)
	p("smtpd_sasl_auth_enable = yes")
	p("smtpd_tls_auth_only = no")
	p("smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated reject_unauth_destination")
	p("smtpd_recipient_restrictions = reject_unlisted_recipient")
	// A refused login is answered at once (the default waits a second).
	p("smtpd_error_sleep_time = 0")
	p("smtpd_soft_error_limit = 100")
	p("smtpd_hard_error_limit = 100")
	p("smtpd_client_connection_rate_limit = 0")
	p("anvil_rate_time_unit = 60s")
	p("delay_warning_time = 0")
	p("queue_run_delay = 1s")
	p("minimal_backoff_time = 1s")
	p("maximal_backoff_time = 2s")
	for _, l := range s.opts.mainCF {
		p("%s", l)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "main.cf"), []byte(m.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, "master.cf"), []byte(masterCF(s.smtpPort, s.submissionPort, s.smtpsPort, s.markerPort)), 0o644)
}

// masterCF lists the services, none chrooted (the private queue has no
// copy of /etc and /lib for a chroot). The marker port is the tests' own:
// Sessions connects to it to learn that the log has caught up.
func masterCF(smtp, submission, smtps, marker int) string {
	return fmt.Sprintf(`# service type private unpriv chroot wakeup maxproc command
127.0.0.1:%d inet n - n - - smtpd
127.0.0.1:%d inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:%d inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:%d inet n - n - - smtpd
  -o syslog_name=postfix/marker
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`, smtp, submission, smtps, marker)
}

// start runs Postfix's master daemon in the foreground as our child (not
// through postfix-script, whose start-fg only works as PID 1), and waits
// until its ports greet.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("postfixtest: already running")
	}
	cmd := exec.Command(filepath.Join(daemonDirectory, "master"), "-c", s.dir, "-s")
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "MAIL_CONFIG="+s.dir)
	// The master is a session leader: its process group holds every
	// daemon it starts. If the test binary dies without cleaning up, the
	// master is told to shut down.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	out := filepath.Join(s.dir, "master.out")
	proc, err := daemontest.Start("postfix", cmd, out)
	if err != nil {
		return fmt.Errorf("postfixtest: %w", err)
	}
	s.proc = proc
	// Every port must send an SMTP greeting.
	ports := []struct {
		n   int
		tls bool
	}{{s.smtpPort, false}, {s.submissionPort, false}, {s.smtpsPort, true}, {s.markerPort, false}}
	err = proc.WaitReady(readyTimeout, func() error {
		for _, p := range ports {
			var conf *tls.Config
			if p.tls {
				conf = s.TLSConfig()
			}
			if err := daemontest.Greets(net.JoinHostPort("127.0.0.1", strconv.Itoa(p.n)), conf, "220 "); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.stopLocked()
		msg, _ := os.ReadFile(out)
		return fmt.Errorf("postfixtest: %w\n%s", err, strings.TrimSpace(string(msg)))
	}
	return nil
}

// Stop stops Postfix (Dovecot stops with the test) and waits for it.
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
		return fmt.Errorf("postfixtest: %w", err)
	}
	return nil
}

// Host is the address every port listens on.
func (s *Server) Host() string { return "127.0.0.1" }

// SMTPPort is the MX-style port: STARTTLS offered, AUTH offered without
// TLS too, mail accepted for the users of Domain without AUTH, relaying
// only after AUTH.
func (s *Server) SMTPPort() int { return s.smtpPort }

// SubmissionPort is the 587-style port: STARTTLS required before AUTH and
// MAIL, AUTH (PLAIN, LOGIN, through Dovecot) required before MAIL.
func (s *Server) SubmissionPort() int { return s.submissionPort }

// SMTPSPort is the 465-style port: implicit TLS, AUTH required.
func (s *Server) SMTPSPort() int { return s.smtpsPort }

// TLSConfig returns a client configuration that trusts the instance's
// certificate (Dovecot's, valid for localhost and 127.0.0.1).
func (s *Server) TLSConfig() *tls.Config { return s.Dovecot.TLSConfig() }

// Address returns a user's mail address (user@example.test).
func (s *Server) Address(user string) string { return user + "@" + Domain }

// LMTPSocket returns the path of Dovecot's LMTP socket, which Postfix
// delivers to (LMTP clients may use it directly).
func (s *Server) LMTPSocket() string { return s.lmtpSocket }

// Dir returns the Postfix instance folder (main.cf, master.cf, queue,
// log).
func (s *Server) Dir() string { return s.dir }

// WaitDelivered waits until the Maildir folder of user's mailbox ("INBOX"
// or another) holds at least n messages, or timeout passes; it returns
// how many it holds. Postfix delivers in the background, so a test waits
// for the delivery before reading the mailbox over IMAP.
func (s *Server) WaitDelivered(user, mailbox string, n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		got := s.count(user, mailbox)
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(wait)
		wait = min(wait*2, 100*time.Millisecond)
	}
}

func (s *Server) count(user, mailbox string) int {
	total := 0
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(s.Dovecot.MailDir(user), mailbox, sub))
		if err == nil {
			total += len(entries)
		}
	}
	return total
}

// LogOffset returns the current size of the Postfix log, to pass to
// Sessions later.
func (s *Server) LogOffset() int64 {
	fi, err := os.Stat(s.logFile)
	if err != nil {
		return 0
	}
	return fi.Size()
}

var (
	connectRE    = regexp.MustCompile(`postfix/(?:(\S+)/)?smtpd\[\d+\]: connect from `)
	disconnectRE = regexp.MustCompile(`postfix/(?:(\S+)/)?smtpd\[\d+\]: disconnect from \S+ (.*)$`)
)

// Sessions returns, for every SMTP session that started after the log
// offset from, smtpd's summary of the conversation: the port's name and
// the commands with their counts ("submission: ehlo=2 starttls=1 auth=1
// mail=1 rcpt=1 data=1 quit=1 commands=8"; "rcpt=0/1" is one RCPT, none
// accepted). Two clients that had the same conversations get the same
// list.
//
// smtpd logs through a separate process (postlogd), so the log lags the
// conversations. Sessions first holds a session of its own on the marker
// port: postlogd writes in the order it was sent, so once that session's
// summary is in the log, every session that connected before it has its
// connect line there too. It then waits, up to timeout, until each of
// them has been summarised. The marker session is left out.
func (s *Server) Sessions(from int64, timeout time.Duration) ([]string, error) {
	if err := s.markLog(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		data, err := os.ReadFile(s.logFile)
		if err != nil {
			return nil, fmt.Errorf("postfixtest: %w", err)
		}
		sessions, connects, marked := summaries(data[min(from, int64(len(data))):])
		if marked && len(sessions) >= connects {
			return sessions, nil
		}
		if time.Now().After(deadline) {
			return sessions, fmt.Errorf("postfixtest: %d sessions connected, %d ended after %v (marker seen: %v)", connects, len(sessions), timeout, marked)
		}
		time.Sleep(wait)
		wait = min(wait*2, 100*time.Millisecond)
	}
}

// summaries reads a stretch of the log: the sessions summarised in it,
// how many sessions connected, and whether the marker session has been
// summarised. The marker is counted in neither.
func summaries(log []byte) (sessions []string, connects int, marked bool) {
	for _, line := range strings.Split(string(log), "\n") {
		if m := connectRE.FindStringSubmatch(line); m != nil && m[1] != "marker" {
			connects++
		}
		if m := disconnectRE.FindStringSubmatch(line); m != nil {
			port := m[1]
			switch port {
			case "marker":
				marked = true
				continue
			case "":
				port = "smtp"
			}
			sessions = append(sessions, port+": "+m[2])
		}
	}
	return sessions, connects, marked
}

// markLog holds one short session (greeting, QUIT) on the marker port.
func (s *Server) markLog() error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host(), strconv.Itoa(s.markerPort)), 5*time.Second)
	if err != nil {
		return fmt.Errorf("postfixtest: marker session: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "220 ") {
		return fmt.Errorf("postfixtest: marker session: greeting %q, %v", line, err)
	}
	if _, err := io.WriteString(c, "QUIT\r\n"); err != nil {
		return fmt.Errorf("postfixtest: marker session: %w", err)
	}
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "221 ") {
		return fmt.Errorf("postfixtest: marker session: QUIT answered %q, %v", line, err)
	}
	return nil
}

// LogTail returns the last n lines of the Postfix log.
func (s *Server) LogTail(n int) string { return daemontest.Tail(s.logFile, n) }
