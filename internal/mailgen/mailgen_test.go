package mailgen_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/mailscript/mailscript/internal/mailgen"
)

// wordDecoder decodes encoded words in every charset x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "us-ascii":
		return r, nil
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}

// part is what the walk finds in a message.
type found struct {
	text        string
	textFound   bool
	attachments []mailgen.Attachment
	parts       int
}

// decodeBody undoes a Content-Transfer-Encoding.
func decodeBody(cte string, body []byte) ([]byte, error) {
	switch strings.ToLower(cte) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(body, []byte("\r\n"), nil))))
	case "", "7bit", "8bit":
		return body, nil
	}
	return nil, fmt.Errorf("unknown transfer encoding %q", cte)
}

// walk visits a MIME entity and its children.
func walk(get func(string) string, body []byte, f *found) error {
	f.parts++
	ct := get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content-type %q: %w", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		n := 0
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mt, err)
			}
			b, err := io.ReadAll(p)
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get, b, f); err != nil {
				return err
			}
			n++
		}
		if n < 2 {
			return fmt.Errorf("%s with %d parts", mt, n)
		}
		return nil
	}
	data, err := decodeBody(get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	if cd := get("Content-Disposition"); cd != "" {
		disp, dp, err := mime.ParseMediaType(cd)
		if err != nil {
			return fmt.Errorf("content-disposition %q: %w", cd, err)
		}
		if disp == "attachment" {
			f.attachments = append(f.attachments, mailgen.Attachment{Filename: dp["filename"], ContentType: mt, Size: len(data)})
			return nil
		}
	}
	if mt == "text/plain" && !f.textFound {
		r, err := charsetReader(params["charset"], bytes.NewReader(data))
		if err != nil {
			return err
		}
		text, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		f.text, f.textFound = strings.ReplaceAll(string(text), "\r\n", "\n"), true
	}
	return nil
}

