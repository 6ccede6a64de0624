package email

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "email"

// HeaderName and UtilsName are the submodules, also reachable as
// email.header and email.utils.
const (
	HeaderName = "email.header"
	UtilsName  = "email.utils"
)

// MessageType is the metatable name of message userdata.
const MessageType = "email.Message"

var moduleFuncs = map[string]lua.LGFunction{
	"message_from_string": apiMessageFromString,
	"message_from_bytes":  apiMessageFromString,
}

var headerFuncs = map[string]lua.LGFunction{
	"decode_header": apiDecodeHeader,
	"make_header":   apiMakeHeader,
	"decode":        apiDecode,
	"encode_word":   apiEncodeWord,
}

var utilsFuncs = map[string]lua.LGFunction{
	"parseaddr":              apiParseAddr,
	"getaddresses":           apiGetAddresses,
	"formataddr":             apiFormatAddr,
	"parsedate_to_datetime":  apiParseDateToDatetime,
	"parsedate_tz":           apiParseDateTZ,
	"parsedate":              apiParseDate,
	"mktime_tz":              apiMktimeTZ,
	"format_datetime":        apiFormatDatetime,
	"formatdate":             apiFormatDate,
	"make_msgid":             apiMakeMsgid,
	"quote":                  apiQuote,
	"unquote":                apiUnquote,
	"collapse_rfc2231_value": apiCollapse,
	"decode_rfc2231":         apiDecodeRFC2231,
}

// messageMethods returns the methods of email.Message (a function, not a
// variable, as the methods refer back to the type registration).
func messageMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"get":                     msgGet,
		"get_all":                 msgGetAll,
		"keys":                    msgKeys,
		"values":                  msgValues,
		"items":                   msgItems,
		"contains":                msgContains,
		"add_header":              msgAddHeader,
		"replace_header":          msgReplaceHeader,
		"del":                     msgDel,
		"is_multipart":            msgIsMultipart,
		"walk":                    msgWalk,
		"get_payload":             msgGetPayload,
		"get_content":             msgGetContent,
		"get_content_type":        msgGetContentType,
		"get_content_maintype":    msgGetContentMaintype,
		"get_content_subtype":     msgGetContentSubtype,
		"get_default_type":        msgGetDefaultType,
		"set_default_type":        msgSetDefaultType,
		"get_content_charset":     msgGetContentCharset,
		"get_charsets":            msgGetCharsets,
		"get_filename":            msgGetFilename,
		"get_boundary":            msgGetBoundary,
		"get_params":              msgGetParams,
		"get_param":               msgGetParam,
		"get_content_disposition": msgGetContentDisposition,
		"get_unixfrom":            msgGetUnixfrom,
		"as_string":               msgAsString,
		"as_bytes":                msgAsString,
	}
}

// Loader is the gopher-lua loader of the email module: it returns a table
// with message_from_string, message_from_bytes and the header and utils
// submodules.
func Loader(L *lua.LState) int {
	luabind.Register(L, messageType)
	header := luabind.NewModule(L, headerFuncs, nil)
	utils := luabind.NewModule(L, utilsFuncs, nil)
	mod := luabind.NewModule(L, moduleFuncs, map[string]lua.LValue{"header": header, "utils": utils, "errors": errorsModule(L)})
	addBuildAPI(L, mod, header, utils)
	L.Push(mod)
	return 1
}

// HeaderLoader is the loader of email.header (decode_header, make_header,
// decode, encode_word).
func HeaderLoader(L *lua.LState) int {
	t := luabind.NewModule(L, headerFuncs, nil)
	addHeaderAPI(L, t)
	L.Push(t)
	return 1
}

// UtilsLoader is the loader of email.utils (parseaddr, getaddresses,
// formataddr, dates, make_msgid...).
func UtilsLoader(L *lua.LState) int {
	t := luabind.NewModule(L, utilsFuncs, nil)
	addUtilsAPI(L, t)
	L.Push(t)
	return 1
}

// messageType is email.Message (built in init: its methods refer back to
// it).
var messageType *luabind.Type

func init() {
	messageType = &luabind.Type{
		Name:     MessageType,
		Methods:  withBuildMethods(messageMethods()),
		Fields:   []string{"defects", "preamble", "epilogue"},
		Field:    msgField,
		SetField: msgSetField,
		Meta:     map[string]lua.LGFunction{"__len": msgLen},
	}
}

// Push pushes m on L as an email.Message userdata.
func Push(L *lua.LState, m *Message) {
	L.Push(Wrap(L, m))
}

// Wrap returns m as an email.Message userdata.
func Wrap(L *lua.LState, m *Message) *lua.LUserData {
	return luabind.Wrap(L, messageType, m)
}

// Check returns the message at stack index n or raises an argument error.
func Check(L *lua.LState, n int) *Message {
	return luabind.Check[*Message](L, n, messageType)
}

// withBuildMethods adds the methods of message building (EmailMessage and
// the compat32 API, build.go) to methods.
func withBuildMethods(methods map[string]lua.LGFunction) map[string]lua.LGFunction {
	for name, f := range buildMethods() {
		methods[name] = f
	}
	return methods
}
