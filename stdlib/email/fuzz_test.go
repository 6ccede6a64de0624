package email_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/stdlib/email"
)

// FuzzDecodeHeader decodes arbitrary header values: no panic, and the
// output stays within a small multiple of the input (words hold at most
// the input's octets plus the spaces that join plain runs; every octet
// yields at most one character of at most four UTF-8 octets).
func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		"=?utf-8?q?caf=C3=A9?=", "Re: =?iso-8859-1?b?Z3L8w59l?= x", "=?utf-8?b?A?=",
		"=??q??=", "=?gb2312?b?xOO6ww==?=\r\n =?big5?q?=A4=A4?=", "a\r\n\tb", "\xff\xfe=?x?q?=?=",
		"=?iso-2022-jp?b?GyRCJDMbKEI=?=", "=?utf-8*en?q?x?=",
		"plain subject", "caf\xc3\xa9 \xe2\x82", "a =? b", "  lead\r\n trail  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := email.DecodeHeader(s)
		n := 0
		for _, w := range words {
			n += len(w.Bytes)
		}
		if n > 2*len(s) {
			t.Fatalf("decoded words hold %d octets from %d", n, len(s))
		}
		out := email.MakeHeader(words)
		if len(out) > 8*len(s)+8 {
			t.Fatalf("decoded %d octets into %d", len(s), len(out))
		}
		// DecodeHeaderString takes a short cut for values without an
		// encoded word; it must say the same.
		if got := email.DecodeHeaderString(s); got != out {
			t.Fatalf("DecodeHeaderString(%q) = %q, MakeHeader(DecodeHeader) = %q", s, got, out)
		}
		email.ParseAddresses(s)
		email.ParseDate(s)
		email.ParseParams(s)
	})
}

// FuzzParseWalk parses arbitrary messages and walks them the way scripts
// do: no panic, the parts are bounded by the lines of the input, the
// decoded payloads by its size, and as_string output parses again.
func FuzzParseWalk(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for i, file := range files {
		if i%10 != 0 {
			continue
		}
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n\n--a--\n"))
	f.Add([]byte("Content-Type: message/delivery-status\n\nA: b\n\nC: d\n"))
	f.Add([]byte("Content-Type: multipart/digest; boundary=\"b\"\r\n\r\n--b\r\n\r\nSubject: x\r\n\r\n--b--"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := email.Parse(data)
		lines := strings.Count(string(data), "\n") + strings.Count(string(data), "\r") + 2
		parts, total := 0, 0
		m.Walk(func(p *email.Message) bool {
			parts++
			b, _ := p.Payload(true)
			total += len(b)
			p.Text()
			p.Filename()
			p.ContentCharset()
			p.Params("content-disposition")
			return true
		})
		if parts > lines {
			t.Fatalf("%d parts from %d lines", parts, lines)
		}
		if total > len(data) {
			t.Fatalf("%d decoded octets from %d", total, len(data))
		}
		s := m.String()
		if len(s) > 2*len(data)+100*parts {
			t.Fatalf("as_string grew %d octets into %d", len(data), len(s))
		}
		email.ParseString(s)
	})
}

// FuzzHeaderFields: HeaderFields reads the fields Parse reads.
func FuzzHeaderFields(f *testing.F) {
	for _, s := range []string{
		"Subject: x\r\n\r\n", "From nobody\r\nSubject: a\r\n b\r\n\r\nbody", " lead\r\nA: 1\r\n", ":x\r\nB:2\n\rC: 3",
		"To: a\r\nnot a header\r\nCc: b\r\n", "X: 1\r\nFrom y\r\n", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nA: 1\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, want := email.HeaderFields(data), email.Parse(data).Fields
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("HeaderFields(%q) = %q, Parse finds %q", data, got, want)
		}
	})
}
