package mailgen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Mix gives the relative weight of each kind in Generate. Weights are
// relative, not percentages; a zero Mix means DefaultMix.
type Mix struct {
	Personal, Work, VIP, Newsletter, Notification, List, Spam int
}

// DefaultMix is the proportion of kinds in a typical personal inbox.
var DefaultMix = Mix{Personal: 14, Work: 14, VIP: 4, Newsletter: 20, Notification: 26, List: 12, Spam: 10}

func (m Mix) weights() []int {
	return []int{m.Personal, m.Work, m.VIP, m.Newsletter, m.Notification, m.List, m.Spam}
}

// Options configures Generate.
type Options struct {
	// Seed selects the mailbox: the same Options give byte-identical
	// messages (with the same Go release: pictures go through its image
	// encoders).
	Seed int64
	// Count is the number of messages.
	Count int
	// Now is the end of the period the dates cover; the zero value means
	// 2025-01-15 12:00 UTC, so that output does not depend on the clock.
	Now time.Time
	// Span is how far back before Now the dates go; zero means 400 days.
	// Every Date d satisfies Now-Span <= d < Now.
	Span time.Duration
	// Mix weights the kinds; zero means DefaultMix.
	Mix Mix
	// VIPs are the senders of VIP mail, as addresses or "Name <address>";
	// empty means "Diane Keller <boss@example.com>".
	VIPs []string
	// Mailboxes are the mailboxes messages are spread over, uniformly at
	// random; empty means just "INBOX".
	Mailboxes []string
}

// DefaultNow is the Now Generate uses when Options.Now is zero.
var DefaultNow = time.Date(2025, time.January, 15, 12, 0, 0, 0, time.UTC)

// DefaultSpan is the Span Generate uses when Options.Span is zero.
const DefaultSpan = 400 * 24 * time.Hour

// Generate returns opts.Count messages sorted by Date, oldest first (the
// order to append them in). The same opts give byte-identical results.
//
// Messages are spread over the period at random. Older messages are more
// often \Seen, VIP mail is often \Flagged, some Personal, Work, VIP and List
// messages follow up an earlier message of the same thread (In-Reply-To,
// References, a "Re: " subject).
func Generate(opts Options) ([]Message, error) {
	if opts.Count < 0 {
		return nil, fmt.Errorf("mailgen: negative count %d", opts.Count)
	}
	if opts.Span < 0 {
		return nil, fmt.Errorf("mailgen: negative span %v", opts.Span)
	}
	mix := opts.Mix
	if mix == (Mix{}) {
		mix = DefaultMix
	}
	total := 0
	for i, w := range mix.weights() {
		if w < 0 {
			return nil, fmt.Errorf("mailgen: negative weight %d for %v", w, Kind(i))
		}
		total += w
	}
	now := opts.Now
	if now.IsZero() {
		now = DefaultNow
	}
	span := opts.Span
	if span == 0 {
		span = DefaultSpan
	}
	vips := []person{defaultVIP}
	if len(opts.VIPs) > 0 {
		vips = nil
		for _, v := range opts.VIPs {
			a, err := mail.ParseAddress(v)
			if err != nil {
				return nil, fmt.Errorf("mailgen: VIP %q: %w", v, err)
			}
			vips = append(vips, person{name: a.Name, addr: a.Address, charset: UTF8, zone: 1, lang: "en"})
		}
	}
	mailboxes := opts.Mailboxes
	if len(mailboxes) == 0 {
		mailboxes = []string{"INBOX"}
	}
	for _, mb := range mailboxes {
		if mb == "" || strings.ContainsAny(mb, "\r\n\x00") {
			return nil, fmt.Errorf("mailgen: invalid mailbox name %q", mb)
		}
	}
	g := &generator{
		r:    rand.New(rand.NewPCG(uint64(opts.Seed), 0x6d61696c67656e21)),
		now:  now,
		vips: vips,
	}
	// Dates are whole seconds (the Date header has no fractions) in
	// [lo, now).
	lo := now.Add(-span)
	if t := lo.Truncate(time.Second); !t.Equal(lo) {
		lo = t.Add(time.Second)
	}
	secs := int64(now.Sub(lo) / time.Second)
	if now.Sub(lo)%time.Second != 0 {
		secs++
	}
	if secs <= 0 {
		return nil, fmt.Errorf("mailgen: span %v too short", span)
	}
	specs := make([]*spec, opts.Count)
	for i := range specs {
		date := lo.Add(time.Duration(g.r.Int64N(secs)) * time.Second)
		specs[i] = g.message(pick(g.r, mix.weights(), total), date)
		specs[i].mailbox = mailboxes[g.r.IntN(len(mailboxes))]
	}
	slices.SortStableFunc(specs, func(a, b *spec) int { return a.date.Compare(b.date) })
	g.thread(specs)
	msgs := make([]Message, len(specs))
	for i, s := range specs {
		s.flags = g.flags(s)
		msgs[i] = s.render()
	}
	return msgs, nil
}

