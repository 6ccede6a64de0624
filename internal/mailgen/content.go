package mailgen

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"
)

// me is the owner of the generated mailbox.
var me = person{name: "Sam Taylor", addr: "me@example.com", zone: 1, lang: "en"}

// defaultVIP is the VIP when Options.VIPs is empty.
var defaultVIP = person{name: "Diane Keller", addr: "boss@example.com", zone: 1, lang: "en"}

// friends write Personal mail; their charset is used for their names,
// subjects and bodies.
var friends = []person{
	{name: "Emma Johnson", addr: "emma.johnson@example.net", zone: -5, lang: "en"},
	{name: "Liam O'Brien", addr: "liam@obrien.example", zone: 0, lang: "en"},
	{name: "Smith, Olivia", addr: "olivia@smith.example", zone: -8, lang: "en"},
	{name: "Mum", addr: "mum@family.example", zone: 0, lang: "en"},
	{name: "Zoë Martin", addr: "zoe.martin@example.org", charset: ISO88591, zone: 1, lang: "fr"},
	{name: "François Dubois", addr: "francois@dubois.example", charset: Windows1252, zone: 1, lang: "fr1252"},
	{name: "Jürgen Müller", addr: "juergen@mueller.example", charset: ISO885915, zone: 1, lang: "de"},
	{name: "Юрий Петров", addr: "yuri@petrov.example", charset: KOI8R, useB: true, zone: 3, lang: "ru"},
	{name: "田中 花子", addr: "hanako@tanaka.example", charset: ISO2022JP, useB: true, zone: 9, lang: "ja"},
	{name: "王伟", addr: "wei@wang.example", charset: GB2312, useB: true, zone: 8, lang: "zh-cn"},
	{name: "陳美玲", addr: "meiling@chen.example", charset: Big5, useB: true, zone: 8, lang: "zh-tw"},
	{name: "김민준", addr: "minjun@kim.example", charset: EUCKR, useB: true, zone: 9, lang: "ko"},
	{name: "Ana García", addr: "ana.garcia@example.org", charset: UTF8, zone: 1, lang: "utf8"},
}

// colleagues write Work mail.
var colleagues = []person{
	{name: "Priya Patel", addr: "priya.patel@example.com", zone: 1, lang: "en"},
	{name: "Tom Becker", addr: "tom.becker@example.com", zone: 1, lang: "en"},
	{name: "Kenji Watanabe", addr: "kenji.watanabe@example.com", zone: 9, lang: "en"},
	{name: "Dana Whitfield", addr: "dana.whitfield@example.com", zone: -5, lang: "en"},
	{name: "Łukasz Nowak", addr: "lukasz.nowak@example.com", charset: UTF8, zone: 1, lang: "en"},
}

// personalSubjects are subjects by language; each must fit the charset of
// the friends who speak it.
var personalSubjects = map[string][]string{
	"en": {"Dinner on Saturday?", "Photos from the weekend", "Holiday plans", "Happy birthday!",
		"Can you call me back?", "Book recommendation", "Moving day", "Long time no see",
		"The recipe you asked for", "Concert tickets", "Are we still on for tomorrow?",
		"A very long subject line about the trip we have been planning for months, with every last detail of the itinerary in it",
		"🎉 Party at ours on Saturday", "Café ☕ tomorrow?"},
	"fr":     {"Dîner samedi à la maison ?", "Les photos de l'été", "Rendez-vous chez le médecin", "Ça te dit, un café jeudi ?"},
	"fr1252": {"Bonne année et meilleurs vœux — à bientôt !", "“Quoted” title – café menu", "Les photos de l'été"},
	"de":     {"Grüße aus München", "Rechnung über 45 € für das Konzert", "Schöne Feiertage!", "Kurze Frage zum Wochenende", "Fotos vom Ausflug an den Bodensee"},
	"ru":     {"Привет из Москвы", "Встреча в пятницу", "Фотографии с дачи", "С днём рождения!", "Планы на выходные"},
	"ja":     {"会議の議事録について", "週末の予定", "お誕生日おめでとうございます", "写真を送ります", "来週の打ち合わせ"},
	"zh-cn":  {"周末聚会的照片", "下周的会议安排", "生日快乐", "好久不见", "请查收附件"},
	"zh-tw":  {"週末聚會的照片", "下週的會議安排", "生日快樂", "好久不見"},
	"ko":     {"회의 일정 안내", "주말 계획", "생일 축하해요", "사진 보내요"},
	"utf8":   {"¿Cenamos el sábado?", "Zażółć gęślą jaźń — test", "Ελληνικά: καλημέρα!", "Fotos del viaje 🌄"},
}

