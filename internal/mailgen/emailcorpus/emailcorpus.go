package emailcorpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// sample is a piece of text with the charsets that can hold it.
type sample struct {
	text     string
	charsets []string
}

var samples = []sample{
	{"Grüße aus München, Rechnung Nr. 4711", []string{"iso-8859-1", "iso-8859-15", "windows-1252", "utf-8"}},
	{"Réunion d'équipe à 14h : ordre du jour", []string{"iso-8859-1", "windows-1252", "utf-8", "ISO-8859-15"}},
	{"Zażółć gęślą jaźń - faktura", []string{"iso-8859-2", "windows-1250", "utf-8"}},
	{"Привет! Отчёт за март готов", []string{"koi8-r", "windows-1251", "iso-8859-5", "utf-8"}},
	{"Καλημέρα, συνάντηση αύριο", []string{"iso-8859-7", "utf-8"}},
	{"Görüşme ışığında kararlar", []string{"iso-8859-9", "windows-1254", "utf-8"}},
	{"你好，会议通知：请查收附件", []string{"gb2312", "gbk", "gb18030", "utf-8"}},
	{"會議通知 請查收附件", []string{"big5", "utf-8"}},
	{"会議のお知らせ（第3回）", []string{"iso-2022-jp", "shift_jis", "euc-jp", "utf-8"}},
	{"안녕하세요 회의 안내드립니다", []string{"euc-kr", "ks_c_5601-1987", "utf-8"}},
	{"Party 🎉 tonight — bring snacks 🍕", []string{"utf-8"}},
	{"Ärger mit der Lieferung №42", []string{"utf-8"}},
	{"Çalışma saatleri değişti", []string{"iso-8859-9", "utf-8"}},
	{"Søknad om ferie på fredag", []string{"iso-8859-1", "utf-8", "windows-1252"}},
}

var asciiSubjects = []string{
	"Re: quarterly numbers", "Fwd: Your invoice #20240311", "Meeting notes",
	"[project-dev] Build failure on main (commit 4f2a9c1)", "Lunch?",
	"Your order has shipped", "Weekly digest: 12 new posts",
	"Undelivered Mail Returned to Sender", "RE: RE: FW: contract draft v3",
	"Security alert for your account", "Photos from the weekend",
}

var people = []struct{ name, addr string }{
	{"Alice Example", "alice@example.com"}, {"Bob O'Brien", "bob.obrien@example.org"},
	{"Carol, Finance", "carol@finance.example.net"}, {"", "noreply@shop.example"},
	{"Dr. Dave Smith (IT)", "dave@it.example.com"}, {"Eve", "eve+lists@example.com"},
	{"Frank \"The Tank\"", "frank@example.co.uk"}, {"", "postmaster@mx.example.org"},
}

var intlPeople = []sample{
	{"Jörg Müller", []string{"iso-8859-1", "utf-8"}},
	{"Łukasz Żółkiewski", []string{"iso-8859-2", "utf-8"}},
	{"Иван Петров", []string{"koi8-r", "utf-8", "windows-1251"}},
	{"山田太郎", []string{"iso-2022-jp", "shift_jis", "utf-8"}},
	{"王小明", []string{"gb2312", "utf-8"}},
	{"김철수", []string{"euc-kr", "utf-8"}},
}

var bodies = []sample{
	{"Hallo zusammen,\n\nanbei die Unterlagen für Donnerstag. Bitte prüft die Zahlen\nund gebt mir bis Freitag Bescheid.\n\nViele Grüße\nJörg\n", []string{"iso-8859-1", "utf-8", "windows-1252"}},
	{"Bonjour,\n\nVoici le compte rendu de la réunion. N'hésitez pas à me contacter\nsi vous avez des questions.\n\nCordialement,\nÉlodie\n", []string{"iso-8859-1", "utf-8"}},
	{"Здравствуйте!\n\nВысылаю отчёт за март. Жду ваших замечаний.\n\nС уважением,\nИван\n", []string{"koi8-r", "windows-1251", "utf-8"}},
	{"各位好：\n\n会议定于下周三下午两点举行，请准时参加。\n\n谢谢！\n", []string{"gb2312", "gbk", "utf-8"}},
	{"お疲れ様です。\n\n来週の会議の資料を送ります。ご確認ください。\n\nよろしくお願いします。\n", []string{"iso-2022-jp", "shift_jis", "euc-jp", "utf-8"}},
	{"안녕하세요.\n\n다음 주 회의 자료를 보내드립니다.\n\n감사합니다.\n", []string{"euc-kr", "utf-8"}},
	{"Hi team,\n\nThe build is green again. Details: https://ci.example.com/build/1234\nThanks for the quick fix!\n\n-- \nAlice\n", []string{"us-ascii", "utf-8"}},
	{"Dzień dobry,\n\nw załączniku przesyłam fakturę. Proszę o potwierdzenie.\n\nPozdrawiam\n", []string{"iso-8859-2", "utf-8"}},
	{"Hello! 🎉 We hit 1,000 users today.\nCelebration on Friday — cake for everyone 🍰\n", []string{"utf-8"}},
	{"Καλημέρα σας,\n\nΣας στέλνω το πρόγραμμα της εβδομάδας.\n", []string{"iso-8859-7", "utf-8"}},
}

