package email

import (
	"sort"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// This file binds the message-building API to Lua: email.message
// (EmailMessage, MIMEPart, Message), email.mime.*, email.encoders,
// email.header.Header, email.utils.localtime, and the building methods of
// email.Message.

// HeaderType is the metatable name of email.header.Header userdata.
const HeaderType = "email.header.Header"

// BuildModules are the submodule names the building API adds, each loaded
// by SubLoader(name).
var BuildModules = []string{
	"email.message", "email.mime", "email.mime.text", "email.mime.multipart", "email.mime.base",
	"email.mime.application", "email.mime.image", "email.mime.message", "email.mime.nonmultipart",
	"email.encoders", "email.policy",
}

func buildMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"set_content":      msgSetContent,
		"add_alternative":  func(L *lua.LState) int { return msgAddPart(L, (*Message).AddAlternative) },
		"add_attachment":   func(L *lua.LState) int { return msgAddPart(L, (*Message).AddAttachment) },
		"add_related":      func(L *lua.LState) int { return msgAddPart(L, (*Message).AddRelated) },
		"make_mixed":       func(L *lua.LState) int { return msgMake(L, (*Message).MakeMixed) },
		"make_alternative": func(L *lua.LState) int { return msgMake(L, (*Message).MakeAlternative) },
		"make_related":     func(L *lua.LState) int { return msgMake(L, (*Message).MakeRelated) },
		"get_body":         msgGetBody,
		"iter_attachments": func(L *lua.LState) int { return pushIter(L, Check(L, 1).IterAttachments()) },
		"iter_parts": func(L *lua.LState) int {
			m := Check(L, 1)
			if !m.Multipart {
				return pushIter(L, nil)
			}
			return pushIter(L, m.Parts)
		},
		"is_attachment":  func(L *lua.LState) int { L.Push(lua.LBool(Check(L, 1).IsAttachment())); return 1 },
		"clear":          func(L *lua.LState) int { m := Check(L, 1); m.Fields = nil; m.clearContent(); return 0 },
		"clear_content":  func(L *lua.LState) int { Check(L, 1).clearContent(); return 0 },
		"set_payload":    msgSetPayload,
		"attach":         msgAttach,
		"set_param":      msgSetParam,
		"del_param":      msgDelParam,
		"set_charset":    msgSetCharset,
		"set_boundary":   msgSetBoundary,
		"replace_header": msgReplaceHeaderPy,
		"add_header":     msgAddHeaderPy,
		"as_string":      func(L *lua.LState) int { return msgGenerate(L, true) },
		"as_bytes":       func(L *lua.LState) int { return msgGenerate(L, false) },
	}
}

// SubLoader returns the loader of one of BuildModules.
func SubLoader(name string) lua.LGFunction {
	return func(L *lua.LState) int {
		luabind.Register(L, messageType)
		L.Push(subTable(L, name))
		return 1
	}
}

func subTable(L *lua.LState, name string) *lua.LTable {
	t := L.NewTable()
	f := func(n string, fn lua.LGFunction) { L.SetField(t, n, L.NewFunction(fn)) }
	switch name {
	case "email.message":
		f("EmailMessage", func(L *lua.LState) int { Push(L, NewEmailMessage()); return 1 })
		f("MIMEPart", func(L *lua.LState) int { m := NewEmailMessage(); m.part = true; Push(L, m); return 1 })
		f("Message", func(L *lua.LState) int { m := NewMessage(); m.built = true; Push(L, m); return 1 })
	case "email.mime":
		for _, sub := range []string{"text", "multipart", "base", "application", "image", "message", "nonmultipart"} {
			L.SetField(t, sub, subTable(L, "email.mime."+sub))
		}
	case "email.mime.text":
		f("MIMEText", luaMIMEText)
	case "email.mime.multipart":
		f("MIMEMultipart", luaMIMEMultipart)
	case "email.mime.base":
		f("MIMEBase", func(L *lua.LState) int {
			return pushBuilt(L)(NewMIMEBase(L.CheckString(1), L.CheckString(2), namedParams(L, 3)))
		})
	case "email.mime.nonmultipart":
		f("MIMENonMultipart", func(L *lua.LState) int {
			return pushBuilt(L)(newNonMultipart(L.CheckString(1), L.CheckString(2), namedParams(L, 3)))
		})
	case "email.mime.application":
		f("MIMEApplication", func(L *lua.LState) int {
			return pushBuilt(L)(NewMIMEApplication([]byte(L.CheckString(1)), L.OptString(2, ""), namedParams(L, 3)))
		})
	case "email.mime.image":
		f("MIMEImage", func(L *lua.LState) int {
			return pushBuilt(L)(NewMIMEImage([]byte(L.CheckString(1)), L.OptString(2, ""), namedParams(L, 3)))
		})
	case "email.mime.message":
		f("MIMEMessage", func(L *lua.LState) int {
			return pushBuilt(L)(NewMIMEMessage(Check(L, 1), L.OptString(2, "")))
		})
	case "email.encoders":
		f("encode_base64", func(L *lua.LState) int { Check(L, 1).EncodeBase64(); return 0 })
		f("encode_quopri", func(L *lua.LState) int { Check(L, 1).EncodeQuopri(); return 0 })
		f("encode_7or8bit", func(L *lua.LState) int { Check(L, 1).Encode7or8bit(); return 0 })
		f("encode_noop", func(L *lua.LState) int { Check(L, 1); return 0 })
	case "email.policy":
		L.SetField(t, "default", lua.LString("default"))
		L.SetField(t, "compat32", lua.LString("compat32"))
		L.SetField(t, "SMTP", lua.LString("SMTP"))
	}
	return t
}

