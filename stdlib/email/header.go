package email

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word is one element of DecodeHeader's result: raw octets and the charset
// they are in; Charset is empty for text that was not an encoded word
// (Python's None).
type Word struct {
	Bytes   string
	Charset string
}

// findEncodedWords finds the RFC 2047 encoded words of s the way Python's
// email.header does, by the regular expression
// `=\?([^?]*?)\?([qQbB])\?(.*?)\?=` (anywhere in a line, charset and text
// non-greedy), and returns what FindAllStringSubmatchIndex would: for
// each word, the offsets of the word, its charset, its encoding letter
// and its text. Every header of every scanned message goes through it,
// so it reads s directly instead of running the expression.
func findEncodedWords(s string) [][]int {
	var out [][]int
	for from := 0; ; {
		i := strings.Index(s[from:], "=?")
		if i < 0 {
			return out
		}
		i += from
		if w := encodedWordAt(s, i); w != nil {
			out = append(out, w)
			from = w[1]
			continue
		}
		from = i + 1
	}
}

// encodedWordAt matches encodedWord at offset i of s, where "=?" starts.
func encodedWordAt(s string, i int) []int {
	// The charset cannot hold a '?': it ends at the first one.
	j := strings.IndexByte(s[i+2:], '?')
	if j < 0 {
		return nil
	}
	j += i + 2
	if j+2 >= len(s) || !strings.ContainsRune("qQbB", rune(s[j+1])) || s[j+2] != '?' {
		return nil
	}
	// The text is the shortest run without a line feed ('.') that "?="
	// ends.
	text := s[j+3:]
	k := strings.Index(text, "?=")
	if k < 0 || strings.IndexByte(text[:k], '\n') >= 0 {
		return nil
	}
	end := j + 3 + k
	return []int{i, end + 2, i + 2, j, j + 1, j + 2, j + 3, end}
}

// headerLines splits s at line ends the way Python's str.splitlines does
// for ASCII text.
func headerLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n\v\f\x1c\x1d\x1e")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}

type rawWord struct {
	text     string
	encoding byte // 0 for unencoded text, 'q' or 'b'
	charset  string
}

// DecodeHeader splits a raw header value into encoded and unencoded runs
// and decodes the encoded words, as Python's email.header.decode_header
// does: adjacent words in one charset are joined, whitespace between
// encoded words is dropped, and a value without encoded words comes back
// whole with no charset. Unlike Python it never fails: an encoded word
// whose base64 cannot be decoded is kept as unencoded text.
func DecodeHeader(s string) []Word {
	words, _ := decodeHeader(s, false)
	return words
}

// decodeHeader is DecodeHeader; strict makes a broken base64 word a
// *HeaderParseError, as in Python, instead of text kept as it is.
func decodeHeader(s string, strict bool) ([]Word, error) {
	if !strings.Contains(s, "=?") || findEncodedWords(s) == nil {
		return []Word{{Bytes: s}}, nil
	}
	decoded, err := decodeWords(splitWords(s), strict)
	if err != nil {
		return nil, err
	}
	return joinCharsetRuns(decoded), nil
}

// splitWords splits a header value into encoded words and the unencoded
// runs between them, line by line, without the leading whitespace of a
// line.
func splitWords(s string) []rawWord {
	var words []rawWord
	for _, line := range headerLines(s) {
		first := true
		pos := 0
		for _, m := range findEncodedWords(line) {
			un := line[pos:m[0]]
			if first {
				un = strings.TrimLeftFunc(un, isPySpaceRune)
				first = false
			}
			if un != "" {
				words = append(words, rawWord{text: un})
			}
			words = append(words, rawWord{
				text:     line[m[6]:m[7]],
				encoding: asciiLower(line[m[4]:m[5]])[0],
				charset:  asciiLower(line[m[2]:m[3]]),
			})
			pos = m[1]
		}
		un := line[pos:]
		if first {
			un = strings.TrimLeftFunc(un, isPySpaceRune)
		}
		if un != "" {
			words = append(words, rawWord{text: un})
		}
	}
	return words
}

// decodeWords decodes the encoded words, dropping the whitespace between
// two of them.
func decodeWords(words []rawWord, strict bool) ([]Word, error) {
	drop := map[int]bool{}
	for n := 2; n < len(words); n++ {
		if words[n].encoding != 0 && words[n-2].encoding != 0 && isAllSpace(words[n-1].text) {
			drop[n-1] = true
		}
	}
	var decoded []Word
	for n, w := range words {
		if drop[n] {
			continue
		}
		switch w.encoding {
		case 0:
			decoded = append(decoded, Word{Bytes: w.text})
		case 'q':
			decoded = append(decoded, Word{decodeQHeader(w.text), w.charset})
		case 'b':
			enc := w.text
			if pad := len(enc) % 4; pad != 0 {
				enc += "==="[:4-pad]
			}
			b, err := a2bBase64(enc, false)
			if err != nil {
				if strict {
					return nil, &HeaderParseError{Message: "Base64 decoding error"}
				}
				decoded = append(decoded, Word{Bytes: "=?" + w.charset + "?b?" + w.text + "?="})
				continue
			}
			decoded = append(decoded, Word{string(b), w.charset})
		}
	}
	return decoded, nil
}