var fileNames = []string{"invoice.pdf", "Rechnung März 2024.pdf", "report final (v2).docx",
	"отчёт.xlsx", "会議資料.pptx", "photo 001.jpg", "naïve café menu.txt", "résumé.pdf",
	"data;export,2024.csv", "a very long file name that will certainly need to be folded or continued somewhere.zip"}

var encs = map[string]encoding.Encoding{
	"iso-8859-1": charmap.ISO8859_1, "iso-8859-15": charmap.ISO8859_15, "ISO-8859-15": charmap.ISO8859_15,
	"windows-1252": charmap.Windows1252, "iso-8859-2": charmap.ISO8859_2, "windows-1250": charmap.Windows1250,
	"koi8-r": charmap.KOI8R, "windows-1251": charmap.Windows1251, "iso-8859-5": charmap.ISO8859_5,
	"iso-8859-7": charmap.ISO8859_7, "iso-8859-9": charmap.ISO8859_9, "windows-1254": charmap.Windows1254,
	"gb2312": simplifiedchinese.GBK, "gbk": simplifiedchinese.GBK, "gb18030": simplifiedchinese.GB18030,
	"big5": traditionalchinese.Big5, "iso-2022-jp": japanese.ISO2022JP, "shift_jis": japanese.ShiftJIS,
	"euc-jp": japanese.EUCJP, "euc-kr": korean.EUCKR, "ks_c_5601-1987": korean.EUCKR,
}

func encode(s, cs string) []byte {
	if e, ok := encs[cs]; ok {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(fmt.Sprintf("encode %q in %s: %v", s, cs, err))
		}
		return b
	}
	return []byte(s) // utf-8, us-ascii
}

type gen struct {
	r   *rand.Rand
	nl  string
	buf strings.Builder
}

