package imaplib

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// mailboxNames are pairs of a UTF-8 name and its modified UTF-7 form.
var mailboxNames = []struct{ utf8, mutf7 string }{
	{"", ""},
	{"INBOX", "INBOX"},
	{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}, // RFC 3501 5.1.3
	{"&", "&-"},
	{"Tom & Jerry", "Tom &- Jerry"},
	{"&&", "&-&-"},
	{"-&-", "-&--"},
	{"é", "&AOk-"},
	{"éé", "&AOkA6Q-"},
	{"aéb", "a&AOk-b"},
	{"é&é", "&AOk-&-&AOk-"},
	{"Entwürfe", "Entw&APw-rfe"},
	{"Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"},
	{"📧", "&2D3c5w-"}, // a surrogate pair
	{"📧📧x", "&2D3c59g93Oc-x"},
	{"a\x00b", "a&AAA-b"},
	{"\t\x7f", "&AAkAfw-"},
	{"\uffff", "&,,8-"},
	{"\U0010ffff", "&2,,f,w-"},
}

func TestEncodeMailboxName(t *testing.T) {
	for _, tt := range mailboxNames {
		if got := EncodeMailboxName(tt.utf8); got != tt.mutf7 {
			t.Errorf("EncodeMailboxName(%q) = %q, want %q", tt.utf8, got, tt.mutf7)
		}
	}
	// Invalid UTF-8 is encoded as U+FFFD.
	if got, want := EncodeMailboxName("a\xffb"), "a&,,0-b"; got != want {
		t.Errorf("EncodeMailboxName(invalid UTF-8) = %q, want %q", got, want)
	}
}

func TestDecodeMailboxName(t *testing.T) {
	for _, tt := range mailboxNames {
		got, err := DecodeMailboxName(tt.mutf7)
		if err != nil || got != tt.utf8 {
			t.Errorf("DecodeMailboxName(%q) = %q, %v; want %q", tt.mutf7, got, err, tt.utf8)
		}
	}
}

func TestDecodeMailboxNameErrors(t *testing.T) {
	tests := []struct{ in, why string }{
		{"&", `without a closing "-"`},
		{"a&AOk", `without a closing "-"`},
		{"&AOk-&AOk-", "shift right after another"},
		{"&AOl-", "not the modified base64"},   // leftover bits not zero
		{"&AOkA-", "not the modified base64"},  // three bytes: not UTF-16
		{"&AOkA6-", "not the modified base64"}, // a character too few
		{"&AOkA6Q=-", "not a modified base64 character"},
		{"&AOk/-", "not a modified base64 character"},
		{"&AO k-", "not a modified base64 character"},
		{"&A-", "not the modified base64"},
		{"&AGE-", "printable 'a' encoded"},
		{"&ACY-", "printable '&' encoded"},
		{"&ACA-", "printable ' ' encoded"},
		{"&2D0-", "unpaired surrogate U+D83D"},
		{"&3Oc-", "unpaired surrogate U+DCE7"},
		{"&2D3YPQ-", "unpaired surrogate U+D83D"},
		{"&2D0AYQ-", "unpaired surrogate U+D83D"},
		{"é", "not printable US-ASCII"},
		{"a\tb", "not printable US-ASCII"},
		{"a\x7f", "not printable US-ASCII"},
		{"&AOk\r\n-", "'\\r' is not a modified base64 character"},
		{"&AO\nk-", "not a modified base64 character"},
	}
	for _, tt := range tests {
		got, err := DecodeMailboxName(tt.in)
		if err == nil {
			t.Errorf("DecodeMailboxName(%q) = %q, want an error", tt.in, got)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "imaplib: ") || !strings.Contains(msg, tt.why) {
			t.Errorf("DecodeMailboxName(%q) error %q, want one about %q", tt.in, msg, tt.why)
		}
	}
}

// TestMailboxNameRoundTrip encodes random text, mostly outside ASCII, and
// decodes it back.
func TestMailboxNameRoundTrip(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	for range 2000 {
		s := randomName(rng)
		enc := EncodeMailboxName(s)
		got, err := DecodeMailboxName(enc)
		if err != nil || got != s {
			t.Fatalf("DecodeMailboxName(EncodeMailboxName(%q) = %q) = %q, %v", s, enc, got, err)
		}
	}
}

// randomName returns valid UTF-8 mixing ASCII, "&", "-", controls, BMP
// characters and characters beyond the BMP.
func randomName(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(12) {
		var r rune
		switch rng.IntN(6) {
		case 0:
			r = rune(0x20 + rng.IntN(0x5f))
		case 1:
			r = []rune{'&', '-', '/', '.', ' '}[rng.IntN(5)]
		case 2:
			r = rune(rng.IntN(0x20))
		case 3:
			r = rune(0x80 + rng.IntN(0xd800-0x80))
		case 4:
			r = rune(0xe000 + rng.IntN(0x10000-0xe000))
		case 5:
			r = rune(0x10000 + rng.IntN(0x100000))
		}
		b.WriteRune(r)
	}
	return b.String()
}

