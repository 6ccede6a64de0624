package email

//go:generate sh -c "python3 testdata/gencharmaps.py | gofmt > charset_tables.go"

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// Python decodes a mail's charsets with its codecs. For the single-byte
// ones (the mac-* family, cp125x, cp437 and the other DOS and EBCDIC code
// pages, koi8-*, iso-8859-*, ...) the tables in charset_tables.go are
// Python's own, generated from its codecs, so that every byte decodes as
// in Python (x/text's charmaps lack most Mac and DOS code pages and differ
// on some undefined bytes). The multi-byte ones (CJK, UTF-16/32) are
// x/text's, under every name Python's codec lookup accepts for them.

// A pyCharmap is one of Python's single-byte codecs.
type pyCharmap struct {
	names []string
	table string // 256 runes: the character of each byte
}

// tableEncoding is an encoding.Encoding over a 256-entry table.
type tableEncoding struct {
	dec [256]rune
	enc map[rune]byte
}

func newTableEncoding(table string) *tableEncoding {
	e := &tableEncoding{enc: make(map[rune]byte, 256)}
	i := 0
	for _, r := range table {
		e.dec[i] = r
		if r != utf8.RuneError {
			if _, dup := e.enc[r]; !dup {
				e.enc[r] = byte(i)
			}
		}
		i++
	}
	return e
}

func (e *tableEncoding) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: &tableDecoder{e: e}}
}

func (e *tableEncoding) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: &tableEncoder{e: e}}
}

type tableDecoder struct {
	transform.NopResetter
	e *tableEncoding
}

func (d *tableDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r := d.e.dec[src[nSrc]]
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

type tableEncoder struct {
	transform.NopResetter
	e *tableEncoding
}

func (t *tableEncoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size < 2 && !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		b, ok := t.e.enc[r]
		if !ok {
			return nDst, nSrc, encoding.ErrInvalidUTF8
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = b
		nDst++
		nSrc += size
	}
	return nDst, nSrc, nil
}

func addPyCharsets() {
	for _, m := range pyCharmaps {
		e := newTableEncoding(m.table)
		for _, n := range m.names {
			charsets[n] = e
		}
	}
	add := func(e encoding.Encoding, names ...string) {
		for _, n := range names {
			charsets[n] = e
		}
	}
	// Python's names of the multi-byte codecs that charset.go does not
	// list. The JIS X 0213 and HKSCS variants decode their common
	// characters with the base tables; their extensions are not decoded.
	add(japanese.EUCJP, "euc_jis_2004", "jisx0213", "eucjis2004", "euc_jisx0213", "eucjisx0213")
	add(japanese.ShiftJIS, "shift_jis_2004", "shiftjis2004", "sjis_2004", "s_jis_2004",
		"shift_jisx0213", "shiftjisx0213", "sjisx0213", "s_jisx0213")
	add(japanese.ISO2022JP, "iso2022_jp_1", "iso2022jp_1", "iso2022_jp_2", "iso2022jp_2",
		"iso2022_jp_2004", "iso2022jp_2004", "iso_2022_jp_2004", "iso2022_jp_3", "iso2022jp_3",
		"iso_2022_jp_3", "iso2022_jp_ext", "iso2022jp_ext")
	add(traditionalchinese.Big5, "big5hkscs", "big5_hkscs", "hkscs")
	add(korean.EUCKR, "ks_c_5601_1987", "ksx1001", "ks_x_1001")
	add(unicode.UTF8BOM, "utf_8_sig")
	add(utf32.UTF32(utf32.LittleEndian, utf32.UseBOM), "utf_32", "u32", "utf32")
	add(utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf_32_be", "utf_32be")
	add(utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf_32_le", "utf_32le")
	add(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "utf_16", "utf16", "u16")
	for alias, codec := range pyCodecAliases {
		if _, ok := charsets[alias]; !ok {
			if e, ok := charsets[codec]; ok {
				charsets[alias] = e
			}
		}
	}
}
