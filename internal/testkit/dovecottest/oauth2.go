package dovecottest

import (
	"fmt"
	"os"
	"path/filepath"
)

// WithOAuth2 makes the instance accept AUTHENTICATE XOAUTH2 and
// OAUTHBEARER, validating each bearer token with Dovecot's oauth2 passdb
// against the RFC 7662 introspection endpoint introspectURL (POST
// token=...): the token must be active and its "username" must be the
// user logging in. Password logins keep working through the passwd file.
// internal/authserver provides such an endpoint.
func WithOAuth2(introspectURL string) Option {
	return func(o *options) { o.oauth2 = introspectURL }
}

// authMechanisms is the auth_mechanisms setting.
func (s *Server) authMechanisms() string {
	if s.opts.oauth2 != "" {
		return "plain login xoauth2 oauthbearer"
	}
	return "plain login"
}

// passwdMechanisms restricts the passwd-file passdb to password mechanisms
// when the oauth2 passdb handles the bearer tokens.
func (s *Server) passwdMechanisms() string {
	if s.opts.oauth2 != "" {
		return "  mechanisms = plain login\n"
	}
	return ""
}

// oauth2Config writes the oauth2 passdb's settings file and returns the
// passdb section, or "" without WithOAuth2.
func (s *Server) oauth2Config() (string, error) {
	if s.opts.oauth2 == "" {
		return "", nil
	}
	file := filepath.Join(s.dir, "dovecot-oauth2.conf.ext")
	conf := fmt.Sprintf(`introspection_mode = post
introspection_url = %s
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 10000
`, s.opts.oauth2)
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = %s\n}", file), nil
}
