package email

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Special decoders that x/text does not provide with Python's behaviour.
var (
	encUTF8  = &struct{ encoding.Encoding }{}
	encASCII = &struct{ encoding.Encoding }{}
)

// charsets maps normalised charset names (lower case, runs of characters
// other than letters, digits and '.' turned into '_', as Python's codec
// lookup does) to decoders.
// It is filled on first use (loadCharsets): building its decoders costs
// every process that never decodes a charset 3 ms at start.
var charsets = map[string]encoding.Encoding{}

var charsetsOnce sync.Once

// loadCharsets fills charsets: the names of charset.go, then those of
// charset_py.go (which also adds Python's aliases of names known by then).
func loadCharsets() {
	addCharsets()
	addPyCharsets()
}

func addCharsets() {
	add := func(e encoding.Encoding, names ...string) {
		for _, n := range names {
			charsets[n] = e
		}
	}
	add(encUTF8, "utf_8", "utf8", "u8", "utf", "cp65001", "utf8_ucs2", "utf8_ucs4", "unicode_1_1_utf_8")
	add(encASCII, "ascii", "us_ascii", "646", "ansi_x3.4_1968", "ansi_x3_4_1968", "ansi_x3.4_1986", "cp367", "csascii", "ibm367", "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us")
	isos := map[int]encoding.Encoding{
		1: charmap.ISO8859_1, 2: charmap.ISO8859_2, 3: charmap.ISO8859_3, 4: charmap.ISO8859_4,
		5: charmap.ISO8859_5, 6: charmap.ISO8859_6, 7: charmap.ISO8859_7, 8: charmap.ISO8859_8,
		9: charmap.ISO8859_9, 10: charmap.ISO8859_10, 13: charmap.ISO8859_13, 14: charmap.ISO8859_14,
		15: charmap.ISO8859_15, 16: charmap.ISO8859_16,
	}
	latin := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 9, 6: 10, 7: 13, 8: 14, 9: 15, 10: 16}
	for n, e := range isos {
		s := itoa(n)
		add(e, "iso_8859_"+s, "iso8859_"+s, "8859_"+s)
	}
	for l, n := range latin {
		add(isos[n], "latin"+itoa(l), "latin_"+itoa(l), "l"+itoa(l))
	}
	add(charmap.ISO8859_1, "cp819", "ibm819", "iso_ir_100")
	add(charmap.ISO8859_5, "cyrillic")
	add(charmap.ISO8859_7, "greek", "greek8")
	add(charmap.ISO8859_8, "hebrew")
	add(charmap.ISO8859_6, "arabic")
	wins := map[int]encoding.Encoding{
		1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
		1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
		1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
	}
	for n, e := range wins {
		s := itoa(n)
		add(e, "windows_"+s, "cp"+s, "x_cp"+s)
	}
	add(charmap.Windows874, "cp874", "windows_874", "tis_620", "tis620", "iso_8859_11", "iso8859_11")
	add(charmap.KOI8R, "koi8_r", "koi8r", "cskoi8r")
	add(charmap.KOI8U, "koi8_u", "koi8u")
	add(charmap.CodePage437, "cp437", "ibm437", "437")
	add(charmap.CodePage850, "cp850", "ibm850", "850")
	add(charmap.CodePage852, "cp852", "ibm852", "852")
	add(charmap.CodePage866, "cp866", "ibm866", "866")
	add(charmap.Macintosh, "mac_roman", "macroman", "macintosh")
	add(charmap.MacintoshCyrillic, "mac_cyrillic", "maccyrillic")
	add(simplifiedchinese.GBK, "gb2312", "gbk", "cp936", "ms936", "936", "euc_cn", "euccn", "x_gbk", "chinese", "csgb2312", "gb2312_1980", "gb2312_80", "eucgb2312_cn", "iso_ir_58")
	add(simplifiedchinese.GB18030, "gb18030", "gb18030_2000")
	add(simplifiedchinese.HZGB2312, "hz", "hzgb", "hz_gb", "hz_gb_2312")
	add(traditionalchinese.Big5, "big5", "big5_tw", "csbig5", "cp950", "ms950", "950", "big5hkscs", "big5_hkscs", "hkscs", "x_x_big5")
	add(japanese.ShiftJIS, "shift_jis", "shiftjis", "sjis", "s_jis", "csshiftjis", "ms_kanji", "cp932", "ms932", "mskanji", "932", "windows_31j", "x_sjis")
	add(japanese.EUCJP, "euc_jp", "eucjp", "ujis", "u_jis", "x_euc_jp", "euc_jis_2004", "euc_jisx0213")
	add(japanese.ISO2022JP, "iso_2022_jp", "iso2022_jp", "iso2022jp", "csiso2022jp", "iso_2022_jp_1", "iso_2022_jp_2", "iso_2022_jp_ext")
	add(korean.EUCKR, "euc_kr", "euckr", "ks_c_5601_1987", "ks_c_5601", "ksc5601", "ks_x_1001", "korean", "cp949", "ms949", "uhc", "949", "x_windows_949", "csksc56011987")
	add(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf_16", "utf16", "u16")
	add(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf_16_be", "utf_16be", "unicodebigunmarked")
	add(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf_16_le", "utf_16le", "unicodelittleunmarked")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// normCharset normalises a charset name the way Python's codec registry
// does before looking it up.
func normCharset(name string) string {
	var b strings.Builder
	pendingSep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' {
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteByte(c)
		} else {
			pendingSep = true
		}
	}
	return b.String()
}

func lookupCharset(name string) encoding.Encoding {
	charsetsOnce.Do(loadCharsets)
	if e, ok := charsets[normCharset(name)]; ok {
		return e
	}
	if e, err := ianaindex.IANA.Encoding(strings.TrimSpace(name)); err == nil && e != nil {
		return e
	}
	return nil
}

// KnownCharset reports whether text in charset can be decoded.
func KnownCharset(name string) bool { return lookupCharset(name) != nil }

// DecodeCharset converts b from charset to UTF-8, replacing what cannot be
// decoded by U+FFFD. ok is false when the charset is unknown.
func DecodeCharset(b []byte, charset string) (s string, ok bool) {
	e := lookupCharset(charset)
	if e == nil {
		return "", false
	}
	switch e {
	case encUTF8:
		return decodeUTF8(b), true
	case encASCII:
		return decodeASCII(b), true
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		// Decoders replace bad input themselves; an error means the
		// decoder gave up, so fall back to reading the bytes as UTF-8.
		return decodeUTF8(b), true
	}
	return string(out), true
}

// DecodeText converts b from charset to UTF-8 as DecodeCharset does, but
// reads an unknown charset as UTF-8 (Python's get_content fallback).
func DecodeText(b []byte, charset string) string {
	if s, ok := DecodeCharset(b, charset); ok {
		return s
	}
	return decodeUTF8(b)
}

func decodeASCII(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(utf8.RuneError)
		}
	}
	return sb.String()
}

// decodeUTF8 returns b with each maximal ill-formed subsequence replaced
// by one U+FFFD, the way Python's "replace" error handler counts them.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			sb.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			sb.Write(b[i : i+size])
			i += size
			continue
		}
		// Invalid: skip the lead byte and the continuation bytes that
		// were still acceptable after it.
		n, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			n = 1
		case c == 0xE0:
			n, lo = 2, 0xA0
		case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
			n = 2
		case c == 0xED:
			n, hi = 2, 0x9F
		case c == 0xF0:
			n, lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			n = 3
		case c == 0xF4:
			n, hi = 3, 0x8F
		}
		j := i + 1
		for k := 0; k < n && j < len(b); k++ {
			if b[j] < lo || b[j] > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			j++
		}
		sb.WriteRune(utf8.RuneError)
		i = j
	}
	return sb.String()
}
