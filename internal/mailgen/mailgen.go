package mailgen

import (
	"strconv"
	"strings"
	"time"
)

// Kind is the sort of mail a message imitates.
type Kind int

// The kinds of mail the generator writes.
const (
	// Personal is mail from friends and family, in several languages and
	// charsets, sometimes with photos, sometimes a follow-up in a thread.
	Personal Kind = iota
	// Work is mail from colleagues: meetings, reviews, invitations.
	Work
	// VIP is mail from one of the VIP addresses (a boss).
	VIP
	// Newsletter is bulk mail with a List-Id, List-Unsubscribe and an
	// HTML alternative.
	Newsletter
	// Notification is automated mail: code-hosting notifications (with a
	// List-Id, as GitHub sends them), CI results, parcels, bank statements,
	// security alerts.
	Notification
	// List is mailing-list traffic with a List-Id, a subject prefix such as
	// "[dovecot]" and threads.
	List
	// Spam is junk mail marked with "X-Spam-Flag: YES".
	Spam
	numKinds
)

var kindNames = [...]string{"personal", "work", "vip", "newsletter", "notification", "list", "spam"}

// String returns the kind's lower-case name, such as "newsletter".
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return "kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Kinds returns every kind, in declaration order.
func Kinds() []Kind {
	ks := make([]Kind, numKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// Message is one generated message together with the facts a test needs
// to predict what a rule does with it, so that nothing has to parse Raw.
type Message struct {
	// Raw is the whole RFC 5322 message with CRLF line ends.
	Raw []byte
	// Mailbox is the mailbox the message belongs in, such as "INBOX".
	Mailbox string
	// Flags are the IMAP flags to store with it: a subset of \Seen,
	// \Answered and \Flagged, in that order. Never nil.
	Flags []string
	// Date is both the Date header and the internal date to append with.
	// Its location is the sender's time zone.
	Date time.Time
	// Kind is the sort of mail the message imitates.
	Kind Kind
	// From is the sender's address (addr-spec, no angle brackets).
	From string
	// FromName is the sender's display name, decoded; may be empty.
	FromName string
	// To and Cc are the recipients' addresses.
	To, Cc []string
	// Subject is the decoded subject, in UTF-8.
	Subject string
	// SubjectCharset is the charset of the subject's encoded words, such as
	// "KOI8-R", or "" when the subject is plain ASCII.
	SubjectCharset string
	// MessageID is the Message-ID header, with its angle brackets.
	MessageID string
	// InReplyTo is the In-Reply-To header (a MessageID of an earlier
	// message), or "".
	InReplyTo string
	// ListID is the List-Id header as written, such as
	// "Gopher Weekly <gopherweekly.news.example.org>", or "".
	ListID string
	// SpamFlag reports whether the message has "X-Spam-Flag: YES".
	SpamFlag bool
	// Text is the decoded text/plain body in UTF-8 with LF line ends.
	Text string
	// Attachments are the message's attachments, in order.
	Attachments []Attachment
	// Size is len(Raw), the RFC822.SIZE a server reports.
	Size int
}

// Attachment describes one attachment of a Message.
type Attachment struct {
	// Filename is the decoded file name (RFC 2231 encoded in the message
	// when it is not ASCII).
	Filename string
	// ContentType is the media type, such as "application/pdf".
	ContentType string
	// Size is the decoded size in bytes.
	Size int
}

// HasAttachment reports whether the message has at least one attachment.
func (m Message) HasAttachment() bool { return len(m.Attachments) > 0 }

// AttachmentNames returns the file names of the attachments.
func (m Message) AttachmentNames() []string {
	names := make([]string, len(m.Attachments))
	for i, a := range m.Attachments {
		names[i] = a.Filename
	}
	return names
}

// HasFlag reports whether the message has flag, compared without regard
// to case as IMAP does for system flags.
func (m Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// Seen reports whether the message has the \Seen flag.
func (m Message) Seen() bool { return m.HasFlag(`\Seen`) }

// Flagged reports whether the message has the \Flagged flag.
func (m Message) Flagged() bool { return m.HasFlag(`\Flagged`) }

// ListToken returns the list identifier inside the List-Id's angle
// brackets, such as "gopherweekly.news.example.org", or "".
func (m Message) ListToken() string {
	i := strings.LastIndexByte(m.ListID, '<')
	j := strings.LastIndexByte(m.ListID, '>')
	if i < 0 || j < i {
		return m.ListID
	}
	return m.ListID[i+1 : j]
}

// ByMailbox groups messages by Mailbox, keeping their order.
func ByMailbox(msgs []Message) map[string][]Message {
	out := map[string][]Message{}
	for _, m := range msgs {
		out[m.Mailbox] = append(out[m.Mailbox], m)
	}
	return out
}

// MailboxNames returns the distinct mailboxes of msgs in order of first
// appearance.
func MailboxNames(msgs []Message) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m.Mailbox] {
			seen[m.Mailbox] = true
			names = append(names, m.Mailbox)
		}
	}
	return names
}

// person is a sender or recipient.
type person struct {
	name, addr string
	// charset and useB say how to encode a name that is not ASCII.
	charset string
	useB    bool
	// zone is the person's time zone offset in hours.
	zone int
	// lang picks subjects and bodies: "en", "fr", "de", "ru", "ja",
	// "zh-cn", "zh-tw", "ko".
	lang string
}

// attachment is an attachment before rendering.
type attachment struct {
	name, ctype string
	data        []byte
	inline      bool
}

// spec is a message before rendering.
type spec struct {
	kind       Kind
	mailbox    string
	date       time.Time
	from       person
	to, cc     []person
	subject    string
	charset    string // for the subject's encoded words
	useB       bool
	messageID  string
	inReplyTo  string
	references []string
	listID     string
	extra      [][2]string
	text       string
	html       string
	// textCharset is the body charset ("" picks us-ascii or UTF-8) and
	// textCTE its transfer encoding ("" picks 7bit or quoted-printable).
	textCharset, textCTE string
	attachments          []attachment
	flags                []string
	spam                 bool
}