// check parses m.Raw as Go's libraries do and compares with m's fields.
func check(m mailgen.Message) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if m.Size != len(m.Raw) {
		bad("Size %d, len(Raw) %d", m.Size, len(m.Raw))
	}
	lines := bytes.Split(m.Raw, []byte("\r\n"))
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			bad("line %d: bare CR or LF", i+1)
		}
		if len(l) > 998 {
			bad("line %d: %d characters", i+1, len(l))
		}
	}
	if len(lines[len(lines)-1]) != 0 {
		bad("last line does not end in CRLF")
	}
	head, _, _ := bytes.Cut(m.Raw, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(head), "\r\n") {
		if len(l) > 78 {
			bad("header line longer than 78: %q", l)
		}
	}

	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("net/mail: %w", err)
	}
	h := msg.Header
	if d, err := h.Date(); err != nil {
		bad("Date: %v", err)
	} else if !d.Equal(m.Date) {
		bad("Date %v, want %v", d, m.Date)
	} else if _, off := d.Zone(); func() bool { _, o := m.Date.Zone(); return o != off }() {
		bad("Date zone of %v differs from %v", d, m.Date)
	}
	ap := mail.AddressParser{WordDecoder: wordDecoder}
	if from, err := ap.Parse(h.Get("From")); err != nil {
		bad("From %q: %v", h.Get("From"), err)
	} else if from.Address != m.From || from.Name != m.FromName {
		bad("From %q %q, want %q %q", from.Name, from.Address, m.FromName, m.From)
	}
	for _, f := range []struct {
		name string
		want []string
	}{{"To", m.To}, {"Cc", m.Cc}} {
		if h.Get(f.name) == "" {
			if len(f.want) > 0 {
				bad("no %s, want %v", f.name, f.want)
			}
			continue
		}
		list, err := ap.ParseList(h.Get(f.name))
		if err != nil {
			bad("%s %q: %v", f.name, h.Get(f.name), err)
			continue
		}
		var got []string
		for _, a := range list {
			got = append(got, a.Address)
		}
		if !slices.Equal(got, f.want) {
			bad("%s %v, want %v", f.name, got, f.want)
		}
	}
	if subj, err := wordDecoder.DecodeHeader(h.Get("Subject")); err != nil {
		bad("Subject %q: %v", h.Get("Subject"), err)
	} else if subj != m.Subject {
		bad("Subject %q, want %q", subj, m.Subject)
	}
	if raw := h.Get("Subject"); (m.SubjectCharset == "") != !strings.Contains(raw, "=?") ||
		m.SubjectCharset != "" && !strings.Contains(raw, "=?"+m.SubjectCharset+"?") {
		bad("Subject %q, want charset %q", raw, m.SubjectCharset)
	}
	for _, f := range [][2]string{{"Message-Id", m.MessageID}, {"In-Reply-To", m.InReplyTo}, {"List-Id", m.ListID}} {
		if got := h.Get(f[0]); got != f[1] {
			bad("%s %q, want %q", f[0], got, f[1])
		}
	}
	if m.InReplyTo != "" && !strings.HasSuffix(h.Get("References"), m.InReplyTo) {
		bad("References %q do not end in In-Reply-To", h.Get("References"))
	}
	if got := h.Get("X-Spam-Flag") == "YES"; got != m.SpamFlag {
		bad("X-Spam-Flag %q, SpamFlag %v", h.Get("X-Spam-Flag"), m.SpamFlag)
	}
	if h.Get("Mime-Version") != "1.0" {
		bad("MIME-Version %q", h.Get("Mime-Version"))
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	var f found
	if err := walk(h.Get, body, &f); err != nil {
		bad("MIME: %v", err)
	} else {
		if !f.textFound || f.text != m.Text {
			bad("text/plain %q, want %q", f.text, m.Text)
		}
		if !reflect.DeepEqual(f.attachments, m.Attachments) {
			bad("attachments %+v, want %+v", f.attachments, m.Attachments)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("message %s %q:\n%w", m.MessageID, m.Subject, err)
	}
	return nil
}

func generate(t testing.TB, opts mailgen.Options) []mailgen.Message {
	t.Helper()
	msgs, err := mailgen.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

var demoNow = time.Date(2025, time.March, 3, 9, 30, 15, 0, time.UTC)

// sets are the mailboxes most tests look at.
func sets(t *testing.T) map[string][]mailgen.Message {
	return map[string][]mailgen.Message{
		"demo":    mailgen.Demo(demoNow),
		"seed1":   generate(t, mailgen.Options{Seed: 1, Count: 500}),
		"seed42":  generate(t, mailgen.Options{Seed: 42, Count: 300, Now: demoNow, Span: 30 * 24 * time.Hour}),
		"spamvip": generate(t, mailgen.Options{Seed: 7, Count: 100, Mix: mailgen.Mix{Spam: 1, VIP: 1}, VIPs: []string{"Ceo <ceo@corp.example>", "cfo@corp.example"}}),
	}
}

func TestMessagesParse(t *testing.T) {
	for name, msgs := range sets(t) {
		t.Run(name, func(t *testing.T) {
			if len(msgs) == 0 {
				t.Fatal("no messages")
			}
			for _, m := range msgs {
				if err := check(m); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	opts := mailgen.Options{Seed: 99, Count: 200, Mailboxes: []string{"INBOX", "Archive"}}
	a, b := generate(t, opts), generate(t, opts)
	if !reflect.DeepEqual(a, b) {
		t.Error("two Generate calls with the same options differ")
	}
	opts.Seed = 100
	c := generate(t, opts)
	same := 0
	for i := range a {
		if bytes.Equal(a[i].Raw, c[i].Raw) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 99 and 100 share %d of %d messages", same, len(a))
	}
	if !reflect.DeepEqual(mailgen.Demo(demoNow), mailgen.Demo(demoNow)) {
		t.Error("two Demo calls with the same time differ")
	}
	// A prefix of a larger count is not promised, but the same count with
	// the zero Now is stable across calls as well.
	if !reflect.DeepEqual(generate(t, mailgen.Options{Count: 50}), generate(t, mailgen.Options{Count: 50})) {
		t.Error("zero Now is not deterministic")
	}
}

// checkSet checks what holds for every set: order, dates, flags, unique
// Message-IDs, threads pointing back, lists and spam marks.
func checkSet(t *testing.T, msgs []mailgen.Message, lo, hi time.Time) {
	t.Helper()
	ids := map[string]mailgen.Message{}
	valid := []string{`\Seen`, `\Answered`, `\Flagged`}
	for i, m := range msgs {
		if i > 0 && m.Date.Before(msgs[i-1].Date) {
			t.Errorf("message %d dated %v before message %d (%v)", i, m.Date, i-1, msgs[i-1].Date)
		}
		if m.Date.Before(lo) || !m.Date.Before(hi) {
			t.Errorf("%s: date %v outside [%v, %v)", m.MessageID, m.Date, lo, hi)
		}
		if m.Flags == nil {
			t.Errorf("%s: nil Flags", m.MessageID)
		}
		last := -1
		for _, f := range m.Flags {
			j := slices.Index(valid, f)
			if j <= last {
				t.Errorf("%s: flags %v not a subset of %v in order", m.MessageID, m.Flags, valid)
			}
			last = j
		}
		if _, dup := ids[m.MessageID]; dup {
			t.Errorf("duplicate Message-ID %s", m.MessageID)
		}
		if m.InReplyTo != "" {
			p, ok := ids[m.InReplyTo]
			if !ok {
				t.Errorf("%s replies to %s, not an earlier message", m.MessageID, m.InReplyTo)
			} else if !strings.Contains(m.Subject, "Re: ") {
				t.Errorf("%s replies to %q with subject %q", m.MessageID, p.Subject, m.Subject)
			}
		}
		ids[m.MessageID] = m
		switch m.Kind {
		case mailgen.Newsletter, mailgen.List:
			if m.ListID == "" || !bytes.Contains(m.Raw, []byte("\r\nList-Id: ")) {
				t.Errorf("%v %s without List-Id", m.Kind, m.MessageID)
			}
		case mailgen.Spam:
			if !m.SpamFlag {
				t.Errorf("spam %s without X-Spam-Flag", m.MessageID)
			}
		case mailgen.Personal, mailgen.Work, mailgen.VIP:
			if m.ListID != "" {
				t.Errorf("%v %s with List-Id", m.Kind, m.MessageID)
			}
		}
		if m.SpamFlag != (m.Kind == mailgen.Spam) {
			t.Errorf("%v %s: SpamFlag %v", m.Kind, m.MessageID, m.SpamFlag)
		}
	}
}

func TestGenerate(t *testing.T) {
	now := time.Date(2024, time.June, 1, 8, 0, 0, 500, time.FixedZone("", 7200))
	span := 90 * 24 * time.Hour
	msgs := generate(t, mailgen.Options{Seed: 3, Count: 2000, Now: now, Span: span, Mailboxes: []string{"INBOX", "Old", "Lists/go"}})
	if len(msgs) != 2000 {
		t.Fatalf("%d messages, want 2000", len(msgs))
	}
	checkSet(t, msgs, now.Add(-span), now)

	byKind := map[mailgen.Kind]int{}
	for _, m := range msgs {
		byKind[m.Kind]++
		if m.Kind == mailgen.VIP && m.From != "boss@example.com" {
			t.Errorf("VIP mail from %s", m.From)
		}
	}
	for _, k := range mailgen.Kinds() {
		if byKind[k] < 50 {
			t.Errorf("%d messages of kind %v in 2000", byKind[k], k)
		}
	}
	boxes := mailgen.ByMailbox(msgs)
	if names := mailgen.MailboxNames(msgs); len(names) != 3 || len(boxes) != 3 {
		t.Fatalf("mailboxes %v", names)
	}
	for name, ms := range boxes {
		if len(ms) < 500 {
			t.Errorf("%d messages in %s", len(ms), name)
		}
		for _, m := range ms {
			if m.Mailbox != name {
				t.Errorf("ByMailbox put a message of %s under %s", m.Mailbox, name)
			}
		}
	}

	// Old mail is mostly read, new mail mostly not.
	var oldSeen, old, newSeen, recent int
	for _, m := range msgs {
		switch age := now.Sub(m.Date); {
		case age > 30*24*time.Hour && m.Kind != mailgen.Spam:
			old++
			if m.Seen() {
				oldSeen++
			}
		case age < 2*24*time.Hour && m.Kind != mailgen.Spam:
			recent++
			if m.Seen() {
				newSeen++
			}
		}
	}
	if oldSeen*10 < old*8 || newSeen*10 > recent*6 {
		t.Errorf("seen: %d of %d old, %d of %d recent", oldSeen, old, newSeen, recent)
	}
}

func TestGenerateMixAndVIPs(t *testing.T) {
	vips := []string{"Ceo <ceo@corp.example>", "cfo@corp.example"}
	msgs := generate(t, mailgen.Options{Seed: 5, Count: 300, Mix: mailgen.Mix{VIP: 1, Spam: 1}, VIPs: vips})
	checkSet(t, msgs, mailgen.DefaultNow.Add(-mailgen.DefaultSpan), mailgen.DefaultNow)
	from := map[string]int{}
	for _, m := range msgs {
		switch m.Kind {
		case mailgen.VIP:
			from[m.From]++
			if m.From == "ceo@corp.example" && m.FromName != "Ceo" {
				t.Errorf("VIP name %q", m.FromName)
			}
		case mailgen.Spam:
		default:
			t.Errorf("kind %v outside the mix", m.Kind)
		}
	}
	if from["ceo@corp.example"] < 30 || from["cfo@corp.example"] < 30 || len(from) != 2 {
		t.Errorf("VIP senders %v", from)
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts mailgen.Options
		want string
	}{
		{"negative count", mailgen.Options{Count: -1}, "negative count"},
		{"negative span", mailgen.Options{Count: 1, Span: -time.Hour}, "negative span"},
		{"short span", mailgen.Options{Count: 1, Span: time.Nanosecond, Now: time.Unix(10, 5)}, ""},
		{"negative weight", mailgen.Options{Count: 1, Mix: mailgen.Mix{Spam: -1, VIP: 2}}, "negative weight"},
		{"bad VIP", mailgen.Options{Count: 1, VIPs: []string{"not an address"}}, "VIP"},
		{"empty mailbox", mailgen.Options{Count: 1, Mailboxes: []string{""}}, "mailbox"},
		{"mailbox with CR", mailgen.Options{Count: 1, Mailboxes: []string{"a\rb"}}, "mailbox"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := mailgen.Generate(tc.opts)
			if tc.want == "" {
				if err != nil || len(msgs) != 1 {
					t.Fatalf("got %d messages, %v", len(msgs), err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "mailgen: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %q", err, tc.want)
			}
		})
	}
	if msgs := generate(t, mailgen.Options{}); len(msgs) != 0 {
		t.Errorf("zero Count gave %d messages", len(msgs))
	}
}

func TestDemo(t *testing.T) {
	msgs := mailgen.Demo(demoNow)
	if n := len(msgs); n < 60 || n > 120 {
		t.Errorf("%d demo messages", n)
	}
	checkSet(t, msgs, demoNow.Add(-mailgen.DefaultSpan), demoNow)

	charsets := map[string]bool{}
	lists := map[string]bool{}
	var oldSpam, newSpam, vip, vipFlagged, unseen, flagged, answered, rfc2231, threads, images int
	for _, m := range msgs {
		charsets[m.SubjectCharset] = true
		if m.Kind == mailgen.Newsletter {
			lists[m.ListToken()] = true
		}
		if m.Kind == mailgen.Spam {
			if demoNow.Sub(m.Date) > 30*24*time.Hour {
				oldSpam++
			} else {
				newSpam++
			}
		}
		if m.From == "boss@example.com" {
			vip++
			if m.Flagged() {
				vipFlagged++
			}
		}
		if !m.Seen() {
			unseen++
		}
		if m.Flagged() {
			flagged++
		}
		if m.HasFlag(`\answered`) {
			answered++
		}
		if bytes.Contains(m.Raw, []byte("filename*")) {
			rfc2231++
		}
		if m.InReplyTo != "" {
			threads++
		}
		for _, a := range m.Attachments {
			if strings.HasPrefix(a.ContentType, "image/") {
				images++
			}
		}
	}
	for _, cs := range mailgen.Charsets() {
		if !charsets[cs] {
			t.Errorf("no subject in %s", cs)
		}
	}
	for _, enc := range []string{"=?UTF-8?Q?", "=?UTF-8?B?"} {
		if !slices.ContainsFunc(msgs, func(m mailgen.Message) bool { return bytes.Contains(m.Raw, []byte("\r\nSubject: "+enc)) }) {
			t.Errorf("no subject starting with %s", enc)
		}
	}
	folded := 0
	for _, m := range msgs {
		_, after, _ := bytes.Cut(m.Raw, []byte("\r\nSubject: "))
		if line, _, _ := bytes.Cut(after, []byte("\r\n")); len(line) < len(m.Subject) && len(after) > len(line)+2 && after[len(line)+2] == ' ' {
			folded++
		}
	}
	if folded < 2 {
		t.Errorf("%d folded subjects", folded)
	}
	counts := map[string]int{"lists": len(lists), "old spam": oldSpam, "new spam": newSpam, "VIP": vip, "flagged VIP": vipFlagged,
		"unseen": unseen, "flagged": flagged, "answered": answered, "RFC 2231 names": rfc2231, "replies": threads, "images": images}
	for name, min := range map[string]int{"lists": 3, "old spam": 3, "new spam": 3, "VIP": 4, "flagged VIP": 2,
		"unseen": 20, "flagged": 5, "answered": 2, "RFC 2231 names": 3, "replies": 8, "images": 3} {
		if counts[name] < min {
			t.Errorf("%d %s, want at least %d", counts[name], name, min)
		}
	}
	if got := mailgen.MailboxNames(msgs); len(got) != 3 || !slices.Contains(got, mailgen.Inbox) || !slices.Contains(got, mailgen.Archive) || !slices.Contains(got, mailgen.Sent) {
		t.Errorf("mailboxes %v", got)
	}
	for _, m := range mailgen.ByMailbox(msgs)[mailgen.Sent] {
		if m.From != "me@example.com" || !m.Seen() {
			t.Errorf("sent message from %s with flags %v", m.From, m.Flags)
		}
	}
	if zero := mailgen.Demo(time.Time{}); !zero[len(zero)-1].Date.Before(mailgen.DefaultNow) {
		t.Error("Demo(zero) is not before DefaultNow")
	}
}

func TestKindString(t *testing.T) {
	var names []string
	for _, k := range mailgen.Kinds() {
		names = append(names, k.String())
	}
	want := []string{"personal", "work", "vip", "newsletter", "notification", "list", "spam"}
	if !slices.Equal(names, want) {
		t.Errorf("kinds %v, want %v", names, want)
	}
	if s := mailgen.Kind(42).String(); s != "kind(42)" {
		t.Errorf("Kind(42) = %q", s)
	}
}

func TestMessageHelpers(t *testing.T) {
	m := mailgen.Message{Flags: []string{`\Seen`}, ListID: "Gopher Weekly <gw.example.org>",
		Attachments: []mailgen.Attachment{{Filename: "a.pdf"}, {Filename: "b.png"}}}
	if !m.Seen() || m.Flagged() || !m.HasFlag(`\SEEN`) {
		t.Error("flag helpers")
	}
	if m.ListToken() != "gw.example.org" {
		t.Errorf("ListToken %q", m.ListToken())
	}
	if !m.HasAttachment() || !slices.Equal(m.AttachmentNames(), []string{"a.pdf", "b.png"}) {
		t.Errorf("attachments %v", m.AttachmentNames())
	}
	if (mailgen.Message{}).HasAttachment() || (mailgen.Message{}).ListToken() != "" {
		t.Error("zero message helpers")
	}
}

func BenchmarkGenerate10000(b *testing.B) {
	var size int
	for b.Loop() {
		msgs, err := mailgen.Generate(mailgen.Options{Seed: 1, Count: 10000})
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, m := range msgs {
			size += m.Size
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB/op-output")
}
