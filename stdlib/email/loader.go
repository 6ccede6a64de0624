package email

import (
	lua "github.com/yuin/gopher-lua"
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
	registerMessageType(L)
	mod := L.SetFuncs(L.NewTable(), moduleFuncs)
	L.SetField(mod, "header", L.SetFuncs(L.NewTable(), headerFuncs))
	L.SetField(mod, "utils", L.SetFuncs(L.NewTable(), utilsFuncs))
	L.SetField(mod, "errors", emailErrors(L).table)
	L.Push(mod)
	return 1
}

// HeaderLoader is the loader of email.header (decode_header, make_header,
// decode, encode_word).
func HeaderLoader(L *lua.LState) int {
	L.Push(L.SetFuncs(L.NewTable(), headerFuncs))
	return 1
}

// UtilsLoader is the loader of email.utils (parseaddr, getaddresses,
// formataddr, dates, make_msgid...).
func UtilsLoader(L *lua.LState) int {
	L.Push(L.SetFuncs(L.NewTable(), utilsFuncs))
	return 1
}

func registerMessageType(L *lua.LState) {
	if L.GetTypeMetatable(MessageType) != lua.LNil {
		return
	}
	mt := L.NewTypeMetatable(MessageType)
	methods := L.SetFuncs(L.NewTable(), messageMethods())
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int { return msgIndex(L, methods) }))
	L.SetField(mt, "__newindex", L.NewFunction(msgNewIndex))
	L.SetField(mt, "__len", L.NewFunction(msgLen))
	L.SetField(mt, "__tostring", L.NewFunction(msgAsString))
	L.SetField(mt, "__name", lua.LString(MessageType))
}

// Push pushes m on L as an email.Message userdata.
func Push(L *lua.LState, m *Message) {
	L.Push(Wrap(L, m))
}

// Wrap returns m as an email.Message userdata.
func Wrap(L *lua.LState, m *Message) *lua.LUserData {
	registerMessageType(L)
	ud := L.NewUserData()
	ud.Value = m
	L.SetMetatable(ud, L.GetTypeMetatable(MessageType))
	return ud
}

// Check returns the message at stack index n or raises an argument error.
func Check(L *lua.LState, n int) *Message {
	ud := L.CheckUserData(n)
	if m, ok := ud.Value.(*Message); ok {
		return m
	}
	L.ArgError(n, "email.Message expected")
	return nil
}