// personalBodies are short letters by language.
var personalBodies = map[string]string{
	"fr":     "Salut !\n\nJ'espère que tout va bien de ton côté. On se voit bientôt ?\n\nÀ plus,\n",
	"fr1252": "Salut !\n\nJ'espère que tout va bien de ton côté. On se voit bientôt ?\n\nÀ plus,\n",
	"de":     "Hallo!\n\nIch hoffe, es geht dir gut. Wir sehen uns nächste Woche.\n\nViele Grüße\n",
	"ru":     "Привет!\n\nКак дела? Давно не виделись. Напиши, когда будешь свободен.\n\nПока,\n",
	"ja":     "こんにちは。\n\nお元気ですか。来週の予定を教えてください。\n\nよろしくお願いします。\n",
	"zh-cn":  "你好！\n\n最近怎么样？有空一起吃饭吧。\n\n祝好，\n",
	"zh-tw":  "你好！\n\n最近怎麼樣？有空一起吃飯吧。\n\n祝好，\n",
	"ko":     "안녕하세요!\n\n잘 지내시죠? 다음 주에 시간 있으세요?\n\n감사합니다.\n",
	"utf8":   "¡Hola!\n\n¿Qué tal todo? Te mando las fotos del viaje — ¡qué días!\n\nUn abrazo,\n",
}

var workTopics = []string{"billing service", "search indexer", "mobile app", "data pipeline", "auth migration", "Q3 roadmap", "customer portal"}

var workSubjects = []string{"Code review: %s", "Minutes: %s sync", "Deployment checklist for the %s",
	"Invitation: %s planning @ Thu 10:00", "Out of office next week", "Lunch & learn: %s", "Updated on-call rota",
	"Design doc for the %s (draft)", "Incident report: %s outage"}

var vipSubjects = []string{"Urgent: need the %s numbers by Friday", "Quick question", "Board meeting prep",
	"Please review before Friday", "1:1 tomorrow", "Priorities for the %s", "Feedback on your %s proposal"}

// newsletter is one bulk sender with a List-Id.
type newsletter struct {
	from     person
	listID   string
	subjects []string // formats taking an issue number
	charset  string
}

var newsletters = []newsletter{
	{person{name: "Gopher Weekly", addr: "news@gopherweekly.example.org", zone: 0, lang: "en"},
		"Gopher Weekly <gopherweekly.news.example.org>",
		[]string{"Gopher Weekly #%d: iterators, generics and a faster GC", "Gopher Weekly #%d: the state of Go tooling", "Gopher Weekly #%d: testing tips you missed"}, ""},
	{person{name: "The Morning Brief", addr: "brief@morning.example.net", zone: -5, lang: "en"},
		"The Morning Brief <morning-brief.list.example.net>",
		[]string{"Your Morning Brief, edition %d", "Morning Brief %d: markets, weather and a crossword"}, ""},
	{person{name: "ShopMart Deals", addr: "deals@shopmart.example", zone: -8, lang: "en"},
		"<deals.shopmart.example>",
		[]string{"Up to %d%% off this weekend only", "🔥 %d hours left: free shipping on everything"}, UTF8},
	{person{name: "Le Journal du Libre", addr: "lettre@journal-libre.example", charset: ISO88591, zone: 1, lang: "fr"},
		"Le Journal du Libre <hebdo.journal-libre.example>",
		[]string{"Les nouveautés de la semaine n°%d", "Édition n°%d : logiciels libres et vie privée"}, ISO88591},
}

// codeRepos are the repositories of code-hosting notifications.
var codeRepos = []string{"mailscript/mailscript", "acme/webapp", "gopherlib/parser"}

