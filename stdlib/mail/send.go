package mail

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/email"
)

// SMTPConfig is an account's outgoing (submission) server. Every field is
// optional: the host defaults to the IMAP host, the TLS mode to STARTTLS,
// the port to 587 (465 with implicit TLS, 25 without TLS), the user and
// the credentials (password, password_cmd, password_env, OAuth2) to the
// account's, and From to the user when it is an address, else user@host.
type SMTPConfig struct {
	Host string
	Port int
	TLS  string
	User string
	// From is the address messages are sent from ("Name <addr>" or addr):
	// the From of replies, forwards and vacation notices.
	From string
}

// setSMTPParam reads the smtp, smtp_tls and smtp_from URL parameters: smtp
// is host[:port] or smtp://host[:port] (STARTTLS) or smtps://host[:port]
// (implicit TLS).
func (c *Config) setSMTPParam(k, v string) error {
	if c.SMTP == nil {
		c.SMTP = &SMTPConfig{}
	}
	switch k {
	case "smtp_tls":
		c.SMTP.TLS = v
	case "smtp_from":
		c.SMTP.From = v
	default:
		hostport := v
		if scheme, rest, ok := strings.Cut(v, "://"); ok {
			switch strings.ToLower(scheme) {
			case "smtp", "submission":
				if c.SMTP.TLS == "" {
					c.SMTP.TLS = TLSStartTLS
				}
			case "smtps":
				c.SMTP.TLS = TLSImplicit
			default:
				return fmt.Errorf("smtp=%q: scheme must be smtp or smtps", v)
			}
			hostport = strings.TrimSuffix(rest, "/")
			if u, err := url.Parse("x://" + rest); err == nil && u.User != nil {
				c.SMTP.User = u.User.Username()
				hostport = u.Host
			}
		}
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			h, p = hostport, ""
		}
		c.SMTP.Host = h
		if p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 || n > 65535 {
				return fmt.Errorf("smtp=%q: bad port", v)
			}
			c.SMTP.Port = n
		}
	}
	return c.SMTP.check()
}

func (s *SMTPConfig) check() error {
	switch s.TLS {
	case "", TLSImplicit, TLSStartTLS, TLSNone:
	default:
		return fmt.Errorf("mail: smtp: tls must be %q, %q or %q, not %q", TLSStartTLS, TLSImplicit, TLSNone, s.TLS)
	}
	if s.Port < 0 || s.Port > 65535 {
		return fmt.Errorf("mail: smtp: bad port %d", s.Port)
	}
	if s.From != "" {
		if a := email.ParseAddr(s.From); !strings.Contains(a.Addr, "@") || strings.ContainsAny(s.From, "\r\n") {
			return fmt.Errorf("mail: smtp: from %q is not an address", s.From)
		}
	}
	return nil
}

// smtpFromLua reads the smtp key of mail.account{...}: a table {host,
// port, tls, user, from} or a string as the URL parameter.
func smtpFromLua(c *Config, v lua.LValue) error {
	switch tv := v.(type) {
	case lua.LString:
		return c.setSMTPParam("smtp", string(tv))
	case *lua.LTable:
		s := &SMTPConfig{}
		var err error
		tv.ForEach(func(k, val lua.LValue) {
			if err != nil {
				return
			}
			key := k.String()
			str, isStr := val.(lua.LString)
			switch key {
			case "host", "tls", "user", "from":
				if !isStr {
					err = fmt.Errorf("mail.account: smtp.%s must be a string", key)
					return
				}
				switch key {
				case "host":
					s.Host = string(str)
				case "tls":
					s.TLS = string(str)
				case "user":
					s.User = string(str)
				case "from":
					s.From = string(str)
				}
			case "port":
				n, ok := val.(lua.LNumber)
				if !ok || float64(n) != float64(int(n)) {
					err = fmt.Errorf("mail.account: smtp.port must be a whole number")
					return
				}
				s.Port = int(n)
			default:
				err = fmt.Errorf("mail.account: smtp: unknown key %s (host, port, tls, user, from)", luaRepr(k))
			}
		})
		if err != nil {
			return err
		}
		c.SMTP = s
		return s.check()
	}
	return fmt.Errorf("mail.account: smtp must be a table {host=, port=, tls=, user=, from=} or \"host:port\"")
}

// smtp returns the outgoing server with the defaults filled in.
func (a *Account) smtp() SMTPConfig {
	var s SMTPConfig
	if a.cfg.SMTP != nil {
		s = *a.cfg.SMTP
	}
	if s.Host == "" {
		s.Host = a.cfg.Host
	}
	if s.TLS == "" {
		s.TLS = TLSStartTLS
	}
	if s.Port == 0 {
		switch s.TLS {
		case TLSImplicit:
			s.Port = 465
		case TLSNone:
			s.Port = 25
		default:
			s.Port = 587
		}
	}
	if s.User == "" {
		s.User = a.cfg.User
	}
	if s.From == "" {
		if strings.Contains(a.cfg.User, "@") {
			s.From = a.cfg.User
		} else {
			s.From = a.cfg.User + "@" + a.cfg.Host
		}
	}
	return s
}