// errNoKinds is returned when every weight is zero; it cannot happen with
// the checks above, but pick relies on total > 0.
var errNoKinds = errors.New("mailgen: every kind has weight zero")

// pick returns an index chosen with the given weights.
func pick(r *rand.Rand, weights []int, total int) Kind {
	if total <= 0 {
		panic(errNoKinds)
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return Kind(i)
		}
		n -= w
	}
	return Kind(len(weights) - 1)
}

// generator holds the state of one Generate call.
type generator struct {
	r    *rand.Rand
	now  time.Time
	vips []person
	seq  int
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// in returns date in the zone of p.
func in(date time.Time, p person) time.Time {
	return date.In(time.FixedZone("", p.zone*3600))
}

// messageID returns a new unique Message-ID at the sender's domain.
func (g *generator) messageID(from person, date time.Time) string {
	g.seq++
	domain := from.addr[strings.LastIndexByte(from.addr, '@')+1:]
	return fmt.Sprintf("<%s.%d.%08x@%s>", date.UTC().Format("20060102150405"), g.seq, g.r.Uint32(), domain)
}

// message returns the spec of one message of kind k sent at date.
func (g *generator) message(k Kind, date time.Time) *spec {
	r := g.r
	s := &spec{kind: k, to: []person{me}}
	switch k {
	case Personal:
		p := oneOf(r, friends)
		s.from = p
		s.subject = oneOf(r, personalSubjects[p.lang])
		s.charset, s.useB, s.textCharset = p.charset, p.useB, p.charset
		s.text = letter(r, p, me)
		if r.IntN(4) == 0 {
			s.textCTE = encB64
		}
		if r.IntN(8) == 0 {
			jpg := r.IntN(2) == 0
			name := fmt.Sprintf("IMG_%04d.png", 1000+r.IntN(9000))
			ct := "image/png"
			if jpg {
				name, ct = name[:len(name)-3]+"jpg", "image/jpeg"
			}
			s.attachments = append(s.attachments, attachment{name: name, ctype: ct, data: imageBytes(r, jpg)})
		}
	case Work, VIP:
		p := oneOf(r, colleagues)
		subjects := workSubjects
		if k == VIP {
			p, subjects = oneOf(r, g.vips), vipSubjects
		}
		s.from = p
		s.subject = subject(oneOf(r, subjects), oneOf(r, workTopics))
		s.charset = UTF8
		s.text = letter(r, p, me)
		if r.IntN(3) == 0 {
			s.cc = []person{oneOf(r, colleagues)}
		}
		switch r.IntN(10) {
		case 0:
			s.attachments = append(s.attachments, attachment{name: "report.pdf", ctype: "application/pdf", data: pdfBytes(r, s.subject)})
		case 1:
			s.attachments = append(s.attachments, attachment{name: "figures.csv", ctype: "text/csv", data: csvBytes(r)})
		case 2:
			s.attachments = append(s.attachments, attachment{name: "invite.ics", ctype: "text/calendar", data: icsBytes(s.subject, date.Add(72*time.Hour), p)})
		}
	case Newsletter:
		n := oneOf(r, newsletters)
		s.from, s.listID, s.charset = n.from, n.listID, n.charset
		s.subject = fmt.Sprintf(oneOf(r, n.subjects), 10+r.IntN(90))
		s.text = paragraphs(r, 3+r.IntN(4))
		s.html = htmlOf(s.subject, s.text)
		s.textCharset = UTF8
		s.extra = [][2]string{
			{"List-Unsubscribe", "<mailto:unsubscribe@" + domainOf(n.from.addr) + ">, <https://" + domainOf(n.from.addr) + "/unsubscribe>"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
			{"Precedence", "bulk"},
		}
	case Notification:
		if r.IntN(3) > 0 {
			repo := oneOf(r, codeRepos)
			user := oneOf(r, codeUsers)
			owner, name, _ := strings.Cut(repo, "/")
			s.from = person{name: user, addr: "notifications@code.example.com", lang: "en"}
			s.listID = repo + " <" + name + "." + owner + ".code.example.com>"
			num := 1 + r.IntN(400)
			switch r.IntN(3) {
			case 0:
				s.subject = fmt.Sprintf("[%s] %s (Issue #%d)", repo, oneOf(r, codeTitles), num)
			case 1:
				s.subject = fmt.Sprintf("Re: [%s] %s (PR #%d)", repo, oneOf(r, codeTitles), num)
			default:
				s.subject = fmt.Sprintf("[%s] Run failed: CI - main (%07x)", repo, r.Uint32()&0xfffffff)
			}
			s.text = paragraphs(r, 1) + "\n--\nReply to this email directly or view it on the web.\n"
			s.extra = [][2]string{{"X-Code-Reason", oneOf(r, []string{"mention", "review_requested", "subscribed", "ci_activity"})}}
		} else {
			sv := oneOf(r, services)
			s.from = sv.from
			s.subject = fmt.Sprintf(oneOf(r, sv.subjects), oneOf(r, sv.args))
			s.text = paragraphs(r, 1)
			if r.IntN(2) == 0 {
				s.html = htmlOf(s.subject, s.text)
			}
		}
		s.extra = append(s.extra, [2]string{"Auto-Submitted", "auto-generated"})
	case List:
		l := oneOf(r, mailingLists)
		s.from = oneOf(r, listPeople)
		s.to = []person{{addr: l.addr}}
		s.listID = l.listID
		s.subject = strings.TrimSpace(l.prefix + " " + oneOf(r, l.topics))
		s.charset = ISO885915
		s.text = paragraphs(r, 1+r.IntN(3)) + "\n-- \n" + s.from.name + "\n"
		s.extra = [][2]string{{"List-Post", "<mailto:" + l.addr + ">"}, {"Precedence", "list"}}
	case Spam:
		ss := oneOf(r, spamSubjects)
		s.subject = ss.subject
		if strings.Contains(ss.subject, "%d") {
			s.subject = fmt.Sprintf(ss.subject, 10000+r.IntN(90000))
		}
		s.charset, s.useB = ss.charset, ss.useB
		s.from = person{name: oneOf(r, []string{"Customer Service", "Prize Department", "Dr. Smith", "Support Team", ""}),
			addr: fmt.Sprintf("%s@%s.example", oneOf(r, []string{"promo", "info", "no-reply", "win"}), randomName(r)), zone: r.IntN(24) - 11}
		s.text = "Dear friend,\n\n" + paragraphs(r, 1) + "\nClick here: http://" + randomName(r) + ".example/claim\n"
		s.spam = true
		s.extra = [][2]string{{"X-Spam-Flag", "YES"}, {"X-Spam-Score", fmt.Sprintf("%d.%d", 6+r.IntN(10), r.IntN(10))}}
		if strings.Contains(s.subject, "invoice") {
			s.attachments = append(s.attachments, attachment{name: "invoice.zip", ctype: "application/zip", data: zipBytes(r, "invoice.pdf", date)})
		}
	}
	s.date = in(date, s.from)
	s.messageID = g.messageID(s.from, s.date)
	return s
}

// subject fills a format with one argument if it takes one.
func subject(format, arg string) string {
	if strings.Contains(format, "%s") {
		return fmt.Sprintf(format, arg)
	}
	return format
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

// randomName returns a random lower-case name of 5 to 9 letters.
func randomName(r *rand.Rand) string {
	b := make([]byte, 5+r.IntN(5))
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// thread turns some messages into follow-ups of earlier ones of the same
// kind (and list).
func (g *generator) thread(specs []*spec) {
	recent := map[string][]*spec{}
	for _, s := range specs {
		var key string
		switch s.kind {
		case Personal, Work, VIP:
			key = s.kind.String() + " " + s.from.addr
		case List:
			key = s.listID
		default:
			continue
		}
		prev := recent[key]
		if len(prev) > 0 && g.r.IntN(10) < 3 {
			p := oneOf(g.r, prev)
			base := strings.TrimPrefix(p.subject, "Re: ")
			if s.kind == List {
				// Keep the list prefix in front, as list software does.
				if l := listPrefix(p.subject); l != "" {
					base = l + " Re: " + strings.TrimPrefix(strings.TrimPrefix(p.subject, l+" "), "Re: ")
				} else {
					base = "Re: " + base
				}
			} else {
				base = "Re: " + base
			}
			s.subject = base
			s.charset, s.useB = p.charset, p.useB
			s.inReplyTo = p.messageID
			s.references = append(append([]string{}, p.references...), p.messageID)
			if len(s.references) > 8 {
				s.references = s.references[len(s.references)-8:]
			}
			s.text += "\n" + quote(p)
		}
		recent[key] = append(recent[key], s)
		if len(recent[key]) > 5 {
			recent[key] = recent[key][1:]
		}
	}
}

// listPrefix returns a leading "[name]" of a subject, or "".
func listPrefix(subject string) string {
	if strings.HasPrefix(subject, "[") {
		if i := strings.IndexByte(subject, ']'); i > 0 {
			return subject[:i+1]
		}
	}
	return ""
}

// quote returns the attribution and quoted text of p for a reply.
func quote(p *spec) string {
	var b strings.Builder
	name := p.from.name
	if name == "" {
		name = p.from.addr
	}
	fmt.Fprintf(&b, "On %s, %s wrote:\n", p.date.Format("Mon, 2 Jan 2006 at 15:04"), name)
	lines := strings.Split(strings.TrimRight(p.text, "\n"), "\n")
	if len(lines) > 12 {
		lines = lines[:12]
	}
	for _, l := range lines {
		if l == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

// flags returns the IMAP flags of a message, depending on its kind and age.
func (g *generator) flags(s *spec) []string {
	r := g.r
	age := g.now.Sub(s.date)
	seen := 30
	switch {
	case age > 14*24*time.Hour:
		seen = 92
	case age > 2*24*time.Hour:
		seen = 65
	}
	if s.kind == Spam {
		seen = 15
	}
	flagged := map[Kind]int{VIP: 40, Personal: 8, Work: 10}[s.kind]
	if flagged == 0 {
		flagged = 1
	}
	var f []string
	isSeen := r.IntN(100) < seen
	if isSeen {
		f = append(f, `\Seen`)
		if (s.kind == Personal || s.kind == Work || s.kind == VIP) && r.IntN(100) < 25 {
			f = append(f, `\Answered`)
		}
	}
	if r.IntN(100) < flagged {
		f = append(f, `\Flagged`)
	}
	return f
}
