package stdlib

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/email"
	"github.com/mailscript/mailscript/stdlib/json"
	"github.com/mailscript/mailscript/stdlib/log"
	"github.com/mailscript/mailscript/stdlib/luaimaplib"
	"github.com/mailscript/mailscript/stdlib/luatime"
	"github.com/mailscript/mailscript/stdlib/mail"
	"github.com/mailscript/mailscript/stdlib/oauth2"
	"github.com/mailscript/mailscript/stdlib/re"
	"github.com/mailscript/mailscript/stdlib/smtplib"
	"github.com/mailscript/mailscript/stdlib/ssl"
	"github.com/mailscript/mailscript/stdlib/state"
)

// Module is one Lua module: the name scripts pass to require, and its loader.
type Module struct {
	Name   string
	Loader lua.LGFunction
}

// Modules lists the modules Preload registers, in a stable order.
func Modules() []Module {
	mods := []Module{
		{luaimaplib.Name, luaimaplib.Loader},
		{smtplib.Name, smtplib.Loader},
		{ssl.Name, ssl.Loader},
		{email.Name, email.Loader},
		{email.HeaderName, email.HeaderLoader},
		{email.UtilsName, email.UtilsLoader},
		{email.ErrorsName, email.ErrorsLoader},
		{re.Name, re.Loader},
		{json.Name, json.Loader},
		{luatime.Name, luatime.Loader},
		{log.Name, log.Loader},
		{mail.Name, mail.Loader},
		{state.Name, state.Loader},
		{oauth2.Name, oauth2.Loader},
	}
	for _, n := range email.BuildModules {
		mods = append(mods, Module{n, email.SubLoader(n)})
	}
	return mods
}

// Preload registers every module of Modules on L for require.
func Preload(L *lua.LState) {
	for _, m := range Modules() {
		L.PreloadModule(m.Name, m.Loader)
	}
}