// FromAddress is the address the account sends from (SMTPConfig.From or
// its default), as written in From fields.
func (a *Account) FromAddress() string { return a.smtp().From }

// SendOptions change what Send does.
type SendOptions struct {
	// From and To replace the envelope taken from the message (Sender or
	// From; To, Cc, Bcc, or the Resent- fields when there are some).
	// NullSender sends with an empty envelope sender (MAIL FROM:<>), as
	// automatic replies should (RFC 3834).
	From       string
	To         []string
	NullSender bool
	// NoSave skips storing the sent copy; SentMailbox names the mailbox
	// for it instead of the account's \Sent special-use mailbox.
	NoSave      bool
	SentMailbox string
	// Action names the send in the log line ("send", "reply", "forward",
	// "vacation").
	Action string
}

// SendResult is what Send did.
type SendResult struct {
	MessageID string
	From      string
	To        []string
	// Refused maps the recipients the server refused to its reply; the
	// message went to all the others.
	Refused map[string]string
	// SentMailbox is where the copy was stored ("" when not stored);
	// SaveErr why storing it failed (the message was sent all the same).
	SentMailbox string
	SaveErr     error
	// DryRun is true when nothing was sent.
	DryRun bool
}

// submitFunc delivers one message: the envelope and the message with CRLF
// line endings; it returns the refused recipients.
type submitFunc func(ctx context.Context, a *Account, s SMTPConfig, from string, to []string, data []byte) (map[string]string, error)

// submit is the SMTP client; tests may replace it.
var submit submitFunc = smtpSubmit

// Send sends a message (its bytes, as as_bytes gives them) through the
// account's outgoing server and stores a copy in its \Sent mailbox.
//
// The message gets a Date and a Message-ID when it has none. Bcc and
// Resent-Bcc are removed from what is transmitted, kept in the stored
// copy. A message is submitted once: no step is retried, and a failure to
// store the copy after the server accepted the message is reported in
// SendResult.SaveErr and the log, not as an error (a script retrying the
// send would send it twice). In dry-run nothing is sent or stored: the
// message's header and first lines are printed instead.
func (a *Account) Send(raw []byte, o SendOptions) (*SendResult, error) {
	start := time.Now()
	action := o.Action
	if action == "" {
		action = "send"
	}
	raw = withDateAndID(raw, a.FromAddress())
	msg := email.Parse(raw)
	res := &SendResult{}
	res.MessageID, _ = msg.Get("message-id")
	res.MessageID = strings.TrimSpace(res.MessageID)
	from, to := envelope(msg)
	if o.From != "" {
		from = o.From
	}
	if o.NullSender {
		from = ""
	}
	if o.To != nil {
		to = o.To
	}
	res.From, res.To = from, to
	if len(to) == 0 {
		return nil, fmt.Errorf("mail: %s: %s: the message has no recipient (To, Cc, Bcc)", a.Name(), action)
	}
	for _, addr := range append([]string{from}, to...) {
		if strings.ContainsAny(addr, "\r\n\x00<>") || strings.ContainsAny(addr, " \t") {
			return nil, fmt.Errorf("mail: %s: %s: bad address %q", a.Name(), action, addr)
		}
	}
	data := crlf(stripFields(raw, "bcc", "resent-bcc"))
	log := []any{"action", action, "account", a.Name(), "from", from, "to", strings.Join(to, ","), "message_id", res.MessageID, "size", len(data)}
	if a.DryRun() {
		res.DryRun = true
		a.printDryRun(action, from, to, raw)
		a.logger().Info("mail: dry-run: would "+action, log...)
		return res, nil
	}
	s := a.smtp()
	refused, err := submit(a.ctx(), a, s, from, to, data)
	if err != nil {
		a.logger().Error("mail: "+action+" failed", append(log, "duration", time.Since(start), "err", err.Error())...)
		return nil, fmt.Errorf("mail: %s: %s: %w", a.Name(), action, err)
	}
	res.Refused = refused
	if len(refused) > 0 {
		var r []string
		for k := range refused {
			r = append(r, k)
		}
		log = append(log, "refused", strings.Join(r, ","))
	}
	if !o.NoSave {
		res.SentMailbox, res.SaveErr = a.saveSent(o.SentMailbox, crlf(raw))
		if res.SentMailbox != "" {
			log = append(log, "sent_copy", res.SentMailbox)
		}
		if res.SaveErr != nil {
			log = append(log, "sent_copy_err", res.SaveErr.Error())
		}
	}
	log = append(log, "duration", time.Since(start))
	if res.SaveErr != nil {
		a.logger().Warn("mail: "+action+" (sent; the copy was not stored)", log...)
	} else {
		a.logger().Info("mail: "+action, log...)
	}
	return res, nil
}

