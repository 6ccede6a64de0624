package email

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// --- module functions -------------------------------------------------

func apiMessageFromString(L *lua.LState) int {
	s := L.CheckString(1)
	Push(L, ParseString(s))
	return 1
}

// --- message: header access -------------------------------------------

// msgField serves the attributes of a message (defects, preamble,
// epilogue) and, for any other key, its header field: msg["Subject"] as in
// Python (nil when absent).
func msgField(L *lua.LState, ud *lua.LUserData, key string) (lua.LValue, bool) {
	m := ud.Value.(*Message)
	switch key {
	case "defects":
		t := L.NewTable()
		for _, d := range m.Defects {
			t.Append(lua.LString(d))
		}
		return t, true
	case "preamble":
		return optString(m.Preamble), true
	case "epilogue":
		return optString(m.Epilogue), true
	}
	if v, ok := m.Get(key); ok {
		return lua.LString(v), true
	}
	return lua.LNil, true
}

func optString(s *string) lua.LValue {
	if s == nil {
		return lua.LNil
	}
	return lua.LString(*s)
}

// checkFieldName rejects names that would corrupt the header.
func checkFieldName(L *lua.LState, n int, name string) {
	if name == "" {
		L.ArgError(n, "email: empty header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			L.ArgError(n, fmt.Sprintf("email: invalid header name %q", name))
		}
	}
}

// checkFieldValue rejects values with a line break that is not a fold.
func checkFieldValue(L *lua.LState, n int, v string) {
	for i := 0; i < len(v); i++ {
		if v[i] == '\r' || v[i] == '\n' {
			j := i + 1
			if v[i] == '\r' && j < len(v) && v[j] == '\n' {
				j++
			}
			if j >= len(v) || (v[j] != ' ' && v[j] != '\t') {
				L.ArgError(n, "email: header value has a line break not followed by a blank (header injection)")
			}
			i = j - 1
		}
	}
}

// msgSetField sets preamble or epilogue, or replaces nothing and adds a
// header field (msg["X-Tag"] = "v"; nil deletes every field of the name).
func msgSetField(L *lua.LState, ud *lua.LUserData, key string, v lua.LValue) bool {
	m := ud.Value.(*Message)
	switch key {
	case "preamble", "epilogue":
		var p *string
		if v != lua.LNil {
			s := L.CheckString(3)
			p = &s
		}
		if key == "preamble" {
			m.Preamble = p
		} else {
			m.Epilogue = p
		}
		return true
	}
	checkFieldName(L, 2, key)
	if buildNewIndex(L, m, key, v) {
		return true
	}
	if v == lua.LNil {
		m.Del(key)
		return true
	}
	s := L.CheckString(3)
	checkFieldValue(L, 3, s)
	m.Add(key, s)
	return true
}

func msgLen(L *lua.LState) int {
	L.Push(lua.LNumber(len(Check(L, 1).Fields)))
	return 1
}

func msgGet(L *lua.LState) int {
	m := Check(L, 1)
	name := L.CheckString(2)
	if v, ok := m.Get(name); ok {
		L.Push(lua.LString(v))
	} else {
		L.Push(L.Get(3))
	}
	return 1
}

func msgGetAll(L *lua.LState) int {
	m := Check(L, 1)
	vals := m.GetAll(L.CheckString(2))
	if len(vals) == 0 {
		L.Push(L.Get(3))
		return 1
	}
	t := L.CreateTable(len(vals), 0)
	for _, v := range vals {
		t.Append(lua.LString(v))
	}
	L.Push(t)
	return 1
}

func msgKeys(L *lua.LState) int {
	m := Check(L, 1)
	t := L.CreateTable(len(m.Fields), 0)
	for _, f := range m.Fields {
		t.Append(lua.LString(f.Name))
	}
	L.Push(t)
	return 1
}

func msgValues(L *lua.LState) int {
	m := Check(L, 1)
	t := L.CreateTable(len(m.Fields), 0)
	for _, f := range m.Fields {
		t.Append(lua.LString(f.Value))
	}
	L.Push(t)
	return 1
}

func msgItems(L *lua.LState) int {
	m := Check(L, 1)
	t := L.CreateTable(len(m.Fields), 0)
	for _, f := range m.Fields {
		t.Append(pair(L, lua.LString(f.Name), lua.LString(f.Value)))
	}
	L.Push(t)
	return 1
}

func pair(L *lua.LState, a, b lua.LValue) *lua.LTable {
	t := L.CreateTable(2, 0)
	t.RawSetInt(1, a)
	t.RawSetInt(2, b)
	return t
}