var codeUsers = []string{"octo-ana", "dev-marco", "lin-yu", "buildbot", "kwame-o"}

var codeTitles = []string{"IDLE times out after 29 minutes", "Add MOVE support to the client", "Crash on empty BODYSTRUCTURE",
	"Docs: explain the sandbox", "Flaky test in watcher", "Support XOAUTH2 refresh", "Speed up UID set compression"}

// service is an automated sender without a List-Id.
type service struct {
	from     person
	subjects []string // formats taking one of args
	args     []string
}

var services = []service{
	{person{name: "Parcel Service", addr: "noreply@parcels.example", lang: "en"},
		[]string{"Your parcel %s is on its way", "Delivered: parcel %s"}, []string{"DE4412", "NL0093", "FR7781"}},
	{person{name: "Example Bank", addr: "alerts@bank.example", lang: "en"},
		[]string{"Your statement for %s is ready"}, []string{"March", "June", "October"}},
	{person{name: "Calendar", addr: "calendar-noreply@example.com", lang: "en"},
		[]string{"Reminder: %s at 10:00", "Updated invitation: %s"}, []string{"team sync", "dentist", "quarterly review"}},
	{person{name: "Account Security", addr: "security@accounts.example", lang: "en"},
		[]string{"New sign-in to your account from %s", "Your password was changed%.0s"}, []string{"Lisbon", "a new device"}},
}

// mailingList is a discussion list.
type mailingList struct {
	addr, listID, prefix string
	topics               []string
}

var mailingLists = []mailingList{
	{"dovecot@dovecot.example.org", "Dovecot Mailing List <dovecot.dovecot.example.org>", "",
		[]string{"Sieve script not triggered after upgrade", "IMAP IDLE drops after 30 minutes", "LMTP quota errors on 2.3", "Replication between two servers"}},
	{"lua-l@lists.lua.example", "Lua mailing list <lua-l.lists.lua.example>", "[lua-l]",
		[]string{"Coroutines and C calls", "string.format with %q", "Proposal: integer division for 5.5", "Metatables and __gc"}},
	{"debian-user@lists.debian.example", "<debian-user.lists.debian.example>", "",
		[]string{"Upgrading to trixie broke my mail setup", "Which MTA for a home server?", "Résolu : problème de locale après mise à jour"}},
}

var listPeople = []person{
	{name: "Timo Sirainen", addr: "timo@dovecot.example.org", zone: 2, lang: "en"},
	{name: "Roberto I.", addr: "roberto@inf.example", zone: -3, lang: "en"},
	{name: "Sébastien Roy", addr: "seb@roy.example", charset: ISO885915, zone: 1, lang: "en"},
	{name: "Greg K.", addr: "greg@kroah.example", zone: 1, lang: "en"},
	{name: "Ingrid Østergaard", addr: "ingrid@oster.example", charset: UTF8, zone: 1, lang: "en"},
	{name: "Max Mustermann", addr: "max@mustermann.example", zone: 1, lang: "en"},
}

// spamSubject is a spam subject with the charset spammers used for it.
type spamSubject struct {
	subject, charset string
	useB             bool
}

var spamSubjects = []spamSubject{
	{"You have WON a $1,000 gift card!!!", "", false},
	{"💰 Make money fast from home 💰", UTF8, true},
	{"Your invoice #%d is overdue", "", false},
	{"Заработок в интернете от 5000 рублей в день", KOI8R, true},
	{"Cheap meds, no prescription needed", "", false},
	{"Your account will be suspended in 24 hours", "", false},
	{"Hot singles in your area 😍", UTF8, false},
	{"Ｆｒｅｅ ｉＰｈｏｎｅ for the first 100 visitors", UTF8, true},
	{"【重要】アカウント確認のお願い", ISO2022JP, true},
	{"Última oportunidad: ¡gane dinero ya!", Windows1252, false},
}

var words = strings.Fields(`the a we our this that next week meeting project team update plan
review notes time budget report idea question change draft release service issue customer
data design test build ship soon today tomorrow friday morning call quick thanks please
share look forward agree think need should could would maybe also just still again really
great good fine numbers slides agenda follow-up deadline progress feedback results`)

