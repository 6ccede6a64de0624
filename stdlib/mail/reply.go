package mail

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/mailscript/mailscript/stdlib/email"
)

// ReplyOptions describe a reply (msg:reply{...}).
type ReplyOptions struct {
	// Text and HTML are the reply's own words (HTML makes the reply a
	// multipart/alternative with Text as its plain part).
	Text, HTML string
	// Quote appends the original's text, each line prefixed with "> "
	// under an "On DATE, SENDER wrote:" line.
	Quote bool
	// All replies to every recipient of the original too (Cc), except
	// the account's own addresses.
	All bool
	// From is the From field ("" means the account's address); Subject
	// replaces "Re: <original subject>".
	From, Subject string
	// Own are addresses never replied to (the account's own).
	Own []string
	// Headers are extra fields ("Name: value").
	Headers []string
}

var rePrefix = regexp.MustCompile(`(?i)^\s*(re|aw|sv|antw)\s*:`)

// decoded returns the decoded, unfolded value of a field.
func decoded(m *email.Message, name string) string {
	v, _ := m.Get(name)
	return DecodeHeader(v)
}

// replyTarget is who a reply goes to: Reply-To, else From.
func replyTarget(orig *email.Message) []email.Address {
	for _, f := range []string{"reply-to", "from"} {
		if v, ok := orig.Get(f); ok {
			if as := email.ParseAddresses(v); len(as) > 0 && as[0].Addr != "" {
				return as
			}
		}
	}
	return nil
}

func formatList(as []email.Address) string {
	var out []string
	for _, a := range as {
		out = append(out, email.FormatAddr(email.Address{Name: DecodeHeader(a.Name), Addr: a.Addr}))
	}
	return strings.Join(out, ", ")
}

func inList(addr string, list []string) bool {
	for _, l := range list {
		if strings.EqualFold(strings.TrimSpace(l), addr) {
			return true
		}
	}
	return false
}

// threadFields sets In-Reply-To and References from the original.
func threadFields(reply, orig *email.Message) error {
	id := strings.TrimSpace(func() string { v, _ := orig.Get("message-id"); return v }())
	if id == "" {
		return nil
	}
	refs := strings.Join(strings.Fields(func() string {
		if v, ok := orig.Get("references"); ok {
			return v
		}
		v, _ := orig.Get("in-reply-to")
		return v
	}()), " ")
	if err := reply.SetItem("In-Reply-To", id); err != nil {
		return err
	}
	if refs != "" {
		refs += " "
	}
	return reply.SetItem("References", refs+id)
}

