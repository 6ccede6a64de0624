package mail_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
	"github.com/mailscript/mailscript/stdlib/mail"
)

// ---- a proxy that counts commands and cuts connections

// startProxy starts a fault-injection proxy to target, closed when the test
// ends.
func startProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// ---- reading a mailbox through a separate connection

// msgState is what the checks compare for one message.
type msgState struct {
	UID   uint32
	Flags string // sorted, space separated, \Recent left out
	Size  int64
	Date  time.Time
	Hash  [32]byte
	MsgID string
}

func dial(t testing.TB, srv *dovecottest.Server, user string) *imaplib.IMAP4 {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr())
	pn, _ := strconv.Atoi(port)
	m, err := imaplib.Dial(host, pn, &imaplib.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Login(user, srv.Users[user]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Logout() })
	return m
}

// snapshot reads every message of every mailbox of user: mailbox name to
// Message-ID to state (a Message-ID present twice gets "#2" appended).
func snapshot(t testing.TB, srv *dovecottest.Server, user string) map[string]map[string]msgState {
	t.Helper()
	m := dial(t, srv, user)
	boxes, err := m.ListMailboxes("", "*")
	if err != nil {
		t.Fatal(err)
	}
	all := imaplib.SeqSet{}
	all.AddRange(1, imaplib.Star)
	out := map[string]map[string]msgState{}
	for _, b := range boxes {
		if b.HasAttr(`\Noselect`) {
			continue
		}
		info, err := m.SelectMailbox(b.Name, true)
		if err != nil {
			t.Fatal(err)
		}
		box := map[string]msgState{}
		out[b.Name] = box
		if info.Exists == 0 {
			continue
		}
		fd, err := m.UIDFetch(all, "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fd {
			raw := f.Body("")
			var flags []string
			for _, fl := range f.Flags {
				if fl != `\Recent` {
					flags = append(flags, fl)
				}
			}
			sort.Strings(flags)
			st := msgState{UID: f.UID, Flags: strings.Join(flags, " "), Size: f.RFC822Size, Date: f.InternalDate, Hash: sha256.Sum256(raw), MsgID: rawMessageID(raw)}
			key := st.MsgID
			for i := 2; ; i++ {
				if _, dup := box[key]; !dup {
					break
				}
				key = fmt.Sprintf("%s#%d", st.MsgID, i)
			}
			box[key] = st
		}
	}
	return out
}

func rawMessageID(raw []byte) string {
	hdr, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(hdr), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Message-ID") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func flagString(flags []string) string {
	f := append([]string(nil), flags...)
	sort.Strings(f)
	return strings.Join(f, " ")
}

// ---- running a Lua rule through the engine

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// accountURL is the URL of user's account at addr, plain text on loopback.
func accountURL(srv *dovecottest.Server, addr, user string, extra string) string {
	u := url.URL{Scheme: "imap", User: url.UserPassword(user, srv.Users[user]), Host: addr, RawQuery: "tls=none" + extra}
	return u.String()
}

// goAccount opens alice's account on srv through the Go API, as an
// embedding program does, with host h (a quiet one when nil); it is
// closed when the test ends.
func goAccount(t *testing.T, srv *dovecottest.Server, h *host.Host) *mail.Account {
	t.Helper()
	if h == nil {
		h = &host.Host{Context: context.Background(), Stdout: os.Stdout, Logger: slog.New(slog.DiscardHandler)}
	}
	cfg, err := mail.ParseURL(accountURL(srv, srv.Addr(), "alice", ""))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := mail.NewAccount(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { acct.Close() })
	return acct
}

// runRule runs src with MAILSCRIPT_ACCOUNT set to alice's account at addr
// (and BOB_URL to bob's), and returns the output and the log.
func runRule(t *testing.T, srv *dovecottest.Server, addr, src string, dryRun bool) (string, string) {
	t.Helper()
	out, log, err := runRuleErr(t, srv, addr, src, dryRun)
	if err != nil {
		t.Fatalf("rule failed: %v\noutput:\n%s\nlog:\n%s", err, out, log)
	}
	return out, log
}

// runRuleErr is runRule for a rule that may fail.
func runRuleErr(t *testing.T, srv *dovecottest.Server, addr, src string, dryRun bool) (string, string, error) {
	t.Helper()
	return runRuleLevel(t, srv, addr, src, dryRun, slog.LevelInfo)
}

// runRuleLevel is runRuleErr logging from level on.
func runRuleLevel(t *testing.T, srv *dovecottest.Server, addr, src string, dryRun bool, level slog.Level) (string, string, error) {
	t.Helper()
	env := map[string]string{
		"MAILSCRIPT_ACCOUNT": accountURL(srv, addr, "alice", "&create=true"),
		"BOB_URL":            accountURL(srv, addr, "bob", "&create=true"),
	}
	var logs logBuf
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level}))),
		engine.WithDryRun(dryRun),
		engine.WithTimeout(5*time.Minute),
	)
	res, err := e.RunString(context.Background(), "rule.lua", src)
	return string(res.Output), logs.String(), err
}
