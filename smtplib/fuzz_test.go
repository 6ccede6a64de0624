package smtplib_test

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/smtplib"
)

// FuzzGetReply feeds arbitrary server bytes after a greeting: the reply
// parser returns a reply or an *Error, never panics, and a reply's text
// never holds a CR.
func FuzzGetReply(f *testing.F) {
	for _, seed := range []string{
		"250 ok\r\n",
		"250-a\r\n250-b\r\n250 c\r\n",
		"250-a\n250 b\n",
		"25",
		"2500 x\r\n",
		"abc def\r\n",
		"250-" + strings.Repeat("x", 9000) + "\r\n",
		" 25 x\r\n",
		"-25 x\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		server, client := net.Pipe()
		go func() {
			server.Write([]byte("220 hi\r\n"))
			server.Write(data)
			server.Close()
		}()
		s, err := smtplib.NewClient(client, "localhost", &smtplib.Options{LocalHostname: "c"})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for i := 0; i < 4; i++ {
			code, msg, err := s.GetReply()
			if err != nil {
				if _, ok := smtplib.KindOf(err); !ok {
					t.Fatalf("error %v is not an *smtplib.Error", err)
				}
				return
			}
			if strings.Contains(msg, "\r") && !bytes.Contains(data, []byte("\r")) {
				t.Fatalf("reply %d %q invents a CR", code, msg)
			}
		}
	})
}

// FuzzDotStuff: the stuffed data never holds a line that is a lone "."
// before the end, always ends with CRLF.CRLF, and unstuffs to the
// CRLF-normalised input.
func FuzzDotStuff(f *testing.F) {
	for _, seed := range []string{"", ".", "a\n.\nb", "a\r\n.\r\n", "\r.\r", "..\n..", "x\r"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		out := smtplib.DotStuff(msg)
		if !bytes.HasSuffix(out, []byte("\r\n.\r\n")) && !bytes.Equal(out, []byte("\r\n.\r\n")) {
			t.Fatalf("%q does not end with CRLF.CRLF", out)
		}
		body := out[:len(out)-3]
		if bytes.Contains(body, []byte("\r\n.\r\n")) || bytes.HasPrefix(body, []byte(".\r\n")) {
			t.Fatalf("%q ends the data early", out)
		}
		if bytes.ContainsAny(bytes.ReplaceAll(body, []byte("\r\n"), nil), "\r\n") {
			t.Fatalf("%q holds a bare CR or LF", out)
		}
		lines := strings.Split(string(body), "\r\n")
		for i, l := range lines {
			if strings.HasPrefix(l, ".") {
				lines[i] = l[1:]
			}
		}
		got := strings.Join(lines, "\r\n")
		want := string(smtplib.FixEOLs(msg))
		if !strings.HasSuffix(want, "\r\n") {
			want += "\r\n"
		}
		if got != want {
			t.Fatalf("unstuffed %q, want %q", got, want)
		}
	})
}
