package dovecottest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Message is one message for Seed.
type Message struct {
	// Raw is the whole message, headers and body. CRLF or LF line endings
	// both work; Dovecot serves LF as CRLF.
	Raw []byte
	// Flags are IMAP flags: the system flags \Seen, \Answered, \Flagged,
	// \Deleted and \Draft, and up to 26 keywords per mailbox.
	Flags []string
	// Date is the internal date; zero means now.
	Date time.Time
}

// systemFlags maps IMAP system flags to Maildir info letters.
var systemFlags = map[string]byte{
	`\draft`:    'D',
	`\flagged`:  'F',
	`\answered`: 'R',
	`\seen`:     'S',
	`\deleted`:  'T',
}

// seedSeq makes Maildir file names unique within the process and keeps
// them in Seed's order (Dovecot gives new files UIDs in file name order).
var seedSeq atomic.Int64

// Seed appends msgs to a user's mailbox, creating the mailbox if it does not
// exist, and makes the running instance index them. The messages get UIDs in
// the order given. It writes Maildir files directly, so thousands of
// messages take seconds, not minutes. Seed fails the test on error.
func (s *Server) Seed(t testing.TB, user, mailbox string, msgs []Message) {
	t.Helper()
	if err := s.seed(user, mailbox, msgs); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) seed(user, mailbox string, msgs []Message) error {
	if _, ok := s.Users[user]; !ok {
		return fmt.Errorf("dovecottest: seed: unknown user %q", user)
	}
	// Check every message before touching the mailbox.
	infos := make([]string, len(msgs))
	var keywords []string
	for i, m := range msgs {
		var letters []byte
		for _, f := range m.Flags {
			if strings.HasPrefix(f, `\`) {
				c, ok := systemFlags[strings.ToLower(f)]
				if !ok {
					return fmt.Errorf("dovecottest: seed: message %d: flag %q cannot be stored", i, f)
				}
				letters = append(letters, c)
				continue
			}
			if f == "" || strings.ContainsAny(f, " ()[]{%*\"\\]\r\n") {
				return fmt.Errorf("dovecottest: seed: message %d: invalid keyword %q", i, f)
			}
			if !containsFold(keywords, f) {
				keywords = append(keywords, f)
			}
		}
		infos[i] = string(letters)
	}

	path, err := s.ensureMailbox(user, mailbox)
	if err != nil {
		return err
	}
	kwIndex, err := s.mergeKeywords(path, keywords)
	if err != nil {
		return err
	}

	base := time.Now().Unix()
	tmp := filepath.Join(path, "tmp")
	cur := filepath.Join(path, "cur")
	for i, m := range msgs {
		letters := []byte(infos[i])
		for _, f := range m.Flags {
			if !strings.HasPrefix(f, `\`) {
				letters = append(letters, byte('a'+kwIndex[strings.ToLower(f)]))
			}
		}
		sort.Slice(letters, func(a, b int) bool { return letters[a] < letters[b] })
		letters = dedupe(letters)
		name := fmt.Sprintf("%d.M%06dP%d.dovecottest,S=%d,W=%d", base, seedSeq.Add(1), os.Getpid(), len(m.Raw), virtualSize(m.Raw))
		date := m.Date
		if date.IsZero() {
			date = time.Now()
		}
		tmpName := filepath.Join(tmp, name)
		if err := os.WriteFile(tmpName, m.Raw, 0o600); err != nil {
			return fmt.Errorf("dovecottest: seed: %w", err)
		}
		if err := os.Chown(tmpName, s.uid, s.gid); err != nil {
			return fmt.Errorf("dovecottest: seed: %w", err)
		}
		if err := os.Chtimes(tmpName, date, date); err != nil {
			return fmt.Errorf("dovecottest: seed: %w", err)
		}
		if err := os.Rename(tmpName, filepath.Join(cur, name+":2,"+string(letters))); err != nil {
			return fmt.Errorf("dovecottest: seed: %w", err)
		}
	}
	if _, err := s.Doveadm("index", "-u", user, mailbox); err != nil {
		return err
	}
	return nil
}

// ensureMailbox creates the mailbox unless it exists and returns its Maildir
// folder, which holds cur, new and tmp.
func (s *Server) ensureMailbox(user, mailbox string) (string, error) {
	out, err := s.Doveadm("mailbox", "path", "-u", user, mailbox)
	if err != nil {
		return "", err
	}
	path := strings.TrimSpace(out)
	if path == "" || !filepath.IsAbs(path) {
		return "", fmt.Errorf("dovecottest: seed: unexpected mailbox path %q", out)
	}
	if _, err := os.Stat(filepath.Join(path, "cur")); errors.Is(err, os.ErrNotExist) {
		if _, err := s.Doveadm("mailbox", "create", "-u", user, mailbox); err != nil {
			return "", err
		}
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if _, err := os.Stat(filepath.Join(path, sub)); err != nil {
			return "", fmt.Errorf("dovecottest: seed: mailbox %q: %w", mailbox, err)
		}
	}
	return path, nil
}

// mergeKeywords adds keywords to the mailbox's dovecot-keywords file and
// returns the index of every keyword it lists, by lower-cased name.
func (s *Server) mergeKeywords(path string, keywords []string) (map[string]int, error) {
	file := filepath.Join(path, "dovecot-keywords")
	index := map[string]int{}
	var names [26]string
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("dovecottest: seed: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		num, name, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 || n >= len(names) {
			continue
		}
		names[n] = name
		index[strings.ToLower(name)] = n
	}
	added := false
	for _, kw := range keywords {
		if _, ok := index[strings.ToLower(kw)]; ok {
			continue
		}
		free := -1
		for i, n := range names {
			if n == "" {
				free = i
				break
			}
		}
		if free < 0 {
			return nil, fmt.Errorf("dovecottest: seed: more than %d keywords in one mailbox", len(names))
		}
		names[free] = kw
		index[strings.ToLower(kw)] = free
		added = true
	}
	if !added {
		return index, nil
	}
	var b strings.Builder
	for i, n := range names {
		if n != "" {
			fmt.Fprintf(&b, "%d %s\n", i, n)
		}
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		return nil, fmt.Errorf("dovecottest: seed: %w", err)
	}
	if err := os.Chown(file, s.uid, s.gid); err != nil {
		return nil, fmt.Errorf("dovecottest: seed: %w", err)
	}
	return index, nil
}

// virtualSize returns the size of raw with every bare LF counted as CRLF,
// which is the size IMAP reports.
func virtualSize(raw []byte) int {
	n := len(raw)
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			n++
		}
	}
	return n
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// dedupe removes adjacent duplicates from a sorted slice.
func dedupe(b []byte) []byte {
	out := b[:0]
	for i, c := range b {
		if i == 0 || c != b[i-1] {
			out = append(out, c)
		}
	}
	return out
}
