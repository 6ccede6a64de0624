package smtplib

import (
	"bytes"
	"net/mail"
	"strconv"
	"strings"
)

// FixEOLs turns every bare LF and bare CR into CRLF (Python's _fix_eols).
func FixEOLs(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/40)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\r':
			out.WriteString("\r\n")
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\n':
			out.WriteString("\r\n")
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

// DotStuff returns msg as sent after DATA: line endings made CRLF, a dot
// doubled at the start of every line, a final CRLF added when missing,
// and the terminating ".\r\n".
func DotStuff(msg []byte) []byte {
	fixed := FixEOLs(msg)
	var out bytes.Buffer
	out.Grow(len(fixed) + 16)
	start := true
	for _, c := range fixed {
		if start && c == '.' {
			out.WriteByte('.')
		}
		out.WriteByte(c)
		start = c == '\n'
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("\r\n")) {
		out.WriteString("\r\n")
	}
	out.WriteString(".\r\n")
	return out.Bytes()
}

// Data sends DATA and then the message, dot-stuffed, with bare LF and CR
// made CRLF (Python's data, which does that for str messages). A reply
// other than 354 to DATA is an SMTPDataError; the reply after the message
// is returned as it is. For LMTP, the first refusal among the
// per-recipient replies is returned (or the last success); Sendmail uses
// all of them.
func (s *SMTP) Data(msg []byte) (int, string, error) {
	replies, err := s.data(msg, 1)
	if err != nil {
		return 0, "", err
	}
	r := replies[len(replies)-1]
	for _, x := range replies {
		if x.Code != 250 {
			r = x
			break
		}
	}
	return r.Code, r.Msg, nil
}

// data sends the message and reads n replies (one per accepted recipient
// for LMTP, else one).
func (s *SMTP) data(msg []byte, n int) ([]Reply, error) {
	code, repl, err := s.DoCmd("data", "")
	if err != nil {
		return nil, err
	}
	if code != 354 {
		return nil, respError(KindData, code, repl)
	}
	if err := s.Send(DotStuff(msg)); err != nil {
		return nil, err
	}
	if s.flavour != flavourLMTP || n < 1 {
		n = 1
	}
	replies := make([]Reply, 0, n)
	for range n {
		code, m, err := s.GetReply()
		if err != nil {
			return nil, err
		}
		replies = append(replies, Reply{code, m})
		if code == 421 {
			break
		}
	}
	return replies, nil
}

