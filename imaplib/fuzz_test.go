package imaplib

import (
	"bytes"
	"io"
	"testing"
)

// scriptedConn replays fixed server output and swallows what the client
// writes.
type scriptedConn struct{ r io.Reader }

func (c *scriptedConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *scriptedConn) Write(p []byte) (int, error) { return len(p), nil }
func (c *scriptedConn) Close() error                { return nil }

// FuzzSession plays arbitrary server output against a session that runs
// a few commands: whatever the server sends, the client must return (it
// reads a finite input, so returning proves no hang) without panicking,
// and every failure must be one of the package's errors.
func FuzzSession(f *testing.F) {
	greet := "* OK [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n* CAPABILITY IMAP4rev1 IDLE\r\nA0 OK done\r\n"
	for _, s := range []string{
		"* 2 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\nA1 OK [READ-WRITE] done\r\n",
		"* 1 FETCH (BODY[] {5}\r\nhello)\r\nA1 OK done\r\n",
		"* BYE bye\r\n",
		"A9 OK what\r\n",
		"+ more\r\nA1 NO [TRYCREATE] no\r\n",
		"* 1 FETCH (BODY[] {999999}\r\nab",
		"* OK [READ-ONLY] now\r\nA1 OK\r\n",
		"* SEARCH 1 2 3\r\nA1 OK\r\nA2 OK\r\nA3 BAD no\r\n",
	} {
		f.Add([]byte(greet + s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := &scriptedConn{r: bytes.NewReader(data)}
		m, err := New(conn, &Options{TagPrefix: "A", Limits: Limits{MaxLine: 512, MaxLiteral: 4096, MaxResponse: 8192}})
		if err != nil {
			mustBeOurs(t, err)
			return
		}
		m.state = "SELECTED"
		calls := []func() error{
			func() error { _, _, err := m.Select("INBOX", false); return err },
			func() error { _, _, err := m.Fetch("1:*", "(FLAGS BODY[])"); return err },
			func() error { _, _, err := m.Append("INBOX", `\Seen`, "", []byte("x")); return err },
			func() error { _, _, err := m.Search("", "ALL"); return err },
			func() error { _, _, err := m.Noop(); return err },
		}
		for _, call := range calls {
			if err := call(); err != nil {
				mustBeOurs(t, err)
			}
		}
	})
}

func mustBeOurs(t *testing.T, err error) {
	t.Helper()
	if _, ok := err.(*Error); !ok {
		t.Fatalf("error of type %T: %v", err, err)
	}
}
