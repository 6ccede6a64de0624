package ssl

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "ssl"

const ctxMetaName = "ssl.SSLContext"

// Verify modes, with Python's values.
const (
	CertNone     = 0
	CertOptional = 1
	CertRequired = 2
)

// Context is an SSLContext: what a script configured, turned into a
// *tls.Config when a connection is made.
type Context struct {
	CheckHostname bool
	VerifyMode    int
	// Roots are the CA certificates added with cafile/cadata/capath or
	// load_verify_locations; System says whether the system's roots are
	// trusted too.
	Roots  []*x509.Certificate
	System bool
	// Certs are client certificates (load_cert_chain).
	Certs      []tls.Certificate
	MinVersion uint16
	MaxVersion uint16
}

var tlsVersions = map[string]uint16{
	"TLSv1":   tls.VersionTLS10,
	"TLSv1_1": tls.VersionTLS11,
	"TLSv1_2": tls.VersionTLS12,
	"TLSv1_3": tls.VersionTLS13,
}

// contextType is ssl.SSLContext.
var contextType = &luabind.Type{
	Name: ctxMetaName,
	Methods: map[string]lua.LGFunction{
		"load_cert_chain":       loadCertChain,
		"load_verify_locations": loadVerifyLocations,
		"load_default_certs": func(L *lua.LState) int {
			check(L).System = true
			return 0
		},
		"set_ciphers": func(L *lua.LState) int { check(L); return 0 },
	},
	Fields:   []string{"check_hostname", "verify_mode", "minimum_version", "maximum_version"},
	Field:    contextField,
	SetField: setContextField,
	String: func(_ *lua.LState, ud *lua.LUserData) string {
		c := ud.Value.(*Context)
		return fmt.Sprintf("<ssl.SSLContext check_hostname=%v verify_mode=%d>", c.CheckHostname, c.VerifyMode)
	},
}

func contextField(_ *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	c := ud.Value.(*Context)
	switch key {
	case "check_hostname":
		return lua.LBool(c.CheckHostname), true
	case "verify_mode":
		return lua.LNumber(c.VerifyMode), true
	case "minimum_version":
		return lua.LNumber(c.MinVersion), true
	case "maximum_version":
		return lua.LNumber(c.MaxVersion), true
	}
	return nil, false
}

