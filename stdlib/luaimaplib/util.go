package luaimaplib

import (
	"fmt"
	"io"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/luatime"
)

// utilTable holds the module-level functions of Python's imaplib.
var utilTable = map[string]func(L *lua.LState, mod *module) int{
	"Internaldate2tuple": func(L *lua.LState, mod *module) int {
		a := getArgs(L, "Internaldate2tuple", 1, []string{"resp"}, false, true)
		t, ok := imaplib.Internaldate2tuple([]byte(a.Required(0)))
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(luatime.DateTable(L, t))
		return 1
	},
	"Int2AP": func(L *lua.LState, mod *module) int {
		a := getArgs(L, "Int2AP", 1, []string{"num"}, false, true)
		n, ok := a.Number(0)
		if !ok {
			L.RaiseError("Int2AP() needs a number")
		}
		L.Push(lua.LString(imaplib.Int2AP(int(n))))
		return 1
	},
	"ParseFlags": func(L *lua.LState, mod *module) int {
		a := getArgs(L, "ParseFlags", 1, []string{"resp"}, false, true)
		L.Push(mod.tuple(L, imaplib.ParseFlags([]byte(a.Required(0)))))
		return 1
	},
	"Time2Internaldate": func(L *lua.LState, mod *module) int {
		if L.GetTop() != 1 {
			L.RaiseError("Time2Internaldate() takes exactly one argument (%d given)", L.GetTop())
		}
		s, err := mod.time2Internaldate(L, L.Get(1))
		if err != nil {
			mod.raise(L, err)
		}
		L.Push(lua.LString(s))
		return 1
	},
}

// valueError is an error of kind ValueError.
func valueError(format string, args ...any) error {
	return &imaplib.Error{Kind: imaplib.KindValue, Message: fmt.Sprintf(format, args...)}
}

// time2Internaldate is Python's Time2Internaldate for Lua values: a
// number of seconds since the epoch, a time table (os.date("*t") shape,
// or Python's 9-tuple as an array), or a string already in double quotes.
func (mod *module) time2Internaldate(L *lua.LState, v lua.LValue) (string, error) {
	var gv any
	switch x := v.(type) {
	case lua.LNumber:
		gv = float64(x)
	case lua.LString:
		gv = string(x)
	case *lua.LTable:
		t, err := tableTime(x)
		if err != nil {
			return "", err
		}
		gv = t
	}
	s, err := imaplib.Time2InternaldateValue(gv)
	if err != nil {
		return "", valueError("%s", strings.TrimPrefix(err.Error(), "imaplib: "))
	}
	return s, nil
}

// tableTime converts a time table to the instant Python's Time2Internaldate
// gives a local time tuple: the wall clock as given, with the offset of
// local standard or daylight time as isdst says (the zone's own choice when
// isdst is absent or -1), or gmtoff seconds east of UTC when present.
func tableTime(t *lua.LTable) (time.Time, error) {
	field := func(name string, idx int, def int, required bool) (int, error) {
		v := t.RawGetString(name)
		if v == lua.LNil {
			v = t.RawGetInt(idx)
		}
		switch x := v.(type) {
		case lua.LNumber:
			return int(x), nil
		case lua.LString:
			var n int
			if _, err := fmt.Sscan(string(x), &n); err == nil {
				return n, nil
			}
		case *lua.LNilType:
			if !required {
				return def, nil
			}
			return 0, valueError("date_time: field '%s' missing in date table", name)
		}
		return 0, valueError("date_time: field '%s' is not a number", name)
	}
	var f [6]int
	names := []string{"year", "month", "day", "hour", "min", "sec"}
	defs := []int{0, 0, 0, 12, 0, 0}
	for i, n := range names {
		v, err := field(n, i+1, defs[i], i < 3)
		if err != nil {
			return time.Time{}, err
		}
		f[i] = v
	}
	wall := func(loc *time.Location) time.Time {
		return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc)
	}
	if off, ok := t.RawGetString("gmtoff").(lua.LNumber); ok {
		return wall(time.FixedZone("", int(off))), nil
	}
	local := wall(time.Local)
	dst := t.RawGetString("isdst")
	if dst == lua.LNil {
		dst = t.RawGetInt(9)
	}
	var want bool
	switch x := dst.(type) {
	case lua.LBool:
		want = bool(x)
	case lua.LNumber:
		if x < 0 {
			return local, nil
		}
		want = x != 0
	default:
		return local, nil
	}
	if local.IsDST() == want {
		return local, nil
	}
	// The wall clock with the other offset of the zone that year, as
	// Python's -(time.timezone, time.altzone)[dst].
	for _, m := range []time.Month{time.January, time.July} {
		probe := time.Date(f[0], m, 1, 12, 0, 0, 0, time.Local)
		if probe.IsDST() == want {
			_, off := probe.Zone()
			return wall(time.FixedZone("", off)), nil
		}
	}
	return local, nil
}

func hostDebug(L *lua.LState) io.Writer { return host.Get(L).Debug }

func fprintf(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format, args...) }