func (g *gen) pick(n int) int { return g.r.IntN(n) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// qWord encodes b as the text of a Q encoded word.
func qWord(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_' && c != '"':
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	return sb.String()
}

// encodedWords encodes text as one or more encoded words, folded.
func (g *gen) encodedWords(text, cs string) string {
	runes := []rune(text)
	chunk := len(runes)
	if g.chance(0.4) && len(runes) > 8 {
		chunk = 6 + g.pick(8)
	}
	var words []string
	bEnc := g.chance(0.5)
	letter := "B"
	if !bEnc {
		letter = "Q"
	}
	if g.chance(0.3) {
		letter = strings.ToLower(letter)
	}
	csName := cs
	if g.chance(0.2) {
		csName = strings.ToUpper(cs)
	}
	for i := 0; i < len(runes); i += chunk {
		end := min(i+chunk, len(runes))
		b := encode(string(runes[i:end]), cs)
		var w string
		if bEnc {
			w = base64.StdEncoding.EncodeToString(b)
		} else {
			w = qWord(b)
		}
		words = append(words, "=?"+csName+"?"+letter+"?"+w+"?=")
	}
	sep := g.nl + " "
	if g.chance(0.3) {
		sep = g.nl + "\t"
	}
	return strings.Join(words, sep)
}

// headerText renders a subject-like text in one of many ways.
func (g *gen) headerText() string {
	switch g.pick(7) {
	case 0, 1:
		return asciiSubjects[g.pick(len(asciiSubjects))]
	case 2:
		s := samples[g.pick(len(samples))]
		return g.encodedWords(s.text, s.charsets[g.pick(len(s.charsets))])
	case 3:
		s := samples[g.pick(len(samples))]
		prefix := []string{"Re: ", "Fwd: ", "AW: ", "[list] ", "WG: "}[g.pick(5)]
		return prefix + g.encodedWords(s.text, s.charsets[g.pick(len(s.charsets))])
	case 4:
		// Mixed plain and encoded text, the encoded part in the middle.
		s := samples[g.pick(len(samples))]
		return "Ticket #" + fmt.Sprint(1000+g.pick(9000)) + ": " + g.encodedWords(s.text, s.charsets[0]) + " (urgent)"
	case 5:
		// Two encoded words in different charsets.
		a, b := samples[g.pick(len(samples))], samples[g.pick(len(samples))]
		return g.encodedWords(a.text, a.charsets[0]) + " " + g.encodedWords(b.text, "utf-8")
	default:
		// A long ASCII subject folded.
		return "This is a rather long subject line that a mail client folded" + g.nl + " onto a second line for readability"
	}
}

func (g *gen) address() string {
	if g.chance(0.35) {
		p := intlPeople[g.pick(len(intlPeople))]
		addr := fmt.Sprintf("user%d@example.%s", g.pick(100), []string{"com", "de", "ru", "jp", "cn"}[g.pick(5)])
		return g.encodedWords(p.text, p.charsets[g.pick(len(p.charsets))]) + " <" + addr + ">"
	}
	p := people[g.pick(len(people))]
	switch {
	case p.name == "":
		if g.chance(0.5) {
			return "<" + p.addr + ">"
		}
		return p.addr
	case strings.ContainsAny(p.name, ",.()\""):
		return `"` + strings.ReplaceAll(p.name, `"`, `\"`) + `" <` + p.addr + ">"
	case g.chance(0.2):
		return p.addr + " (" + p.name + ")"
	default:
		return p.name + " <" + p.addr + ">"
	}
}

func (g *gen) addressList() string {
	n := 1 + g.pick(4)
	var l []string
	for range n {
		l = append(l, g.address())
	}
	if g.chance(0.1) {
		return "undisclosed-recipients:;"
	}
	if g.chance(0.1) {
		return "team: " + strings.Join(l, ", ") + ";"
	}
	return strings.Join(l, ","+g.nl+" ")
}

var days = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
var months = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func (g *gen) date() string {
	d, mo, y := 1+g.pick(28), months[g.pick(12)], 1998+g.pick(27)
	h, mi, s := g.pick(24), g.pick(60), g.pick(60)
	zones := []string{"+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-0000", "GMT", "EST", "PDT", "+0000 (UTC)", "-0700 (PDT)", "CEST"}
	z := zones[g.pick(len(zones))]
	switch g.pick(8) {
	case 0:
		return fmt.Sprintf("%d %s %d %02d:%02d:%02d %s", d, mo, y, h, mi, s, z)
	case 1:
		return fmt.Sprintf("%s, %d %s %02d %02d:%02d %s", days[g.pick(7)], d, mo, y%100, h, mi, z)
	case 2:
		return fmt.Sprintf("%s,%d %s %d %02d:%02d:%02d %s", days[g.pick(7)], d, mo, y, h, mi, s, z)
	case 3:
		if g.chance(0.5) {
			return "not a date at all"
		}
		return fmt.Sprintf("%s %s %d %02d:%02d:%02d %d", days[g.pick(7)], mo, d, h, mi, s, y) // asctime
	default:
		return fmt.Sprintf("%s, %02d %s %d %02d:%02d:%02d %s", days[g.pick(7)], d, mo, y, h, mi, s, z)
	}
}

func (g *gen) boundary() string {
	switch g.pick(4) {
	case 0:
		return fmt.Sprintf("----=_Part_%d_%d.%d", g.pick(100000), g.pick(1000000000), 1700000000000+g.r.Int64N(1e10))
	case 1:
		return fmt.Sprintf("=_%x", g.r.Uint64())
	case 2:
		return fmt.Sprintf("000000000000%x", g.r.Uint32())
	default:
		return fmt.Sprintf("Apple-Mail=_%08X-%04X-%04X", g.r.Uint32(), g.pick(65536), g.pick(65536))
	}
}

func (g *gen) line(s string) { g.buf.WriteString(s + g.nl) }

func (g *gen) topHeaders(extra func()) {
	if g.chance(0.5) {
		g.line(fmt.Sprintf("Return-Path: <bounce-%d@mail.example.com>", g.pick(1e6)))
		g.line("Received: from mail.example.com (mail.example.com [192.0.2." + fmt.Sprint(g.pick(255)) + "])")
		g.line("\tby mx.example.org (Postfix) with ESMTPS id 4T" + fmt.Sprintf("%X", g.r.Uint32()))
		g.line("\tfor <alice@example.org>; " + g.date())
	}
	if g.chance(0.2) {
		g.line("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel1;")
		g.line(" h=from:to:subject:date:message-id; bh=" + base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(g.r.Uint64()))) + ";")
		g.line(" b=" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(fmt.Sprint(g.r.Uint64()), 4))))
	}
	g.line("From: " + g.address())
	g.line("To: " + g.addressList())
	if g.chance(0.3) {
		g.line("Cc: " + g.addressList())
	}
	if !g.chance(0.05) {
		g.line("Subject: " + g.headerText())
	}
	if !g.chance(0.05) {
		g.line("Date: " + g.date())
	}
	g.line(fmt.Sprintf("Message-ID: <%x.%d@%s>", g.r.Uint64(), g.pick(1e6), []string{"mail.example.com", "mx.example.org", "localhost"}[g.pick(3)]))
	if g.chance(0.3) {
		g.line(fmt.Sprintf("In-Reply-To: <%x@example.com>", g.r.Uint64()))
		g.line(fmt.Sprintf("References: <%x@example.com>", g.r.Uint64()) + g.nl + fmt.Sprintf(" <%x@example.com>", g.r.Uint64()))
	}
	if g.chance(0.3) {
		g.line("X-Mailer: " + []string{"Microsoft Outlook 16.0", "Apple Mail (2.3731)", "Thunderbird 115.6", "PHPMailer 6.8.0"}[g.pick(4)])
	}
	if g.chance(0.2) {
		g.line("List-Unsubscribe: <mailto:unsub@lists.example.com?subject=unsubscribe>,")
		g.line(" <https://lists.example.com/unsub/" + fmt.Sprintf("%x", g.r.Uint64()) + ">")
	}
	if !g.chance(0.1) {
		g.line("MIME-Version: 1.0")
	}
	extra()
}

