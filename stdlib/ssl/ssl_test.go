package ssl_test

import (
	"context"
	"crypto/tls"
	"io"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/testcert"
	"github.com/mailscript/mailscript/stdlib/ssl"
)

// tlsServer accepts TLS connections presenting a certificate for
// mail.example.test only, so a client dialing 127.0.0.1 meets a name
// mismatch.
func tlsServer(t *testing.T) (addr, certFile, keyFile string) {
	t.Helper()
	cert, err := testcert.Generate(testcert.Options{DNSNames: []string{"mail.example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err = cert.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cert.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.(*tls.Conn).Handshake()
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String(), certFile, keyFile
}

func newState(t *testing.T, perms host.Permissions) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	host.Set(L, &host.Host{Context: context.Background(), Perms: perms})
	L.PreloadModule(ssl.Name, ssl.Loader)
	return L
}

// handshake makes a context with the Lua code src (which returns it) and
// connects with it, naming the server as imaplib does.
func handshake(t *testing.T, L *lua.LState, addr, src string) error {
	t.Helper()
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
	conf, err := ssl.Config(L, L.Get(-1))
	L.Pop(1)
	if err != nil {
		t.Fatal(err)
	}
	if !conf.InsecureSkipVerify {
		conf.ServerName = "127.0.0.1"
	}
	c, err := tls.Dial("tcp", addr, conf)
	if err != nil {
		return err
	}
	return c.Close()
}

func TestContextsVerifyAsPython(t *testing.T) {
	addr, certFile, _ := tlsServer(t)
	L := newState(t, host.All())
	L.SetGlobal("CAFILE", lua.LString(certFile))
	tests := []struct {
		name, src string
		ok        bool
	}{
		{"system roots", `return require("ssl").create_default_context()`, false},
		{"cafile, name mismatch", `return require("ssl").create_default_context({cafile = CAFILE})`, false},
		{"cafile, no name check", `local ctx = require("ssl").create_default_context({cafile = CAFILE}) ctx.check_hostname = false return ctx`, true},
		{"no name check, unknown CA", `local ctx = require("ssl").create_default_context() ctx.check_hostname = false return ctx`, false},
		{"CERT_NONE", `local ssl = require("ssl") local ctx = ssl.create_default_context() ctx.check_hostname = false ctx.verify_mode = ssl.CERT_NONE return ctx`, true},
		{"load_verify_locations", `local ssl = require("ssl") local ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) ctx:load_verify_locations(CAFILE) ctx.check_hostname = false return ctx`, true},
		{"SSLContext without CAs", `local ssl = require("ssl") local ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) ctx.check_hostname = false return ctx`, false},
		{"cadata", `local f = io.open(CAFILE) local pem = f:read("*a") f:close() local ctx = require("ssl").create_default_context({cadata = pem}) ctx.check_hostname = false return ctx`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := handshake(t, L, addr, tt.src)
			if (err == nil) != tt.ok {
				t.Errorf("handshake error %v, want success %v", err, tt.ok)
			}
		})
	}
}

func TestAttributesAndErrors(t *testing.T) {
	_, certFile, keyFile := tlsServer(t)
	L := newState(t, host.Permissions{})
	L.SetGlobal("CERT", lua.LString(certFile))
	L.SetGlobal("KEY", lua.LString(keyFile))
	err := L.DoString(`
		local ssl = require("ssl")
		local ctx = ssl.create_default_context()
		assert(ctx.check_hostname == true and ctx.verify_mode == ssl.CERT_REQUIRED)
		local ok, e = pcall(function() ctx.verify_mode = ssl.CERT_NONE end)
		assert(not ok and tostring(e):find("Cannot set verify_mode to CERT_NONE when check_hostname is enabled", 1, true), tostring(e))
		ctx.check_hostname = false
		assert(ctx.verify_mode == ssl.CERT_REQUIRED)
		ctx.minimum_version = ssl.TLSVersion.TLSv1_3
		assert(ctx.minimum_version == ssl.TLSVersion.TLSv1_3)
		ok, e = pcall(ctx.load_cert_chain, ctx, CERT, KEY)
		assert(not ok and tostring(e):find("--allow-read", 1, true), tostring(e))
		ok, e = pcall(ssl.create_default_context, {cafile = CERT})
		assert(not ok and tostring(e):find("--allow-read", 1, true), tostring(e))
		ok, e = pcall(function() ctx.nonsense = 1 end)
		assert(not ok)
	`)
	if err != nil {
		t.Fatal(err)
	}
	L2 := newState(t, host.All())
	L2.SetGlobal("CERT", lua.LString(certFile))
	L2.SetGlobal("KEY", lua.LString(keyFile))
	L2.SetGlobal("MISSING", lua.LString(filepath.Join(t.TempDir(), "missing.pem")))
	if err := L2.DoString(`
		local ssl = require("ssl")
		local ctx = ssl.create_default_context()
		local ok, e = pcall(ctx.load_cert_chain, ctx, MISSING)
		assert(not ok and e.name == "OSError" and not ssl.SSLError:is(e), tostring(e))
		assert(e.message:find("missing.pem", 1, true), e.message)
		ok, e = pcall(ctx.load_cert_chain, ctx, KEY, KEY)
		assert(not ok and ssl.SSLError:is(e), tostring(e))
		assert(e.message:find("ssl: load_cert_chain: ", 1, true) == 1, e.message)
		ok, e = pcall(ctx.load_verify_locations, ctx, {cadata = "not a certificate"})
		assert(not ok and ssl.SSLError:is(e), tostring(e))
	`); err != nil {
		t.Fatal(err)
	}
	if err := L2.DoString(`local ctx = require("ssl").create_default_context() ctx:load_cert_chain(CERT, KEY) return ctx`); err != nil {
		t.Fatal(err)
	}
	conf, err := ssl.Config(L2, L2.Get(-1))
	if err != nil || len(conf.Certificates) != 1 {
		t.Fatalf("client certificate not loaded: %v", err)
	}
	if _, err := ssl.Config(L2, lua.LString("x")); err == nil || !strings.Contains(err.Error(), "SSLContext") {
		t.Errorf("Config of a string: %v", err)
	}
}

// TestErrorClasses checks the class tree of ssl's exceptions as a script
// sees it, without any module that raises them loaded: a certificate
// error is an SSLError and a ValueError, as in Python, and no SSLError is
// a certificate error.
func TestErrorClasses(t *testing.T) {
	L := newState(t, host.Permissions{})
	err := L.DoString(`
local ssl = require("ssl")
local cert = ssl.SSLCertVerificationError("certificate verify failed")
assert(ssl.SSLCertVerificationError:is(cert) and ssl.SSLError:is(cert))
local value = ssl.SSLCertVerificationError.bases[1]
assert(value.qualname == "ValueError" and value:is(cert), "the second base")
assert(ssl.SSLError.parent.qualname == "OSError" and ssl.SSLError.parent:is(cert))
local plain = ssl.SSLError("handshake failure")
assert(ssl.SSLError:is(plain) and not ssl.SSLCertVerificationError:is(plain) and not value:is(plain))
assert(tostring(cert) == "ssl.SSLCertVerificationError: certificate verify failed", tostring(cert))
`)
	if err != nil {
		t.Fatal(err)
	}
}
