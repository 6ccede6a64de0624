package email_test

import (
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"sort"
	"testing"

	"github.com/mailscript/mailscript/stdlib/email"
)

// pyCodecs lists every name Python's codec lookup resolves to a text
// codec (the encodings modules and their aliases), with a sample of bytes
// in that codec and Python's decoding of it: all 256 bytes for a
// single-byte codec, a text in many scripts (what the codec can hold of
// it) for the others.
const pyCodecs = `
import codecs, encodings, encodings.aliases, json, pkgutil, sys
skip = {'base64_codec', 'bz2_codec', 'hex_codec', 'quopri_codec', 'rot_13', 'uu_codec',
        'zlib_codec', 'idna', 'punycode', 'raw_unicode_escape', 'unicode_escape',
        'undefined', 'charmap', 'mbcs', 'oem', 'aliases'}
names = set(m.name for m in pkgutil.iter_modules(encodings.__path__))
names |= set(encodings.aliases.aliases)
# The JIS X 0213 and ISO-2022-JP-2/3 variants are decoded with x/text's
# base tables: only what the base codec holds is compared.
approx = {'euc_jis_2004': 'euc_jp', 'euc_jisx0213': 'euc_jp', 'shift_jis_2004': 'shift_jis',
          'shift_jisx0213': 'shift_jis', 'iso2022_jp_1': 'iso2022_jp', 'iso2022_jp_2': 'iso2022_jp',
          'iso2022_jp_2004': 'iso2022_jp', 'iso2022_jp_3': 'iso2022_jp', 'iso2022_jp_ext': 'iso2022_jp',
          'big5hkscs': 'big5'}
sample = 'Grüße räksmörgås Ελληνικά Русский ĞğŞş ąę 日本語 한국어 中文 ﾃｽﾄ'
out = {}
for name in sorted(names):
    try:
        info = codecs.lookup(name)
    except LookupError:
        continue
    mod = info.name.replace('-', '_')
    mod = {'euc_jis_2004': 'euc_jis_2004'}.get(mod, mod)
    if name in skip or mod in skip or encodings.aliases.aliases.get(name) in skip:
        continue
    try:
        mod_obj = __import__('encodings.' + encodings.aliases.aliases.get(name, name), fromlist=['x'])
        single = hasattr(mod_obj, 'decoding_table')
    except ImportError:
        single = False
    if single:
        raw = bytes(range(256))
    else:
        text = sample
        base = approx.get(mod)
        if base:
            def same(c):
                try:
                    return c.encode(name) == c.encode(base)
                except UnicodeEncodeError:
                    return False
            text = ''.join(c for c in text if same(c))
        if mod in ('big5', 'cp950', 'big5hkscs'):
            # x/text's Big5 is WHATWG's, whose row 0xC6A1-0xC7FC holds
            # kana where Python's big5 and cp950 have Cyrillic.
            text = text.replace('Русский', '')
        raw = text.encode(name, 'ignore')
    out[name] = [raw.hex(), raw.decode(name, 'replace')]
json.dump(out, sys.stdout)
`

// unsupportedCodecs are the codecs Python has and the module does not
// decode, with the names Python resolves to them: x/text has no
// ISO-2022-KR, Johab or UTF-7 decoder. Mail in them is decoded as UTF-8
// (DecodeText's fallback) and its headers stay encoded.
var unsupportedCodecs = map[string]bool{
	"iso2022_kr": true, "csiso2022kr": true, "iso2022kr": true, "iso_2022_kr": true,
	"johab": true, "cp1361": true, "ms1361": true,
	"utf_7": true, "u7": true, "unicode_1_1_utf_7": true, "utf7": true,
}

// TestCharsetsAsPython decodes a sample in every charset Python's codecs
// resolve (python3 lists them) and compares with Python's result.
func TestCharsetsAsPython(t *testing.T) {
	py := requirePython(t)
	out, err := exec.Command(py, "-c", pyCodecs).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var cases map[string][2]string
	if err := json.Unmarshal(out, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 300 {
		t.Fatalf("python listed %d codec names, want over 300", len(cases))
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := cases[name]
		raw, err := hex.DecodeString(c[0])
		if err != nil {
			t.Fatal(err)
		}
		got, ok := email.DecodeCharset(raw, name)
		if unsupportedCodecs[name] {
			if ok {
				t.Errorf("%s: decoded although listed as unsupported: update unsupportedCodecs", name)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: unknown charset (Python decodes it)", name)
			continue
		}
		if got != c[1] {
			t.Errorf("%s: decoded %q, Python %q", name, got, c[1])
		}
	}
}
