package mailgen

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Charset names as written into messages. Each is an IANA name that Go's
// golang.org/x/text and Python's codecs both know.
const (
	UTF8        = "UTF-8"
	ISO88591    = "ISO-8859-1"
	ISO885915   = "ISO-8859-15"
	Windows1252 = "windows-1252"
	KOI8R       = "KOI8-R"
	ISO2022JP   = "ISO-2022-JP"
	GB2312      = "GB2312"
	Big5        = "Big5"
	EUCKR       = "EUC-KR"
)

// encoders maps the charsets other than UTF-8 to their x/text encodings.
// GB2312 text is a subset of GBK, so the GBK encoder writes valid GB2312
// for the characters the generator uses.
var encoders = map[string]encoding.Encoding{
	ISO88591:    charmap.ISO8859_1,
	ISO885915:   charmap.ISO8859_15,
	Windows1252: charmap.Windows1252,
	KOI8R:       charmap.KOI8R,
	ISO2022JP:   japanese.ISO2022JP,
	GB2312:      simplifiedchinese.GBK,
	Big5:        traditionalchinese.Big5,
	EUCKR:       korean.EUCKR,
}

// Charsets returns the charsets the generator writes, UTF-8 first.
func Charsets() []string {
	return []string{UTF8, ISO88591, ISO885915, Windows1252, KOI8R, ISO2022JP, GB2312, Big5, EUCKR}
}

// encodeCharset converts UTF-8 text to charset. A character the charset
// cannot represent is an error.
func encodeCharset(charset, s string) ([]byte, error) {
	if charset == UTF8 || charset == "" || charset == "us-ascii" {
		return []byte(s), nil
	}
	e, ok := encoders[charset]
	if !ok {
		return nil, fmt.Errorf("mailgen: unknown charset %q", charset)
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("mailgen: encode %q as %s: %w", s, charset, err)
	}
	return b, nil
}

// isPlain reports whether a header word can be written as is: printable
// ASCII that does not look like the start of an encoded word.
func isPlain(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 0x21 || w[i] > 0x7e {
			return false
		}
	}
	return !strings.Contains(w, "=?")
}

// maxWord is the longest encoded word written. RFC 2047 allows 75; a
// shorter limit keeps "Subject: " and one word within 78 characters.
const maxWord = 66

// qSafe reports whether a byte may stand for itself in a Q-encoded word
// anywhere, including a phrase (RFC 2047 section 5, rule 3).
func qSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

// encodeWord returns one encoded word holding b, already in charset.
func encodeWord(charset string, useB bool, b []byte) string {
	var sb strings.Builder
	sb.WriteString("=?")
	sb.WriteString(charset)
	if useB {
		sb.WriteString("?B?")
		sb.WriteString(base64.StdEncoding.EncodeToString(b))
	} else {
		sb.WriteString("?Q?")
		for _, c := range b {
			switch {
			case qSafe(c):
				sb.WriteByte(c)
			case c == ' ':
				sb.WriteByte('_')
			default:
				fmt.Fprintf(&sb, "=%02X", c)
			}
		}
	}
	sb.WriteString("?=")
	return sb.String()
}

// encodeWords encodes s as a run of encoded words of at most maxWord bytes
// each. Every word holds whole characters and is encoded on its own, so a
// stateful charset such as ISO-2022-JP starts and ends each word in ASCII.
func encodeWords(charset string, useB bool, s string) ([]string, error) {
	var words []string
	runes := []rune(s)
	for start := 0; start < len(runes); {
		var last string
		end := start
		for end < len(runes) {
			b, err := encodeCharset(charset, string(runes[start:end+1]))
			if err != nil {
				return nil, err
			}
			w := encodeWord(charset, useB, b)
			if len(w) > maxWord && end > start {
				break
			}
			last = w
			end++
		}
		words = append(words, last)
		start = end
	}
	return words, nil
}

// headerTokens turns UTF-8 header text into the space-separated tokens of
// its header form. The words from the first to the last one that is not
// plain ASCII become encoded words in charset (Q, or B when useB); plain
// words around them stay as they are. Text that is all plain comes back
// split at its spaces.
func headerTokens(charset string, useB bool, s string) ([]string, error) {
	words := strings.Split(s, " ")
	first, last := -1, -1
	for i, w := range words {
		if !isPlain(w) && w != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return words, nil
	}
	if charset == "" {
		charset = UTF8
	}
	enc, err := encodeWords(charset, useB, strings.Join(words[first:last+1], " "))
	if err != nil {
		return nil, err
	}
	out := append([]string{}, words[:first]...)
	out = append(out, enc...)
	return append(out, words[last+1:]...), nil
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
