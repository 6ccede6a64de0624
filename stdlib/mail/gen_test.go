package mail_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/mailscript/mailscript/internal/dovecottest"
)

// genMsg is one generated message with the facts the scenarios compute
// their expected state from (never from the server).
type genMsg struct {
	Kind      string // newsletter, spam, personal, vip, invoice
	From      string // bare address
	Subject   string // decoded
	ListID    string // list name for newsletters ("golang-nuts")
	Date      time.Time
	Flags     []string
	Attach    bool
	MessageID string
	Raw       []byte
}

func (g *genMsg) has(flag string) bool {
	for _, f := range g.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

var lists = []string{"golang-nuts", "lua-l", "dovecot", "rust-users"}

type charsetEnc struct {
	name string
	enc  encoding.Encoding // nil for UTF-8
}

var charsets = []charsetEnc{
	{"utf-8", nil},
	{"iso-8859-1", charmap.ISO8859_1},
	{"koi8-r", charmap.KOI8R},
	{"iso-2022-jp", japanese.ISO2022JP},
	{"gb2312", simplifiedchinese.GBK}, // GBK holds GB2312 and decoders accept it
	{"windows-1252", charmap.Windows1252},
}

// subjects per charset that the charset can hold.
var subjectsFor = map[string][]string{
	"utf-8":        {"Grüße aus Köln ☕", "Привет, мир", "日本語のメール", "Café ☀ résumé"},
	"iso-8859-1":   {"Grüße aus München", "Café déjà vu", "Señor Año"},
	"koi8-r":       {"Привет из Москвы", "Отчёт за неделю"},
	"iso-2022-jp":  {"会議の件について", "お知らせ"},
	"gb2312":       {"你好世界", "会议通知"},
	"windows-1252": {"Ärger über Preise – „Angebot“", "Naïve café"},
}

// encodeWord encodes s (UTF-8) as an RFC 2047 word in cs, B or Q.
func encodeWord(s string, cs charsetEnc, q bool) string {
	b := []byte(s)
	if cs.enc != nil {
		var err error
		b, err = cs.enc.NewEncoder().Bytes(b)
		if err != nil {
			panic(fmt.Sprintf("encode %q in %s: %v", s, cs.name, err))
		}
	}
	if !q || cs.name == "iso-2022-jp" {
		return "=?" + cs.name + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var sb strings.Builder
	sb.WriteString("=?" + cs.name + "?Q?")
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_':
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	sb.WriteString("?=")
	return sb.String()
}

// genMailbox generates n INBOX messages and nSpam spam messages,
// deterministically from seed, with arrival dates before now.
func genMailbox(seed uint64, n, nSpam int, now time.Time) (inbox, spam []*genMsg) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	for i := 0; i < n+nSpam; i++ {
		g := &genMsg{}
		kindRoll := r.IntN(100)
		switch {
		case i >= n:
			g.Kind = "spam"
		case kindRoll < 35:
			g.Kind = "newsletter"
		case kindRoll < 50:
			g.Kind = "invoice"
		case kindRoll < 55:
			g.Kind = "vip"
		default:
			g.Kind = "personal"
		}
		// Whole days plus 6 h and up to 59 min: never within 5 h of an
		// age boundary counted in whole days.
		days := r.IntN(500)
		g.Date = now.Add(-time.Duration(days)*24*time.Hour - 6*time.Hour - time.Duration(r.IntN(60))*time.Minute).Truncate(time.Second)
		g.MessageID = fmt.Sprintf("<gen-%d-%d@mailgen.example>", seed, i)
		cs := charsets[r.IntN(len(charsets))]
		words := subjectsFor[cs.name]
		text := words[r.IntN(len(words))]
		var subjHeader string
		switch g.Kind {
		case "newsletter":
			g.ListID = lists[r.IntN(len(lists))]
			g.From = "news@" + g.ListID + ".lists.example.org"
			g.Subject = fmt.Sprintf("[%s] Weekly digest %d", g.ListID, i)
			subjHeader = g.Subject
			if r.IntN(3) == 0 {
				g.Subject += " " + text
				subjHeader += " " + encodeWord(text, cs, r.IntN(2) == 0)
			}
		case "invoice":
			g.From = "billing@shop.example"
			if r.IntN(2) == 0 {
				g.Subject = fmt.Sprintf("Rechnung Nr. %d – Zahlung fällig", 10000+i)
			} else {
				g.Subject = fmt.Sprintf("Invoice #%d — payment due", 10000+i)
			}
			subjHeader = encodeWord(g.Subject, charsets[0], r.IntN(2) == 0)
			if strings.HasPrefix(g.Subject, "Rechnung") && r.IntN(2) == 0 {
				// Folded over two encoded words in Latin-1 and UTF-8.
				a, b, _ := strings.Cut(g.Subject, " – ")
				subjHeader = encodeWord(a+" ", charsets[1], true) + "\r\n " + encodeWord("– "+b, charsets[0], false)
			}
		case "vip":
			g.From = "boss@corp.example"
			g.Subject = "Quarterly review: " + text
			subjHeader = "Quarterly review: " + encodeWord(text, cs, r.IntN(2) == 0)
		case "spam":
			g.From = fmt.Sprintf("promo%d@spam.example", r.IntN(50))
			g.Subject = "WIN " + text
			subjHeader = "WIN " + encodeWord(text, cs, r.IntN(2) == 0)
		default:
			g.From = fmt.Sprintf("friend%d@people.example", r.IntN(40))
			g.Subject = fmt.Sprintf("Re: plans %d %s", i, text)
			subjHeader = fmt.Sprintf("Re: plans %d %s", i, encodeWord(text, cs, r.IntN(2) == 0))
		}
		if r.IntN(100) < 60 {
			g.Flags = append(g.Flags, `\Seen`)
		}
		if r.IntN(100) < 6 {
			g.Flags = append(g.Flags, `\Flagged`)
		}
		if r.IntN(100) < 3 {
			g.Flags = append(g.Flags, `\Deleted`)
		}
		if r.IntN(100) < 10 {
			g.Flags = append(g.Flags, "$Label1")
		}
		g.Attach = g.Kind == "invoice" || (g.Kind == "personal" && r.IntN(5) == 0)
		g.Raw = render(g, subjHeader, r)
		if g.Kind == "spam" {
			spam = append(spam, g)
		} else {
			inbox = append(inbox, g)
		}
	}
	return inbox, spam
}

func render(g *genMsg, subj string, r *rand.Rand) []byte {
	var b bytes.Buffer
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\r\n", a...) }
	name := map[string]string{"vip": "=?utf-8?q?J=C3=BCrgen_Boss?=", "invoice": "Shop Billing", "newsletter": "List News"}[g.Kind]
	if name != "" {
		w("From: %s <%s>", name, g.From)
	} else {
		w("From: %s", g.From)
	}
	w("To: alice@example.org")
	w("Subject: %s", subj)
	w("Date: %s", g.Date.Add(-3*time.Minute).Format(time.RFC1123Z))
	w("Message-ID: %s", g.MessageID)
	if g.ListID != "" {
		w("List-Id: %s list <%s.lists.example.org>", g.ListID, g.ListID)
	}
	w("MIME-Version: 1.0")
	body := strings.Repeat(fmt.Sprintf("Line of text for %s number %d.\r\n", g.Kind, r.IntN(1000)), 1+r.IntN(60))
	if !g.Attach {
		w("Content-Type: text/plain; charset=utf-8")
		w("")
		b.WriteString(body)
		return b.Bytes()
	}
	w("Content-Type: multipart/mixed; boundary=\"b1\"")
	w("")
	w("--b1")
	w("Content-Type: text/plain; charset=utf-8")
	w("")
	b.WriteString(body)
	w("--b1")
	w("Content-Type: application/pdf; name=\"=?utf-8?q?Rechnung_f=C3=BCr_Kunde.pdf?=\"")
	w("Content-Disposition: attachment; filename=\"=?utf-8?q?Rechnung_f=C3=BCr_Kunde.pdf?=\"")
	w("Content-Transfer-Encoding: base64")
	w("")
	data := make([]byte, 300+r.IntN(3000))
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w("%s", enc[:76])
		enc = enc[76:]
	}
	w("%s", enc)
	w("--b1--")
	return b.Bytes()
}

func toSeed(l []*genMsg) []dovecottest.Message {
	out := make([]dovecottest.Message, len(l))
	for i, g := range l {
		out[i] = dovecottest.Message{Raw: g.Raw, Flags: g.Flags, Date: g.Date}
	}
	return out
}
