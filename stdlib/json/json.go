package json

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "json"

// arrayMTKey is the registry key of the array metatable.
const arrayMTKey = "json.array_mt"

// MaxDepth bounds the nesting of encoded and decoded values.
const MaxDepth = 1000

// Loader is the gopher-lua loader of the json module.
func Loader(L *lua.LState) int {
	L.Push(luabind.NewModule(L, map[string]lua.LGFunction{
		"encode": apiEncode,
		"decode": apiDecode,
		"dumps":  apiDumps,
		"loads":  apiDecode,
	}, map[string]lua.LValue{
		"null":            luabind.Null(L),
		"array_mt":        ArrayMT(L),
		"JSONDecodeError": luabind.ClassTable(L, ClassDecodeError),
		"EncodeError":     luabind.ClassTable(L, ClassEncodeError),
	}))
	return 1
}

// The error classes: json.JSONDecodeError is a ValueError, as in Python;
// json.EncodeError (a value that has no JSON form) is a ValueError too.
// Their messages name the module ("json: ...").
var (
	ClassDecodeError = &luabind.Class{Name: "JSONDecodeError", Qualname: "json.JSONDecodeError", Parent: luabind.ValueError, Bare: true}
	ClassEncodeError = &luabind.Class{Name: "EncodeError", Qualname: "json.EncodeError", Parent: luabind.ValueError, Bare: true}
)

// ArrayMT returns the metatable that marks tables as JSON arrays.
func ArrayMT(L *lua.LState) *lua.LTable {
	reg := L.Get(lua.RegistryIndex)
	if t, ok := L.GetField(reg, arrayMTKey).(*lua.LTable); ok {
		return t
	}
	t := L.NewTable()
	L.SetField(t, "__name", lua.LString("json.array"))
	L.SetField(reg, arrayMTKey, t)
	return t
}

// Options control Encode.
type Options struct {
	Indent      string // "" for one line
	Indented    bool
	ItemSep     string
	KeySep      string
	EnsureASCII bool
}

// Compact is encode's default: lua-cjson's compact UTF-8 output.
var Compact = Options{ItemSep: ",", KeySep: ":"}

// Python is dumps' default: Python's json.dumps output.
var Python = Options{ItemSep: ", ", KeySep: ": ", EnsureASCII: true}

// ErrEncode is wrapped by every encoding error.
var ErrEncode = errors.New("json: cannot encode")

type encoder struct {
	L     *lua.LState
	opt   Options
	buf   bytes.Buffer
	seen  map[*lua.LTable]bool
	depth int
	amt   *lua.LTable
}

// Encode writes v as JSON.
func Encode(L *lua.LState, v lua.LValue, opt Options) (string, error) {
	e := &encoder{L: L, opt: opt, seen: map[*lua.LTable]bool{}, amt: ArrayMT(L)}
	if err := e.value(v, "$"); err != nil {
		return "", err
	}
	return e.buf.String(), nil
}

func (e *encoder) newline() {
	if e.opt.Indented {
		e.buf.WriteByte('\n')
		e.buf.WriteString(strings.Repeat(e.opt.Indent, e.depth))
	}
}

func (e *encoder) value(v lua.LValue, path string) error {
	switch x := v.(type) {
	case *lua.LNilType:
		e.buf.WriteString("null")
	case lua.LBool:
		if x {
			e.buf.WriteString("true")
		} else {
			e.buf.WriteString("false")
		}
	case lua.LNumber:
		return e.number(float64(x), path)
	case lua.LString:
		e.str(string(x))
	case *lua.LTable:
		return e.table(x, path)
	case *lua.LUserData:
		if luabind.IsNull(x) {
			e.buf.WriteString("null")
			return nil
		}
		return fmt.Errorf("%w userdata at %s", ErrEncode, path)
	default:
		return fmt.Errorf("%w a %s at %s", ErrEncode, v.Type(), path)
	}
	return nil
}

func (e *encoder) number(f float64, path string) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%w %v at %s", ErrEncode, f, path)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		e.buf.WriteString(strconv.FormatInt(int64(f), 10))
		return nil
	}
	// Python's float repr: shortest digits, exponent form below 1e-4 and
	// from 1e16 on.
	if exp := math.Floor(math.Log10(math.Abs(f))); exp < -4 || exp >= 16 {
		e.buf.WriteString(strconv.FormatFloat(f, 'e', -1, 64))
	} else {
		e.buf.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
	}
	return nil
}

func (e *encoder) str(s string) {
	e.buf.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			e.buf.WriteString(`\"`)
		case r == '\\':
			e.buf.WriteString(`\\`)
		case r == '\n':
			e.buf.WriteString(`\n`)
		case r == '\r':
			e.buf.WriteString(`\r`)
		case r == '\t':
			e.buf.WriteString(`\t`)
		case r == '\b':
			e.buf.WriteString(`\b`)
		case r == '\f':
			e.buf.WriteString(`\f`)
		case r < 0x20 || r == 0x7f && e.opt.EnsureASCII:
			fmt.Fprintf(&e.buf, `\u%04x`, r)
		case r < 0x80:
			e.buf.WriteRune(r)
		case e.opt.EnsureASCII:
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(&e.buf, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&e.buf, `\u%04x`, r)
			}
		default:
			e.buf.WriteRune(r) // utf8.RuneError for invalid octets
		}
	}
	e.buf.WriteByte('"')
}

