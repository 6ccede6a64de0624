package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLS modes of Config.TLS.
const (
	// TLSImplicit speaks TLS from the first byte (IMAPS, port 993).
	TLSImplicit = "implicit"
	// TLSStartTLS connects in plain text and upgrades with STARTTLS
	// before anything else is said; a server that does not offer it is
	// refused, never used in plain text (port 143).
	TLSStartTLS = "starttls"
	// TLSNone never encrypts (port 143): for loopback and tests only.
	TLSNone = "none"
)

// DefaultTimeout bounds connecting and each server reply when
// Config.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// DefaultConnections is the connection budget of an account's watchers
// when Config.Connections is zero (Gmail allows 15 per account).
const DefaultConnections = 10

// AccountEnv is the environment variable holding the URL of the default
// account (mail.account() without arguments), for example
// "imaps://alice@imap.example.org" or
// "imap://alice:secret@127.0.0.1:1143?tls=none".
const AccountEnv = "MAILSCRIPT_ACCOUNT"

// PasswordEnv is the environment variable an account's password is taken
// from when the account names no other source.
const PasswordEnv = "MAILSCRIPT_PASSWORD"

// Config describes an account: where the server is, how to secure the
// connection and how to log in.
type Config struct {
	// Host and Port locate the server; Port 0 means 993 with implicit TLS
	// and 143 otherwise.
	Host string
	Port int
	// TLS is TLSImplicit (the default when empty), TLSStartTLS or TLSNone.
	TLS string
	// User is the login name.
	User string
	// Password is the password. When empty it comes from PasswordCmd (the
	// first line of the command's output; running it needs the run
	// permission), else from the environment variable PasswordEnvVar, else
	// from MAILSCRIPT_PASSWORD.
	Password       string
	PasswordCmd    string
	PasswordEnvVar string
	// OAuth2, when set, logs in with AUTHENTICATE OAUTHBEARER or XOAUTH2
	// instead of a password.
	OAuth2 *OAuth2
	// CAFile is a PEM file of certificates to trust in addition to the
	// system roots; Insecure turns certificate verification off.
	CAFile   string
	Insecure bool
	// VerifyConnection, when set, decides alone whether the server's TLS
	// certificate is trusted (CAFile and Insecure are then not used): it
	// gets the handshake's state and returns an error to refuse it. For
	// programs with rules of their own (the imapfilter layer keeps
	// imapfilter's); it cannot be set from Lua or a URL.
	VerifyConnection func(tls.ConnectionState) error
	// Timeout bounds connecting and each reply (DefaultTimeout when zero).
	Timeout time.Duration
	// Create makes actions create a missing destination mailbox (and
	// subscribe to it) instead of failing.
	Create bool
	// Connections bounds the connections the watchers of the account
	// (mail.on_new, mail.on_change) open when the server has no NOTIFY:
	// mailboxes beyond them are polled (DefaultConnections when zero).
	Connections int
	// Dial, when set, opens the TCP connection (tests and embedders use
	// it to route or observe traffic); nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// SMTP is the outgoing server (see SMTPConfig); nil means the IMAP
	// host's submission port with STARTTLS and the same credentials.
	SMTP *SMTPConfig
	// ScanConnections is how many connections a scan of a large set
	// (match) may work over, the account's own included: the
	// others come from a pool per account shared by the whole process
	// (DefaultScanConnections when 0; 1 turns the pool off).
	ScanConnections int
}

// OAuth2 is an OAuth 2.0 bearer token, given directly, produced by a
// command (its first output line, run at each login since tokens expire),
// or taken from the sign-in Name of the token store ("mailscript auth
// login NAME"), refreshed as needed.
type OAuth2 struct {
	Token    string
	TokenCmd string
	Name     string
}

// ParseURL reads an account URL: imaps://user[:password]@host[:port] for
// implicit TLS, imap://user[:password]@host[:port] for STARTTLS. Query
// parameters set the other fields: tls (implicit, starttls, none),
// password_cmd, password_env, oauth2 (the name of a stored sign-in),
// ca_file, insecure, timeout (seconds or a Go duration such as "30s"),
// create, scan_connections. User and password are percent-decoded.
func ParseURL(s string) (Config, error) {
	var c Config
	u, err := url.Parse(s)
	if err != nil {
		return c, fmt.Errorf("mail: account URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "imaps":
		c.TLS = TLSImplicit
	case "imap":
		c.TLS = TLSStartTLS
	default:
		return c, fmt.Errorf("mail: account URL %q: scheme must be imaps or imap", redactURL(u))
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, fmt.Errorf("mail: account URL %q: no host", redactURL(u))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return c, fmt.Errorf("mail: account URL %q: bad port %q", redactURL(u), p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return c, fmt.Errorf("mail: account URL %q: a path is not allowed", redactURL(u))
	}
	if err := setURLParams(&c, u); err != nil {
		return c, err
	}
	return c, c.Check()
}

// ParseTimeout reads a timeout: a number of seconds ("30", "2.5") or a Go
// duration ("30s", "2m").
func ParseTimeout(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 {
			return 0, fmt.Errorf("mail: negative timeout %q", s)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("mail: bad timeout %q (seconds, or a duration such as \"30s\")", s)
	}
	return d, nil
}

func redactURL(u *url.URL) string {
	v := *u
	if v.User != nil {
		if _, ok := v.User.Password(); ok {
			v.User = url.UserPassword(v.User.Username(), "xxxxx")
		}
	}
	return v.String()
}

// Check reports the first problem of c: a missing host or user, an unknown
// TLS mode, a bad port, or two password sources at once.
func (c *Config) Check() error {
	if c.Host == "" {
		return fmt.Errorf("mail: account: host is required")
	}
	switch c.TLS {
	case "", TLSImplicit, TLSStartTLS, TLSNone:
	default:
		return fmt.Errorf("mail: account %s: tls must be %q, %q or %q, not %q", c.Host, TLSImplicit, TLSStartTLS, TLSNone, c.TLS)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: account %s: bad port %d", c.Host, c.Port)
	}
	if c.User == "" {
		return fmt.Errorf("mail: account %s: user is required", c.Host)
	}
	n := 0
	for _, set := range []bool{c.Password != "", c.PasswordCmd != "", c.PasswordEnvVar != "", c.OAuth2 != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("mail: account %s: give only one of password, password_cmd, password_env and oauth2", c.name())
	}
	if c.OAuth2 != nil {
		if err := c.OAuth2.check(c.name()); err != nil {
			return err
		}
	}
	if c.Connections < 0 {
		return fmt.Errorf("mail: account %s: connections must be at least 1", c.name())
	}
	if c.Timeout < 0 {
		return fmt.Errorf("mail: account %s: negative timeout", c.name())
	}
	if c.ScanConnections < 0 || c.ScanConnections > maxScanConnections {
		return fmt.Errorf("mail: account %s: scan_connections must be from 1 to %d, not %d", c.name(), maxScanConnections, c.ScanConnections)
	}
	return nil
}

// name is user@host, for messages (never the password).
func (c *Config) name() string { return c.User + "@" + c.Host }

func (c *Config) tlsMode() string {
	if c.TLS == "" {
		return TLSImplicit
	}
	return c.TLS
}

func (c *Config) addr() string {
	port := c.Port
	if port == 0 {
		port = 143
		if c.tlsMode() == TLSImplicit {
			port = 993
		}
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

func (c *Config) connections() int {
	if c.Connections <= 0 {
		return DefaultConnections
	}
	return c.Connections
}

func (c *Config) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
