package imaplib

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
)

// tlsServer serves cert on a loopback port: after a handshake it greets
// and answers CAPABILITY. handshakes receives each handshake's result.
func tlsServer(t *testing.T, cert *testcert.Cert) (port int, handshakes <-chan error) {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cert.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan error, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tc := c.(*tls.Conn)
			tc.SetDeadline(time.Now().Add(10 * time.Second))
			err = tc.Handshake()
			results <- err
			if err == nil {
				io.WriteString(tc, "* OK [CAPABILITY IMAP4rev1] tls ready\r\n")
				line := make([]byte, len("A0 CAPABILITY\r\n"))
				if _, err := io.ReadFull(tc, line); err == nil {
					io.WriteString(tc, "* CAPABILITY IMAP4rev1\r\nA0 OK done\r\n")
				}
				io.Copy(io.Discard, tc)
			}
			tc.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().(*net.TCPAddr).Port, results
}

func genCert(t *testing.T, opts testcert.Options) *testcert.Cert {
	t.Helper()
	c, err := testcert.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTLSVerification checks that DialTLS verifies the certificate and
// the host name unless told otherwise, and that each failure is an abort
// from which nothing was sent.
func TestTLSVerification(t *testing.T) {
	good := genCert(t, testcert.Options{})
	expired := genCert(t, testcert.Options{
		NotBefore: time.Now().Add(-2 * 365 * 24 * time.Hour),
		NotAfter:  time.Now().Add(-365 * 24 * time.Hour),
	})
	other := genCert(t, testcert.Options{DNSNames: []string{"mail.example.org"}})

	cases := []struct {
		name  string
		cert  *testcert.Cert
		host  string
		conf  *tls.Config
		check func(err error) bool
	}{
		{"trusted (control)", good, "localhost", &tls.Config{RootCAs: good.Pool}, nil},
		{"self-signed, default config", good, "localhost", nil, func(err error) bool {
			var e x509.UnknownAuthorityError
			return errors.As(err, &e)
		}},
		{"self-signed, config without roots", good, "localhost", &tls.Config{MinVersion: tls.VersionTLS12}, func(err error) bool {
			var e x509.UnknownAuthorityError
			return errors.As(err, &e)
		}},
		{"expired", expired, "localhost", &tls.Config{RootCAs: expired.Pool}, func(err error) bool {
			var e x509.CertificateInvalidError
			return errors.As(err, &e) && e.Reason == x509.Expired
		}},
		{"wrong host name, dialled name", other, "localhost", &tls.Config{RootCAs: other.Pool}, func(err error) bool {
			var e x509.HostnameError
			return errors.As(err, &e) && e.Host == "localhost"
		}},
		{"wrong host name, configured name", good, "localhost", &tls.Config{RootCAs: good.Pool, ServerName: "mail.example.org"}, func(err error) bool {
			var e x509.HostnameError
			return errors.As(err, &e) && e.Host == "mail.example.org"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			port, handshakes := tlsServer(t, tc.cert)
			m, err := DialTLS(tc.host, port, &Options{TLSConfig: tc.conf, Timeout: 10 * time.Second, TagPrefix: "A"})
			if tc.check == nil {
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if !m.tlsEstablished || m.State() != "NONAUTH" {
					t.Fatalf("tls %v, state %s", m.tlsEstablished, m.State())
				}
				return
			}
			if m != nil {
				m.Close()
			}
			if !errors.Is(err, ErrAbort) || !tc.check(err) {
				t.Fatalf("got %v, want an abort for the certificate", err)
			}
			if !strings.Contains(err.Error(), "TLS handshake failed") {
				t.Fatalf("message %q", err)
			}
			select {
			case herr := <-handshakes:
				if herr == nil {
					t.Fatal("the server completed the handshake")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no handshake")
			}
		})
	}
	// The caller's config is not changed by DialTLS.
	conf := &tls.Config{RootCAs: good.Pool}
	port, _ := tlsServer(t, good)
	m, err := DialTLS("localhost", port, &Options{TLSConfig: conf, Timeout: 10 * time.Second, TagPrefix: "A"})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if conf.ServerName != "" {
		t.Fatalf("the caller's config was changed: ServerName %q", conf.ServerName)
	}
}

// secretTrace fails the test when trace holds the secret in any form a
// reader could recover: plain, quoted, escaped as the trace escapes bytes,
// or in base64 as SASL mechanisms send it.
func secretTrace(t *testing.T, trace, secret string) {
	t.Helper()
	repr := pyBytes([]byte(secret))
	forms := []string{secret, quote(secret), repr[2 : len(repr)-1]}
	for _, f := range []string{secret, "\x00" + secret, "\x00alice\x00" + secret, "alice\x00alice\x00" + secret} {
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(f)))
	}
	for _, f := range forms {
		if strings.Contains(trace, f) {
			t.Fatalf("the trace holds the secret as %q:\n%s", f, trace)
		}
	}
}