// arrayLen reports whether t is an array and its length (holes allowed
// when the array stays at least half full).
func (e *encoder) arrayLen(t *lua.LTable) (int, bool) {
	count, maxKey := 0, 0
	isArray := true
	t.ForEach(func(k, _ lua.LValue) {
		count++
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) != math.Trunc(float64(n)) || n < 1 {
			isArray = false
			return
		}
		if int(n) > maxKey {
			maxKey = int(n)
		}
	})
	if count == 0 {
		return 0, e.L.GetMetatable(t) == e.amt
	}
	if !isArray || maxKey > 2*count {
		return 0, false
	}
	return maxKey, true
}

func (e *encoder) table(t *lua.LTable, path string) error {
	if e.seen[t] {
		return fmt.Errorf("%w a circular reference at %s", ErrEncode, path)
	}
	if e.depth >= MaxDepth {
		return fmt.Errorf("%w nesting deeper than %d at %s", ErrEncode, MaxDepth, path)
	}
	e.seen[t] = true
	defer delete(e.seen, t)
	e.depth++
	defer func() { e.depth-- }()
	if n, ok := e.arrayLen(t); ok {
		e.buf.WriteByte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				e.buf.WriteString(e.itemSep())
			}
			e.newline()
			if err := e.value(t.RawGetInt(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		e.depth--
		if n > 0 {
			e.newline()
		}
		e.depth++
		e.buf.WriteByte(']')
		return nil
	}
	type kv struct {
		k string
		v lua.LValue
	}
	var items []kv
	var err error
	t.ForEach(func(k, v lua.LValue) {
		var ks string
		switch x := k.(type) {
		case lua.LString:
			ks = string(x)
		case lua.LNumber:
			var b bytes.Buffer
			sub := &encoder{L: e.L, buf: b}
			if err2 := sub.number(float64(x), path); err2 != nil {
				err = err2
			}
			ks = sub.buf.String()
		case lua.LBool:
			ks = strconv.FormatBool(bool(x))
		default:
			err = fmt.Errorf("%w a %s key at %s", ErrEncode, k.Type(), path)
		}
		items = append(items, kv{ks, v})
	})
	if err != nil {
		return err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
	e.buf.WriteByte('{')
	for i, it := range items {
		if i > 0 {
			e.buf.WriteString(e.itemSep())
		}
		e.newline()
		e.str(it.k)
		e.buf.WriteString(e.opt.KeySep)
		if err := e.value(it.v, path+"."+it.k); err != nil {
			return err
		}
	}
	e.depth--
	if len(items) > 0 {
		e.newline()
	}
	e.depth++
	e.buf.WriteByte('}')
	return nil
}

func (e *encoder) itemSep() string {
	if e.opt.Indented {
		return strings.TrimRight(e.opt.ItemSep, " ")
	}
	return e.opt.ItemSep
}

// Decode parses JSON text into Lua values.
func Decode(L *lua.LState, s string) (lua.LValue, error) {
	dec := stdjson.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *stdjson.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("json: invalid JSON at offset %d: %s", se.Offset, se.Error())
		}
		return nil, fmt.Errorf("json: invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("json: invalid JSON: extra data after offset %d", dec.InputOffset())
	}
	return toLua(L, v, 0)
}

func toLua(L *lua.LState, v any, depth int) (lua.LValue, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("json: nesting deeper than %d", MaxDepth)
	}
	switch x := v.(type) {
	case nil:
		return luabind.Null(L), nil
	case bool:
		return lua.LBool(x), nil
	case stdjson.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, fmt.Errorf("json: number %s: %w", x, err)
		}
		return lua.LNumber(f), nil
	case string:
		return lua.LString(x), nil
	case []any:
		t := L.CreateTable(len(x), 0)
		for _, e := range x {
			lv, err := toLua(L, e, depth+1)
			if err != nil {
				return nil, err
			}
			t.Append(lv)
		}
		L.SetMetatable(t, ArrayMT(L))
		return t, nil
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for k, e := range x {
			lv, err := toLua(L, e, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, lv)
		}
		return t, nil
	}
	return nil, fmt.Errorf("json: unexpected %T", v)
}

func options(L *lua.LState, n int, base Options) Options {
	opt := base
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		if L.Get(n) != lua.LNil {
			L.ArgError(n, "options table expected")
		}
		return opt
	}
	switch ind := t.RawGetString("indent").(type) {
	case lua.LNumber:
		opt.Indented, opt.Indent = true, strings.Repeat(" ", int(ind))
	case lua.LString:
		opt.Indented, opt.Indent = true, string(ind)
	}
	if v := t.RawGetString("ensure_ascii"); v != lua.LNil {
		opt.EnsureASCII = lua.LVAsBool(v)
	}
	if seps, ok := t.RawGetString("separators").(*lua.LTable); ok {
		opt.ItemSep = lua.LVAsString(seps.RawGetInt(1))
		opt.KeySep = lua.LVAsString(seps.RawGetInt(2))
	}
	return opt
}

func encodeWith(L *lua.LState, base Options) int {
	v := L.CheckAny(1)
	opt := options(L, 2, base)
	s, err := Encode(L, v, opt)
	if err != nil {
		luabind.RaiseClass(L, ClassEncodeError, "%s", err.Error())
	}
	L.Push(lua.LString(s))
	return 1
}

func apiEncode(L *lua.LState) int { return encodeWith(L, Compact) }

func apiDumps(L *lua.LState) int { return encodeWith(L, Python) }

func apiDecode(L *lua.LState) int {
	v, err := Decode(L, L.CheckString(1))
	if err != nil {
		luabind.RaiseClass(L, ClassDecodeError, "%s", err.Error())
	}
	L.Push(v)
	return 1
}