func setContextField(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool {
	c := ud.Value.(*Context)
	switch key {
	case "check_hostname":
		c.CheckHostname = lua.LVAsBool(v)
		if c.CheckHostname && c.VerifyMode == CertNone {
			// Python turns verification on with check_hostname.
			c.VerifyMode = CertRequired
		}
	case "verify_mode":
		n := int(L.CheckNumber(3))
		if n < CertNone || n > CertRequired {
			luabind.RaiseClass(L, luabind.ValueError, "invalid value for verify_mode")
		}
		if n == CertNone && c.CheckHostname {
			luabind.RaiseClass(L, luabind.ValueError, "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.")
		}
		c.VerifyMode = n
	case "minimum_version":
		c.MinVersion = uint16(L.CheckNumber(3))
	case "maximum_version":
		c.MaxVersion = uint16(L.CheckNumber(3))
	default:
		return false
	}
	return true
}

// Loader is the gopher-lua loader of the ssl module.
func Loader(L *lua.LState) int {
	luabind.Register(L, contextType)
	versions := L.NewTable()
	for name, v := range tlsVersions {
		L.SetField(versions, name, lua.LNumber(v))
	}
	L.SetField(versions, "MINIMUM_SUPPORTED", lua.LNumber(tls.VersionTLS10))
	L.SetField(versions, "MAXIMUM_SUPPORTED", lua.LNumber(tls.VersionTLS13))
	purpose := L.NewTable()
	L.SetField(purpose, "SERVER_AUTH", lua.LString("SERVER_AUTH"))
	L.SetField(purpose, "CLIENT_AUTH", lua.LString("CLIENT_AUTH"))
	mod := luabind.NewModule(L, map[string]lua.LGFunction{
		"create_default_context": createDefaultContext,
		"SSLContext":             newSSLContext,
	}, map[string]lua.LValue{
		"CERT_NONE":           lua.LNumber(CertNone),
		"CERT_OPTIONAL":       lua.LNumber(CertOptional),
		"CERT_REQUIRED":       lua.LNumber(CertRequired),
		"PROTOCOL_TLS_CLIENT": lua.LNumber(16),
		"PROTOCOL_TLS":        lua.LNumber(2),
		"Purpose":             purpose,
		"TLSVersion":          versions,
	})
	setErrorClasses(L, mod)
	L.Push(mod)
	return 1
}

// newSSLContext is SSLContext(protocol=PROTOCOL_TLS_CLIENT).
func newSSLContext(L *lua.LState) int {
	// PROTOCOL_TLS_CLIENT (the default) verifies, as in Python;
	// the legacy PROTOCOL_TLS does not.
	c := &Context{CheckHostname: true, VerifyMode: CertRequired}
	if n, ok := L.Get(1).(lua.LNumber); ok && int(n) != 16 {
		c = &Context{}
	}
	L.Push(newContext(L, c))
	return 1
}

func newContext(L *lua.LState, c *Context) *lua.LUserData {
	return luabind.Wrap(L, contextType, c)
}

func check(L *lua.LState) *Context {
	if c, ok := luabind.As[*Context](L.Get(1)); ok {
		return c
	}
	L.RaiseError("ssl: method called without an SSLContext (use ctx:method(...))")
	return nil
}

// createDefaultContext is create_default_context(purpose=SERVER_AUTH, *,
// cafile=None, capath=None, cadata=None); the keyword arguments come in a
// trailing table.
func createDefaultContext(L *lua.LState) int {
	c := &Context{CheckHostname: true, VerifyMode: CertRequired}
	var kw *lua.LTable
	for i := 1; i <= L.GetTop(); i++ {
		if t, ok := L.Get(i).(*lua.LTable); ok {
			kw = t
		}
	}
	var cafile, capath, cadata string
	if kw != nil {
		kw.ForEach(func(k, v lua.LValue) {
			switch lua.LVAsString(k) {
			case "cafile":
				cafile = lua.LVAsString(v)
			case "capath":
				capath = lua.LVAsString(v)
			case "cadata":
				cadata = lua.LVAsString(v)
			case "purpose":
			default:
				luabind.RaiseClass(L, luabind.TypeError, "create_default_context() got an unexpected keyword argument '%s'", lua.LVAsString(k))
			}
		})
	}
	if cafile == "" && capath == "" && cadata == "" {
		c.System = true
	} else if err := c.loadVerify(L, cafile, capath, cadata); err != nil {
		raise(L, err)
	}
	L.Push(newContext(L, c))
	return 1
}

func loadVerifyLocations(L *lua.LState) int {
	c := check(L)
	var cafile, capath, cadata string
	if t, ok := L.Get(2).(*lua.LTable); ok {
		cafile = lua.LVAsString(t.RawGetString("cafile"))
		capath = lua.LVAsString(t.RawGetString("capath"))
		cadata = lua.LVAsString(t.RawGetString("cadata"))
	} else {
		cafile, capath, cadata = L.OptString(2, ""), L.OptString(3, ""), L.OptString(4, "")
	}
	if cafile == "" && capath == "" && cadata == "" {
		luabind.RaiseClass(L, luabind.TypeError, "cafile, capath and cadata cannot be all omitted")
	}
	if err := c.loadVerify(L, cafile, capath, cadata); err != nil {
		raise(L, err)
	}
	return 0
}

// loadVerify adds CA certificates from a PEM file, a folder of PEM files
// and PEM text.
func (c *Context) loadVerify(L *lua.LState, cafile, capath, cadata string) error {
	h := host.Get(L)
	var pems [][]byte
	if cafile != "" {
		b, err := readFile(h, cafile)
		if err != nil {
			return err
		}
		pems = append(pems, b)
	}
	if capath != "" {
		if err := h.CheckRead(capath); err != nil {
			return fmt.Errorf("ssl: %w", err)
		}
		entries, err := os.ReadDir(capath)
		if err != nil {
			return fmt.Errorf("ssl: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			if b, err := os.ReadFile(filepath.Join(capath, e.Name())); err == nil {
				pems = append(pems, b)
			}
		}
	}
	if cadata != "" {
		pems = append(pems, []byte(cadata))
	}
	n := 0
	for _, p := range pems {
		certs, err := parsePEMCerts(p)
		if err != nil {
			return err
		}
		c.Roots = append(c.Roots, certs...)
		n += len(certs)
	}
	if n == 0 {
		return errors.New("ssl: no certificate found in the given CA locations")
	}
	return nil
}

func parsePEMCerts(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("ssl: bad certificate: %w", err)
		}
		out = append(out, cert)
	}
}