// addBuildAPI puts the building API on the email module table and its
// header and utils submodules.
func addBuildAPI(L *lua.LState, mod, header, utils *lua.LTable) {
	for _, n := range []string{"message", "mime", "encoders", "policy"} {
		L.SetField(mod, n, subTable(L, "email."+n))
	}
	addHeaderAPI(L, header)
	addUtilsAPI(L, utils)
}

func addHeaderAPI(L *lua.LState, header *lua.LTable) {
	L.SetField(header, "Header", L.NewFunction(luaNewHeader))
}

func addUtilsAPI(L *lua.LState, utils *lua.LTable) {
	L.SetField(utils, "localtime", L.NewFunction(luaLocaltime))
}

func pushBuilt(L *lua.LState) func(*Message, error) int {
	return func(m *Message, err error) int { return pushBuiltMsg(L, m, err) }
}

func pushBuiltMsg(L *lua.LState, m *Message, err error) int {
	if err != nil {
		raiseEmailError(L, err)
	}
	m.built = true
	Push(L, m)
	return 1
}

func pushIter(L *lua.LState, parts []*Message) int {
	i := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if i >= len(parts) {
			L.Push(lua.LNil)
			return 1
		}
		Push(L, parts[i])
		i++
		return 1
	}))
	return 1
}

// luaParamValue converts a Lua parameter value: a string, or an RFC 2231
// triple {charset, language, value}.
func luaParamValue(L *lua.LState, v lua.LValue) ParamValue {
	if t, ok := v.(*lua.LTable); ok {
		return ParamValue{Charset: lua.LVAsString(t.RawGetInt(1)), Language: lua.LVAsString(t.RawGetInt(2)),
			Value: lua.LVAsString(t.RawGetInt(3)), Triple: true}
	}
	return ParamValue{Value: lua.LVAsString(v)}
}

// namedParams reads keyword parameters: a table {name=value} (sorted by
// name, as Lua tables have no order) or a list of {name, value} pairs.
func namedParams(L *lua.LState, n int) []NamedParam {
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		if L.Get(n) != lua.LNil {
			L.ArgError(n, "table of parameters expected")
		}
		return nil
	}
	return tableParams(L, t)
}

func tableParams(L *lua.LState, t *lua.LTable) []NamedParam {
	var out []NamedParam
	conv := func(name string, v lua.LValue) {
		switch x := v.(type) {
		case lua.LBool:
			if x {
				out = append(out, NamedParam{Name: name, Bare: true})
			}
		default:
			if luabind.IsNull(v) {
				out = append(out, NamedParam{Name: name, Bare: true})
			} else {
				out = append(out, NamedParam{Name: name, Value: luaParamValue(L, v)})
			}
		}
	}
	if t.Len() > 0 {
		for i := 1; i <= t.Len(); i++ {
			if p, ok := t.RawGetInt(i).(*lua.LTable); ok {
				conv(lua.LVAsString(p.RawGetInt(1)), p.RawGetInt(2))
			}
		}
		return out
	}
	var keys []string
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); ok {
			keys = append(keys, string(ks))
		}
	})
	sort.Strings(keys)
	for _, k := range keys {
		conv(k, t.RawGetString(k))
	}
	return out
}

func optField(t *lua.LTable, name string) (string, bool) {
	if t == nil {
		return "", false
	}
	v := t.RawGetString(name)
	if v == lua.LNil {
		return "", false
	}
	return lua.LVAsString(v), true
}

