package mailgen

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

var testDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	if strings.EqualFold(charset, UTF8) {
		return r, nil
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}}

// headerValue writes text as a Subject field and reads it back as
// net/mail does (unfolded, encoded words left in place).
func headerValue(t *testing.T, charset string, useB bool, text string) (raw, used string) {
	t.Helper()
	var b bytes.Buffer
	used = writeText(&b, "Subject", charset, useB, text)
	b.WriteString("\r\n")
	msg, err := mail.ReadMessage(&b)
	if err != nil {
		t.Fatalf("%q: %v", b.String(), err)
	}
	return msg.Header.Get("Subject"), used
}

// FuzzHeaderText checks that any text written as a header field decodes
// back to itself and keeps to the charset when the charset can hold it.
func FuzzHeaderText(f *testing.F) {
	for _, s := range []string{"hello world", "Grüße aus München", "Привет из Москвы", "会議の議事録について",
		"Re: [list] 周末聚会的照片 tomorrow", "a =?b?= c", "Rechnung über 45 € für das Konzert",
		strings.TrimSpace(strings.Repeat("long subject words ", 10)), strings.Repeat("日本語", 40), "Ｆｒｅｅ ｉＰｈｏｎｅ"} {
		for i := range Charsets() {
			f.Add(s, uint8(i), i%2 == 0)
		}
	}
	f.Fuzz(func(t *testing.T, text string, cs uint8, useB bool) {
		charset := Charsets()[int(cs)%len(Charsets())]
		// Header text as the generator writes it: valid UTF-8 without
		// controls, single spaces between words, none at either end.
		if !utf8.ValidString(text) || strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) ||
			strings.Contains(text, "  ") || strings.TrimSpace(text) != text || text == "" {
			return // not text the generator writes
		}
		raw, used := headerValue(t, charset, useB, text)
		got, err := testDecoder.DecodeHeader(raw)
		if err != nil {
			t.Fatalf("decode %q: %v", raw, err)
		}
		if got != text {
			t.Fatalf("%s: %q encoded as %q decodes to %q", charset, text, raw, got)
		}
		if _, err := encodeCharset(charset, text); err == nil && used != "" && used != charset {
			t.Errorf("used %s for %q, want %s", used, text, charset)
		}
	})
}

func TestEncodedWordLimits(t *testing.T) {
	for _, cs := range Charsets() {
		for _, useB := range []bool{false, true} {
			text := "Réunion de l'équipe"
			switch cs {
			case KOI8R:
				text = strings.Repeat("Привет из Москвы ", 6) + "end"
			case ISO2022JP:
				text = strings.Repeat("会議の議事録について", 6)
			case GB2312:
				text = strings.Repeat("周末聚会的照片", 8)
			case Big5:
				text = strings.Repeat("週末聚會的照片", 8)
			case EUCKR:
				text = strings.Repeat("회의 일정 안내 ", 8) + "끝"
			case Windows1252:
				text = strings.Repeat("“Quoted” – ", 8) + "end"
			}
			words, err := encodeWords(cs, useB, text)
			if err != nil {
				t.Fatalf("%s: %v", cs, err)
			}
			if len(words) < 2 && len(text) > 60 {
				t.Errorf("%s: %d words for %d bytes", cs, len(words), len(text))
			}
			var sb strings.Builder
			for _, w := range words {
				if len(w) > maxWord {
					t.Errorf("%s: word of %d bytes: %s", cs, len(w), w)
				}
				// Each word must decode on its own: no character split
				// across words, and stateful charsets back in ASCII.
				d, err := testDecoder.DecodeHeader(w)
				if err != nil || strings.ContainsRune(d, utf8.RuneError) {
					t.Errorf("%s: word %s decodes to %q, %v", cs, w, d, err)
				}
				sb.WriteString(d)
			}
			if sb.String() != text {
				t.Errorf("%s: words decode to %q, want %q", cs, sb.String(), text)
			}
		}
	}
}

func TestStaticTextFitsCharsets(t *testing.T) {
	check := func(charset, s string) {
		t.Helper()
		if _, err := encodeCharset(charset, s); err != nil {
			t.Error(err)
		}
	}
	for _, p := range append(append(append([]person{}, friends...), colleagues...), listPeople...) {
		if p.charset != "" {
			check(p.charset, p.name)
		}
	}
	// Friends write subjects and letters in their charset.
	for _, p := range friends {
		if p.charset != "" {
			for _, s := range personalSubjects[p.lang] {
				check(p.charset, s)
			}
			if body, ok := personalBodies[p.lang]; ok {
				check(p.charset, body+p.name)
			}
		}
	}
	for _, n := range newsletters {
		for _, s := range n.subjects {
			check(n.charset, s)
		}
	}
	for _, s := range spamSubjects {
		check(s.charset, s.subject)
	}
	for _, l := range mailingLists {
		for _, s := range l.topics {
			check(ISO885915, s)
		}
	}
}