func TestTraceHidesLoginPassword(t *testing.T) {
	const password = `Tr0ub4dor&3 "q" \ end`
	for _, level := range []int{1, 4, 5} {
		var trace bytes.Buffer
		m, tr, err := play(t, greeting+`
C: A1 LOGIN alice "Tr0ub4dor&3 \"q\" \\ end"
S: A1 NO [AUTHENTICATIONFAILED] Authentication failed.
C: A2 LOGIN alice "Tr0ub4dor&3 \"q\" \\ end"
S: A2 OK [CAPABILITY IMAP4rev1] Logged in`, &Options{Debug: &trace, DebugLevel: level})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = m.Login("alice", password)
		if err == nil || strings.Contains(err.Error(), "Tr0ub4dor") {
			t.Fatalf("refused login: %v", err)
		}
		// A password that cannot be sent is refused without being echoed.
		_, _, err = m.Login("alice", "Tr0ub4dor\r\n")
		if !errors.Is(err, ErrValue) || strings.Contains(err.Error(), "Tr0ub4dor") {
			t.Fatalf("login with CRLF: %v", err)
		}
		if _, _, err := m.Login("alice", password); err != nil {
			t.Fatal(err)
		}
		tr.check()
		got := trace.String()
		secretTrace(t, got, password)
		if level >= 4 && (!strings.Contains(got, "A1 LOGIN alice <redacted>") || !strings.Contains(got, "AUTHENTICATIONFAILED")) {
			t.Fatalf("level %d trace lacks the redacted command or the answer:\n%s", level, got)
		}
	}
}

func TestTraceHidesAuthenticateAnswers(t *testing.T) {
	// The exchange AUTHENTICATE mechanisms build on: the answers to the
	// server's challenges never reach the trace.
	const secret = "s3cret-token-Zq9"
	answer := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00" + secret))
	var trace bytes.Buffer
	m, tr, err := play(t, greeting+`
C: A1 AUTHENTICATE PLAIN
S: + 
C: `+answer+`
S: A1 OK done`, &Options{Debug: &trace, DebugLevel: 5})
	if err != nil {
		t.Fatal(err)
	}
	typ, _, err := m.run(&command{name: "AUTHENTICATE", args: []any{"PLAIN"}, literator: func([]byte) ([]byte, error) {
		return []byte(answer), nil
	}})
	if err != nil || typ != "OK" {
		t.Fatalf("authenticate: %s %v", typ, err)
	}
	tr.check()
	secretTrace(t, trace.String(), secret)
	if !strings.Contains(trace.String(), "<redacted>") {
		t.Fatalf("trace:\n%s", trace.String())
	}
}

