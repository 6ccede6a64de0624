package smtplib

import "crypto/tls"

// StartTLS upgrades the connection to TLS (Python's starttls): EHLO if
// needed; no STARTTLS advertised is SMTPNotSupportedError; a reply other
// than 220 is SMTPResponseException. The certificate and host name are
// verified (Options.TLSConfig, or config when not nil). Data the server
// sent after its 220 and before the handshake is refused (the connection
// is closed, SMTPException): it could only be an injection (CVE-2011-0411
// style). Afterwards everything learnt from EHLO is forgotten, as RFC 3207
// asks; send EHLO again (Sendmail and Login do it by themselves).
func (s *SMTP) StartTLS(config *tls.Config) (int, string, error) {
	if err := s.EhloOrHeloIfNeeded(); err != nil {
		return 0, "", err
	}
	if !s.HasExtn("starttls") {
		return 0, "", newError(KindNotSupported, nil, "STARTTLS extension not supported by server.")
	}
	code, reply, err := s.DoCmd("STARTTLS", "")
	if err != nil {
		return 0, "", err
	}
	if code != 220 {
		return 0, "", respError(KindResponse, code, reply)
	}
	if n := s.r.Buffered(); n > 0 {
		s.Close()
		return 0, "", newError(KindException, nil, "STARTTLS: server sent %d bytes before the TLS handshake", n)
	}
	if config != nil {
		saved := s.opts.TLSConfig
		s.opts.TLSConfig = config
		defer func() { s.opts.TLSConfig = saved }()
	}
	if err := s.handshake(s.Host); err != nil {
		return 0, "", err
	}
	s.heloResp, s.ehloResp = nil, nil
	s.esmtpFeatures = map[string]string{}
	s.featureOrder = nil
	s.doesESMTP = false
	return code, reply, nil
}

// DialStartTLS connects to host:port (0 means 587, the submission port),
// sends EHLO and upgrades to TLS with StartTLS before returning: the way
// to reach a submission server. A server that does not offer STARTTLS,
// refuses it, or fails the certificate check is an error and the
// connection is closed; nothing is ever sent in plain text after the
// EHLO.
func DialStartTLS(host string, port int, opts *Options) (*SMTP, error) {
	if port == 0 {
		port = SubmissionPort
	}
	s, err := Dial(host, port, opts)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.StartTLS(nil); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
