package pairtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
)

// Mailboxes of the standard corpus, with how many messages each holds.
// Readonly's ACL leaves its owner only the rights l and r, so a SELECT of
// it answers [READ-ONLY].
var Mailboxes = map[string]int{"INBOX": 6, "Archive": 3, "Lists/golang": 2, "Drafts": 1, "Readonly": 2}

func msg(date time.Time, flags []string, raw string) dovecottest.Message {
	return dovecottest.Message{Raw: []byte(strings.ReplaceAll(raw, "\n", "\r\n")), Flags: flags, Date: date}
}

// BigBodySize is the size of the body of INBOX message 5.
const BigBodySize = 200 * 1024

// SeedStandard fills the default user's mail with the corpus the
// conformance pairs and the examples expect.
func SeedStandard(t testing.TB, srv *dovecottest.Server) {
	t.Helper()
	u := srv.User
	d := func(y, mo, day, h, mi int, zone int) time.Time {
		return time.Date(y, time.Month(mo), day, h, mi, 0, 0, time.FixedZone("", zone*3600))
	}
	var big strings.Builder
	for big.Len() < BigBodySize {
		fmt.Fprintf(&big, "line %06d of a long message, to check large literals arrive whole\n", big.Len()/64)
	}
	body := big.String()[:BigBodySize]
	srv.Seed(t, u, "INBOX", []dovecottest.Message{
		msg(d(2024, 3, 1, 10, 0, 0), []string{`\Seen`}, `From: Bob <bob@example.org>
To: Alice <alice@example.org>
Subject: Hello
Date: Fri, 01 Mar 2024 10:00:00 +0000
Message-ID: <1@example.org>

Hello Alice,
how are you?
`),
		msg(d(2024, 3, 2, 9, 30, 1), []string{`\Flagged`, "Work"}, `From: Carol <carol@example.com>
To: alice@example.org
Subject: Invoice 4711
Date: Sat, 02 Mar 2024 09:30:00 +0100
Message-ID: <2@example.com>

Please pay invoice 4711.
`),
		msg(d(2024, 3, 3, 18, 45, -5), []string{`\Seen`, `\Answered`}, `From: Dave <dave@example.net>
To: alice@example.org
Subject: Report with attachment
Date: Sun, 03 Mar 2024 18:45:00 -0500
Message-ID: <3@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

See the attached report.
--b1
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK
--b1--
`),
		msg(d(2024, 3, 4, 7, 5, 2), nil, "From: =?utf-8?q?J=C3=BCrgen?= <juergen@example.de>\n"+
			"To: alice@example.org\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\nDate: Mon, 04 Mar 2024 07:05:00 +0200\n"+
			"Message-ID: <4@example.de>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"+
			"Content-Transfer-Encoding: 8bit\n\nViele Grüße aus München\n"),
		msg(d(2024, 3, 5, 12, 0, 0), []string{`\Seen`}, "From: Bob <bob@example.org>\nTo: alice@example.org\n"+
			"Subject: Big one\nDate: Tue, 05 Mar 2024 12:00:00 +0000\nMessage-ID: <5@example.org>\n\n"+body),
		msg(d(2024, 3, 6, 23, 59, 0), []string{`\Deleted`}, `From: spam@example.biz
To: alice@example.org
Subject: You won
Date: Wed, 06 Mar 2024 23:59:00 +0000
Message-ID: <6@example.biz>

Click here.
`),
	})
	srv.Seed(t, u, "Archive", []dovecottest.Message{
		msg(d(2023, 1, 10, 8, 0, 0), []string{`\Seen`}, "From: Bob <bob@example.org>\nSubject: Old news\nMessage-ID: <a1@example.org>\n\nold\n"),
		msg(d(2023, 6, 15, 14, 30, 2), []string{`\Seen`, `\Flagged`}, "From: Carol <carol@example.com>\nSubject: Summer plans\nMessage-ID: <a2@example.com>\n\nbeach\n"),
		msg(d(2023, 12, 24, 18, 0, 1), []string{`\Seen`}, "From: Dave <dave@example.net>\nSubject: Merry Christmas\nMessage-ID: <a3@example.net>\n\nho ho ho\n"),
	})
	srv.Seed(t, u, "Lists/golang", []dovecottest.Message{
		msg(d(2024, 2, 1, 9, 0, 0), nil, "From: gopher@example.org\nSubject: [golang] Go 1.22 released\nMessage-ID: <g1@example.org>\nIn-Reply-To: <g0@example.org>\n\nrange over int\n"),
		msg(d(2024, 2, 2, 9, 0, 0), nil, "From: other@example.org\nSubject: Re: [golang] Go 1.22 released\nMessage-ID: <g2@example.org>\nIn-Reply-To: <g1@example.org>\nReferences: <g1@example.org>\n\nnice\n"),
	})
	srv.Seed(t, u, "Drafts", []dovecottest.Message{
		msg(d(2024, 3, 7, 16, 0, 0), []string{`\Draft`, `\Seen`}, "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: Draft reply\n\nunfinished\n"),
	})
	srv.Seed(t, u, "Readonly", []dovecottest.Message{
		msg(d(2022, 5, 5, 5, 5, 0), []string{`\Seen`}, "From: archive@example.org\nSubject: Frozen 1\n\nfrozen\n"),
		msg(d(2022, 5, 6, 5, 5, 0), nil, "From: archive@example.org\nSubject: Frozen 2\n\nfrozen\n"),
	})
	acl := filepath.Join(srv.MailDir(u), "Readonly", "dovecot-acl")
	if err := os.WriteFile(acl, []byte("owner lr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chownLike(acl, filepath.Dir(acl)); err != nil {
		t.Fatal(err)
	}
}

// chownLike gives path the owner of ref.
func chownLike(path, ref string) error {
	info, err := os.Stat(ref)
	if err != nil {
		return err
	}
	if st, ok := statOwner(info); ok {
		return os.Chown(path, st[0], st[1])
	}
	return nil
}
