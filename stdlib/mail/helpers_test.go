package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/dovecottest"
)

// ---- a proxy that counts commands and cuts connections

type cutMode int

const (
	pass       cutMode = iota
	cutBefore          // close instead of forwarding the command
	cutAfter           // forward the command, then close at once
	cutLiteral         // forward the command line and half its literal, then close
)

// proxy forwards IMAP connections to a server, recording the client's
// commands ("UID MOVE", "SELECT", ...) and cutting a connection at the
// command chosen by cut.
type proxy struct {
	ln     net.Listener
	target string

	mu   sync.Mutex
	cmds []string
	cut  func(cmd string) cutMode
	cuts int
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(c, s); c.Close() }()
			go func() { defer wg.Done(); p.pump(c, s); s.Close(); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) Addr() string { return p.ln.Addr().String() }

// setCut installs a cut rule (nil: none) and forgets the commands seen.
func (p *proxy) setCut(f func(cmd string) cutMode) {
	p.mu.Lock()
	p.cut, p.cmds, p.cuts = f, nil, 0
	p.mu.Unlock()
}

func (p *proxy) commands() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.cmds...)
}

func (p *proxy) count(name string) int {
	n := 0
	for _, c := range p.commands() {
		if c == name {
			n++
		}
	}
	return n
}

var literalRE = regexp.MustCompile(`~?\{(\d+)\+?\}\r?\n$`)

func (p *proxy) pump(c, s net.Conn) {
	r := bufio.NewReaderSize(c, 64<<10)
	cont := false // the next line continues a command after a literal
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		mode := pass
		if !cont {
			f := strings.Fields(string(line))
			name := ""
			if len(f) >= 2 {
				name = strings.ToUpper(f[1])
				if name == "UID" && len(f) >= 3 {
					name += " " + strings.ToUpper(f[2])
				}
			} else if len(f) == 1 {
				name = strings.ToUpper(f[0]) // DONE of IDLE, or a SASL line
			}
			p.mu.Lock()
			p.cmds = append(p.cmds, name)
			if p.cut != nil {
				mode = p.cut(name)
				if mode != pass {
					p.cuts++
				}
			}
			p.mu.Unlock()
		}
		if mode == cutBefore {
			return
		}
		if _, err := s.Write(line); err != nil {
			return
		}
		if mode == cutAfter {
			return
		}
		cont = false
		if m := literalRE.FindSubmatch(line); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			if mode == cutLiteral {
				io.CopyN(s, r, int64(n/2))
				return
			}
			if _, err := io.CopyN(s, r, int64(n)); err != nil {
				return
			}
			cont = true
		}
	}
}

// nth returns a cut rule that cuts the n-th command called name (from 1).
func nth(name string, n int, mode cutMode) func(string) cutMode {
	seen := 0
	return func(cmd string) cutMode {
		if cmd != name {
			return pass
		}
		seen++
		if seen == n {
			return mode
		}
		return pass
	}
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
	env := map[string]string{
		"MAILSCRIPT_ACCOUNT": accountURL(srv, addr, "alice", "&create=true"),
		"BOB_URL":            accountURL(srv, addr, "bob", "&create=true"),
	}
	var logs logBuf
	e := engine.New(
		engine.WithCapture(),
		engine.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		engine.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		engine.WithDryRun(dryRun),
		engine.WithTimeout(5*time.Minute),
	)
	res, err := e.RunString(context.Background(), "rule.lua", src)
	return string(res.Output), logs.String(), err
}