// textPart writes the headers (from Content-Type on) and body of a text part.
func (g *gen) textPart(subtype string) {
	b := bodies[g.pick(len(bodies))]
	cs := b.charsets[g.pick(len(b.charsets))]
	text := b.text
	if subtype == "html" {
		text = "<html><head><meta charset=\"" + cs + "\"></head><body>\n<p>" + strings.ReplaceAll(strings.TrimSpace(text), "\n", "<br>\n") + "</p>\n</body></html>\n"
	}
	raw := encode(text, cs)
	csParam := "charset=" + cs
	switch g.pick(5) {
	case 0:
		csParam = `charset="` + cs + `"`
	case 1:
		csParam = "charset=" + strings.ToUpper(cs)
	}
	ct := "Content-Type: text/" + subtype + "; " + csParam
	if g.chance(0.2) {
		ct = "Content-Type: text/" + subtype + ";" + g.nl + "\t" + csParam + (map[bool]string{true: "; format=flowed", false: ""})[g.chance(0.5)]
	}
	g.line(ct)
	isASCII := true
	for _, c := range raw {
		if c >= 0x80 {
			isASCII = false
		}
	}
	cte := []string{"quoted-printable", "base64", "8bit", "7bit"}[g.pick(4)]
	if cte == "7bit" && !isASCII && cs != "iso-2022-jp" {
		cte = "8bit"
	}
	if g.chance(0.1) {
		cte = strings.ToUpper(cte[:1]) + cte[1:]
	}
	g.line("Content-Transfer-Encoding: " + cte)
	g.line("")
	switch strings.ToLower(cte) {
	case "quoted-printable":
		g.buf.WriteString(qpBody(raw, g.nl))
	case "base64":
		g.buf.WriteString(base64Body(raw, g.nl))
	default:
		g.buf.WriteString(strings.ReplaceAll(string(raw), "\n", g.nl))
	}
}

func qpBody(b []byte, nl string) string {
	var out strings.Builder
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		n := 0
		for j := 0; j < len(l); j++ {
			c := l[j]
			var tok string
			switch {
			case (c == ' ' || c == '\t') && j == len(l)-1:
				tok = fmt.Sprintf("=%02X", c)
			case c == '=' || c >= 0x7f || (c < ' ' && c != '\t'):
				tok = fmt.Sprintf("=%02X", c)
			default:
				tok = string(c)
			}
			if n+len(tok) > 75 {
				out.WriteString("=" + nl)
				n = 0
			}
			out.WriteString(tok)
			n += len(tok)
		}
		if i < len(lines)-1 {
			out.WriteString(nl)
		}
	}
	return out.String()
}

func base64Body(b []byte, nl string) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + nl)
		s = s[76:]
	}
	out.WriteString(s + nl)
	return out.String()
}