func readFile(h *host.Host, path string) ([]byte, error) {
	if err := h.CheckRead(path); err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ssl: %w", err)
	}
	return b, nil
}

// loadCertChain is load_cert_chain(certfile, keyfile=None, password=None):
// a client certificate; the key may be in certfile.
func loadCertChain(L *lua.LState) int {
	c := check(L)
	var certfile, keyfile string
	if t, ok := L.Get(2).(*lua.LTable); ok {
		certfile = lua.LVAsString(t.RawGetString("certfile"))
		keyfile = lua.LVAsString(t.RawGetString("keyfile"))
	} else {
		certfile = L.CheckString(2)
		keyfile = L.OptString(3, "")
	}
	if keyfile == "" {
		keyfile = certfile
	}
	h := host.Get(L)
	cb, err := readFile(h, certfile)
	if err != nil {
		raise(L, err)
	}
	kb, err := readFile(h, keyfile)
	if err != nil {
		raise(L, err)
	}
	cert, err := tls.X509KeyPair(cb, kb)
	if err != nil {
		raise(L, fmt.Errorf("ssl: load_cert_chain: %w", err))
	}
	c.Certs = append(c.Certs, cert)
	return 0
}

// TLSConfig returns the crypto/tls configuration the context stands for.
func (c *Context) TLSConfig() (*tls.Config, error) {
	conf := &tls.Config{Certificates: c.Certs, MinVersion: c.MinVersion, MaxVersion: c.MaxVersion}
	if conf.MinVersion == 0 {
		conf.MinVersion = tls.VersionTLS12
	}
	var roots *x509.CertPool
	if len(c.Roots) > 0 || !c.System {
		roots = x509.NewCertPool()
		if c.System {
			if sys, err := x509.SystemCertPool(); err == nil {
				roots = sys.Clone()
			}
		}
		for _, r := range c.Roots {
			roots.AddCert(r)
		}
	}
	switch {
	case c.VerifyMode == CertNone:
		conf.InsecureSkipVerify = true
	case !c.CheckHostname:
		// Verify the chain but not the name: crypto/tls has no switch
		// for that, so verification is done here.
		conf.InsecureSkipVerify = true
		conf.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("ssl: server sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, ic := range cs.PeerCertificates[1:] {
				inter.AddCert(ic)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	default:
		conf.RootCAs = roots
	}
	return conf, nil
}

// Config returns the *tls.Config of an SSLContext value, for modules that
// take Python's ssl_context argument.
func Config(L *lua.LState, v lua.LValue) (*tls.Config, error) {
	if c, ok := luabind.As[*Context](v); ok {
		return c.TLSConfig()
	}
	return nil, fmt.Errorf("ssl: an SSLContext (from ssl.create_default_context) expected, got %s", v.Type())
}