// saveSent appends the sent copy, flagged \Seen, to name or to the \Sent
// special-use mailbox.
func (a *Account) saveSent(name string, raw []byte) (string, error) {
	var b *Mailbox
	if name != "" {
		b = a.Mailbox(name)
	} else {
		sb, err := a.Special(`\Sent`)
		if err != nil {
			return "", err
		}
		if sb == nil {
			return "", fmt.Errorf("mail: %s: no mailbox has the \\Sent attribute (give sent_mailbox, or save_sent = false)", a.Name())
		}
		b = sb
	}
	if _, err := b.appendOne(raw, []string{`\Seen`}, time.Now()); err != nil {
		return b.name, err
	}
	return b.name, nil
}

// printDryRun prints what would be sent: the envelope, the header and the
// first lines of the body.
func (a *Account) printDryRun(action, from string, to []string, raw []byte) {
	w := a.h.Stdout
	if w == nil {
		return
	}
	head, body, _ := bytes.Cut(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	fmt.Fprintf(w, "dry-run: would %s from <%s> to %s:\n", action, from, strings.Join(to, ", "))
	fmt.Fprintf(w, "%s\n\n", head)
	lines := strings.Split(string(body), "\n")
	if len(lines) > dryRunBodyLines {
		lines = append(lines[:dryRunBodyLines], "[...]")
	}
	fmt.Fprintf(w, "%s\n", strings.TrimRight(strings.Join(lines, "\n"), "\n"))
}

// dryRunBodyLines is how many body lines a dry-run send prints.
const dryRunBodyLines = 10

// envelope returns the envelope sender and recipients of a message, as
// Python's send_message picks them: Sender, else From; To, Cc and Bcc, or
// the Resent- fields of the last resending.
func envelope(m *email.Message) (string, []string) {
	prefix := ""
	if _, ok := m.Get("resent-date"); ok {
		prefix = "resent-"
	}
	from := ""
	for _, f := range []string{prefix + "sender", prefix + "from"} {
		if v, ok := m.Get(f); ok {
			if as := email.ParseAddresses(v); len(as) > 0 {
				from = as[0].Addr
				break
			}
		}
	}
	var to []string
	seen := map[string]bool{}
	for _, f := range []string{"to", "cc", "bcc"} {
		for _, v := range m.GetAll(prefix + f) {
			for _, ad := range email.ParseAddresses(v) {
				if ad.Addr != "" && !seen[strings.ToLower(ad.Addr)] {
					seen[strings.ToLower(ad.Addr)] = true
					to = append(to, ad.Addr)
				}
			}
		}
	}
	return from, to
}

// withDateAndID adds Date and Message-ID fields at the top of the header
// when the message has none.
func withDateAndID(raw []byte, from string) []byte {
	m := email.Parse(raw)
	var add []string
	if _, ok := m.Get("date"); !ok {
		add = append(add, "Date: "+email.FormatDate(time.Now(), true, false))
	}
	if _, ok := m.Get("message-id"); !ok {
		add = append(add, "Message-ID: "+MakeMsgID(from))
	}
	if len(add) == 0 {
		return raw
	}
	nl := "\n"
	if bytes.Contains(raw, []byte("\r\n")) {
		nl = "\r\n"
	}
	return append([]byte(strings.Join(add, nl)+nl), raw...)
}

// MakeMsgID returns a new Message-ID in the domain of the address from.
func MakeMsgID(from string) string {
	domain := "localhost"
	if a := email.ParseAddr(from); a.Addr != "" {
		if _, d, ok := strings.Cut(a.Addr, "@"); ok && d != "" {
			domain = d
		}
	}
	return email.MakeMsgID("", domain)
}

// stripFields removes the header fields called one of names (with their
// continuation lines).
func stripFields(raw []byte, names ...string) []byte {
	var out []byte
	rest := raw
	skipping := false
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			out = append(out, line...)
			out = append(out, rest...)
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !skipping {
				out = append(out, line...)
			}
			continue
		}
		skipping = false
		if name, _, ok := bytes.Cut(trimmed, []byte(":")); ok {
			for _, n := range names {
				if strings.EqualFold(strings.TrimSpace(string(name)), n) {
					skipping = true
				}
			}
		}
		if !skipping {
			out = append(out, line...)
		}
	}
	return out
}

// crlf turns every line ending into CRLF.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}