func (g *gen) fileName() (header string, isInline bool) {
	name := fileNames[g.pick(len(fileNames))]
	ascii := true
	for _, r := range name {
		if r >= 0x80 {
			ascii = false
		}
	}
	disp := "attachment"
	if g.chance(0.15) {
		disp = "inline"
		isInline = true
	}
	switch {
	case ascii && !strings.ContainsAny(name, " ;,()") && g.chance(0.5):
		return "Content-Disposition: " + disp + "; filename=" + name, isInline
	case ascii:
		return "Content-Disposition: " + disp + ";" + g.nl + "\tfilename=\"" + name + "\"", isInline
	}
	switch g.pick(4) {
	case 0: // RFC 2231 single
		return "Content-Disposition: " + disp + ";" + g.nl + " filename*=UTF-8''" + pct([]byte(name)), isInline
	case 1: // RFC 2231 continuations
		enc := pct([]byte(name))
		var parts []string
		for i := 0; len(enc) > 0; i++ {
			n := min(len(enc), 30)
			for n < len(enc) && n > 0 && (enc[n-1] == '%' || (n >= 2 && enc[n-2] == '%')) {
				n++ // do not split an escape
			}
			v := enc[:n]
			enc = enc[n:]
			if i == 0 {
				v = "utf-8'en'" + v
			}
			parts = append(parts, fmt.Sprintf("filename*%d*=%s", i, v))
		}
		return "Content-Disposition: " + disp + ";" + g.nl + " " + strings.Join(parts, ";"+g.nl+" "), isInline
	case 2: // Outlook: encoded word in quotes
		return "Content-Disposition: " + disp + ";" + g.nl + "\tfilename=\"" + g.encodedWords(name, "utf-8") + "\"", isInline
	default: // Latin-1 RFC 2231 when possible, else UTF-8
		if b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(name)); err == nil {
			return "Content-Disposition: " + disp + "; filename*=iso-8859-1''" + pct(b), isInline
		}
		return "Content-Disposition: " + disp + "; filename*=utf-8''" + pct([]byte(name)), isInline
	}
}

func pct(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.", c) >= 0 {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

func (g *gen) attachment() {
	types := []string{"application/pdf", "image/png", "image/jpeg", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/octet-stream", "text/csv"}
	t := types[g.pick(len(types))]
	disp, _ := g.fileName()
	if g.chance(0.5) {
		g.line("Content-Type: " + t + "; name=\"" + fileNames[g.pick(3)] + "\"")
	} else {
		g.line("Content-Type: " + t)
	}
	g.line(disp)
	g.line("Content-Transfer-Encoding: base64")
	g.line("")
	data := make([]byte, 40+g.pick(300))
	for i := range data {
		data[i] = byte(g.r.Uint32())
	}
	g.buf.WriteString(base64Body(data, g.nl))
}

func (g *gen) multipart(sub string, parts ...func()) {
	b := g.boundary()
	if g.chance(0.7) {
		g.line("Content-Type: multipart/" + sub + ";" + g.nl + "\tboundary=\"" + b + "\"")
	} else {
		g.line("Content-Type: multipart/" + sub + "; boundary=" + strings.ReplaceAll(b, "=", ""))
		b = strings.ReplaceAll(b, "=", "")
	}
	g.line("")
	if g.chance(0.4) {
		g.line("This is a multi-part message in MIME format.")
		g.line("")
	}
	for _, p := range parts {
		g.line("--" + b)
		p()
		g.line("")
	}
	g.line("--" + b + "--")
	if g.chance(0.2) {
		g.line("")
		g.line("epilogue text that nobody reads")
	}
}

func (g *gen) alternative() {
	g.multipart("alternative", func() { g.textPart("plain") }, func() { g.textPart("html") })
}

func (g *gen) related() {
	g.multipart("related", func() { g.textPart("html") }, func() {
		g.line("Content-Type: image/png; name=\"logo.png\"")
		g.line(fmt.Sprintf("Content-ID: <logo%d@example.com>", g.pick(100)))
		g.line("Content-Disposition: inline; filename=\"logo.png\"")
		g.line("Content-Transfer-Encoding: base64")
		g.line("")
		g.buf.WriteString(base64Body([]byte("\x89PNG\r\n\x1a\n fake image data "+fmt.Sprint(g.r.Uint64())), g.nl))
	})
}

func (g *gen) innerMessage() {
	g.line("Content-Type: message/rfc822")
	if g.chance(0.5) {
		g.line("Content-Disposition: inline")
	}
	g.line("")
	g.line("From: " + g.address())
	g.line("To: " + g.address())
	g.line("Subject: " + g.headerText())
	g.line("Date: " + g.date())
	g.line("MIME-Version: 1.0")
	if g.chance(0.5) {
		g.alternative()
	} else {
		g.textPart("plain")
	}
}

// Message kinds.
var kinds = []struct {
	name string
	fn   func(g *gen)
}{
	{"plain", func(g *gen) { g.topHeaders(func() { g.textPart("plain") }) }},
	{"html", func(g *gen) { g.topHeaders(func() { g.textPart("html") }) }},
	{"alternative", func(g *gen) { g.topHeaders(g.alternative) }},
	{"mixed", func(g *gen) {
		g.topHeaders(func() {
			parts := []func(){g.alternative}
			if g.chance(0.5) {
				parts = []func(){func() { g.textPart("plain") }}
			}
			for range 1 + g.pick(3) {
				parts = append(parts, g.attachment)
			}
			g.multipart("mixed", parts...)
		})
	}},
	{"related", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("alternative", func() { g.textPart("plain") }, g.related)
		})
	}},
	{"forward", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("mixed", func() { g.textPart("plain") }, g.innerMessage, g.attachment)
		})
	}},
	{"bounce", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("report; report-type=delivery-status", func() {
				g.line("Content-Description: Notification")
				g.line("Content-Type: text/plain; charset=us-ascii")
				g.line("")
				g.line("This is the mail system at host mx.example.org.")
				g.line("")
				g.line("I'm sorry to have to inform you that your message could not")
				g.line("be delivered to one or more recipients.")
			}, func() {
				g.line("Content-Description: Delivery report")
				g.line("Content-Type: message/delivery-status")
				g.line("")
				g.line("Reporting-MTA: dns; mx.example.org")
				g.line("Arrival-Date: " + g.date())
				g.line("")
				g.line("Final-Recipient: rfc822; nobody@example.net")
				g.line("Action: failed")
				g.line("Status: 5.1.1")
				g.line("Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient")
				g.line("    address rejected: User unknown")
			}, func() {
				g.line("Content-Description: Undelivered Message Headers")
				g.line("Content-Type: text/rfc822-headers")
				g.line("")
				g.line("From: " + g.address())
				g.line("Subject: " + g.headerText())
			})
		})
	}},
	{"digest", func(g *gen) {
		g.topHeaders(func() {
			var parts []func()
			for range 2 + g.pick(3) {
				parts = append(parts, func() {
					g.line("")
					g.line("From: " + g.address())
					g.line("Subject: " + g.headerText())
					g.line("")
					g.line("A digest entry.")
				})
			}
			g.multipart("digest", parts...)
		})
	}},
	{"signed", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"", func() { g.textPart("plain") }, func() {
				g.line("Content-Type: application/pgp-signature; name=\"signature.asc\"")
				g.line("Content-Description: OpenPGP digital signature")
				g.line("")
				g.line("-----BEGIN PGP SIGNATURE-----")
				g.line("")
				g.line(base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(g.r.Uint64(), g.r.Uint64()))))
				g.line("-----END PGP SIGNATURE-----")
			})
		})
	}},
}

