package mail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// An accountKey is one setting of mail.account{...} and of an account URL,
// defined here once: its Lua name, its URL query parameter, its type, its
// default and its documentation. mail.account reads tables with it,
// ParseURL reads query parameters with it, and tests check that the README's
// table and the annotations of mail.AccountConfig in types/mail.lua list
// exactly these keys.
type accountKey struct {
	name  string // Lua key
	param string // URL query parameter; "" when the URL gives it elsewhere or not at all
	inURL string // where else the URL gives it, for the docs
	lua   string // type in the annotations
	def   string // default, for the docs
	doc   string
	// fromLua sets the key from a Lua value.
	fromLua func(c *Config, key string, v lua.LValue) error
	// fromURL sets the key from a query parameter (nil: not a parameter).
	fromURL func(c *Config, key, v string) error
}

// accountKeys is the vocabulary of accounts, in the order the docs list it.
var accountKeys = []accountKey{
	{name: "host", inURL: "imaps://user@HOST", lua: "string", def: "required", doc: "the server's name or address",
		fromLua: luaString(func(c *Config) *string { return &c.Host })},
	{name: "port", inURL: "imaps://user@host:PORT", lua: "integer", def: "993 with implicit TLS, else 143", doc: "the server's port",
		fromLua: func(c *Config, _ string, v lua.LValue) error {
			n, ok := v.(lua.LNumber)
			c.Port = int(n)
			if !ok || float64(n) != float64(int(n)) {
				return fmt.Errorf("mail.account: port must be a whole number")
			}
			return nil
		}},
	{name: "tls", param: "tls", inURL: "imaps:// is implicit, imap:// starttls", lua: `"implicit"|"starttls"|"none"`, def: "implicit",
		doc:     "TLS from the first byte, STARTTLS (never plain text), or none (loopback and tests)",
		fromLua: luaString(func(c *Config) *string { return &c.TLS }), fromURL: urlString(func(c *Config) *string { return &c.TLS })},
	{name: "user", inURL: "imaps://USER@host", lua: "string", def: "required", doc: "the login name",
		fromLua: luaString(func(c *Config) *string { return &c.User })},
	{name: "password", inURL: "imaps://user:PASSWORD@host", lua: "string", def: "", doc: "the password (better: one of the next three)",
		fromLua: luaString(func(c *Config) *string { return &c.Password })},
	{name: "password_cmd", param: "password_cmd", lua: "string", def: "", doc: "a shell command; the first line of its output is the password (needs --allow-run)",
		fromLua: luaString(func(c *Config) *string { return &c.PasswordCmd }), fromURL: urlString(func(c *Config) *string { return &c.PasswordCmd })},
	{name: "password_env", param: "password_env", lua: "string", def: PasswordEnv, doc: "the environment variable holding the password",
		fromLua: luaString(func(c *Config) *string { return &c.PasswordEnvVar }), fromURL: urlString(func(c *Config) *string { return &c.PasswordEnvVar })},
	{name: "oauth2", param: "oauth2", lua: "string|{token?: string, token_cmd?: string}", def: "",
		doc:     "log in with OAuth2: the name of a sign-in (mailscript auth login NAME), or a token, or a command printing a fresh one at each login",
		fromLua: oauth2FromLua, fromURL: func(c *Config, _, v string) error {
			c.OAuth2 = &OAuth2{Name: v}
			return nil
		}},
	{name: "ca_file", param: "ca_file", lua: "string", def: "", doc: "PEM certificates to trust besides the system's",
		fromLua: luaString(func(c *Config) *string { return &c.CAFile }), fromURL: urlString(func(c *Config) *string { return &c.CAFile })},
	{name: "insecure", param: "insecure", lua: "boolean", def: "false", doc: "no certificate verification",
		fromLua: luaBool(func(c *Config) *bool { return &c.Insecure }), fromURL: urlBool(func(c *Config) *bool { return &c.Insecure })},
	{name: "timeout", param: "timeout", lua: "number|string", def: "60s", doc: `bound on connecting and on each reply: seconds, or "30s", "2m"`,
		fromLua: timeoutFromLua, fromURL: func(c *Config, _, v string) (err error) {
			c.Timeout, err = ParseTimeout(v)
			return err
		}},
	{name: "create", param: "create", lua: "boolean", def: "false", doc: "create (and subscribe to) missing destination mailboxes",
		fromLua: luaBool(func(c *Config) *bool { return &c.Create }), fromURL: urlBool(func(c *Config) *bool { return &c.Create })},
	{name: "smtp", param: "smtp", lua: "string|{host?: string, port?: integer, tls?: string, user?: string, from?: string}",
		def: "the IMAP host, port 587, STARTTLS", doc: "the outgoing server for acct:send: host[:port], smtp://host (STARTTLS) or smtps://host (implicit TLS), or a table",
		fromLua: func(c *Config, _ string, v lua.LValue) error { return smtpFromLua(c, v) }, fromURL: smtpParam},
	{name: "smtp_tls", param: "smtp_tls", lua: `"starttls"|"implicit"|"none"`, def: "starttls",
		doc: "the outgoing server's TLS (also smtp = {tls = ...})", fromLua: luaSMTPParam, fromURL: smtpParam},
	{name: "smtp_from", param: "smtp_from", lua: "string", def: "the login name when it is an address",
		doc: "the sender address of mail the account sends (also smtp = {from = ...})", fromLua: luaSMTPParam, fromURL: smtpParam},
	{name: "scan_connections", param: "scan_connections", lua: "integer", def: strconv.Itoa(DefaultScanConnections),
		doc: "how many connections a match over a large set may use at once, its own included; the extra ones come from a pool shared by all the rules of the process; 1 turns this off",
		fromLua: func(c *Config, key string, v lua.LValue) error {
			n, ok := v.(lua.LNumber)
			if !ok || float64(n) != float64(int(n)) || n < 1 {
				return fmt.Errorf("mail.account: %s must be a whole number from 1 to %d", key, maxScanConnections)
			}
			c.ScanConnections = int(n)
			return nil
		}, fromURL: func(c *Config, key, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%s=%q is not a whole number from 1 to %d", key, v, maxScanConnections)
			}
			c.ScanConnections = n
			return nil
		}},
}