// doveadm returns the path of Dovecot's doveadm, skipping the test when it
// is missing outside CI.
func doveadm(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("doveadm")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("MAILSCRIPT_REQUIRE_DOVECOT") == "1" {
			t.Fatalf("doveadm is required under CI: %v", err)
		}
		t.Skip("doveadm not found; the differential test needs it")
	}
	return p
}

// TestMailboxNameAgainstDovecot compares both directions with Dovecot's
// converter ("doveadm mailbox mutf7"). Dovecot is laxer in one place, which
// the comparison allows for: it accepts non-zero leftover bits; and it
// refuses NUL in a name, which is not compared.
func TestMailboxNameAgainstDovecot(t *testing.T) {
	bin := doveadm(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 4))

	// Encoding: one call for many names; each gives one line.
	var names []string
	// An argument cannot hold NUL, and a line break would split a line.
	usable := func(s string) bool { return s != "" && !strings.ContainsAny(s, "\x00\r\n") }
	for _, tt := range mailboxNames {
		if usable(tt.utf8) {
			names = append(names, tt.utf8)
		}
	}
	for range 300 {
		if s := randomName(rng); usable(s) {
			names = append(names, s)
		}
	}
	out, err := exec.Command(bin, append([]string{"mailbox", "mutf7", "-8", "--"}, names...)...).Output()
	if err != nil {
		t.Fatalf("doveadm: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(names) {
		t.Fatalf("doveadm gave %d lines for %d names", len(lines), len(names))
	}
	for i, s := range names {
		if got := EncodeMailboxName(s); got != lines[i] {
			t.Errorf("EncodeMailboxName(%q) = %q, dovecot %q", s, got, lines[i])
		}
	}

	// Decoding: encoded names, damaged at random, one call each so that
	// every answer is known to belong to its input. The damage stays within
	// printable ASCII: doveadm's output drops control characters and
	// invalid UTF-8, so it cannot judge those (the tests above do).
	var inputs []string
	for _, s := range names[:len(names)/2] {
		enc := []byte(EncodeMailboxName(s))
		for range rng.IntN(3) {
			enc[rng.IntN(len(enc))] = "&-AaZz09+,/= ~"[rng.IntN(14)]
		}
		inputs = append(inputs, string(enc))
	}
	var accepted int
	defer func() { t.Logf("decoded %d names, dovecot accepted %d", len(inputs), accepted) }()
	for _, in := range inputs {
		cmd := exec.Command(bin, "mailbox", "mutf7", "-7", "--", in)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		derr := cmd.Run()
		dovecotOK := derr == nil
		if dovecotOK {
			accepted++
		}
		if !dovecotOK && !strings.Contains(stderr.String(), "not valid mUTF-7") {
			t.Fatalf("doveadm on %q: %v\n%s", in, derr, stderr.Bytes())
		}
		got, err := DecodeMailboxName(in)
		switch {
		case err == nil && strings.Contains(got, "\x00"):
			// Dovecot refuses NUL in a name.
		case err == nil && !dovecotOK:
			t.Errorf("DecodeMailboxName(%q) = %q, dovecot refuses it", in, got)
		case err == nil && got+"\n" != stdout.String():
			t.Errorf("DecodeMailboxName(%q) = %q, dovecot %q", in, got, stdout.String())
		case err != nil && dovecotOK && !strings.Contains(err.Error(), "not the modified base64"):
			t.Errorf("DecodeMailboxName(%q): %v; dovecot accepts it as %q", in, err, stdout.String())
		}
	}
}

// FuzzMailboxName checks that decoding never panics, that a name that
// decodes is canonical (encoding it again gives the input back), and that
// valid UTF-8 survives an encode and decode.
func FuzzMailboxName(f *testing.F) {
	for _, tt := range mailboxNames {
		f.Add(tt.utf8)
		f.Add(tt.mutf7)
	}
	f.Add("&AOl-")
	f.Add("&2D0-")
	f.Fuzz(func(t *testing.T, s string) {
		if dec, err := DecodeMailboxName(s); err == nil {
			if !utf8.ValidString(dec) {
				t.Fatalf("DecodeMailboxName(%q) = %q, not UTF-8", s, dec)
			}
			if enc := EncodeMailboxName(dec); enc != s {
				t.Fatalf("DecodeMailboxName(%q) = %q, which encodes to %q", s, dec, enc)
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		enc := EncodeMailboxName(s)
		dec, err := DecodeMailboxName(enc)
		if err != nil || dec != s {
			t.Fatalf("DecodeMailboxName(EncodeMailboxName(%q) = %q) = %q, %v", s, enc, dec, err)
		}
	})
}

func ExampleEncodeMailboxName() {
	fmt.Println(EncodeMailboxName("~peter/mail/台北/日本語"))
	fmt.Println(EncodeMailboxName("Tom & Jerry"))
	// Output:
	// ~peter/mail/&U,BTFw-/&ZeVnLIqe-
	// Tom &- Jerry
}

func ExampleDecodeMailboxName() {
	name, err := DecodeMailboxName("Entw&APw-rfe")
	fmt.Println(name, err)
	_, err = DecodeMailboxName("&AGE-")
	fmt.Println(err)
	// Output:
	// Entwürfe <nil>
	// imaplib: mailbox name "&AGE-" is not valid modified UTF-7: at byte 0: printable 'a' encoded in base64
}