// Broken messages: each takes a well-formed generator and damages it.
var broken = []struct {
	name string
	fn   func(g *gen)
}{
	{"no-close-boundary", func(g *gen) {
		g.topHeaders(g.alternative)
		s := g.buf.String()
		i := strings.LastIndex(s, "--"+g.nl)
		j := strings.LastIndex(s[:max(i, 0)], g.nl+"--")
		if j > 0 {
			g.buf.Reset()
			g.buf.WriteString(s[:j+len(g.nl)])
		}
	}},
	{"no-start-boundary", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: multipart/mixed; boundary=\"nowhere-to-be-found\"")
			g.line("")
			g.line("The sender claimed multipart but wrote plain text.")
			g.line("Second line.")
		})
	}},
	{"no-boundary-param", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: multipart/alternative")
			g.line("")
			g.line("--abc")
			g.line("Content-Type: text/plain")
			g.line("")
			g.line("text")
			g.line("--abc--")
		})
	}},
	{"bad-base64", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("mixed", func() {
				g.line("Content-Type: text/plain; charset=utf-8")
				g.line("Content-Transfer-Encoding: base64")
				g.line("")
				g.line([]string{"SGVsbG8gd29ybGQ", "SGVsbG8*gd29y!bGQh", "SGVsbG8gd29ybGQhI", "SGV sbG8g\td29ybGQh====", "!!!!"}[g.pick(5)])
			}, g.attachment)
		})
	}},
	{"bad-qp", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: text/plain; charset=iso-8859-1")
			g.line("Content-Transfer-Encoding: quoted-printable")
			g.line("")
			g.line("Price: 100=80 =ZZ broken =3")
			g.line("soft break here=")
			g.line("continued =E9t=E9 ==3D end=")
		})
	}},
	{"unknown-charset", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: text/plain; charset=x-unknown-charset")
			g.line("Content-Transfer-Encoding: 8bit")
			g.line("")
			g.line("Caf\xc3\xa9 au lait")
		})
	}},
	{"8bit-headers", func(g *gen) {
		g.topHeaders(func() {
			g.line("X-Raw-Subject: Grüße ohne Kodierung")
			g.line("Content-Type: text/plain; charset=utf-8")
			g.line("Content-Transfer-Encoding: 8bit")
			g.line("")
			g.line("Körper in UTF-8 ohne Deklaration im Kopf.")
		})
	}},
	{"header-no-colon", func(g *gen) {
		g.line("From: alice@example.com")
		g.line("Subject: header without colon follows")
		g.line("This line has no colon and starts the body")
		g.line("Content-Type: text/plain")
		g.line("")
		g.line("body")
	}},
	{"part-no-blank-line", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("mixed", func() {
				g.line("Content-Type: text/plain; charset=us-ascii")
				g.line("Body starts right away without a blank line.")
			}, func() { g.textPart("plain") })
		})
	}},
	{"garbage-content-type", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: " + []string{"text", "text/plain/extra", "", "multipart", "text/html;;charset=\"utf-8", "image/ png"}[g.pick(6)])
			g.line("")
			g.line("Some body.")
		})
	}},
	{"truncated", func(g *gen) {
		g.topHeaders(func() {
			g.multipart("mixed", func() { g.textPart("plain") }, g.attachment)
		})
		s := g.buf.String()
		g.buf.Reset()
		g.buf.WriteString(s[:len(s)*2/3])
	}},
	{"bad-encoded-words", func(g *gen) {
		g.line("From: =?utf-8?q?Broken_=C3?= <x@example.com>")
		g.line("To: =?unknown-8bit?b?SGVsbG8=?= <y@example.com>")
		g.line("Subject: " + []string{
			"=?utf-8?b?SGVsbG8gd29ybGQ?=",
			"=?utf-8?q?unterminated word",
			"=?x-unknown?q?text?= and plain",
			"=?utf-8?b?4pyTIMOgIGxh?==?utf-8?q?_suite?=",
			"prefix=?utf-8?q?glued?=suffix",
			"=?iso-8859-1?q?caf=E9?= =?iso-8859-1?q?_cr=E8me?=",
			"=?UTF-8?Q?=E2=82=AC_100?=",
		}[g.pick(7)])
		g.line("Date: " + g.date())
		g.line("Content-Type: text/plain")
		g.line("")
		g.line("Body.")
	}},
	{"duplicate-headers", func(g *gen) {
		g.line("From: first@example.com")
		g.line("From: second@example.com")
		g.line("To: a@example.com")
		g.line("To: b@example.com, c@example.com")
		g.line("Subject: first subject")
		g.line("Subject: second subject")
		g.line("Content-Type: text/plain; charset=utf-8")
		g.line("Content-Type: text/html; charset=iso-8859-1")
		g.line("")
		g.line("<p>Which one?</p>")
	}},
	{"unixfrom-lf", func(g *gen) {
		g.nl = "\n"
		g.line("From alice@example.com Mon Mar  4 10:00:00 2024")
		g.topHeaders(func() { g.textPart("plain") })
	}},
	{"boundary-whitespace", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: multipart/mixed; boundary=\"sep\"")
			g.line("")
			g.line("--sep   ")
			g.line("Content-Type: text/plain")
			g.line("")
			g.line("first")
			g.line("--sep\t")
			g.line("--sep")
			g.line("Content-Type: text/plain")
			g.line("")
			g.line("second after a doubled boundary")
			g.line("--sepx not a boundary")
			g.line("--sep-- ")
			g.line("epilogue")
		})
	}},
	{"nested-missing-close", func(g *gen) {
		g.topHeaders(func() {
			g.line("Content-Type: multipart/mixed; boundary=\"outer\"")
			g.line("")
			g.line("--outer")
			g.line("Content-Type: multipart/alternative; boundary=\"inner\"")
			g.line("")
			g.line("--inner")
			g.line("Content-Type: text/plain")
			g.line("")
			g.line("inner text, and the inner close boundary is missing")
			g.line("--outer")
			g.line("Content-Type: text/plain; name=\"note.txt\"")
			g.line("")
			g.line("second outer part")
			g.line("--outer--")
		})
	}},
}

