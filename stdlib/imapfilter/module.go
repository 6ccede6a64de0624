package imapfilter

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/luacall"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the module's name for require: require("imapfilter") installs
// imapfilter's globals (IMAP, options, Set, regex_search...) in the
// running script.
const Name = "imapfilter"

// Compatible is the imapfilter version whose configuration API and
// behaviour the module follows.
const Compatible = "2.8"

// Options are the settings of the command line that the API needs.
type Options struct {
	// TrustFile is a PEM file of certificates to trust (imapfilter's -t)
	// in addition to the system roots.
	TrustFile string
	// CertificatesFile is imapfilter's file of accepted certificates
	// ($IMAPFILTER_HOME/certificates): with options.hostnames = false, a
	// self-signed server certificate found there is trusted (certs.go).
	CertificatesFile string
	// DeferExpunge puts off the expunge of the messages a config moves or
	// deletes and sends it for many at once (see pending.go); the host
	// must then call Teardown when the config has ended.
	DeferExpunge bool
}

//go:embed lua/*.lua
var luaFiles embed.FS

// files is the order the Lua layer is loaded in.
var files = []string{"common", "options", "set", "account", "mailbox", "message", "auxiliary"}

// layer is the Lua layer compiled, once per process: function prototypes
// are read-only, so every state that installs the API shares them.
var layer = sync.OnceValues(func() ([]*lua.FunctionProto, error) {
	protos := make([]*lua.FunctionProto, len(files))
	for i, f := range files {
		name := "imapfilter/" + f + ".lua"
		src, err := luaFiles.ReadFile("lua/" + f + ".lua")
		if err != nil {
			return nil, fmt.Errorf("imapfilter: %w", err)
		}
		chunk, err := parse.Parse(bytes.NewReader(src), name)
		if err != nil {
			return nil, fmt.Errorf("imapfilter: %w", err)
		}
		if protos[i], err = lua.Compile(chunk, name); err != nil {
			return nil, fmt.Errorf("imapfilter: %w", err)
		}
	}
	return protos, nil
})

// Prepare compiles the Lua layer that Install loads, once per process
// (about 20 ms of CPU); Install calls it. A host that knows it will
// install the API may call it early in a goroutine of its own, so that
// the compiling overlaps its other start-up work.
func Prepare() error {
	_, err := layer()
	return err
}

// Loader is the module's loader for L.PreloadModule: it installs the
// globals with default Options and returns true.
func Loader(L *lua.LState) int {
	if err := Install(L, Options{}); err != nil {
		L.RaiseError("%v", err)
	}
	L.Push(lua.LTrue)
	return 1
}

// Install sets imapfilter's API as globals of L: the options table,
// IMAP (Account), Mailbox, Message, Set and the auxiliary functions. They
// work through the host of L (host.Get): its context, logger, dry-run
// flag and permissions. Installing twice is harmless.
//
// Where imapfilter ends the whole program (a server certificate it cannot
// accept, exit status 5; a failed pass of become_daemon, status 2), the
// API calls the os.exit global of L. The engine's ends the run, not the
// program; a host that installs the API in a state of its own with Lua's
// standard os library would see the program exit.
func Install(L *lua.LState, opts Options) error {
	if L.GetGlobal("_imapfilter_installed") == lua.LTrue {
		return nil
	}
	// Configs call recover and pcall around functions that count their
	// attempts in the config's locals: gopher-lua's own pcall loses those
	// counts after an error (luacall).
	luacall.Install(L)
	installLua52(L)
	c := &core{h: host.Get(L), opts: opts}
	L.SetField(L.Get(lua.RegistryIndex), registryKey, &lua.LUserData{Value: c})
	luabind.Register(L, sessionType)
	shared := L.NewTable()
	L.SetField(shared, "core", L.SetFuncs(L.NewTable(), c.functions()))
	L.SetField(shared, "escapes", L.NewFunction(loadEscapes))
	protos, err := layer()
	if err != nil {
		return err
	}
	for i, f := range files {
		L.Push(L.NewFunctionFromProto(protos[i]))
		L.Push(shared)
		if err := L.PCall(1, 0, nil); err != nil {
			return fmt.Errorf("imapfilter: loading %s.lua: %w", f, err)
		}
	}
	if opts.DeferExpunge {
		expungeBeforeExit(L, c)
	}
	L.SetGlobal("_imapfilter_installed", lua.LTrue)
	return nil
}

// registryKey is where Install keeps the state's core in the registry.
const registryKey = "mailscript.imapfilter.core"

// Teardown ends a config run in L (err is how it ended, nil when it
// returned): what Options.DeferExpunge put off is expunged now, whether
// the config returned or failed. It returns the error of an expunge that
// could not be sent; the messages then stay flagged \Deleted in their
// mailbox, next to their copies.
func Teardown(L *lua.LState, err error) error {
	ud, ok := L.GetField(L.Get(lua.RegistryIndex), registryKey).(*lua.LUserData)
	if !ok {
		return nil
	}
	c, ok := ud.Value.(*core)
	if !ok {
		return nil
	}
	return c.flushTeardown(L, err)
}
