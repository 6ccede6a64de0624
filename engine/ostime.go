package engine

import (
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// C Lua's os.date("*t") fills isdst from the C library, and os.time(t)
// passes t.isdst to mktime, which then reads the wall clock as daylight
// time (true), standard time (false) or whichever applies (nil).
// gopher-lua always sets isdst to false and ignores it in os.time, so a
// time table loses the offset it was made with: Time2Internaldate of an
// os.date("*t") table gives the standard offset in summer, and os.time
// cannot tell the two 02:30 of a night when the clocks go back. osDate
// (osdate.go) and os.time here restore C Lua's behaviour; os.date
// formats dates as C's strftime too.

// wrapOSTime replaces os.date and os.time in osT.
func wrapOSTime(L *lua.LState, osT *lua.LTable) {
	origTime, _ := osT.RawGetString("time").(*lua.LFunction)
	if origTime == nil {
		return
	}
	osT.RawSetString("date", L.NewFunction(osDate))
	osT.RawSetString("time", L.NewFunction(func(L *lua.LState) int {
		tt, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return callOrig(L, origTime)
		}
		field := func(name string, def int, required bool) int {
			v := tt.RawGetString(name)
			if n, ok := v.(lua.LNumber); ok {
				return int(n)
			}
			if s, ok := v.(lua.LString); ok {
				if n, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64); err == nil {
					return int(n)
				}
			}
			if required {
				L.RaiseError("field '%s' missing in date table", name)
			}
			return def
		}
		year, month, day := field("year", 0, true), field("month", 0, true), field("day", 0, true)
		hour, minute, sec := field("hour", 12, false), field("min", 0, false), field("sec", 0, false)
		isdst := 0 // unknown, as mktime's -1
		switch v := tt.RawGetString("isdst").(type) {
		case lua.LBool:
			if v {
				isdst = 1
			} else {
				isdst = -1
			}
		}
		L.Push(lua.LNumber(mktime(year, month, day, hour, minute, sec, isdst, time.Local)))
		return 1
	}))
}

func callOrig(L *lua.LState, fn *lua.LFunction) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}

// mktime is C's mktime in loc: the instant of a wall clock time,
// normalising out-of-range fields. isdst > 0 reads the wall clock as
// daylight time, isdst < 0 as standard time, 0 as whichever applies (for
// a time the clocks skip or repeat, Go's choice).
func mktime(year, month, day, hour, minute, sec, isdst int, loc *time.Location) int64 {
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	if isdst == 0 {
		return t.Unix()
	}
	// The offset loc has when daylight saving is as asked: t's own, or
	// that of the nearest instant within a year that has it.
	wantDST := isdst > 0
	_, off := t.Zone()
	if t.IsDST() != wantDST {
		found := false
		for _, months := range []time.Duration{-1, 1, -2, 2, -3, 3, -6, 6, -9, 9, -12, 12} {
			probe := t.Add(months * 30 * 24 * time.Hour)
			if probe.IsDST() == wantDST {
				_, off = probe.Zone()
				found = true
				break
			}
		}
		if !found {
			return t.Unix()
		}
	}
	wall := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	return wall.Unix() - int64(off)
}
