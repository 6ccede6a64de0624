package smtplib

import (
	"net/mail"
	"regexp"
	"strings"
)

// ehloVerb is "ehlo" for SMTP and "lhlo" for LMTP (Python's ehlo_msg).
func (s *SMTP) ehloVerb() string {
	if s.flavour == flavourLMTP {
		return "lhlo"
	}
	return "ehlo"
}

// Helo sends HELO (Python's helo); name "" means LocalHostname.
func (s *SMTP) Helo(name string) (int, string, error) {
	if name == "" {
		name = s.LocalHostname()
	}
	code, msg, err := s.DoCmd("helo", name)
	if err != nil {
		return 0, "", err
	}
	s.heloResp = &msg
	return code, msg, nil
}

var (
	oldStyleAuth = regexp.MustCompile(`(?i)^auth=(.*)`)
	featureRE    = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9\-]*) ?`)
)

// Ehlo sends EHLO, or LHLO for LMTP (Python's ehlo), and records the
// extensions the server advertises; name "" means LocalHostname. A reply
// other than 250 is returned, not an error.
func (s *SMTP) Ehlo(name string) (int, string, error) {
	s.esmtpFeatures = map[string]string{}
	s.featureOrder = nil
	if name == "" {
		name = s.LocalHostname()
	}
	code, msg, err := s.DoCmd(s.ehloVerb(), name)
	if err != nil {
		return 0, "", err
	}
	if code == -1 && msg == "" {
		s.Close()
		return 0, "", newError(KindServerDisconnected, nil, "Server not connected")
	}
	s.ehloResp = &msg
	if code != 250 {
		return code, msg, nil
	}
	s.doesESMTP = true
	lines := strings.Split(msg, "\n")
	for _, each := range lines[1:] {
		if m := oldStyleAuth.FindStringSubmatch(each); m != nil {
			s.addFeature("auth", s.esmtpFeatures["auth"]+" "+m[1])
			continue
		}
		m := featureRE.FindStringSubmatchIndex(each)
		if m == nil {
			continue
		}
		feature := strings.ToLower(each[m[2]:m[3]])
		params := strings.TrimSpace(each[m[3]:])
		if feature == "auth" {
			params = s.esmtpFeatures["auth"] + " " + params
		}
		s.addFeature(feature, params)
	}
	return code, msg, nil
}

func (s *SMTP) addFeature(name, params string) {
	if _, ok := s.esmtpFeatures[name]; !ok {
		s.featureOrder = append(s.featureOrder, name)
	}
	s.esmtpFeatures[name] = params
}

// HasExtn reports whether the server advertised the extension (Python's
// has_extn), case-insensitively.
func (s *SMTP) HasExtn(name string) bool {
	_, ok := s.esmtpFeatures[strings.ToLower(name)]
	return ok
}

// Feature returns the parameters of an advertised extension ("PLAIN
// LOGIN" for auth, the limit for size).
func (s *SMTP) Feature(name string) (string, bool) {
	v, ok := s.esmtpFeatures[strings.ToLower(name)]
	return v, ok
}

// ESMTPFeatures returns Python's esmtp_features: lower-case extension
// names mapped to their parameters (a copy).
func (s *SMTP) ESMTPFeatures() map[string]string {
	m := make(map[string]string, len(s.esmtpFeatures))
	for k, v := range s.esmtpFeatures {
		m[k] = v
	}
	return m
}

// FeatureNames returns the advertised extensions in the server's order.
func (s *SMTP) FeatureNames() []string { return append([]string(nil), s.featureOrder...) }

// DoesESMTP reports whether EHLO (or LHLO) succeeded (Python's
// does_esmtp).
func (s *SMTP) DoesESMTP() bool { return s.doesESMTP }

// EhloResp returns the text of the last EHLO reply (Python's ehlo_resp;
// ok is false where Python has None).
func (s *SMTP) EhloResp() (string, bool) {
	if s.ehloResp == nil {
		return "", false
	}
	return *s.ehloResp, true
}

// HeloResp returns the text of the last HELO reply (Python's helo_resp).
func (s *SMTP) HeloResp() (string, bool) {
	if s.heloResp == nil {
		return "", false
	}
	return *s.heloResp, true
}

// EhloOrHeloIfNeeded sends EHLO, then HELO if EHLO was refused, unless
// one was already sent in this session (Python's ehlo_or_helo_if_needed).
// Neither accepted is an SMTPHeloError.
func (s *SMTP) EhloOrHeloIfNeeded() error {
	if s.heloResp != nil || s.ehloResp != nil {
		return nil
	}
	code, _, err := s.Ehlo("")
	if err != nil {
		return err
	}
	if code >= 200 && code <= 299 {
		return nil
	}
	code, msg, err := s.Helo("")
	if err != nil {
		return err
	}
	if code < 200 || code > 299 {
		return respError(KindHelo, code, msg)
	}
	return nil
}

// Help sends HELP and returns the reply text (Python's help).
func (s *SMTP) Help(args string) (string, error) {
	_, msg, err := s.DoCmd("help", args)
	return msg, err
}

// Rset sends RSET (Python's rset), ending an SMTPUTF8 transaction.
func (s *SMTP) Rset() (int, string, error) {
	s.utf8Commands = false
	return s.DoCmd("rset", "")
}

// rsetQuiet is Python's _rset: RSET, ignoring a disconnected server.
func (s *SMTP) rsetQuiet() error {
	_, _, err := s.Rset()
	if err != nil && KindIs(err, KindServerDisconnected) {
		return nil
	}
	return err
}

// KindIs reports whether err is an *Error of class k or a subclass.
func KindIs(err error, k Kind) bool {
	kind, ok := KindOf(err)
	return ok && kind.IsA(k)
}

// Noop sends NOOP (Python's noop).
func (s *SMTP) Noop() (int, string, error) { return s.DoCmd("noop", "") }

// Mail sends MAIL FROM (Python's mail). The options are sent only after a
// successful EHLO; SMTPUTF8 among them needs the extension
// (SMTPNotSupportedError) and allows UTF-8 in the commands until RSET.
func (s *SMTP) Mail(sender string, options []string) (int, string, error) {
	b, err := s.mailCmd(sender, options)
	if err != nil {
		return 0, "", err
	}
	if err := s.Send(b); err != nil {
		return 0, "", err
	}
	return s.GetReply()
}

func (s *SMTP) mailCmd(sender string, options []string) ([]byte, error) {
	if err := checkArg(sender); err != nil {
		return nil, err
	}
	optionList := ""
	if len(options) > 0 && s.doesESMTP {
		for _, o := range options {
			if strings.EqualFold(o, "smtputf8") {
				if !s.HasExtn("smtputf8") {
					return nil, newError(KindNotSupported, nil, "SMTPUTF8 not supported by server")
				}
				s.utf8Commands = true
			}
		}
		optionList = " " + strings.Join(options, " ")
	}
	return s.command("mail", "FROM:"+QuoteAddr(sender)+optionList)
}

// Rcpt sends RCPT TO (Python's rcpt); options only after a successful
// EHLO.
func (s *SMTP) Rcpt(recip string, options []string) (int, string, error) {
	b, err := s.rcptCmd(recip, options)
	if err != nil {
		return 0, "", err
	}
	if err := s.Send(b); err != nil {
		return 0, "", err
	}
	return s.GetReply()
}

func (s *SMTP) rcptCmd(recip string, options []string) ([]byte, error) {
	if err := checkArg(recip); err != nil {
		return nil, err
	}
	optionList := ""
	if len(options) > 0 && s.doesESMTP {
		optionList = " " + strings.Join(options, " ")
	}
	return s.command("rcpt", "TO:"+QuoteAddr(recip)+optionList)
}

// Verify sends VRFY (Python's verify).
func (s *SMTP) Verify(address string) (int, string, error) {
	if err := checkArg(address); err != nil {
		return 0, "", err
	}
	return s.DoCmd("vrfy", addrOnly(address))
}

// Expn sends EXPN (Python's expn).
func (s *SMTP) Expn(address string) (int, string, error) {
	if err := checkArg(address); err != nil {
		return 0, "", err
	}
	return s.DoCmd("expn", addrOnly(address))
}

// Quit sends QUIT, forgets the session's EHLO and closes the connection
// (Python's quit). The reply is returned even when it is not 221.
func (s *SMTP) Quit() (int, string, error) {
	code, msg, err := s.DoCmd("quit", "")
	s.ehloResp, s.heloResp = nil, nil
	s.esmtpFeatures = map[string]string{}
	s.featureOrder = nil
	s.doesESMTP = false
	s.Close()
	return code, msg, err
}

// QuoteAddr returns the address in angle brackets for MAIL and RCPT
// (Python's quoteaddr): "Alice <a@example.org>" gives "<a@example.org>",
// "" gives "<>".
func QuoteAddr(addr string) string {
	if a, ok := parseAddr(addr); ok {
		return "<" + a + ">"
	}
	if strings.HasPrefix(strings.TrimSpace(addr), "<") {
		return addr
	}
	return "<" + addr + ">"
}

func addrOnly(addr string) string {
	if a, ok := parseAddr(addr); ok {
		return a
	}
	return addr
}

// parseAddr is a lenient email.utils.parseaddr: the address part, or
// false when there is none.
func parseAddr(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if t == "" || t == "<>" {
		return "", false
	}
	if a, err := mail.ParseAddress(t); err == nil {
		return a.Address, true
	}
	if !strings.ContainsAny(t, "<>\"(),;: \t") {
		return t, true
	}
	if i, j := strings.LastIndexByte(t, '<'), strings.LastIndexByte(t, '>'); i >= 0 && j > i {
		inner := strings.TrimSpace(t[i+1 : j])
		if inner == "" {
			return "", false
		}
		return inner, true
	}
	return "", false
}
