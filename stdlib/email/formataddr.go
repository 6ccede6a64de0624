package email

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Python's email.charset: how a header in a charset is encoded. The
// tables are Python's CHARSETS, ALIASES and CODEC_MAP, for the header
// encoding only.
const (
	hencNone = iota
	hencQP
	hencBase64
	hencShortest
)

type pyCharset struct {
	henc   int
	output string // the charset the text is converted to ("" is itself)
}

var pyCharsets = map[string]pyCharset{
	"iso-8859-1": {hencQP, ""}, "iso-8859-2": {hencQP, ""}, "iso-8859-3": {hencQP, ""},
	"iso-8859-4": {hencQP, ""}, "iso-8859-9": {hencQP, ""}, "iso-8859-10": {hencQP, ""},
	"iso-8859-13": {hencQP, ""}, "iso-8859-14": {hencQP, ""}, "iso-8859-15": {hencQP, ""},
	"iso-8859-16": {hencQP, ""}, "windows-1252": {hencQP, ""}, "viscii": {hencQP, ""},
	"us-ascii": {hencNone, ""}, "big5": {hencBase64, ""}, "gb2312": {hencBase64, ""},
	"euc-jp": {hencBase64, "iso-2022-jp"}, "shift_jis": {hencBase64, "iso-2022-jp"},
	"iso-2022-jp": {hencBase64, ""}, "koi8-r": {hencBase64, ""}, "utf-8": {hencShortest, "utf-8"},
}

var pyCharsetAliases = map[string]string{
	"latin_1": "iso-8859-1", "latin-1": "iso-8859-1", "latin_2": "iso-8859-2", "latin-2": "iso-8859-2",
	"latin_3": "iso-8859-3", "latin-3": "iso-8859-3", "latin_4": "iso-8859-4", "latin-4": "iso-8859-4",
	"latin_5": "iso-8859-9", "latin-5": "iso-8859-9", "latin_6": "iso-8859-10", "latin-6": "iso-8859-10",
	"latin_7": "iso-8859-13", "latin-7": "iso-8859-13", "latin_8": "iso-8859-14", "latin-8": "iso-8859-14",
	"latin_9": "iso-8859-15", "latin-9": "iso-8859-15", "latin_10": "iso-8859-16", "latin-10": "iso-8859-16",
	"cp949": "ks_c_5601-1987", "euc_jp": "euc-jp", "euc_kr": "euc-kr", "ascii": "us-ascii",
}

var pyCodecMap = map[string]string{"gb2312": "eucgb2312_cn", "big5": "big5_tw"}

// HeaderEncode is Python's Charset(charset).header_encode(s): s converted
// to the charset's output charset and written as one encoded word, in the
// charset's header encoding (Q for the ISO 8859 family, B for the CJK
// charsets and KOI8-R, the shorter of the two for UTF-8 and unknown
// charsets). Text the charset cannot hold is an error, as Python's
// UnicodeEncodeError.
func HeaderEncode(s, charset string) (string, error) {
	in := strings.ToLower(charset)
	if a, ok := pyCharsetAliases[in]; ok {
		in = a
	}
	cs, ok := pyCharsets[in]
	if !ok {
		cs = pyCharset{hencShortest, ""}
	}
	out := cs.output
	if out == "" {
		out = in
	}
	if a, ok := pyCharsetAliases[out]; ok {
		out = a
	}
	codec := out
	if c, ok := pyCodecMap[out]; ok {
		codec = c
	}
	if out == "us-ascii" {
		codec = "us-ascii"
	}
	b, err := encodeCharset(s, codec)
	if err != nil {
		return "", err
	}
	henc := cs.henc
	if henc == hencShortest {
		len64 := (len(b) + 2) / 3 * 4
		lenQ := 0
		for _, c := range b {
			if qSafe(c) || c == ' ' {
				lenQ++
			} else {
				lenQ += 3
			}
		}
		henc = hencQP
		if len64 < lenQ {
			henc = hencBase64
		}
	}
	switch henc {
	case hencBase64:
		return "=?" + codec + "?b?" + base64.StdEncoding.EncodeToString(b) + "?=", nil
	case hencQP:
		var sb strings.Builder
		sb.WriteString("=?" + codec + "?q?")
		for _, c := range b {
			switch {
			case c == ' ':
				sb.WriteByte('_')
			case qSafe(c):
				sb.WriteByte(c)
			default:
				fmt.Fprintf(&sb, "=%02X", c)
			}
		}
		sb.WriteString("?=")
		return sb.String(), nil
	}
	return s, nil
}

// encodeCharset converts UTF-8 text to charset.
func encodeCharset(s, charset string) ([]byte, error) {
	e := lookupCharset(charset)
	switch {
	case e == nil:
		return nil, fmt.Errorf("email: unknown encoding: %s", charset)
	case e == encUTF8:
		return []byte(s), nil
	case e == encASCII:
		if !isASCII(s) {
			return nil, fmt.Errorf("email: 'ascii' codec can't encode %q", s)
		}
		return []byte(s), nil
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("email: %q codec can't encode %q: %w", charset, s, err)
	}
	return b, nil
}

// FormatAddrCharset is Python's formataddr(pair, charset): FormatAddr,
// with a name that is not ASCII encoded in charset.
func FormatAddrCharset(a Address, charset string) (string, error) {
	if a.Name == "" || isASCII(a.Name) {
		return FormatAddr(a), nil
	}
	w, err := HeaderEncode(a.Name, charset)
	if err != nil {
		return "", err
	}
	return w + " <" + a.Addr + ">", nil
}
