package imaplib

// Modified UTF-7, the encoding of international mailbox names in IMAP4rev1
// (RFC 3501 section 5.1.3).

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// mutf7Base64 is RFC 2152's base64 with "," in place of "/" and no padding.
// Strict: the bits left over after the last byte must be zero.
var mutf7Base64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding).Strict()

// isDirect reports whether c is a printable US-ASCII character, which
// modified UTF-7 writes as itself ("&" as "&-") and never in base64.
func isDirect(c rune) bool { return c >= 0x20 && c <= 0x7e }

// EncodeMailboxName encodes a UTF-8 mailbox name in modified UTF-7 for IMAP:
// printable US-ASCII stands for itself, "&" becomes "&-", and each run of
// other characters becomes "&", the modified base64 of its UTF-16BE form,
// and "-". "~peter/mail/台北/日本語" becomes "~peter/mail/&U,BTFw-/&ZeVnLIqe-".
// Bytes of s that are not valid UTF-8 are encoded as U+FFFD.
func EncodeMailboxName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var run []uint16 // UTF-16 units waiting to be written in base64
	flush := func() {
		if len(run) == 0 {
			return
		}
		raw := make([]byte, 2*len(run))
		for i, u := range run {
			raw[2*i], raw[2*i+1] = byte(u>>8), byte(u)
		}
		b.WriteByte('&')
		b.WriteString(mutf7Base64.EncodeToString(raw))
		b.WriteByte('-')
		run = run[:0]
	}
	for _, r := range s {
		if !isDirect(r) {
			run = utf16.AppendRune(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
		if r == '&' {
			b.WriteByte('-')
		}
	}
	flush()
	return b.String()
}

// DecodeMailboxName decodes a mailbox name in modified UTF-7 to UTF-8. It is
// strict: it accepts only what EncodeMailboxName produces, so that a name
// has one spelling. It is an error for the input to hold a character other
// than printable US-ASCII, for a shift ("&...") to lack its closing "-", to
// hold invalid or non-canonical base64 (a length that no UTF-16 text has, or
// leftover bits that are not zero), unpaired surrogates, or a printable
// US-ASCII character, and for a shift to follow another directly (the two
// should have been one). The error says where the problem is.
func DecodeMailboxName(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	afterShift := false // the previous token was a base64 shift
	for i := 0; i < len(s); {
		c := s[i]
		if !isDirect(rune(c)) {
			return "", mutf7Error(s, i, fmt.Sprintf("byte %#02x is not printable US-ASCII", c))
		}
		if c != '&' {
			b.WriteByte(c)
			afterShift = false
			i++
			continue
		}
		end := strings.IndexByte(s[i+1:], '-')
		if end < 0 {
			return "", mutf7Error(s, i, `"&" without a closing "-"`)
		}
		end += i + 1
		if end == i+1 {
			b.WriteByte('&')
			afterShift = false
			i = end + 1
			continue
		}
		if afterShift {
			return "", mutf7Error(s, i, "a shift right after another")
		}
		if err := decodeShift(&b, s[i+1:end]); err != nil {
			return "", mutf7Error(s, i, err.Error())
		}
		afterShift = true
		i = end + 1
	}
	return b.String(), nil
}

// decodeShift appends to b the characters that the base64 text of one shift
// encodes.
func decodeShift(b *strings.Builder, enc string) error {
	for j := 0; j < len(enc); j++ {
		if c := enc[j]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == ',') {
			// Checked here because the base64 decoder skips CR and LF.
			return fmt.Errorf("%q is not a modified base64 character", c)
		}
	}
	raw, err := mutf7Base64.DecodeString(enc)
	if err != nil || len(raw)%2 != 0 {
		return fmt.Errorf("%q is not the modified base64 of UTF-16 text", enc)
	}
	units := make([]uint16, len(raw)/2)
	for k := range units {
		units[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
	}
	for k := 0; k < len(units); k++ {
		u := rune(units[k])
		r := u
		switch {
		case utf16.IsSurrogate(u) && u < 0xdc00 && k+1 < len(units):
			r = utf16.DecodeRune(u, rune(units[k+1]))
			k++
			if r == utf8.RuneError {
				return fmt.Errorf("unpaired surrogate %U", u)
			}
		case utf16.IsSurrogate(u):
			return fmt.Errorf("unpaired surrogate %U", u)
		case isDirect(u):
			return fmt.Errorf("printable %q encoded in base64", u)
		}
		b.WriteRune(r)
	}
	return nil
}

// mutf7Error describes a modified UTF-7 decoding error at byte offset i.
func mutf7Error(s string, i int, msg string) error {
	return fmt.Errorf("imaplib: mailbox name %q is not valid modified UTF-7: at byte %d: %s", s, i, msg)
}