// contentArgs reads set_content's arguments from index 2: (text [,
// subtype] [, opts]), (data, maintype, subtype [, opts]) or (message [,
// subtype] [, opts]).
func contentArgs(L *lua.LState) (Content, ContentOptions) {
	var c Content
	var o ContentOptions
	top := L.GetTop()
	var opts *lua.LTable
	if t, ok := L.Get(top).(*lua.LTable); ok && top > 2 {
		opts = t
		top--
	}
	var pos []string
	for i := 3; i <= top; i++ {
		pos = append(pos, L.CheckString(i))
	}
	if ud, ok := L.Get(2).(*lua.LUserData); ok {
		inner, ok := ud.Value.(*Message)
		if !ok {
			L.ArgError(2, "string or email.Message expected")
		}
		c.Msg = inner
		if len(pos) > 0 {
			o.Subtype = pos[0]
		}
	} else {
		s := L.CheckString(2)
		switch len(pos) {
		case 0:
			c.Text, c.IsText = s, true
		case 1:
			c.Text, c.IsText = s, true
			o.Subtype = pos[0]
		default:
			c.Data, c.Maintype, c.Subtype = []byte(s), pos[0], pos[1]
		}
	}
	if opts != nil {
		if v, ok := optField(opts, "subtype"); ok {
			o.Subtype = v
		}
		if v, ok := optField(opts, "maintype"); ok && c.IsText {
			c.Data, c.Maintype, c.IsText = []byte(c.Text), v, false
			c.Subtype = o.Subtype
		}
		o.Charset, _ = optField(opts, "charset")
		o.CTE, _ = optField(opts, "cte")
		o.Disposition, _ = optField(opts, "disposition")
		o.Filename, o.HasFilename = optField(opts, "filename")
		o.CID, _ = optField(opts, "cid")
		if p, ok := opts.RawGetString("params").(*lua.LTable); ok {
			o.Params = tableParams(L, p)
		}
		if h, ok := opts.RawGetString("headers").(*lua.LTable); ok {
			for i := 1; i <= h.Len(); i++ {
				o.Headers = append(o.Headers, lua.LVAsString(h.RawGetInt(i)))
			}
		}
	}
	return c, o
}