// Sendmail performs a whole mail transaction (Python's sendmail): EHLO or
// HELO if needed, MAIL FROM with SIZE (when advertised) and mailOptions,
// RCPT TO for each recipient with rcptOptions, DATA. It returns the
// refused recipients with the server's replies; the message went to all
// the others. When the server offers PIPELINING, MAIL and the RCPTs go in
// one write (unless Options.NoPipelining).
//
// Errors, as Python's: SMTPHeloError; SMTPSenderRefused (after RSET, or
// closed on 421); SMTPRecipientsRefused when every recipient was refused
// (after RSET; closed on 421); SMTPDataError when the message was refused
// (after RSET); SMTPNotSupportedError for SMTPUTF8 without the extension.
// For LMTP, a recipient whose delivery failed after DATA is added to the
// refused recipients; the error is SMTPDataError only when all failed.
func (s *SMTP) Sendmail(from string, to []string, msg []byte, mailOptions, rcptOptions []string) (map[string]Reply, error) {
	if err := s.EhloOrHeloIfNeeded(); err != nil {
		return nil, err
	}
	msg = FixEOLs(msg)
	var esmtpOpts []string
	if s.doesESMTP {
		if s.HasExtn("size") {
			esmtpOpts = append(esmtpOpts, "size="+strconv.Itoa(len(msg)))
		}
		esmtpOpts = append(esmtpOpts, mailOptions...)
	}
	// Build every command first: a bad address sends nothing.
	mailLine, err := s.mailCmd(from, esmtpOpts)
	if err != nil {
		return nil, err
	}
	rcptLines := make([][]byte, len(to))
	for i, r := range to {
		if rcptLines[i], err = s.rcptCmd(r, rcptOptions); err != nil {
			s.utf8Commands = false
			return nil, err
		}
	}
	pipelining := s.doesESMTP && s.HasExtn("pipelining") && !s.opts.NoPipelining
	if pipelining {
		batch := append([]byte(nil), mailLine...)
		for _, l := range rcptLines {
			batch = append(batch, l...)
		}
		if err := s.Send(batch); err != nil {
			return nil, err
		}
	} else if err := s.Send(mailLine); err != nil {
		return nil, err
	}
	code, resp, err := s.GetReply()
	if err != nil {
		return nil, err
	}
	if code != 250 {
		if pipelining && code != 421 {
			// Read the RCPT replies the server owes us.
			for range rcptLines {
				if _, _, err := s.GetReply(); err != nil {
					return nil, err
				}
			}
		}
		if code == 421 {
			s.Close()
		} else if err := s.rsetQuiet(); err != nil {
			return nil, err
		}
		return nil, &Error{Kind: KindSenderRefused, Code: code, Msg: resp, Sender: from}
	}
	refused := map[string]Reply{}
	accepted := 0
	for i, each := range to {
		if !pipelining {
			if err := s.Send(rcptLines[i]); err != nil {
				return nil, err
			}
		}
		code, resp, err := s.GetReply()
		if err != nil {
			return nil, err
		}
		if code != 250 && code != 251 {
			refused[each] = Reply{code, resp}
		} else {
			accepted++
		}
		if code == 421 {
			s.Close()
			return nil, &Error{Kind: KindRecipientsRefused, Recipients: refused}
		}
	}
	if len(refused) == len(to) {
		if err := s.rsetQuiet(); err != nil {
			return nil, err
		}
		return nil, &Error{Kind: KindRecipientsRefused, Recipients: refused}
	}
	replies, err := s.data(msg, accepted)
	if err != nil {
		// A refused DATA command is raised as it is, as Python's.
		return nil, err
	}
	if s.flavour == flavourLMTP && len(replies) == accepted {
		ok := 0
		var last Reply
		j := 0
		for _, each := range to {
			if _, bad := refused[each]; bad {
				continue
			}
			r := replies[j]
			j++
			if r.Code != 250 {
				refused[each] = r
				last = r
			} else {
				ok++
			}
		}
		if ok == 0 {
			s.rsetQuiet()
			return nil, respError(KindData, last.Code, last.Msg)
		}
		return refused, nil
	}
	last := replies[len(replies)-1]
	if last.Code != 250 {
		if last.Code == 421 {
			s.Close()
		} else if err := s.rsetQuiet(); err != nil {
			return nil, err
		}
		return nil, respError(KindData, last.Code, last.Msg)
	}
	// As Python's, an SMTPUTF8 transaction lasts until RSET.
	return refused, nil
}

// SendMessage sends a message given as bytes (Python's send_message): the
// envelope sender, when from is "", is the first address of Sender or
// else From; the recipients, when to is nil, are the addresses of To, Bcc
// and Cc — or of the Resent- fields when the message has one Resent-Date
// (more than one Resent- block is a ValueError). Bcc and Resent-Bcc are
// removed from the copy sent. Non-ASCII addresses need SMTPUTF8
// (SMTPNotSupportedError otherwise) and send SMTPUTF8 and BODY=8BITMIME;
// a message with 8-bit bytes sends BODY=8BITMIME when the server offers
// it (Python leaves that to the caller).
func (s *SMTP) SendMessage(msg []byte, from string, to []string, mailOptions, rcptOptions []string) (map[string]Reply, error) {
	if err := s.EhloOrHeloIfNeeded(); err != nil {
		return nil, err
	}
	env, err := Envelope(msg)
	if err != nil {
		return nil, err
	}
	if from == "" {
		from = env.From
	}
	if to == nil {
		to = env.To
	}
	body := StripBcc(msg)
	international := !isASCII(from)
	for _, t := range to {
		if !isASCII(t) {
			international = true
		}
	}
	opts := append([]string(nil), mailOptions...)
	if international {
		if !s.HasExtn("smtputf8") {
			return nil, newError(KindNotSupported, nil, "One or more source or delivery addresses require internationalized email support, but the server does not advertise the required SMTPUTF8 capability")
		}
		opts = append(opts, "SMTPUTF8", "BODY=8BITMIME")
	} else if !isASCII(string(body)) && s.HasExtn("8bitmime") && !hasOption(opts, "BODY=") {
		opts = append(opts, "BODY=8BITMIME")
	}
	return s.Sendmail(from, to, body, opts, rcptOptions)
}