func msgContains(L *lua.LState) int {
	_, ok := Check(L, 1).Get(L.CheckString(2))
	L.Push(lua.LBool(ok))
	return 1
}

func msgDel(L *lua.LState) int {
	Check(L, 1).Del(L.CheckString(2))
	return 0
}

func msgReplaceHeader(L *lua.LState) int {
	m := Check(L, 1)
	name := L.CheckString(2)
	v := L.CheckString(3)
	checkFieldValue(L, 3, v)
	if !m.Replace(name, v) {
		luabind.RaiseClass(L, luabind.KeyError, "email: replace_header: no header %q", name)
	}
	return 0
}

func formatParam(name, value string) string {
	if !isASCII(value) {
		return name + "*=utf-8''" + strings.ReplaceAll(url.QueryEscape(value), "+", "%20")
	}
	return name + `="` + Quote(value) + `"`
}

func msgAddHeader(L *lua.LState) int {
	m := Check(L, 1)
	name := L.CheckString(2)
	checkFieldName(L, 2, name)
	var parts []string
	if v := L.Get(3); v != lua.LNil {
		parts = append(parts, L.CheckString(3))
	}
	if t, ok := L.Get(4).(*lua.LTable); ok {
		var keys []string
		vals := map[string]lua.LValue{}
		t.ForEach(func(k, v lua.LValue) {
			if ks, ok := k.(lua.LString); ok {
				keys = append(keys, string(ks))
				vals[string(ks)] = v
			}
		})
		sort.Strings(keys)
		for _, k := range keys {
			pname := strings.ReplaceAll(k, "_", "-")
			switch v := vals[k].(type) {
			case lua.LBool:
				if v {
					parts = append(parts, pname)
				}
			default:
				if luabind.IsNull(v) {
					parts = append(parts, pname)
				} else {
					parts = append(parts, formatParam(pname, lua.LVAsString(v)))
				}
			}
		}
	} else if L.Get(4) != lua.LNil {
		L.ArgError(4, "table of parameters expected")
	}
	value := strings.Join(parts, "; ")
	checkFieldValue(L, 3, value)
	m.Add(name, value)
	return 0
}

// --- message: structure ----------------------------------------------

func msgIsMultipart(L *lua.LState) int {
	L.Push(lua.LBool(Check(L, 1).Multipart))
	return 1
}

func msgWalk(L *lua.LState) int {
	m := Check(L, 1)
	var parts []*Message
	m.Walk(func(p *Message) bool { parts = append(parts, p); return true })
	L.Push(luabind.SliceIterator(L, parts, func(p *Message) lua.LValue { return Wrap(L, p) }))
	return 1
}

// payloadArgs reads (i, decode) or an options table {i=, decode=}.
func payloadArgs(L *lua.LState) (idx lua.LValue, decode bool) {
	if t, ok := L.Get(2).(*lua.LTable); ok {
		return t.RawGetString("i"), lua.LVAsBool(t.RawGetString("decode"))
	}
	return L.Get(2), lua.LVAsBool(L.Get(3))
}

func msgGetPayload(L *lua.LState) int {
	m := Check(L, 1)
	idx, decode := payloadArgs(L)
	if m.Multipart {
		if decode {
			L.Push(lua.LNil)
			return 1
		}
		if idx == lua.LNil {
			t := L.CreateTable(len(m.Parts), 0)
			for _, p := range m.Parts {
				t.Append(Wrap(L, p))
			}
			L.Push(t)
			return 1
		}
		n, ok := idx.(lua.LNumber)
		if !ok {
			L.ArgError(2, "number expected")
		}
		i := int(n)
		if i < 0 {
			i += len(m.Parts)
		}
		if i < 0 || i >= len(m.Parts) {
			luabind.RaiseClass(L, luabind.IndexError, "email: get_payload: index %d out of range (%d parts, counted from 0)", int(n), len(m.Parts))
		}
		Push(L, m.Parts[i])
		return 1
	}
	if idx != lua.LNil {
		luabind.RaiseClass(L, luabind.TypeError, "email: get_payload: expected a multipart, the payload is a string")
	}
	b, _ := m.Payload(decode)
	L.Push(lua.LString(b))
	return 1
}

func msgGetContent(L *lua.LState) int {
	m := Check(L, 1)
	if m.Multipart {
		L.Push(lua.LNil)
		return 1
	}
	if m.MainType() == "text" {
		s, _ := m.Text()
		L.Push(lua.LString(s))
		return 1
	}
	b, _ := m.Payload(true)
	L.Push(lua.LString(b))
	return 1
}