// quoted is the original's readable text, each line prefixed with "> ",
// under an attribution line.
func quoted(orig *email.Message) string {
	who := decoded(orig, "from")
	when := ""
	if v, ok := orig.Get("date"); ok {
		if t, _, _, err := email.ParseDate(v); err == nil {
			when = "On " + t.Format("Mon, 2 Jan 2006 15:04") + ", "
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s wrote:\n", when, who)
	text := strings.TrimRight(strings.ReplaceAll(ReadableText(orig), "\r\n", "\n"), "\n")
	for _, l := range strings.Split(text, "\n") {
		if l == "" || strings.HasPrefix(l, ">") {
			b.WriteString(">" + l + "\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

func setBody(m *email.Message, text, htmlText string) error {
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if err := m.SetContent(email.Content{Text: text, IsText: true}, email.ContentOptions{}); err != nil {
		return err
	}
	if htmlText != "" {
		return m.AddAlternative(email.Content{Text: htmlText, IsText: true}, email.ContentOptions{Subtype: "html"})
	}
	return nil
}

func addHeaders(m *email.Message, headers []string) error {
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("mail: header %q: want \"Name: value\"", h)
		}
		if err := m.SetItem(strings.TrimSpace(name), strings.TrimSpace(value)); err != nil {
			return fmt.Errorf("mail: header %q: %w", h, err)
		}
	}
	return nil
}

// BuildReply builds the reply to orig as an EmailMessage.
func BuildReply(orig *email.Message, from string, o ReplyOptions) (*email.Message, error) {
	to := replyTarget(orig)
	if len(to) == 0 {
		return nil, fmt.Errorf("mail: reply: the message has no From or Reply-To address")
	}
	own := append([]string{email.ParseAddr(from).Addr}, o.Own...)
	var cc []email.Address
	if o.All {
		seen := map[string]bool{}
		for _, a := range to {
			seen[strings.ToLower(a.Addr)] = true
		}
		for _, f := range []string{"to", "cc"} {
			for _, v := range orig.GetAll(f) {
				for _, a := range email.ParseAddresses(v) {
					k := strings.ToLower(a.Addr)
					if a.Addr == "" || seen[k] || inList(a.Addr, own) {
						continue
					}
					seen[k] = true
					cc = append(cc, a)
				}
			}
		}
	}
	subject := o.Subject
	if subject == "" {
		subject = decoded(orig, "subject")
		if !rePrefix.MatchString(subject) {
			subject = "Re: " + subject
		}
	}
	r := email.NewEmailMessage()
	steps := []func() error{
		func() error { return r.SetItem("From", from) },
		func() error { return r.SetItem("To", formatList(to)) },
		func() error {
			if len(cc) == 0 {
				return nil
			}
			return r.SetItem("Cc", formatList(cc))
		},
		func() error { return r.SetItem("Subject", subject) },
		func() error { return threadFields(r, orig) },
		func() error { return addHeaders(r, o.Headers) },
		func() error {
			text, htmlText := o.Text, o.HTML
			if o.Quote {
				q := quoted(orig)
				text = strings.TrimRight(text, "\n") + "\n\n" + q
				if htmlText != "" {
					htmlText += "\n<blockquote>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(q, "\n")), "\n", "<br>\n") + "</blockquote>\n"
				}
			}
			return setBody(r, text, htmlText)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, fmt.Errorf("mail: reply: %w", err)
		}
	}
	return r, nil
}

// ForwardOptions describe a forward (msg:forward{...}).
type ForwardOptions struct {
	To []string
	// Note is the text above the forwarded message.
	Note string
	// Inline puts the original's text in the body (and its attachments
	// after it) instead of attaching it whole as message/rfc822.
	Inline bool
	// From and Subject replace the account's address and "Fwd: <subject>".
	From, Subject string
	Headers       []string
}

// BuildForward builds the forward of orig as an EmailMessage.
func BuildForward(orig *email.Message, from string, o ForwardOptions) (*email.Message, error) {
	if len(o.To) == 0 {
		return nil, fmt.Errorf("mail: forward: to is required")
	}
	subject := o.Subject
	if subject == "" {
		subject = "Fwd: " + decoded(orig, "subject")
	}
	f := email.NewEmailMessage()
	steps := []func() error{
		func() error { return f.SetItem("From", from) },
		func() error { return f.SetItem("To", strings.Join(o.To, ", ")) },
		func() error { return f.SetItem("Subject", subject) },
		func() error { return addHeaders(f, o.Headers) },
	}
	if o.Inline {
		steps = append(steps, func() error {
			var b strings.Builder
			if o.Note != "" {
				b.WriteString(strings.TrimRight(o.Note, "\n") + "\n\n")
			}
			b.WriteString("---------- Forwarded message ----------\n")
			for _, h := range []string{"From", "Date", "Subject", "To", "Cc"} {
				if v := decoded(orig, h); v != "" {
					fmt.Fprintf(&b, "%s: %s\n", h, v)
				}
			}
			b.WriteString("\n" + strings.ReplaceAll(ReadableText(orig), "\r\n", "\n"))
			if err := setBody(f, b.String(), ""); err != nil {
				return err
			}
			for _, at := range Attachments(orig) {
				main, sub, _ := strings.Cut(at.ContentType, "/")
				if err := f.AddAttachment(email.Content{Data: at.Data, Maintype: main, Subtype: sub},
					email.ContentOptions{Filename: at.Filename, HasFilename: at.Filename != ""}); err != nil {
					return err
				}
			}
			return nil
		})
	} else {
		steps = append(steps, func() error {
			if err := setBody(f, o.Note, ""); err != nil {
				return err
			}
			return f.AddAttachment(email.Content{Msg: orig}, email.ContentOptions{})
		})
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, fmt.Errorf("mail: forward: %w", err)
		}
	}
	return f, nil
}