// findAccountKey returns the key named name, or nil.
func findAccountKey(name string) *accountKey {
	for i := range accountKeys {
		if accountKeys[i].name == name {
			return &accountKeys[i]
		}
	}
	return nil
}

// accountParam returns the key of the URL query parameter p, or nil.
func accountParam(p string) *accountKey {
	for i := range accountKeys {
		if accountKeys[i].param == p && p != "" {
			return &accountKeys[i]
		}
	}
	return nil
}

// accountKeyNames lists the names of accountKeys in order.
func accountKeyNames() []string {
	names := make([]string, len(accountKeys))
	for i, k := range accountKeys {
		names[i] = k.name
	}
	return names
}

func luaString(field func(*Config) *string) func(c *Config, key string, v lua.LValue) error {
	return func(c *Config, key string, v lua.LValue) error {
		s, ok := v.(lua.LString)
		*field(c) = string(s)
		if !ok {
			return fmt.Errorf("mail.account: %s must be a string, not %s", key, v.Type())
		}
		return nil
	}
}

func luaBool(field func(*Config) *bool) func(c *Config, key string, v lua.LValue) error {
	return func(c *Config, key string, v lua.LValue) error {
		b, ok := v.(lua.LBool)
		*field(c) = bool(b)
		if !ok {
			return fmt.Errorf("mail.account: %s must be a boolean, not %s", key, v.Type())
		}
		return nil
	}
}

func urlString(field func(*Config) *string) func(c *Config, key, v string) error {
	return func(c *Config, _, v string) error {
		*field(c) = v
		return nil
	}
}

func urlBool(field func(*Config) *bool) func(c *Config, key, v string) error {
	return func(c *Config, key, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s=%q is not a boolean", key, v)
		}
		*field(c) = b
		return nil
	}
}

func timeoutFromLua(c *Config, _ string, v lua.LValue) (err error) {
	switch tv := v.(type) {
	case lua.LNumber:
		if tv < 0 {
			err = fmt.Errorf("mail.account: negative timeout")
		}
		c.Timeout = time.Duration(float64(tv) * float64(time.Second))
	case lua.LString:
		c.Timeout, err = ParseTimeout(string(tv))
	default:
		err = fmt.Errorf("mail.account: timeout must be seconds or a duration string")
	}
	return err
}

func oauth2FromLua(c *Config, _ string, v lua.LValue) error {
	if name, ok := v.(lua.LString); ok {
		c.OAuth2 = &OAuth2{Name: string(name)}
		return nil
	}
	ot, ok := v.(*lua.LTable)
	if !ok {
		return fmt.Errorf("mail.account: oauth2 must be the name of a sign-in (mailscript auth login NAME), or a table {token = ...} or {token_cmd = ...}")
	}
	var err error
	o := &OAuth2{}
	ot.ForEach(func(k2, v2 lua.LValue) {
		s, ok := v2.(lua.LString)
		switch {
		case err != nil:
		case !ok:
			err = fmt.Errorf("mail.account: oauth2.%s must be a string", k2)
		case k2.String() == "token":
			o.Token = string(s)
		case k2.String() == "token_cmd":
			o.TokenCmd = string(s)
		default:
			err = fmt.Errorf("mail.account: oauth2: unknown key %s (token, token_cmd)", luaRepr(k2))
		}
	})
	c.OAuth2 = o
	return err
}

// configFromTable sets the keys of t on c.
func configFromTable(c *Config, t *lua.LTable) error {
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		key, ok := k.(lua.LString)
		var ak *accountKey
		if ok {
			ak = findAccountKey(string(key))
		}
		if ak == nil {
			err = fmt.Errorf("mail.account: unknown key %s (known: %s)", luaRepr(k), strings.Join(accountKeyNames(), ", "))
			return
		}
		err = ak.fromLua(c, string(key), v)
	})
	return err
}

// setURLParams sets the query parameters of u on c.
func setURLParams(c *Config, u *url.URL) error {
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		ak := accountParam(k)
		if ak == nil || ak.fromURL == nil {
			return fmt.Errorf("mail: account URL %q: unknown parameter %q", redactURL(u), k)
		}
		if err := ak.fromURL(c, k, v); err != nil {
			return fmt.Errorf("mail: account URL %q: %w", redactURL(u), err)
		}
	}
	return nil
}

// smtpParam sets the smtp, smtp_tls and smtp_from URL parameters.
func smtpParam(c *Config, key, v string) error { return c.setSMTPParam(key, v) }

// luaSMTPParam sets smtp_tls and smtp_from from mail.account{...}.
func luaSMTPParam(c *Config, key string, v lua.LValue) error {
	s, ok := v.(lua.LString)
	if !ok {
		return fmt.Errorf("mail.account: %s must be a string, not %s", key, v.Type())
	}
	return c.setSMTPParam(key, string(s))
}