func msgGetContentType(L *lua.LState) int {
	L.Push(lua.LString(Check(L, 1).ContentType()))
	return 1
}

func msgGetContentMaintype(L *lua.LState) int {
	L.Push(lua.LString(Check(L, 1).MainType()))
	return 1
}

func msgGetContentSubtype(L *lua.LState) int {
	L.Push(lua.LString(Check(L, 1).SubType()))
	return 1
}

func msgGetDefaultType(L *lua.LState) int {
	L.Push(lua.LString(Check(L, 1).DefaultType))
	return 1
}

func msgSetDefaultType(L *lua.LState) int {
	Check(L, 1).DefaultType = L.CheckString(2)
	return 0
}

func msgGetContentCharset(L *lua.LState) int {
	if cs, ok := Check(L, 1).ContentCharset(); ok {
		L.Push(lua.LString(cs))
	} else {
		L.Push(L.Get(2))
	}
	return 1
}

func msgGetCharsets(L *lua.LState) int {
	m := Check(L, 1)
	fail := L.Get(2)
	if fail == lua.LNil {
		fail = luabind.Null(L)
	}
	t := L.NewTable()
	m.Walk(func(p *Message) bool {
		if cs, ok := p.ContentCharset(); ok {
			t.Append(lua.LString(cs))
		} else {
			t.Append(fail)
		}
		return true
	})
	L.Push(t)
	return 1
}

func msgGetFilename(L *lua.LState) int {
	if s, ok := Check(L, 1).Filename(); ok {
		L.Push(lua.LString(s))
	} else {
		L.Push(L.Get(2))
	}
	return 1
}

func msgGetBoundary(L *lua.LState) int {
	if s, ok := Check(L, 1).Boundary(); ok {
		L.Push(lua.LString(s))
	} else {
		L.Push(L.Get(2))
	}
	return 1
}