func msgSetContent(L *lua.LState) int {
	m := Check(L, 1)
	c, o := contentArgs(L)
	if err := m.SetContent(c, o); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgAddPart(L *lua.LState, fn func(*Message, Content, ContentOptions) error) int {
	m := Check(L, 1)
	c, o := contentArgs(L)
	if err := fn(m, c, o); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgMake(L *lua.LState, fn func(*Message) error) int {
	if err := fn(Check(L, 1)); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgGetBody(L *lua.LState) int {
	m := Check(L, 1)
	var prefs []string
	if t, ok := L.Get(2).(*lua.LTable); ok {
		if pl, ok := t.RawGetString("preferencelist").(*lua.LTable); ok {
			t = pl
		}
		prefs = []string{}
		for i := 1; i <= t.Len(); i++ {
			prefs = append(prefs, lua.LVAsString(t.RawGetInt(i)))
		}
	}
	if b := m.GetBody(prefs); b != nil {
		Push(L, b)
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

func msgSetPayload(L *lua.LState) int {
	m := Check(L, 1)
	m.built = true
	if t, ok := L.Get(2).(*lua.LTable); ok {
		var parts []*Message
		for i := 1; i <= t.Len(); i++ {
			ud, ok := t.RawGetInt(i).(*lua.LUserData)
			p, ok2 := ud.Value.(*Message)
			if !ok || !ok2 {
				L.ArgError(2, "list of email.Message expected")
			}
			parts = append(parts, p)
		}
		m.Body, m.Parts, m.Multipart = "", parts, true
		return 0
	}
	if err := m.SetPayload(L.CheckString(2), L.OptString(3, "")); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgAttach(L *lua.LState) int {
	m := Check(L, 1)
	m.built = true
	if err := m.Attach(Check(L, 2)); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgSetParam(L *lua.LState) int {
	m := Check(L, 1)
	m.built = true
	param := L.CheckString(2)
	value := luaParamValue(L, L.Get(3))
	var o SetParamOptions
	if t, ok := L.Get(4).(*lua.LTable); ok {
		o.Header, _ = optField(t, "header")
		if v := t.RawGetString("requote"); v != lua.LNil {
			o.NoQuote = !lua.LVAsBool(v)
		}
		o.Charset, _ = optField(t, "charset")
		o.Language, _ = optField(t, "language")
		o.Replace = lua.LVAsBool(t.RawGetString("replace"))
	}
	if err := m.SetParam(param, value, o); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgDelParam(L *lua.LState) int {
	m := Check(L, 1)
	m.built = true
	header, requote := "content-type", true
	if t, ok := L.Get(3).(*lua.LTable); ok {
		if v, ok := optField(t, "header"); ok {
			header = v
		}
		if v := t.RawGetString("requote"); v != lua.LNil {
			requote = lua.LVAsBool(v)
		}
	}
	if err := m.DelParam(L.CheckString(2), header, requote); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgSetCharset(L *lua.LState) int {
	m := Check(L, 1)
	m.built = true
	if L.Get(2) == lua.LNil {
		_ = m.DelParam("charset", "content-type", true)
		return 0
	}
	if err := m.SetCharset(L.CheckString(2)); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgSetBoundary(L *lua.LState) int {
	if err := Check(L, 1).SetBoundary(L.CheckString(2)); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgReplaceHeaderPy(L *lua.LState) int {
	m := Check(L, 1)
	v := headerArg(L, 3)
	if err := m.ReplaceHeader(L.CheckString(2), v); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

func msgAddHeaderPy(L *lua.LState) int {
	m := Check(L, 1)
	name := L.CheckString(2)
	checkFieldName(L, 2, name)
	hasValue := L.Get(3) != lua.LNil && !luabind.IsNull(L.Get(3))
	value := ""
	if hasValue {
		value = headerArg(L, 3)
	}
	if err := m.AddHeader(name, value, hasValue, namedParams(L, 4)); err != nil {
		raiseEmailError(L, err)
	}
	return 0
}

// headerArg reads a header value: a string or an email.header.Header
// (stored encoded, as Python's generator writes it).
func headerArg(L *lua.LState, n int) string {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if h, ok := ud.Value.(*Header); ok {
			return h.Encode()
		}
	}
	return L.CheckString(n)
}

// buildNewIndex handles msg[name] = value for built messages and Header
// values; it reports whether it did.
func buildNewIndex(L *lua.LState, m *Message, key string, v lua.LValue) bool {
	_, isHeader := v.(*lua.LUserData)
	if !m.Default && !isHeader {
		return false
	}
	if v == lua.LNil {
		m.Del(key)
		return true
	}
	if err := m.SetItem(key, headerArg(L, 3)); err != nil {
		raiseEmailError(L, err)
	}
	return true
}

func msgGenerate(L *lua.LState, asString bool) int {
	m := Check(L, 1)
	if !m.Default && !m.built {
		return msgAsString(L)
	}
	s := m.Generate(asString)
	if lua.LVAsBool(L.Get(2)) && m.UnixFrom != "" {
		s = m.UnixFrom + "\n" + s
	}
	L.Push(lua.LString(s))
	return 1
}

// --- MIME constructors ------------------------------------------------

func luaMIMEText(L *lua.LState) int {
	return pushBuilt(L)(NewMIMEText(L.CheckString(1), L.OptString(2, ""), L.OptString(3, "")))
}

func luaMIMEMultipart(L *lua.LState) int {
	var parts []*Message
	if t, ok := L.Get(3).(*lua.LTable); ok {
		for i := 1; i <= t.Len(); i++ {
			if ud, ok := t.RawGetInt(i).(*lua.LUserData); ok {
				if p, ok := ud.Value.(*Message); ok {
					parts = append(parts, p)
				}
			}
		}
	}
	b := ""
	if L.Get(2) != lua.LNil && !luabind.IsNull(L.Get(2)) {
		b = L.CheckString(2)
	}
	return pushBuilt(L)(NewMIMEMultipart(L.OptString(1, ""), b, parts, namedParams(L, 4)))
}

// --- email.header.Header ----------------------------------------------

// headerType is email.header.Header.
var headerType = &luabind.Type{
	Name:   HeaderType,
	String: func(_ *lua.LState, ud *lua.LUserData) string { return ud.Value.(*Header).String() },
}

func init() {
	headerType.Methods = map[string]lua.LGFunction{
		"append": func(L *lua.LState) int {
			if err := checkHeader(L, 1).Append(L.CheckString(2), L.OptString(3, "")); err != nil {
				raiseEmailError(L, err)
			}
			return 0
		},
		"encode": func(L *lua.LState) int { L.Push(lua.LString(checkHeader(L, 1).Encode())); return 1 },
	}
}

func checkHeader(L *lua.LState, n int) *Header {
	return luabind.Check[*Header](L, n, headerType)
}

// luaNewHeader is Header(s, charset). As in Python, Header("") holds one
// empty chunk and Header() none: str() of either after an append of
// encoded text differs by a space.
func luaNewHeader(L *lua.LState) int {
	s := L.OptString(1, "")
	h, err := NewHeader(s, L.OptString(2, ""))
	if err == nil && s == "" && L.Get(1) != lua.LNil {
		err = h.Append("", L.OptString(2, ""))
	}
	if err != nil {
		raiseEmailError(L, err)
	}
	return luabind.Push(L, headerType, h)
}

// luaLocaltime is email.utils.localtime(epoch): the epoch seconds and the
// local zone's offset at that time, in seconds.
func luaLocaltime(L *lua.LState) int {
	t := time.Now()
	if L.Get(1) != lua.LNil {
		t = time.Unix(int64(L.CheckNumber(1)), 0)
	}
	_, off := t.Local().Zone()
	L.Push(lua.LNumber(t.Unix()))
	L.Push(lua.LNumber(off))
	return 2
}