// Header values that exercise the corners of decode_header, the address
// parser and the date parser; "header-zoo" messages combine them.
var (
	zooSubjects = []string{
		"=?utf-8?q?a?= =?utf-8?q?b?=", "=?utf-8?q?a?=  \t =?iso-8859-1?q?b?=", "x =?utf-8?q?a?= y =?utf-8?q?b?= z",
		"=?utf-8?Q?a_b?= (comment) =?utf-8?B?Yw==?=", "=?us-ascii?q?plain?= text", "=?UTF-8?q?=?=",
		"=?utf-8?q?one?==?utf-8?q?two?=", "=?utf-8?b??=", "=??q?empty_charset?=", "=?utf-8?x?bad_encoding?=",
		"=?iso-8859-1?q?=E9?=\r\n\t=?iso-8859-1?q?t=E9?=", "tab\there", "  leading spaces", "trailing spaces  ",
		"Re: [ticket #1] =?windows-1252?q?=93quoted=94?=", "=?koi8-r?b?8NLJ18XU?= =?koi8-r?b?IMHJ0g==?=",
		"=?gb18030?b?1tDOxA==?=", "=?shift_jis?b?k/qWe4zq?=", "=?utf-8?q?=F0=9F=8E=89_party?=", "=?latin1?q?caf=E9?=",
		"=?utf-8?q?a?=\r\n =?utf-8?q?b?=\r\n c", "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=",
	}
	zooAddrs = []string{
		"\"Doe, John\" <john@example.com>", "john@example.com (John Doe)", "undisclosed-recipients:;",
		"<a@b>", "Bob <bob@[192.0.2.1]>", "a@b@c", "Mary Smith <mary@x.test>, jdoe@example.org",
		"\"quoted \\\"inner\\\"\" <q@example.com>", "group: a@x.test, B <b@y.test>;, c@z.test",
		"<@route.example:user@example.com>", "user @ example . com", "(just a comment)", "Name Only",
		"\"\" <empty@example.com>", "a@example.com,,b@example.com", "=?utf-8?q?J=C3=B6rg?= <j@example.de>",
		"\"=?utf-8?q?in_quotes?=\" <iq@example.com>", "José <jose@example.es>",
	}
	zooDates = []string{
		"Tue, 5 Mar 2024 10:00:00 +0100", "5 Mar 24 10:00 EST", "Tue,5 Mar 2024 10.00.00 GMT",
		"Tuesday, 05-Mar-24 10:00:00 GMT", "Tue Mar  5 10:00:00 2024", "05 Mar 2024 10:00:00 +01:00",
		"Tue, 5 Mar 2024 10:00 -0000", "Tue, 5 Mar 2024 25:00:00 +0000", "Tue, 31 Feb 2024 10:00:00 +0000",
		"Tue, 5 Mar 2024 10:00:00 +2500", "Tue, 5 March 2024 10:00:00 +0530", "Mar 5 2024 10:00:00 +0100",
		"Tue, 5 Mar 1969 10:00:00 +0000", "Tue, 5 Mar 49 10:00:00 +0000", "Tue, 5 Mar 50 10:00:00 +0000",
		"", "   ", "Tue, 5 Mar 2024 10:00:60 +0000",
	}
)

