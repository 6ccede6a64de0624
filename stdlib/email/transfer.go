package email

import (
	"strings"
)

// decodeQP decodes quoted-printable data the way Python's binascii.a2b_qp
// does: soft line breaks are removed, =XX escapes decoded, and malformed
// escapes kept literally.
func decodeQP(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '=':
			i++
			if i >= len(s) {
				return out
			}
			switch d := s[i]; {
			case d == '\n' || d == '\r':
				if d != '\n' {
					for i < len(s) && s[i] != '\n' {
						i++
					}
				}
				if i < len(s) {
					i++
				}
			case d == '=':
				out = append(out, '=')
				i++
			default:
				if i+1 < len(s) {
					h, ok1 := unhex(s[i])
					l, ok2 := unhex(s[i+1])
					if ok1 && ok2 {
						out = append(out, h<<4|l)
						i += 2
						continue
					}
				}
				out = append(out, '=')
			}
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

var b64index = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

type b64Error string

func (e b64Error) Error() string { return "email: base64: " + string(e) }

// a2bBase64 decodes base64 like Python's binascii.a2b_base64. Without
// strict, characters outside the alphabet are skipped and decoding stops
// at complete padding; with strict, anything but a well-formed encoding is
// an error.
func a2bBase64(s string, strict bool) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4+3)
	quad, pads := 0, 0
	var left byte
	paddingStarted := false
	if strict && len(s) > 0 && s[0] == '=' {
		return nil, b64Error("leading padding not allowed")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			paddingStarted = true
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					if strict && i+1 < len(s) {
						return nil, b64Error("excess data after padding")
					}
					return out, nil
				}
			} else if strict {
				return nil, b64Error("excess padding not allowed")
			}
			continue
		}
		v := b64index[c]
		if v == 0xff {
			if strict {
				return nil, b64Error("only base64 data is allowed")
			}
			continue
		}
		if strict && paddingStarted {
			return nil, b64Error("discontinuous padding not allowed")
		}
		pads = 0
		switch quad {
		case 0:
			quad, left = 1, v
		case 1:
			out = append(out, left<<2|v>>4)
			quad, left = 2, v&0x0f
		case 2:
			out = append(out, left<<4|v>>2)
			quad, left = 3, v&0x03
		case 3:
			out = append(out, left<<6|v)
			quad, left = 0, 0
		}
	}
	if quad != 0 {
		if quad == 1 {
			return nil, b64Error("number of data characters cannot be 1 more than a multiple of 4")
		}
		return nil, b64Error("incorrect padding")
	}
	return out, nil
}

// decodeBase64Body decodes a base64 body as Python's get_payload(decode=True)
// does (email._encoded_words.decode_b on the joined lines), returning the
// defects it noted. When nothing can be decoded the input is returned.
func decodeBase64Body(body string) ([]byte, []string) {
	enc := strings.NewReplacer("\r", "", "\n", "").Replace(body)
	padErr := len(enc) % 4
	missing := ""
	if padErr != 0 {
		missing = "==="[:4-padErr]
	}
	if b, err := a2bBase64(enc+missing, true); err == nil {
		if padErr != 0 {
			return b, []string{"InvalidBase64PaddingDefect"}
		}
		return b, nil
	}
	if b, err := a2bBase64(enc, false); err == nil {
		return b, []string{"InvalidBase64CharactersDefect"}
	}
	if b, err := a2bBase64(enc+"==", false); err == nil {
		return b, []string{"InvalidBase64CharactersDefect", "InvalidBase64PaddingDefect"}
	}
	return []byte(enc), []string{"InvalidBase64LengthDefect"}
}

// Payload returns the payload of a non-multipart part. With decode, the
// Content-Transfer-Encoding (base64, quoted-printable) is undone, as
// Python's get_payload(decode=True) does; undecodable base64 is returned
// as it is. For a multipart part it returns "" and false.
func (m *Message) Payload(decode bool) ([]byte, bool) {
	if m.Multipart {
		return nil, false
	}
	if !decode {
		return []byte(m.Body), true
	}
	cte := ""
	if v, ok := m.Get("content-transfer-encoding"); ok {
		cte = asciiLower(v)
	}
	switch cte {
	case "quoted-printable":
		return decodeQP(m.Body), true
	case "base64":
		b, defects := decodeBase64Body(m.Body)
		for _, d := range defects {
			if !m.hasDefect(d) {
				m.Defects = append(m.Defects, d)
			}
		}
		return b, true
	}
	return []byte(m.Body), true
}

func (m *Message) hasDefect(d string) bool {
	for _, x := range m.Defects {
		if x == d {
			return true
		}
	}
	return false
}

// Text returns the payload of a text part decoded to UTF-8: transfer
// encoding undone, then converted from the charset parameter (UTF-8 when
// missing or unknown), with U+FFFD for what cannot be decoded. This is
// Python's get_content, more lenient about the default charset.
func (m *Message) Text() (string, bool) {
	b, ok := m.Payload(true)
	if !ok {
		return "", false
	}
	cs, ok := m.ContentCharset()
	if !ok || cs == "" {
		cs = "utf-8"
	}
	return DecodeText(b, cs), true
}