func hasOption(opts []string, prefix string) bool {
	for _, o := range opts {
		if len(o) >= len(prefix) && strings.EqualFold(o[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// MessageEnvelope is the envelope SendMessage derives from a message's
// header.
type MessageEnvelope struct {
	From string
	To   []string
}

// Envelope derives the envelope from a message's header as Python's
// send_message does: From is the first address of (Resent-)Sender or
// else (Resent-)From; To holds the addresses of (Resent-)To, Bcc and Cc,
// in that order.
func Envelope(msg []byte) (MessageEnvelope, error) {
	var env MessageEnvelope
	fields := headerFields(msg)
	prefix := ""
	switch n := countField(fields, "resent-date"); {
	case n == 1:
		prefix = "resent-"
	case n > 1:
		return env, newError(KindValue, nil, "message has more than one 'Resent-' header block")
	}
	fromField, ok := firstField(fields, prefix+"sender")
	if !ok {
		fromField, ok = firstField(fields, prefix+"from")
	}
	if ok {
		addrs, err := getAddresses([]string{fromField})
		if err != nil {
			return env, err
		}
		if len(addrs) > 0 {
			env.From = addrs[0]
		}
	}
	var toFields []string
	for _, name := range []string{"to", "bcc", "cc"} {
		if v, ok := firstField(fields, prefix+name); ok {
			toFields = append(toFields, v)
		}
	}
	addrs, err := getAddresses(toFields)
	if err != nil {
		return env, err
	}
	env.To = addrs
	return env, nil
}

type field struct{ name, value string }

// headerEnd returns the offset of the body (after the blank line), or
// len(msg) when there is none.
func headerEnd(msg []byte) int {
	for i := 0; i < len(msg); {
		j := bytes.IndexByte(msg[i:], '\n')
		if j < 0 {
			return len(msg)
		}
		line := bytes.TrimRight(msg[i:i+j], "\r")
		if len(line) == 0 {
			return i + j + 1
		}
		i += j + 1
	}
	return len(msg)
}

// headerFields returns the unfolded header fields.
func headerFields(msg []byte) []field {
	var fields []field
	head := msg[:headerEnd(msg)]
	for _, raw := range strings.Split(string(head), "\n") {
		line := strings.TrimRight(raw, "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields = append(fields, field{strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)})
	}
	return fields
}

func countField(fields []field, name string) int {
	n := 0
	for _, f := range fields {
		if f.name == name {
			n++
		}
	}
	return n
}

func firstField(fields []field, name string) (string, bool) {
	for _, f := range fields {
		if f.name == name {
			return f.value, true
		}
	}
	return "", false
}

// getAddresses returns the addresses of header values, as
// email.utils.getaddresses; an empty field gives none.
func getAddresses(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		list, err := mail.ParseAddressList(v)
		if err != nil {
			// Fall back to splitting on commas, as lenient as Python.
			for _, part := range strings.Split(v, ",") {
				if a, ok := parseAddr(part); ok {
					out = append(out, a)
				}
			}
			continue
		}
		for _, a := range list {
			out = append(out, a.Address)
		}
	}
	return out, nil
}

// StripBcc returns msg without its Bcc and Resent-Bcc fields (with their
// continuation lines); the rest is unchanged.
func StripBcc(msg []byte) []byte {
	end := headerEnd(msg)
	var out bytes.Buffer
	out.Grow(len(msg))
	skipping := false
	for i := 0; i < end; {
		j := bytes.IndexByte(msg[i:end], '\n')
		next := end
		if j >= 0 {
			next = i + j + 1
		}
		line := msg[i:next]
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if !skipping {
				out.Write(line)
			}
		} else {
			name, _, _ := bytes.Cut(line, []byte(":"))
			n := strings.ToLower(strings.TrimSpace(string(name)))
			skipping = n == "bcc" || n == "resent-bcc"
			if !skipping {
				out.Write(line)
			}
		}
		i = next
	}
	out.Write(msg[end:])
	return out.Bytes()
}