func TestDovecotTraceHidesPassword(t *testing.T) {
	const password = `Zx9 "unique" \pass`
	srv := dovecottest.Start(t, dovecottest.WithUser("carol", password))
	host, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)
	var trace bytes.Buffer
	m, err := Dial(host, port, &Options{Timeout: 10 * time.Second, Debug: &trace, DebugLevel: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.Login("carol", "wrong"+password); !errors.Is(err, ErrError) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := m.Login("carol", password); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Logout(); err != nil {
		t.Fatal(err)
	}
	got := trace.String()
	secretTrace(t, got, password)
	if !strings.Contains(got, "LOGIN carol <redacted>") || !strings.Contains(got, "Logged in") {
		t.Fatalf("the trace lacks the redacted LOGIN or its answer:\n%s", got)
	}
}

// injections are the arguments that would end a command early and start
// another one if they reached the server as they are.
var injections = []string{"x\r\nZ9 DELETE INBOX", "x\ny", "x\ry", "x\x00y", "\r\n"}

// localOnly lists the methods with string arguments that never send them.
var localOnly = map[string]bool{
	"HasCapability":   true, // a lookup in the capabilities received
	"Response":        true, // a lookup in the responses received
	"DiscardUntagged": true, // forgets responses received
}

// verbatim lists the methods that send their string arguments as they
// are, as Python's imaplib does: they must refuse CR, LF and NUL. The
// typed API may instead send a string as a literal, which carries any
// byte safely.
var verbatim = map[string]bool{
	"Append": true, "AppendTime": true, "Copy": true, "Create": true, "Delete": true,
	"DeleteACL": true, "Fetch": true, "GetACL": true, "GetAnnotation": true,
	"GetQuota": true, "GetQuotaRoot": true, "List": true, "Lsub": true, "Login": true,
	"MyRights": true, "Partial": true, "ProxyAuth": true, "Rename": true, "Search": true,
	"Select": true, "SetACL": true, "SetAnnotation": true, "SetQuota": true, "Sort": true,
	"Status": true, "Store": true, "Subscribe": true, "Thread": true, "UID": true,
	"Unsubscribe": true, "Xatom": true,
}

// injectionServer reads commands as an IMAP server frames them, lines and
// literals, answers each with a tagged NO, and reports every line that is
// not a well-formed command from the client: the mark of an injection.
type injectionServer struct {
	mu         sync.Mutex
	commands   []string
	violations []string
}

var clientCommand = regexp.MustCompile(`^A\d+ [A-Z]`)

func (s *injectionServer) serve(h *hostileConn) {
	if h.greet("LITERAL+") != nil {
		return
	}
	for {
		line, err := h.br.ReadString('\n')
		if err != nil {
			return
		}
		first := strings.TrimSuffix(line, "\r\n")
		s.mu.Lock()
		if !clientCommand.MatchString(first) || strings.ContainsAny(first, "\r\n\x00") {
			s.violations = append(s.violations, line)
		}
		s.commands = append(s.commands, first)
		s.mu.Unlock()
		// Read the literals the command announces and the rest of it.
		for cur := first; ; {
			n, sync, ok := literalAt(cur)
			if !ok {
				break
			}
			if sync && h.write("+ go ahead\r\n") != nil {
				return
			}
			if _, err := io.ReadFull(h.br, make([]byte, n)); err != nil {
				return
			}
			rest, err := h.br.ReadString('\n')
			if err != nil {
				return
			}
			cur = strings.TrimSuffix(rest, "\r\n")
			if strings.ContainsAny(cur, "\r\n\x00") {
				s.mu.Lock()
				s.violations = append(s.violations, rest)
				s.mu.Unlock()
			}
		}
		tag, _, _ := strings.Cut(first, " ")
		if h.write(tag+" NO [CANNOT] refused by the test server\r\n") != nil {
			return
		}
	}
}

func (s *injectionServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.commands)
}

var literalEnd = regexp.MustCompile(`~?\{(\d+)(\+?)\}$`)

func literalAt(line string) (n int, sync, ok bool) {
	m := literalEnd.FindStringSubmatch(line)
	if m == nil {
		return 0, false, false
	}
	n, err := strconv.Atoi(m[1])
	return n, m[2] == "", err == nil
}