// sentence returns a random sentence.
func sentence(r *rand.Rand) string {
	n := 6 + r.IntN(10)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[r.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// paragraphs returns n paragraphs wrapped at 72 columns.
func paragraphs(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("\n")
		}
		col := 0
		for j := 0; j < 2+r.IntN(4); j++ {
			for _, w := range strings.Fields(sentence(r)) {
				if col > 0 && col+1+len(w) > 72 {
					b.WriteString("\n")
					col = 0
				} else if col > 0 {
					b.WriteString(" ")
					col++
				}
				b.WriteString(w)
				col += len(w)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// letter returns a personal letter body in p's language.
func letter(r *rand.Rand, p person, to person) string {
	if body, ok := personalBodies[p.lang]; ok {
		return body + p.name + "\n"
	}
	first := strings.Fields(to.name)[0]
	return "Hi " + first + ",\n\n" + paragraphs(r, 1+r.IntN(3)) + "\nCheers,\n" + p.name + "\n"
}

// htmlOf wraps text in a simple HTML newsletter layout.
func htmlOf(title, text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(escapeHTML(title))
	b.WriteString("</title></head>\n<body style=\"font-family: Helvetica, Arial, sans-serif; max-width: 640px; margin: 0 auto;\">\n<h1>")
	b.WriteString(escapeHTML(title))
	b.WriteString("</h1>\n")
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		b.WriteString("<p>")
		b.WriteString(escapeHTML(strings.ReplaceAll(p, "\n", " ")))
		b.WriteString("</p>\n")
	}
	b.WriteString("<p style=\"font-size: small; color: #888888;\"><a href=\"https://example.com/unsubscribe\">Unsubscribe</a> | <a href=\"https://example.com/preferences\">Preferences</a></p>\n</body></html>\n")
	return b.String()
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// pdfBytes returns a small file that looks like a PDF.
func pdfBytes(r *rand.Rand, title string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	b.WriteString("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
	fmt.Fprintf(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /Title (%s) /Contents 4 0 R >>\nendobj\n", title)
	n := 1024 + r.IntN(12*1024)
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", n)
	for i := 0; i < n; i++ {
		b.WriteByte(byte(r.Uint32()))
	}
	b.WriteString("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// imageBytes returns a small real PNG or JPEG picture.
func imageBytes(r *rand.Rand, jpg bool) []byte {
	w, h := 48+r.IntN(112), 36+r.IntN(84)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{c0.R + uint8(x), c0.G + uint8(y), c0.B + uint8(x*y/64), 255})
		}
	}
	var b bytes.Buffer
	if jpg {
		jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	} else {
		png.Encode(&b, img)
	}
	return b.Bytes()
}

// zipBytes returns a zip archive holding one file.
func zipBytes(r *rand.Rand, name string, date time.Time) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: date.UTC()})
	w.Write(pdfBytes(r, name))
	zw.Close()
	return b.Bytes()
}

// icsBytes returns a calendar invitation.
func icsBytes(summary string, start time.Time, organizer person) []byte {
	s := start.UTC().Format("20060102T150405Z")
	e := start.Add(time.Hour).UTC().Format("20060102T150405Z")
	return crlf([]byte("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//mailscript//mailgen//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\n" +
		"UID:" + s + "-" + organizer.addr + "\nDTSTAMP:" + s + "\nDTSTART:" + s + "\nDTEND:" + e + "\n" +
		"SUMMARY:" + summary + "\nORGANIZER;CN=" + organizer.name + ":mailto:" + organizer.addr + "\n" +
		"ATTENDEE;RSVP=TRUE:mailto:" + me.addr + "\nEND:VEVENT\nEND:VCALENDAR\n"))
}

// csvBytes returns a small spreadsheet export.
func csvBytes(r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString("month,revenue,cost\n")
	for m := 1; m <= 12; m++ {
		fmt.Fprintf(&b, "2024-%02d,%d,%d\n", m, 10000+r.IntN(90000), 5000+r.IntN(40000))
	}
	return crlf(b.Bytes())
}