func msgGetContentDisposition(L *lua.LState) int {
	if s, ok := Check(L, 1).ContentDisposition(); ok {
		L.Push(lua.LString(s))
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

func msgGetUnixfrom(L *lua.LState) int {
	if s := Check(L, 1).UnixFrom; s != "" {
		L.Push(lua.LString(s))
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

func msgAsString(L *lua.LState) int {
	m := Check(L, 1)
	if lua.LVAsBool(L.Get(2)) {
		L.Push(lua.LString(m.StringUnixFrom()))
	} else {
		L.Push(lua.LString(m.String()))
	}
	return 1
}

// paramArgs reads (first..) positional arguments named names, or a single
// options table holding them by name.
func paramArgs(L *lua.LState, first int, names ...string) []lua.LValue {
	out := make([]lua.LValue, len(names))
	if t, ok := L.Get(first).(*lua.LTable); ok && L.GetTop() == first {
		for i, n := range names {
			out[i] = t.RawGetString(n)
		}
		return out
	}
	for i := range names {
		out[i] = L.Get(first + i)
	}
	return out
}

func paramValue(L *lua.LState, p Param, unquote bool) lua.LValue {
	v := p.Value
	if unquote {
		v = Unquote(v)
	}
	if !p.Extended {
		return lua.LString(v)
	}
	t := L.CreateTable(3, 0)
	if p.HasCharset {
		t.RawSetInt(1, lua.LString(p.Charset))
		t.RawSetInt(2, lua.LString(p.Language))
	} else {
		t.RawSetInt(1, luabind.Null(L))
		t.RawSetInt(2, luabind.Null(L))
	}
	t.RawSetInt(3, lua.LString(v))
	return t
}

func msgGetParams(L *lua.LState) int {
	m := Check(L, 1)
	a := paramArgs(L, 2, "failobj", "header", "unquote")
	header := "content-type"
	if a[1] != lua.LNil {
		header = lua.LVAsString(a[1])
	}
	unquote := a[2] == lua.LNil || lua.LVAsBool(a[2])
	ps, ok := m.Params(header)
	if !ok {
		L.Push(a[0])
		return 1
	}
	t := L.CreateTable(len(ps), 0)
	for _, p := range ps {
		t.Append(pair(L, lua.LString(p.Name), paramValue(L, p, unquote)))
	}
	L.Push(t)
	return 1
}

func msgGetParam(L *lua.LState) int {
	m := Check(L, 1)
	name := L.CheckString(2)
	a := paramArgs(L, 3, "failobj", "header", "unquote")
	header := "content-type"
	if a[1] != lua.LNil {
		header = lua.LVAsString(a[1])
	}
	unquote := a[2] == lua.LNil || lua.LVAsBool(a[2])
	p, ok := m.Param(name, header)
	if !ok {
		L.Push(a[0])
		return 1
	}
	L.Push(paramValue(L, p, unquote))
	return 1
}

// --- email.header ------------------------------------------------------

func apiDecodeHeader(L *lua.LState) int {
	s := L.CheckString(1)
	words, err := DecodeHeaderStrict(s)
	if err != nil {
		raiseEmailError(L, err)
	}
	t := L.CreateTable(len(words), 0)
	for _, w := range words {
		p := L.CreateTable(2, 0)
		p.RawSetInt(1, lua.LString(w.Bytes))
		if w.Charset != "" {
			p.RawSetInt(2, lua.LString(w.Charset))
		}
		t.Append(p)
	}
	L.Push(t)
	return 1
}

func apiMakeHeader(L *lua.LState) int {
	t := L.CheckTable(1)
	var words []Word
	n := t.Len()
	for i := 1; i <= n; i++ {
		p, ok := t.RawGetInt(i).(*lua.LTable)
		if !ok {
			L.ArgError(1, fmt.Sprintf("element %d is not a {bytes, charset} pair", i))
		}
		b, ok := p.RawGetInt(1).(lua.LString)
		if !ok {
			L.ArgError(1, fmt.Sprintf("element %d has no string", i))
		}
		w := Word{Bytes: string(b)}
		if cs, ok := p.RawGetInt(2).(lua.LString); ok {
			w.Charset = string(cs)
		}
		words = append(words, w)
	}
	L.Push(lua.LString(MakeHeader(words)))
	return 1
}

func apiDecode(L *lua.LState) int {
	v := L.Get(1)
	if v == lua.LNil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LString(DecodeHeaderString(L.CheckString(1))))
	return 1
}

func apiEncodeWord(L *lua.LState) int {
	s := L.CheckString(1)
	cs := L.OptString(2, "utf-8")
	L.Push(lua.LString(EncodeWord(s, cs)))
	return 1
}

// --- email.utils -------------------------------------------------------

func apiParseAddr(L *lua.LState) int {
	v := L.Get(1)
	if v == lua.LNil {
		L.Push(lua.LString(""))
		L.Push(lua.LString(""))
		return 2
	}
	a := ParseAddr(L.CheckString(1))
	L.Push(lua.LString(a.Name))
	L.Push(lua.LString(a.Addr))
	return 2
}

func apiGetAddresses(L *lua.LState) int {
	var vals []string
	switch v := L.Get(1).(type) {
	case lua.LString:
		vals = []string{string(v)}
	case *lua.LTable:
		n := v.Len()
		for i := 1; i <= n; i++ {
			vals = append(vals, lua.LVAsString(L.ToStringMeta(v.RawGetInt(i))))
		}
	default:
		L.ArgError(1, "table of header values expected")
	}
	addrs := ParseAddresses(strings.Join(vals, ", "))
	t := L.CreateTable(len(addrs), 0)
	for _, a := range addrs {
		t.Append(pair(L, lua.LString(a.Name), lua.LString(a.Addr)))
	}
	L.Push(t)
	return 1
}

func apiFormatAddr(L *lua.LState) int {
	var a Address
	charset := "utf-8"
	if t, ok := L.Get(1).(*lua.LTable); ok {
		a.Name = lua.LVAsString(t.RawGetInt(1))
		a.Addr = lua.LVAsString(t.RawGetInt(2))
		charset = L.OptString(2, charset)
	} else {
		a.Name = L.OptString(1, "")
		a.Addr = L.CheckString(2)
		charset = L.OptString(3, charset)
	}
	if !isASCII(a.Addr) {
		L.ArgError(2, "email: formataddr: the address must be ASCII")
	}
	s, err := FormatAddrCharset(a, charset)
	if err != nil {
		raiseEmailError(L, err)
	}
	L.Push(lua.LString(s))
	return 1
}

func apiParseDateToDatetime(L *lua.LState) int {
	t, off, has, err := ParseDate(L.CheckString(1))
	return PushDate(L, t, off, has, err)
}

// PushDate pushes a parsed date the way the Lua modules return one: the
// epoch seconds and the zone offset (nil when the text had none), or nil
// and the error message. It returns the number of values pushed (2).
func PushDate(L *lua.LState, t time.Time, off int, has bool, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LNumber(t.Unix()))
	if has {
		L.Push(lua.LNumber(off))
	} else {
		L.Push(lua.LNil)
	}
	return 2
}

func dateTupleTable(L *lua.LState, d DateTuple, withZone bool) *lua.LTable {
	t := L.CreateTable(10, 0)
	for _, v := range []int{d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, 0, 1, -1} {
		t.Append(lua.LNumber(v))
	}
	if withZone {
		t.Append(lua.LNumber(d.Offset))
	}
	return t
}

func apiParseDateTZ(L *lua.LState) int {
	d, ok := ParseDateTuple(L.CheckString(1))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(dateTupleTable(L, d, true))
	return 1
}

func apiParseDate(L *lua.LState) int {
	d, ok := ParseDateTuple(L.CheckString(1))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(dateTupleTable(L, d, false))
	return 1
}

func apiMktimeTZ(L *lua.LState) int {
	t := L.CheckTable(1)
	f := make([]int, 10)
	for i := range f {
		f[i] = int(lua.LVAsNumber(t.RawGetInt(i + 1)))
	}
	u := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, time.UTC).Unix()
	if z := t.RawGetInt(10); z != lua.LNil && !luabind.IsNull(z) {
		u -= int64(f[9])
	}
	L.Push(lua.LNumber(u))
	return 1
}

func apiFormatDatetime(L *lua.LState) int {
	epoch := int64(L.CheckNumber(1))
	useGMT := lua.LVAsBool(L.Get(3))
	t := time.Unix(epoch, 0).UTC()
	has := false
	if L.Get(2) != lua.LNil {
		off := int(L.CheckNumber(2))
		if off <= -86400 || off >= 86400 {
			L.ArgError(2, "email: offset must be within a day")
		}
		t = t.In(time.FixedZone("", off))
		has = true
		if useGMT && off != 0 {
			L.ArgError(3, "email: usegmt requires a UTC time (offset 0)")
		}
	} else if useGMT {
		L.ArgError(3, "email: usegmt requires a UTC time (offset 0)")
	}
	L.Push(lua.LString(FormatDate(t, has, useGMT)))
	return 1
}

func apiFormatDate(L *lua.LState) int {
	now := time.Now()
	if L.Get(1) != lua.LNil {
		now = time.Unix(int64(L.CheckNumber(1)), 0)
	}
	local := lua.LVAsBool(L.Get(2))
	useGMT := lua.LVAsBool(L.Get(3))
	if local {
		L.Push(lua.LString(FormatDate(now.Local(), true, false)))
	} else {
		// Python writes -0000 for UTC (utcfromtimestamp is naive).
		L.Push(lua.LString(FormatDate(now.UTC(), useGMT, useGMT)))
	}
	return 1
}

func apiMakeMsgid(L *lua.LState) int {
	idstring := ""
	if L.Get(1) != lua.LNil {
		idstring = "." + L.CheckString(1)
	}
	domain := L.OptString(2, "")
	if domain == "" {
		domain, _ = os.Hostname()
		if domain == "" {
			domain = "localhost"
		}
	}
	var rb [8]byte
	rand.Read(rb[:])
	L.Push(lua.LString(fmt.Sprintf("<%d.%d.%d%s@%s>", time.Now().UnixNano()/1e7, os.Getpid(),
		binary.BigEndian.Uint64(rb[:]), idstring, domain)))
	return 1
}

func apiQuote(L *lua.LState) int {
	L.Push(lua.LString(Quote(L.CheckString(1))))
	return 1
}

func apiUnquote(L *lua.LState) int {
	L.Push(lua.LString(Unquote(L.CheckString(1))))
	return 1
}

func apiCollapse(L *lua.LState) int {
	switch v := L.Get(1).(type) {
	case lua.LString:
		L.Push(lua.LString(Unquote(string(v))))
	case *lua.LTable:
		p := Param{Extended: true, Value: lua.LVAsString(v.RawGetInt(3))}
		if cs, ok := v.RawGetInt(1).(lua.LString); ok {
			p.HasCharset, p.Charset = true, string(cs)
		}
		L.Push(lua.LString(p.Collapse()))
	default:
		L.ArgError(1, "string or {charset, language, value} expected")
	}
	return 1
}

func apiDecodeRFC2231(L *lua.LState) int {
	s := L.CheckString(1)
	parts := strings.SplitN(s, "'", 3)
	if len(parts) <= 2 {
		L.Push(luabind.Null(L))
		L.Push(luabind.Null(L))
		L.Push(lua.LString(s))
		return 3
	}
	L.Push(lua.LString(parts[0]))
	L.Push(lua.LString(parts[1]))
	L.Push(lua.LString(parts[2]))
	return 3
}