// TestInjectionEveryMethod calls every method of IMAP4 that takes a
// string with CR, LF or NUL in each string argument in turn. A method
// that sends its arguments as they are must refuse with a ValueError
// before anything is sent; one that builds its command may send the value
// as a literal instead. Either way no byte of the value may escape into
// the command stream.
func TestInjectionEveryMethod(t *testing.T) {
	srv := &injectionServer{}
	m, wait, err := hostile(t, Options{Timeout: 5 * time.Second}, srv.serve)
	if err != nil {
		t.Fatal(err)
	}
	mt := reflect.TypeOf(m)
	errType := reflect.TypeOf((*error)(nil)).Elem()
	calls, refused, methods := 0, 0, 0
	for i := range mt.NumMethod() {
		meth := mt.Method(i)
		ft := meth.Type
		var slots [][2]int // (parameter, -1 or slice element)
		for p := 1; p < ft.NumIn(); p++ {
			switch in := ft.In(p); {
			case in.Kind() == reflect.String:
				slots = append(slots, [2]int{p, -1})
			case in.Kind() == reflect.Slice && in.Elem().Kind() == reflect.String:
				slots = append(slots, [2]int{p, 0}, [2]int{p, 1})
			}
		}
		if len(slots) == 0 || localOnly[meth.Name] {
			continue
		}
		if ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errType {
			t.Errorf("%s takes a string but cannot report an error: add it to localOnly if it sends nothing", meth.Name)
			continue
		}
		methods++
		for _, slot := range slots {
			for _, bad := range injections {
				args := benignArgs(m, ft)
				if slot[1] < 0 {
					args[slot[0]] = reflect.ValueOf(bad).Convert(ft.In(slot[0]))
				} else {
					args[slot[0]].Index(slot[1]).Set(reflect.ValueOf(bad).Convert(ft.In(slot[0]).Elem()))
				}
				sent := srv.count()
				err := callInAnyState(m, meth, args)
				calls++
				what := fmt.Sprintf("%s argument %s = %q", meth.Name, describeSlot(slot), bad)
				if m.broken != nil {
					t.Fatalf("%s broke the connection: %v", what, m.broken)
				}
				if len(m.tagged) != 0 {
					t.Fatalf("%s left a pending command: %v", what, m.tagged)
				}
				switch {
				case meth.Name == "UID" && slot[0] == 1:
					// The subcommand is checked against the command table,
					// as in Python.
					if !errors.Is(err, ErrError) || !strings.Contains(err.Error(), "Unknown IMAP4 UID command") {
						t.Errorf("%s: %v", what, err)
					}
				case errors.Is(err, ErrValue):
					refused++
					if srv.count() != sent {
						t.Errorf("%s: refused, yet the server got a command", what)
					}
				case verbatim[meth.Name]:
					t.Errorf("%s: %v, want a ValueError", what, err)
				}
			}
		}
	}
	if methods < 40 {
		t.Fatalf("only %d methods take strings; the reflection missed some", methods)
	}
	t.Logf("%d methods, %d calls, %d refused, %d commands sent with the value in a literal", methods, calls, refused, srv.count())
	// Nothing escaped: the server saw only well-formed commands, and the
	// session is still in step.
	m.state = "AUTH"
	if typ, _, err := m.Noop(); err != nil || typ != "NO" {
		t.Fatalf("noop: %s %v", typ, err)
	}
	srv.mu.Lock()
	if len(srv.violations) > 0 {
		t.Errorf("the server got lines that are not commands: %q", srv.violations)
	}
	srv.mu.Unlock()
	m.Close()
	wait()
}

func describeSlot(s [2]int) string {
	if s[1] < 0 {
		return fmt.Sprintf("#%d", s[0])
	}
	return fmt.Sprintf("#%d[%d]", s[0], s[1])
}

// benignArgs returns arguments for a method of type ft (receiver
// included) that would be sent as they are: "FETCH" for strings (a valid
// UID subcommand, flag keyword and name elsewhere).
func benignArgs(m *IMAP4, ft reflect.Type) []reflect.Value {
	args := make([]reflect.Value, ft.NumIn())
	args[0] = reflect.ValueOf(m)
	for p := 1; p < ft.NumIn(); p++ {
		in := ft.In(p)
		switch {
		case in == reflect.TypeOf(SeqSet{}):
			args[p] = reflect.ValueOf(SeqSetOf(1))
		case in == reflect.TypeOf(AddFlags):
			args[p] = reflect.ValueOf(AddFlags)
		case in.Kind() == reflect.String:
			args[p] = reflect.ValueOf("FETCH").Convert(in)
		case in.Kind() == reflect.Slice && in.Elem().Kind() == reflect.String:
			args[p] = reflect.ValueOf([]string{"FETCH", "FETCH"}).Convert(in)
		case in.Kind() == reflect.Slice && in.Elem().Kind() == reflect.Uint8:
			args[p] = reflect.ValueOf([]byte("Subject: x\r\n\r\nx\r\n")).Convert(in)
		default:
			args[p] = reflect.Zero(in)
		}
	}
	return args
}

// callInAnyState calls the method in the states where its command is
// allowed and returns its error.
func callInAnyState(m *IMAP4, meth reflect.Method, args []reflect.Value) error {
	var err error
	for _, state := range []string{"SELECTED", "AUTH", "NONAUTH"} {
		m.state = state
		var out []reflect.Value
		if meth.Type.IsVariadic() {
			out = meth.Func.CallSlice(args)
		} else {
			out = meth.Func.Call(args)
		}
		err, _ = out[len(out)-1].Interface().(error)
		if err == nil || !strings.Contains(err.Error(), "illegal in state") {
			return err
		}
	}
	return err
}