// joinCharsetRuns joins runs of words in the same charset; unencoded runs
// are joined with a space.
func joinCharsetRuns(decoded []Word) []Word {
	var out []Word
	for _, w := range decoded {
		if len(out) == 0 || out[len(out)-1].Charset != w.Charset {
			out = append(out, w)
			continue
		}
		last := &out[len(out)-1]
		if last.Charset == "" {
			last.Bytes += " " + w.Bytes
		} else {
			last.Bytes += w.Bytes
		}
	}
	return out
}

// decodeQHeader decodes the text of a Q encoded word as Python's
// quoprimime.header_decode does: '_' is a space, =XX an octet, and
// anything else (a lone '=' included) stays as it is.
func decodeQHeader(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			b = append(b, ' ')
		case c == '=' && i+2 < len(s):
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, h<<4|l)
				i += 2
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isPySpaceRune(r rune) bool {
	return r < 0x80 && isPySpace(byte(r)) || r >= 0x80 && r != utf8.RuneError && unicode.IsSpace(r)
}

// isAllSpace is Python's str.isspace: non-empty and only whitespace.
func isAllSpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isPySpaceRune(r) {
			return false
		}
	}
	return true
}

// charsetAliases are the names Python's email.charset.Charset maps to
// another name; a Charset compares by this name.
var charsetAliases = map[string]string{
	"latin_1": "iso-8859-1", "latin-1": "iso-8859-1",
	"latin_2": "iso-8859-2", "latin-2": "iso-8859-2",
	"latin_3": "iso-8859-3", "latin-3": "iso-8859-3",
	"latin_4": "iso-8859-4", "latin-4": "iso-8859-4",
	"latin_5": "iso-8859-9", "latin-5": "iso-8859-9",
	"latin_6": "iso-8859-10", "latin-6": "iso-8859-10",
	"latin_7": "iso-8859-13", "latin-7": "iso-8859-13",
	"latin_8": "iso-8859-14", "latin-8": "iso-8859-14",
	"latin_9": "iso-8859-15", "latin-9": "iso-8859-15",
	"latin_10": "iso-8859-16", "latin-10": "iso-8859-16",
	"cp949": "ks_c_5601-1987", "euc_jp": "euc-jp", "euc_kr": "euc-kr",
	"ascii": "us-ascii",
}

func charsetKey(cs string) string {
	cs = asciiLower(cs)
	if a, ok := charsetAliases[cs]; ok {
		return a
	}
	return cs
}

// MakeHeader joins decoded words into UTF-8 text as Python's
// str(make_header(words)) does, inserting a space where an encoded word
// meets plain text. It is lenient where Python raises: octets invalid in
// their charset become U+FFFD, an unknown charset is read as UTF-8, and
// unencoded 8-bit octets are read as UTF-8.
func MakeHeader(words []Word) string {
	var chunks []headerChunk
	for _, w := range words {
		cs := "us-ascii"
		if w.Charset != "" {
			cs = charsetKey(w.Charset)
		}
		var text string
		switch {
		case cs == "us-ascii":
			text = decodeUTF8([]byte(w.Bytes))
		case !KnownCharset(cs):
			text, cs = decodeUTF8([]byte(w.Bytes)), "utf-8"
		default:
			text = DecodeText([]byte(w.Bytes), cs)
		}
		if cs == "us-ascii" && !isASCII(text) {
			cs = "utf-8"
		}
		chunks = append(chunks, headerChunk{text, cs})
	}
	return joinChunks(normalizeChunks(chunks))
}

func nonCText(r rune) bool { return isPySpaceRune(r) || r == '(' || r == ')' || r == '\\' }

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func lastRune(s string) rune { r, _ := utf8.DecodeLastRuneInString(s); return r }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// DecodeHeaderString decodes every encoded word of a raw header value and
// returns UTF-8 text: MakeHeader(DecodeHeader(s)).
func DecodeHeaderString(s string) string {
	if !strings.Contains(s, "=?") && utf8.ValidString(s) {
		// No encoded word can start: one unencoded word, whose text is
		// s (the common case, taken without the regular expression).
		return s
	}
	return MakeHeader(DecodeHeader(s))
}

// EncodeWord encodes UTF-8 text s as one RFC 2047 encoded word in charset
// (only utf-8 and the charsets that can hold s are useful), choosing the
// shorter of the B and Q encodings as Python's Charset.header_encode does.
func EncodeWord(s, charset string) string {
	b := []byte(s)
	len64 := (len(b) + 2) / 3 * 4
	lenQ := 0
	for _, c := range b {
		if qSafe(c) || c == ' ' {
			lenQ++
		} else {
			lenQ += 3
		}
	}
	if len64 < lenQ {
		return "=?" + charset + "?b?" + base64Std(b) + "?="
	}
	var sb strings.Builder
	sb.WriteString("=?" + charset + "?q?")
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case qSafe(c):
			sb.WriteByte(c)
		default:
			sb.WriteString("=" + strings.ToUpper(strconv.FormatInt(int64(c)>>4, 16)+strconv.FormatInt(int64(c)&15, 16)))
		}
	}
	sb.WriteString("?=")
	return sb.String()
}

func qSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-!*+/", c) >= 0
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
