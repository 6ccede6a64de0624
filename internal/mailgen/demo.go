package mailgen

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Demo mailbox names.
const (
	Inbox   = "INBOX"
	Archive = "Archive"
	Sent    = "Sent"
)

// Demo returns a small hand-made mailbox of about a hundred messages for a
// user, me@example.com, as it looks at now (zero means DefaultNow): mostly
// INBOX, plus a few in Archive and Sent, sorted by Date.
//
// INBOX holds newsletters from four lists (List-Id, List-Unsubscribe, HTML
// alternative), code-hosting notifications in threads (with a List-Id) and
// other automated mail (without), personal mail in nine charsets (UTF-8 Q
// and B, ISO-8859-1, ISO-8859-15, windows-1252, KOI8-R, ISO-2022-JP,
// GB2312, Big5, EUC-KR) with photos and RFC 2231 file names, work mail and
// mail from the VIP "Diane Keller <boss@example.com>", mailing-list
// threads, and spam marked "X-Spam-Flag: YES", half of it older than 30
// days. Recent mail is mostly unread; older mail is read; some is flagged
// or answered.
func Demo(now time.Time) []Message {
	if now.IsZero() {
		now = DefaultNow
	}
	d := &demo{now: now.Truncate(time.Second), r: rand.New(rand.NewPCG(2024, 0x64656d6f))}
	d.newsletters()
	d.notifications()
	d.personal()
	d.work()
	d.lists()
	d.spam()
	slices.SortStableFunc(d.specs, func(a, b *spec) int { return a.date.Compare(b.date) })
	msgs := make([]Message, len(d.specs))
	for i, s := range d.specs {
		msgs[i] = s.render()
	}
	return msgs
}

// demo builds the Demo mailbox.
type demo struct {
	now   time.Time
	r     *rand.Rand
	specs []*spec
}

const day = 24 * time.Hour

// ago returns the time days before now.
func (d *demo) ago(days float64) time.Time {
	return d.now.Add(-time.Duration(days * float64(day))).Truncate(time.Second)
}

// flags turns "S", "A" and "F" into \Seen, \Answered and \Flagged.
func flags(s string) []string {
	f := []string{}
	for _, c := range []struct {
		letter byte
		flag   string
	}{{'S', `\Seen`}, {'A', `\Answered`}, {'F', `\Flagged`}} {
		if strings.IndexByte(s, c.letter) >= 0 {
			f = append(f, c.flag)
		}
	}
	return f
}

// add completes s (mailbox, recipient, zone, Message-ID, body) and keeps it.
func (d *demo) add(s *spec, days float64, fl string) *spec {
	if s.mailbox == "" {
		s.mailbox = Inbox
	}
	if s.to == nil {
		s.to = []person{me}
	}
	if s.charset == "" {
		s.charset = s.from.charset
		s.useB = s.from.useB
	}
	h := fnv.New32a()
	fmt.Fprint(h, s.subject, len(d.specs))
	// Up to 59 minutes and 59 seconds earlier, so that not every message
	// arrives on the hour; replies are set at least 70 minutes after
	// what they answer, so threads keep their order.
	jitter := time.Duration(h.Sum32()%3600) * time.Second
	s.date = in(d.ago(days).Add(-jitter), s.from)
	if s.messageID == "" {
		s.messageID = fmt.Sprintf("<%s.%08x@%s>", s.date.UTC().Format("20060102150405"), h.Sum32(), domainOf(s.from.addr))
	}
	if s.text == "" {
		s.text = letter(d.r, s.from, s.to[0])
	}
	s.flags = flags(fl)
	d.specs = append(d.specs, s)
	return s
}

// reply makes s a follow-up of parent.
func reply(s, parent *spec) *spec {
	s.inReplyTo = parent.messageID
	s.references = append(append([]string{}, parent.references...), parent.messageID)
	if s.text != "" {
		s.text += "\n" + quote(parent)
	}
	return s
}