func (g *gen) zoo(i int) {
	g.line("From: " + zooAddrs[i%len(zooAddrs)])
	g.line("To: " + zooAddrs[(i*7+3)%len(zooAddrs)])
	g.line("To: " + zooAddrs[(i*5+1)%len(zooAddrs)])
	g.line("Subject: " + strings.ReplaceAll(zooSubjects[i%len(zooSubjects)], "\r\n", g.nl))
	g.line("Date: " + zooDates[i%len(zooDates)])
	g.line("Content-Type: text/plain; charset=utf-8")
	g.line("")
	g.line("zoo " + fmt.Sprint(i))
}

// Write replaces the .eml files of dir with the corpus and returns how many
// messages it wrote.
func Write(dir string) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("emailcorpus: %w", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return 0, fmt.Errorf("emailcorpus: %w", err)
		}
	}
	r := rand.New(rand.NewPCG(2024, 311))
	n := 0
	var werr error
	write := func(name string, g *gen) {
		n++
		f := filepath.Join(dir, fmt.Sprintf("%03d-%s.eml", n, name))
		if err := os.WriteFile(f, []byte(g.buf.String()), 0o644); err != nil && werr == nil {
			werr = fmt.Errorf("emailcorpus: %w", err)
		}
	}
	newGen := func() *gen {
		g := &gen{r: r, nl: "\r\n"}
		if r.IntN(5) == 0 {
			g.nl = "\n"
		}
		return g
	}
	for range 20 {
		for _, k := range kinds {
			g := newGen()
			k.fn(g)
			write(k.name, g)
		}
	}
	for range 4 {
		for _, k := range broken {
			g := newGen()
			k.fn(g)
			write(k.name, g)
		}
	}
	for i := range 44 {
		g := newGen()
		g.zoo(i)
		write("header-zoo", g)
	}
	return n, werr
}
