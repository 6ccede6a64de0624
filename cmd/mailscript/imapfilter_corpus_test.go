package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// seedBox is the starting content of one mailbox of the test bed.
type seedBox struct {
	user, mailbox string
	msgs          []dovecottest.Message
}

// mail describes one message of the corpus.
type mail struct {
	id, from, to, subject string
	headers               []string // extra "Name: value" lines
	body                  string
	flags                 []string
	days                  float64 // age of the internal date
	// at, when set, is the internal date instead of days (a fixed
	// instant: mail whose dates must not move with the day the test
	// runs).
	at time.Time
	// date is the Date header as written: "" for one made of the
	// internal date, "-" for none.
	date string
	// raw, when set, is the whole message instead of what the fields
	// above make ("" cannot be asked for: use rawEmpty).
	raw      string
	rawEmpty bool
}

func (m mail) build(now time.Time) dovecottest.Message {
	date := now.Add(-time.Duration(m.days * float64(24*time.Hour)))
	if !m.at.IsZero() {
		date = m.at
	}
	if m.raw != "" || m.rawEmpty {
		return dovecottest.Message{Raw: []byte(m.raw), Flags: m.flags, Date: date}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Message-ID: <%s@corpus.test>\r\n", m.id)
	switch m.date {
	case "":
		fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	case "-":
	default:
		fmt.Fprintf(&b, "Date: %s\r\n", m.date)
	}
	fmt.Fprintf(&b, "From: %s\r\n", m.from)
	to := m.to
	if to == "" {
		to = "Alice <alice@example.org>"
	}
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", m.subject)
	for _, h := range m.headers {
		b.WriteString(h + "\r\n")
	}
	body := m.body
	if body == "" {
		body = "Hello,\r\n\r\nthis is message " + m.id + ".\r\n"
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(body)
	return dovecottest.Message{Raw: []byte(b.String()), Flags: m.flags, Date: date}
}

func box(now time.Time, user, mailbox string, ms ...mail) seedBox {
	sb := seedBox{user: user, mailbox: mailbox}
	for _, m := range ms {
		sb.msgs = append(sb.msgs, m.build(now))
	}
	return sb
}

var seen = []string{`\Seen`}

// corpus is the starting mail of the differential tests: messages that
// the configs of testdata/imapfilter select, and many they must leave.
func corpus(now time.Time) []seedBox {
	big := strings.Repeat("All work and no play makes Jack a dull boy.\r\n", 1500)
	inbox := []mail{
		{id: "news1", from: "Weekly News <weekly-news@news.letter>", subject: "This week in news", days: 2},
		{id: "news2", from: "weekly-news@news.letter", subject: "Last week in news", flags: seen, days: 9},
		{id: "os1", from: "announce@my.unix.os", subject: "Release 4.2 is out", days: 1},
		{id: "os2", from: "announce@my.unix.os", subject: "Security Advisory: openssh", days: 3},
		{id: "junk1", from: "marketing@company.junk", subject: "Buy now", days: 5},
		{id: "junk2", from: "advertising@annoying.promotion", subject: "Limited offer", flags: seen, days: 6},
		{id: "junk3", from: "shop@example.com", subject: "Our new great products for you", days: 4},
		{id: "list1", from: "owner@example.net", subject: "[announce] old news", headers: []string{"Sender: owner@announce-list"}, days: 45},
		{id: "list2", from: "owner@example.net", subject: "[announce] fresh news", headers: []string{"Sender: owner@announce-list"}, days: 2},
		{id: "tux1", from: "Tux <tux@penguin.land>", subject: "Penguins", days: 0.1},
		{id: "tux2", from: "tux@penguin.land", subject: "Penguins again", body: "all work and no play\r\n", days: 0.2},
		{id: "bsd1", from: "beastie@daemon.land", subject: "Daemons", flags: []string{`\Flagged`}, days: 0.3},
		{id: "scan1", from: "scanner@example.com", subject: "scanned", headers: []string{"X-MailScanner-SpamCheck: spam", "X-Spam-Check: Spam"}, days: 1},
		{id: "spam1", from: "Pharma <pills@spam.example>", subject: "VIAGRA cheap", headers: []string{"X-Spam-Flag: YES", "X-Spam-Status: Yes, score=9.1 required=5.0", "X-Spam-Level: *********"}, body: "Buy viagra now\r\n", days: 2},
		{id: "spam2", from: "lottery@spam.example", subject: "***SPAM*** You won", headers: []string{"X-Spam-Flag: YES", "X-Spam-Status: Yes, score=12.0 required=5.0"}, days: 20},
		{id: "ham1", from: "Bob <bob@example.org>", subject: "Lunch?", headers: []string{"X-Spam-Flag: NO", "X-Spam-Status: No, score=0.1 required=5.0"}, flags: []string{`\Seen`, `\Answered`}, days: 1},
		{id: "gh1", from: "GitHub <notifications@github.com>", subject: "Re: [org/repo] Fix the build (#12)", headers: []string{"List-ID: org/repo <repo.org.github.com>", "X-GitHub-Reason: subscribed", "List-Unsubscribe: <mailto:unsub@github.com>"}, days: 1},
		{id: "gh2", from: "GitHub <notifications@github.com>", subject: "[org/repo] New issue (#13)", headers: []string{"List-ID: org/repo <repo.org.github.com>", "X-GitHub-Reason: author"}, days: 12},
		{id: "ubu1", from: "someone@ubuntu.com", subject: "[kubuntu-devel] plasma", headers: []string{"List-Id: Kubuntu development <kubuntu-devel.lists.ubuntu.com>"}, days: 3},
		{id: "ubu2", from: "else@ubuntu.com", subject: "docs", headers: []string{"List-Id: Ubuntu doc <ubuntu-doc.lists.ubuntu.com>"}, flags: seen, days: 40},
		{id: "deb1", from: "user@debian.org", subject: "question", headers: []string{"List-Id: <debian-user.lists.debian.org>"}, days: 8},
		{id: "amz1", from: "Amazon <shipment-tracking@amazon.com>", subject: "Your order has shipped", days: 2},
		{id: "amz2", from: "auto-confirm@amazon.de", subject: "Bestellung", flags: seen, days: 60},
		{id: "cron1", from: "Cron Daemon <root@server.example>", subject: "Cron <root@server> /usr/local/bin/backup", days: 0.5},
		{id: "cron2", from: "root@server.example", subject: "Logwatch for server", days: 35, flags: seen},
		{id: "fb1", from: "Facebook <notification@facebookmail.com>", subject: "You have 3 new notifications", days: 3},
		{id: "li1", from: "LinkedIn <messages-noreply@linkedin.com>", subject: "New connection", days: 100, flags: seen},
		{id: "boss1", from: "The Boss <boss@work.example>", to: "team@work.example", subject: "Deadline", headers: []string{"Cc: alice@example.org"}, days: 0.5},
		{id: "boss2", from: "boss@work.example", subject: "Re: Deadline", headers: []string{"Bcc: alice@example.org"}, flags: seen, days: 200},
		{id: "enc1", from: "=?UTF-8?B?SsO8cmdlbg==?= <juergen@example.de>", subject: "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=", days: 1},
		{id: "raw1", from: "ivan@example.ru", subject: "Привет, мир", days: 2},
		{id: "big1", from: "bigfile@example.com", subject: "large attachment", body: big, days: 15},
		{id: "lp1", from: "bugs@launchpad.net", subject: "[Bug 1] crash", headers: []string{"X-Launchpad-Message-For: alice", "X-Launchpad-Message-Rationale: Subscriber", "X-Launchpad-Bug-Reporter: bob"}, days: 2},
		{id: "old1", from: "archive@example.com", subject: "ancient", flags: seen, days: 400},
		{id: "draft1", from: "alice@example.org", subject: "unfinished", flags: []string{`\Draft`, `\Seen`}, days: 1},
		{id: "tricky1", from: "odd@example.com", subject: "odd headers", headers: []string{"X-Tricky : spaced colon", "X-Folded: first\r\n second", "x-folded: again"}, days: 1},
		{id: "kw1", from: "tagged@example.com", subject: "keyword", flags: []string{"$Important"}, days: 1},
		{id: "predeleted1", from: "gone@example.com", subject: "deleted by another client", flags: []string{`\Deleted`, `\Seen`}, days: 3},
	}
	devel := []mail{
		{id: "patch1", from: "dev@example.org", subject: "[PATCH] fix leak", days: 1},
		{id: "patch2", from: "dev@example.org", subject: "[patch] huge refactor", body: big, days: 1},
		{id: "devq", from: "dev@example.org", subject: "question about build", flags: seen, days: 5},
	}
	mymailbox := []mail{
		{id: "my1", from: "a@example.com", subject: "old one", flags: seen, days: 10},
		{id: "my2", from: "b@example.com", subject: "buy viagra", body: "cheap VIAGRA here\r\n", days: 2},
		{id: "my3", from: "c@example.com", subject: "hello", days: 1},
	}
	return []seedBox{
		box(now, dovecottest.DefaultUser, "INBOX", inbox...),
		box(now, dovecottest.DefaultUser, "dates", datesBox()...),
		box(now, dovecottest.DefaultUser, "lists/devel", devel...),
		box(now, dovecottest.DefaultUser, "news", mail{id: "n0", from: "x@news.example", subject: "already here", days: 3}),
		box(now, dovecottest.DefaultUser, "mymailbox", mymailbox...),
		// samples/config.lua reads account1.security: when that SELECT
		// fails, imapfilter keeps believing the previous mailbox is
		// selected and its next action fails (docs/imapfilter.md).
		{user: dovecottest.DefaultUser, mailbox: "headers", msgs: headerMails(now)},
		box(now, dovecottest.DefaultUser, "security", mail{id: "s0", from: "cert@example.org", subject: "advisory", days: 7}),
		box(now, dovecottest.DefaultUser, "Trash", mail{id: "t0", from: "x@example.com", subject: "trashed", flags: seen, days: 50}),
		// Mailboxes of their own for configs whose mail the rest of the
		// corpus lacks, so that the other configs select nothing more.
		box(now, dovecottest.DefaultUser, "git", gitMails()...),
		box(now, dovecottest.DefaultUser, "threads", threadMails()...),
		box(now, dovecottest.DefaultUser, "Junk E-mail", junkMails()...),
		box(now, dovecottest.DefaultUser, "prefilter", prefilterMails()...),
		box(now, dovecottest.DefaultUser, "SnoozeBox/Snooze_3h",
			mail{id: "sz1", from: "carol@example.org", subject: "read this later", days: 1},
			mail{id: "sz2", from: "dave@example.net", subject: "flagged for later", flags: []string{`\Seen`, `\Flagged`}, days: 2}),
		box(now, dovecottest.DefaultUser, "SnoozeBox/Snooze_1d",
			mail{id: "sz3", from: "erin@example.org", subject: "tomorrow", flags: seen, days: 1}),
		box(now, dovecottest.DefaultUser, "SnoozeBox/Snooze_2w",
			mail{id: "sz4", from: "frank@example.org", subject: "snoozed once before", headers: []string{"X-Snooze-Until: 1000000000"}, days: 3}),
		box(now, dovecottest.DefaultUser, "SnoozeBox/Snoozed", snoozedMails()...),
		box(now, dovecottest.DefaultUser, "mlists", listMails()...),
		box(now, dovecottest.SecondUser, "INBOX",
			mail{id: "bob1", from: "tux@penguin.land", subject: "for bob", days: 1},
			mail{id: "bob2", from: "carol@example.org", subject: "hi bob", flags: seen, days: 4}),
		box(now, dovecottest.SecondUser, "mymailbox2",
			mail{id: "bm1", from: "x@example.com", subject: "seen one", flags: seen, days: 4},
			mail{id: "bm2", from: "y@example.com", subject: "unseen one", days: 4}),
	}
}

// headerMails are the messages of the "headers" mailbox, for
// header-corners.lua: fields that occur twice, folded fields, names in
// other letter cases, empty and missing fields, encoded words, tabs,
// quotes and backslashes, bodies of several lines, no body at all. Each
// is given as its header lines (a Message-ID and a Date are put first)
// and its body (headerOnly: the message ends with its header, without
// the blank line; emptyBody: the blank line and nothing after). There
// are 20 of them, so that a match over all of them (with options.cache)
// takes its fields from whole headers, where one over fewer asks the
// server for each field (stdlib/imapfilter/lua/mailbox.lua).
func headerMails(now time.Time) []dovecottest.Message {
	const headerOnly, emptyBody = "\x01header only", "\x01empty body"
	type hm struct {
		id     string
		header []string
		body   string
	}
	ms := []hm{
		{"h01", []string{"Received: from a.example by b.example; Mon, 1 Jan 2024 10:00:00 +0000", "Received: from c.example\r\n\tby d.example; Mon, 1 Jan 2024 09:00:00 +0000", "From: Multi <multi@example.com>", "To: alice@example.org", "Subject: two labels", "X-Label: first", "X-Label: second"},
			"line one\r\nline two\r\n\r\nsay \"hi\" to C:\\path\\file\r\nend\r\n"},
		{"h02", []string{"From: folded@example.com", "Subject: a folded\r\n subject line", "X-LABEL: upper", "x-label: lower", "X-Empty:", "X-Blank: ", "X-Tab:\tafter tab", "X-Time: 10:30"},
			"tab\there\r\ntrailing space \r\n"},
		{"h03", []string{"From: nosubject@example.com", "To: alice@example.org"}, "no subject here\r\n"},
		{"h04", []string{"From: tab@example.com", "Subject: tab\there"}, ""},
		{"h05", []string{"From: enc@example.com", "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n =?UTF-8?Q?_cr=C3=A8me?="}, ""},
		{"h06", []string{"From: enclower@example.com", "Subject: =?utf-8?b?w6ljbGFpcg==?= and more"}, ""},
		{"h07", []string{"From: emptysubject@example.com", "Subject:"}, "the subject is empty\r\n"},
		{"h08", []string{"From: nospace@example.com", "Subject:nospace"}, ""},
		{"h09", []string{"From: padded@example.com", "Subject:   padded  "}, ""},
		{"h10", []string{"From: twice@example.com", "Subject: first subject", "Subject: second subject"}, ""},
		{"h11", []string{"FROM: LOUD@EXAMPLE.COM", "SUBJECT: SHOUTING", "x-LaBeL: mixed"}, ""},
		{"h12", []string{"From: spaced@example.com", "Subject : spaced colon", "X-Label\t: tabbed colon"}, ""},
		{"h13", []string{"From: nobody@example.com", "Subject: header only"}, headerOnly},
		{"h14", []string{"From: emptybody@example.com", "Subject: empty body"}, emptyBody},
		{"h15", []string{"From: nofinal@example.com", "Subject: no final newline"}, "first line\r\nlast line without newline"},
		{"h16", []string{"From: quotes@example.com", `Subject: say "hi" \ back`}, `path C:\dir\file and "quoted" text` + "\r\n"},
		{"h17", []string{"From: blankfold@example.com", "Subject: blank fold", "X-Odd: start\r\n \r\n continued"}, ""},
		{"h18", []string{"From: long@example.com", "Subject: one\r\n\ttwo\r\n   three", "X-Label: after long"}, ""},
		{"h19", []string{"From: colonless@example.com", "Subject: colonless line", "This line has no colon", "X-After: after it"}, ""},
		{"h20", []string{"From: Sig <sig@example.com>", "Subject: signature"}, "Dear Alice,\r\n\r\nPrice: $100\r\nCode: 12-34\r\n\r\n-- \r\nsig\r\n"},
	}
	var out []dovecottest.Message
	for i, m := range ms {
		date := now.Add(-time.Duration(i+1) * time.Hour)
		var b strings.Builder
		fmt.Fprintf(&b, "Message-ID: <%s@corpus.test>\r\n", m.id)
		fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
		for _, h := range m.header {
			b.WriteString(h + "\r\n")
		}
		switch m.body {
		case headerOnly:
		case emptyBody:
			b.WriteString("\r\n")
		case "":
			b.WriteString("\r\nbody of " + m.id + "\r\n")
		default:
			b.WriteString("\r\n" + m.body)
		}
		out = append(out, dovecottest.Message{Raw: []byte(b.String()), Date: date})
	}
	return out
}

// datesBox is the mailbox of dates-sizes.lua: internal dates and Date
// headers at fixed instants around midnight of 9/10 March 2025 (UTC), in
// other time zones, malformed or missing, an empty and a tiny message,
// and four messages whose age is counted from the test's start.
func datesBox() []mail {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []mail{
		{id: "z1", from: "a@dates.example", subject: "last second of the 9th", at: at("2025-03-09T23:59:59Z"), date: "Sun, 09 Mar 2025 23:59:59 +0000"},
		{id: "z2", from: "b@dates.example", subject: "midnight UTC, morning in Tokyo", at: at("2025-03-10T00:00:00Z"), date: "Mon, 10 Mar 2025 09:00:00 +0900"},
		{id: "z3", from: "c@dates.example", subject: "the 9th in California", at: at("2025-03-10T07:30:00Z"), date: "Sun, 09 Mar 2025 23:30:00 -0800"},
		{id: "z4", from: "d@dates.example", subject: "the 10th in Kiribati", at: at("2025-03-09T10:30:00Z"), date: "Mon, 10 Mar 2025 00:30:00 +1400"},
		{id: "z5", from: "e@dates.example", subject: "malformed date", at: at("2025-03-10T12:00:00Z"), date: "yesterday"},
		{id: "z6", from: "f@dates.example", subject: "no date", at: at("2025-03-11T12:00:00Z"), date: "-"},
		{id: "z7", from: "g@dates.example", subject: "two-digit year", at: at("2025-03-10T17:00:00Z"), date: "10 Mar 25 12:00 EST"},
		{id: "z8", from: "h@dates.example", subject: "date with a comment", at: at("2025-03-10T12:00:00Z"), date: "Mon, 10 Mar 2025 12:00:00 +0000 (UTC)"},
		{id: "z9", from: "i@dates.example", subject: "the 31st of February", at: at("2025-03-01T00:00:00Z"), date: "Mon, 31 Feb 2025 12:00:00 +0000"},
		{id: "z10", from: "j@dates.example", subject: "from the future", at: at("2025-01-01T00:00:00Z"), date: "Fri, 01 Jan 2100 00:00:00 +0000"},
		{id: "z11", from: "k@dates.example", subject: "last second of 1999", at: at("1999-12-31T23:59:59Z"), date: "Fri, 31 Dec 1999 23:59:59 -0000"},
		{id: "z12", from: "l@dates.example", subject: "one-digit day", at: at("2025-03-05T06:00:00Z"), date: "Wed, 5 Mar 2025 12:00:00 +0530"},
		{id: "z13", from: "m@dates.example", subject: "two dates", at: at("2025-03-10T12:00:00Z"), date: "Tue, 11 Mar 2025 08:00:00 +0000", headers: []string{"Date: Sat, 01 Mar 2025 08:00:00 +0000"}},
		{id: "empty", rawEmpty: true, at: at("2025-03-10T12:00:00Z")},
		{id: "tiny", raw: "Subject: tiny\r\n\r\n", at: at("2025-03-10T12:00:00Z"), flags: seen},
		{id: "r0", from: "n@dates.example", subject: "age 0", days: 0},
		{id: "r1", from: "n@dates.example", subject: "age 1", days: 1},
		{id: "r2", from: "n@dates.example", subject: "age 2", days: 2, flags: seen},
		{id: "r7", from: "n@dates.example", subject: "age 7", days: 7},
	}
}

// gitMails are the commit mail of git-repo-folders.lua: subjects naming
// a repository in brackets (one watched, one empty, one with a slash),
// one without, a reply, and one already seen.
func gitMails() []mail {
	return []mail{
		{id: "git1", from: "git@forge.example", subject: "git commit: [alpha] fix the typo", days: 1},
		{id: "git2", from: "git@forge.example", subject: "git commit: [alpha] add tests", days: 0.5},
		{id: "git3", from: "git@forge.example", subject: "git commit: [beta] release 1.0", days: 2},
		{id: "git4", from: "git@forge.example", subject: "git commit: [ga-ma/docs] new page", days: 3},
		{id: "git5", from: "git@forge.example", subject: "git commit: no repository named", days: 1},
		{id: "git6", from: "git@forge.example", subject: "git commit: [] empty name", days: 1},
		{id: "git7", from: "dev@forge.example", subject: "Re: git commit: [alpha] fix the typo", days: 0.2},
		{id: "git8", from: "git@forge.example", subject: "git commit: [alpha] old one", flags: seen, days: 9},
	}
}

// threadMails are the mail of juergh-lib.lua: two threads (replies by
// In-Reply-To, one naming two parents), noise, mail of no thread, and
// old mail for its archive.
func threadMails() []mail {
	re := func(ids ...string) []string {
		var v []string
		for _, id := range ids {
			v = append(v, "<"+id+"@corpus.test>")
		}
		return []string{"In-Reply-To: " + strings.Join(v, " ")}
	}
	return []mail{
		{id: "th1", from: "dev@kernel.example", subject: "[PATCH] frobnicate the widget", days: 5},
		{id: "th2", from: "rev@kernel.example", subject: "Re: [PATCH] frobnicate the widget", headers: re("th1"), days: 4},
		{id: "th3", from: "maint@kernel.example", subject: "APPLIED: [PATCH] frobnicate the widget", headers: re("th2"), days: 3},
		{id: "th4", from: "dev@kernel.example", subject: "Re: APPLIED: [PATCH] frobnicate the widget", headers: re("th3", "th1"), flags: seen, days: 2},
		{id: "nk1", from: "dev@kernel.example", subject: "[PATCH] risky change", days: 45},
		{id: "nk2", from: "rev@kernel.example", subject: "NACK: [PATCH] risky change", headers: re("nk1"), days: 40},
		{id: "lone", from: "dev@kernel.example", subject: "[PATCH] unrelated", days: 1},
		{id: "abi1", from: "bot@kernel.example", subject: "linux 6.1 uploaded (ABI bump)", days: 1},
		{id: "abi2", from: "bot@kernel.example", subject: "linux 6.2 uploaded (ABI bump)", flags: seen, days: 50},
	}
}

// junkMails are the mail of the "Junk E-mail" mailbox of
// folder-walk.lua: what its rules take, what it sends back to INBOX,
// and mail too old for it.
func junkMails() []mail {
	return []mail{
		{id: "jk1", from: "billing@shop.example", subject: "Your invoice", days: 1},
		{id: "jk2", from: "deals@shop.example", subject: "SPAM: cheap watches", days: 2},
		{id: "jk3", from: "Cron Daemon <root@server.example>", subject: "Cron <root@server> df", days: 1},
		{id: "jk4", from: "old@shop.example", subject: "old junk", flags: seen, days: 10},
	}
}

// prefilterMails are the mail of prefilter-chain.lua: one or more for
// each of its rules (some that two rules would take) and some that no
// rule takes.
func prefilterMails() []mail {
	return []mail{
		{id: "pf1", from: "LinkedIn <jobs-noreply@linkedin.com>", subject: "A job for you", days: 1},
		{id: "pf2", from: "recruiter@agency.example", to: "jobs@home.example", subject: "Opening", days: 2},
		{id: "pf3", from: "service@paypal.com", subject: "Receipt", flags: seen, days: 3},
		{id: "pf4", from: "UPS <tracking@ups.com>", subject: "Update", days: 1},
		{id: "pf5", from: "orders@store.example", subject: "Your order has shipped", days: 1},
		{id: "pf6", from: "news@twitter.com", subject: "What you missed", days: 2},
		{id: "pf7", from: "no-reply@meetup.com", subject: "New event", days: 4},
		{id: "pf8", from: "info@shop.example", subject: "Sale", days: 5},
		{id: "pf9", from: "Carol <carol@example.org>", subject: "Dinner on Friday?", days: 0.5},
		{id: "pf10", from: "dave@example.net", subject: "photos", flags: seen, days: 6},
	}
}

// snoozedMails are the mail of the Snoozed folder of snooze-folders.lua:
// one whose time has come, one far in the future, one without the
// header, each with the keyword it gives snoozed mail.
func snoozedMails() []mail {
	kw := []string{`\Seen`, "Snoozed"}
	return []mail{
		{id: "sz5", from: "gina@example.org", subject: "wake me", headers: []string{"X-Snooze-Until: 1000000000"}, flags: kw, days: 10},
		{id: "sz6", from: "hank@example.org", subject: "not yet", headers: []string{"X-Snooze-Until: 4102444800"}, flags: kw, days: 10},
		{id: "sz7", from: "ivy@example.org", subject: "no header", flags: kw, days: 10},
	}
}

// listMails are the mail of the "mlists" mailbox of list-id-folders.lua:
// List-Id fields in other letter cases, folded, with an address, and
// ids it must refuse (too long, with "=", of a bounce address); mail
// for its rules on addresses and words; and mail no rule takes.
func listMails() []mail {
	return []mail{
		{id: "ml1", from: "a@rust.example", subject: "borrowck", headers: []string{"List-Id: Rust users <users.rust.example>"}, days: 1},
		{id: "ml2", from: "b@rust.example", subject: "lifetimes", headers: []string{"List-ID: Rust users <users.rust.example>"}, flags: seen, days: 2},
		{id: "ml3", from: "c@dev.example", subject: "folded id", headers: []string{"List-Id: A list whose name\r\n is long <dev.example.org>"}, days: 1},
		{id: "ml4", from: "d@lists.example", subject: "lower case", headers: []string{"list-id: <announce@lists.example.com>"}, days: 3},
		{id: "ml5", from: "e@lists.example", subject: "equals", headers: []string{"List-Id: <a=b.example.org>"}, days: 1},
		{id: "ml6", from: "f@lists.example", subject: "bounce", headers: []string{"List-Id: <Bounces.example.org>"}, days: 1},
		{id: "ml7", from: "g@lists.example", subject: "too long", headers: []string{"List-Id: <" + strings.Repeat("x", 45) + ".example.org>"}, days: 1},
		{id: "ml8", from: "h@events.example", subject: "Join us", body: "Our webinar starts at noon.\r\n", days: 1},
		{id: "ml9", from: "news@shop.example", subject: "The monthly Newsletter", days: 2},
		{id: "ml10", from: "The Boss <boss@work.example>", subject: "Meeting", days: 1},
		{id: "ml11", from: "i@example.org", subject: "just mail", headers: []string{"X-List-Id: <not.a.list>"}, days: 1},
	}
}