func (d *demo) newsletter(n newsletter, subject string, days float64, fl string) {
	text := paragraphs(d.r, 3+d.r.IntN(3))
	d.add(&spec{kind: Newsletter, from: n.from, listID: n.listID, subject: subject, charset: n.charset,
		text: text, html: htmlOf(subject, text), textCharset: UTF8,
		extra: [][2]string{
			{"List-Unsubscribe", "<mailto:unsubscribe@" + domainOf(n.from.addr) + ">, <https://" + domainOf(n.from.addr) + "/unsubscribe>"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
			{"Precedence", "bulk"},
		}}, days, fl)
}

func (d *demo) newsletters() {
	gw, mb, deals, jl := newsletters[0], newsletters[1], newsletters[2], newsletters[3]
	for i := 0; i < 10; i++ {
		age := 2 + 7*float64(i) + 0.1
		fl := "S"
		if age < 7 {
			fl = ""
		}
		d.newsletter(gw, fmt.Sprintf(gw.subjects[i%len(gw.subjects)], 529-i), age, fl)
	}
	for i := 0; i < 8; i++ {
		age := float64(i) + 0.3
		fl := "S"
		if age < 2 {
			fl = ""
		}
		d.newsletter(mb, fmt.Sprintf(mb.subjects[i%2], 1480-i), age, fl)
	}
	for i, age := range []float64{1, 9, 23, 38, 52, 75} {
		fl := ""
		if i%3 == 1 {
			fl = "S"
		}
		if i%2 == 0 {
			d.newsletter(deals, fmt.Sprintf(deals.subjects[0], 20+10*i), age, fl)
		} else {
			d.newsletter(deals, fmt.Sprintf(deals.subjects[1], 48-6*i), age, fl)
		}
	}
	d.newsletter(jl, fmt.Sprintf(jl.subjects[0], 212), 5, "S")
	d.newsletter(jl, fmt.Sprintf(jl.subjects[1], 211), 12, "S")
	d.newsletter(jl, fmt.Sprintf(jl.subjects[0], 207), 40, "S")
}

func (d *demo) notifications() {
	code := func(user, repo, subject, reason, msgID string, days float64, fl string) *spec {
		owner, name, _ := strings.Cut(repo, "/")
		return d.add(&spec{kind: Notification, from: person{name: user, addr: "notifications@code.example.com"},
			to: []person{{name: repo, addr: name + "@noreply.code.example.com"}}, cc: []person{me},
			listID: repo + " <" + name + "." + owner + ".code.example.com>", subject: subject, messageID: msgID,
			text:  paragraphs(d.r, 1) + "\n--\nReply to this email directly or view it on the web.\n",
			extra: [][2]string{{"X-Code-Reason", reason}, {"Auto-Submitted", "auto-generated"}}}, days, fl)
	}
	const repo = "mailscript/mailscript"
	issue := code("dev-marco", repo, "[mailscript/mailscript] imaplib: IDLE times out after 29 minutes (Issue #42)", "subscribed",
		"<mailscript/mailscript/issues/42@code.example.com>", 6, "S")
	for i, c := range []struct {
		user, reason string
		days         float64
		fl           string
	}{{"lin-yu", "subscribed", 5, "S"}, {"dev-marco", "mention", 4, "SF"}, {"kwame-o", "subscribed", 1, ""}} {
		s := code(c.user, repo, "Re: [mailscript/mailscript] imaplib: IDLE times out after 29 minutes (Issue #42)", c.reason,
			fmt.Sprintf("<mailscript/mailscript/issues/42/%d@code.example.com>", 1000+i), c.days, c.fl)
		reply(s, issue)
	}
	pr := code("lin-yu", repo, "[mailscript/mailscript] imaplib: renew IDLE every 28 minutes (PR #57)", "review_requested",
		"<mailscript/mailscript/pull/57@code.example.com>", 3, "S")
	reply(code("octo-ana", repo, "Re: [mailscript/mailscript] imaplib: renew IDLE every 28 minutes (PR #57)", "review_requested",
		"<mailscript/mailscript/pull/57/review/1@code.example.com>", 2, ""), pr)
	reply(code("lin-yu", repo, "Re: [mailscript/mailscript] imaplib: renew IDLE every 28 minutes (PR #57)", "subscribed",
		"<mailscript/mailscript/pull/57/merged@code.example.com>", 0.8, ""), pr)
	code("buildbot", repo, "[mailscript/mailscript] Run failed: CI - main (3f9c2e1)", "ci_activity",
		"<mailscript/mailscript/actions/runs/9001@code.example.com>", 8, "S")
	code("buildbot", repo, "[mailscript/mailscript] Run failed: CI - main (a71d004)", "ci_activity",
		"<mailscript/mailscript/actions/runs/9017@code.example.com>", 0.4, "")
	web := code("octo-ana", "acme/webapp", "[acme/webapp] Login page broken on Safari (Issue #311)", "subscribed",
		"<acme/webapp/issues/311@code.example.com>", 14, "S")
	reply(code("dev-marco", "acme/webapp", "Re: [acme/webapp] Login page broken on Safari (Issue #311)", "subscribed",
		"<acme/webapp/issues/311/1@code.example.com>", 13, "S"), web)

	svc := func(i int, subject string, days float64, fl string, html bool) {
		s := &spec{kind: Notification, from: services[i].from, subject: subject, text: paragraphs(d.r, 1),
			extra: [][2]string{{"Auto-Submitted", "auto-generated"}}}
		if html {
			s.html = htmlOf(subject, s.text)
		}
		d.add(s, days, fl)
	}
	svc(0, "Your parcel DE4412 is on its way", 3, "S", true)
	svc(0, "Delivered: parcel DE4412", 1, "", true)
	svc(1, "Your statement for December is ready", 20, "S", false)
	svc(3, "New sign-in to your account from Lisbon", 0.2, "F", false)
	svc(2, "Reminder: dentist at 10:00", 0.1, "", false)
}

func (d *demo) personal() {
	f := func(name string) person {
		for _, p := range friends {
			if p.name == name {
				return p
			}
		}
		panic("mailgen: no friend " + name)
	}
	photo := func(name string, jpg bool) attachment {
		ct := "image/png"
		if jpg {
			ct = "image/jpeg"
		}
		return attachment{name: name, ctype: ct, data: imageBytes(d.r, jpg)}
	}
	mum, emma := f("Mum"), f("Emma Johnson")

	lunch := d.add(&spec{kind: Personal, from: mum, subject: "Sunday lunch?"}, 2, "SA")
	myLunch := reply(d.add(&spec{kind: Personal, from: me, to: []person{mum}, mailbox: Sent, subject: "Re: Sunday lunch?",
		text: "Hi Mum,\n\nSunday works, we'll bring dessert.\n\nSam\n"}, 1.5, "S"), lunch)
	reply(d.add(&spec{kind: Personal, from: mum, subject: "Re: Sunday lunch?",
		text: "Lovely, see you at one!\n\nMum\n"}, 1, ""), myLunch)

	hike := d.add(&spec{kind: Personal, from: emma, subject: "Photos from the hike",
		attachments: []attachment{photo("IMG_2041.jpg", true), photo("IMG_2044.jpg", true)}}, 4, "SAF")
	myHike := reply(d.add(&spec{kind: Personal, from: me, to: []person{emma}, mailbox: Sent, subject: "Re: Photos from the hike",
		text: "These are great, thanks! The one from the ridge is my new wallpaper.\n\nSam\n"}, 3.9, "S"), hike)
	reply(d.add(&spec{kind: Personal, from: emma, subject: "Re: Photos from the hike",
		text: "Glad you like them! Same time next month?\n\nEmma\n"}, 3, "S"), myHike)

	d.add(&spec{kind: Personal, from: f("Zoë Martin"), subject: "Dîner samedi à la maison ?", textCharset: ISO88591}, 3, "")
	d.add(&spec{kind: Personal, from: f("François Dubois"), subject: "Bonne année et meilleurs vœux — à bientôt !", textCharset: Windows1252}, 15, "S")
	d.add(&spec{kind: Personal, from: f("Jürgen Müller"), subject: "Rechnung über 45 € für das Konzert", textCharset: ISO885915,
		attachments: []attachment{{name: "Rechnung Konzert März.pdf", ctype: "application/pdf", data: pdfBytes(d.r, "Rechnung")}}}, 6, "SF")
	d.add(&spec{kind: Personal, from: f("Юрий Петров"), subject: "Привет из Москвы", textCharset: KOI8R, textCTE: encB64}, 10, "S")
	d.add(&spec{kind: Personal, from: f("田中 花子"), subject: "会議の議事録について", textCharset: ISO2022JP,
		attachments: []attachment{{name: "議事録_2024年度第3四半期_営業会議.pdf", ctype: "application/pdf", data: pdfBytes(d.r, "minutes")}}}, 8, "S")
	d.add(&spec{kind: Personal, from: f("王伟"), subject: "周末聚会的照片", textCharset: GB2312, textCTE: encB64,
		attachments: []attachment{photo("聚会.png", false)}}, 12, "S")
	d.add(&spec{kind: Personal, from: f("陳美玲"), subject: "下週的會議安排", textCharset: Big5, textCTE: encB64}, 1, "")
	d.add(&spec{kind: Personal, from: f("김민준"), subject: "생일 축하해요", textCharset: EUCKR}, 20, "S")
	d.add(&spec{kind: Personal, from: f("Ana García"), subject: "¿Cenamos el sábado?", textCharset: UTF8}, 0.5, "")
	d.add(&spec{kind: Personal, from: f("Liam O'Brien"), subject: "🎉 Party at ours on Saturday", charset: UTF8, useB: true}, 5, "S")
	d.add(&spec{kind: Personal, from: f("Smith, Olivia"),
		subject: "A very long subject line about the trip we have been planning for months, with every last detail of the itinerary in it"}, 9, "SA")

	d.add(&spec{kind: Personal, from: mum, mailbox: Archive, subject: "Christmas plans"}, 200, "S")
	d.add(&spec{kind: Personal, from: emma, mailbox: Archive, subject: "Wedding photos",
		attachments: []attachment{photo("wedding-01.jpg", true), photo("wedding-02.png", false)}}, 150, "SF")
}

func (d *demo) work() {
	boss := defaultVIP
	c := func(i int) person { return colleagues[i] }
	d.add(&spec{kind: VIP, from: boss, subject: "Urgent: need the Q3 numbers by Friday", cc: []person{c(0)}}, 1, "F")
	d.add(&spec{kind: VIP, from: boss, subject: "Board meeting prep",
		attachments: []attachment{{name: "board-deck.pdf", ctype: "application/pdf", data: pdfBytes(d.r, "board")}}}, 3, "SF")
	oneOnOne := d.add(&spec{kind: VIP, from: boss, subject: "1:1 tomorrow"}, 7, "SA")
	reply(d.add(&spec{kind: Work, from: me, to: []person{boss}, mailbox: Sent, subject: "Re: 1:1 tomorrow",
		text: "Hi Diane,\n\n10:30 works for me.\n\nSam\n"}, 6.95, "S"), oneOnOne)
	d.add(&spec{kind: VIP, from: boss, subject: "Re: Q3 budget", text: "Sam,\n\nPlease send me the revised figures today.\n\nDiane\n"}, 0.2, "")
	d.add(&spec{kind: VIP, from: boss, subject: "Feedback on your proposal"}, 35, "S")
	d.add(&spec{kind: VIP, from: boss, mailbox: Archive, subject: "Offer letter",
		attachments: []attachment{{name: "offer-letter.pdf", ctype: "application/pdf", data: pdfBytes(d.r, "offer")}}}, 300, "S")

	review := d.add(&spec{kind: Work, from: c(0), subject: "Code review: billing service"}, 2, "S")
	reply(d.add(&spec{kind: Work, from: c(0), subject: "Re: Code review: billing service",
		text: "Pushed the fixes, PTAL.\n\nPriya\n"}, 1, ""), review)
	inv := "Invitation: search indexer planning @ Thu 10:00"
	d.add(&spec{kind: Work, from: c(1), subject: inv, attachments: []attachment{{name: "invite.ics", ctype: "text/calendar", data: icsBytes(inv, d.now.Add(3*day), c(1))}}}, 4, "")
	d.add(&spec{kind: Work, from: c(2), subject: "Minutes: data pipeline sync"}, 6, "S")
	d.add(&spec{kind: Work, from: c(4), subject: "Out of office next week"}, 11, "S")
	d.add(&spec{kind: Work, from: c(3), subject: "Incident report: auth migration outage", cc: []person{c(0), c(1)},
		attachments: []attachment{{name: "figures.csv", ctype: "text/csv", data: csvBytes(d.r)}}}, 16, "SF")
	d.add(&spec{kind: Work, from: c(1), mailbox: Archive, subject: "Welcome to the team!"}, 180, "S")
}

func (d *demo) lists() {
	post := func(l mailingList, from person, subject string, days float64, fl string) *spec {
		return d.add(&spec{kind: List, from: from, to: []person{{addr: l.addr}}, listID: l.listID, subject: subject,
			charset: ISO885915, text: paragraphs(d.r, 1+d.r.IntN(2)) + "\n-- \n" + from.name + "\n",
			extra: [][2]string{{"List-Post", "<mailto:" + l.addr + ">"}, {"Precedence", "list"}}}, days, fl)
	}
	dc, lua, deb := mailingLists[0], mailingLists[1], mailingLists[2]
	root := post(dc, listPeople[5], "IMAP IDLE drops after 30 minutes", 9, "S")
	r1 := reply(post(dc, listPeople[0], "Re: IMAP IDLE drops after 30 minutes", 8.5, "S"), root)
	reply(post(dc, listPeople[4], "Re: IMAP IDLE drops after 30 minutes", 8, "S"), r1)
	reply(post(dc, listPeople[5], "Re: IMAP IDLE drops after 30 minutes", 7, ""), r1)
	co := post(lua, listPeople[1], "[lua-l] Coroutines and C calls", 5, "S")
	reply(post(lua, listPeople[3], "[lua-l] Re: Coroutines and C calls", 4, ""), co)
	post(lua, listPeople[1], "[lua-l] string.format with %q", 2, "")
	post(deb, listPeople[2], "Résolu : problème de locale après mise à jour", 13, "S")
}

func (d *demo) spam() {
	ages := []float64{0.5, 2, 6, 12, 25, 33, 41, 58, 90, 120}
	for i, ss := range spamSubjects {
		subject := ss.subject
		if strings.Contains(subject, "%d") {
			subject = fmt.Sprintf(subject, 48213)
		}
		s := &spec{kind: Spam, subject: subject, charset: ss.charset, useB: ss.useB, spam: true,
			from: person{name: []string{"Customer Service", "Prize Department", "", "Support Team"}[i%4],
				addr: fmt.Sprintf("%s@%s.example", []string{"promo", "info", "no-reply", "win"}[i%4], randomName(d.r)), zone: i - 5},
			text:  "Dear friend,\n\n" + paragraphs(d.r, 1) + "\nClick here: http://" + randomName(d.r) + ".example/claim\n",
			extra: [][2]string{{"X-Spam-Flag", "YES"}, {"X-Spam-Score", fmt.Sprintf("%d.%d", 6+i, i)}}}
		if strings.Contains(subject, "invoice") {
			s.attachments = []attachment{{name: "invoice.zip", ctype: "application/zip", data: zipBytes(d.r, "invoice.pdf", d.ago(ages[i]))}}
		}
		fl := ""
		if i%4 == 3 {
			fl = "S"
		}
		d.add(s, ages[i], fl)
	}
}
