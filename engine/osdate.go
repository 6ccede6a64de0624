package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mailscript/mailscript/stdlib/luatime"
	lua "github.com/yuin/gopher-lua"
)

// osDate is C Lua 5.2's os.date([format [, time]]) on a POSIX system:
// format is strftime's in the C locale ("%c" when left out; a leading
// "!" for UTC; "*t" for a table), time a number of seconds (now when left
// out). gopher-lua's own os.date knows only some conversions and gets
// some wrong ("%a" is the text "mon", "%c" and "%x" are not C's), and
// configs print dates with it. As in C Lua, a conversion Lua 5.2 does not
// know is an error, and a time the C library cannot represent gives nil.
func osDate(L *lua.LState) int {
	format := "%c"
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LString:
		format = string(v)
	case lua.LNumber:
		format = v.String()
	default:
		L.ArgError(1, "string expected, got "+v.Type().String())
	}
	var t time.Time
	if v := L.Get(2); v == lua.LNil {
		t = time.Now()
	} else {
		n, ok := luaNumber(v)
		if !ok {
			L.ArgError(2, "number expected, got "+v.Type().String())
		}
		sec, ok := timeT(n)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		t = time.Unix(sec, 0)
	}
	utc := strings.HasPrefix(format, "!")
	if utc {
		format = format[1:]
		t = t.UTC()
	} else {
		t = t.Local()
	}
	if y := int64(t.Year()) - 1900; y < math.MinInt32 || y > math.MaxInt32 {
		// localtime and gmtime fail when the year does not fit in tm.
		L.Push(lua.LNil)
		return 1
	}
	if format == "*t" {
		L.Push(luatime.DateTable(L, t))
		return 1
	}
	s, err := strftime(t, format, utc)
	if err != nil {
		L.ArgError(1, err.Error())
	}
	L.Push(lua.LString(s))
	return 1
}

// luaNumber is v as luaL_checknumber reads it: a number, or a string
// that reads as one.
func luaNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		s := strings.TrimSpace(string(v))
		if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "nN") {
			return f, true
		}
		neg := strings.HasPrefix(s, "-")
		hex := strings.TrimPrefix(s, "-")
		if len(hex) > 2 && (hex[:2] == "0x" || hex[:2] == "0X") {
			if u, err := strconv.ParseUint(hex[2:], 16, 64); err == nil {
				if neg {
					return -float64(u), true
				}
				return float64(u), true
			}
		}
	}
	return 0, false
}

// timeT is C's (time_t) conversion of n, truncating toward zero; false
// when n is not a number or beyond what the C library can date (the
// limit is far beyond any year that fits in struct tm).
func timeT(n float64) (int64, bool) {
	if math.IsNaN(n) || math.Abs(n) >= 1e18 {
		return 0, false
	}
	return int64(n), true
}

// strftime formats t as C's strftime does in the C locale (glibc's
// choices where C leaves them open: years unpadded, %C the floor of
// year/100), refusing the conversions Lua 5.2 refuses. utc makes %Z
// "GMT", as gmtime's zone.
func strftime(t time.Time, format string, utc bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		rest := format[i+1:]
		conv, n := conversion(rest)
		if n == 0 {
			return "", fmt.Errorf("invalid conversion specifier '%%%s'", rest)
		}
		i += n
		b.WriteString(convert(t, conv, utc))
	}
	return b.String(), nil
}

// conversion returns the conversion character that starts s (its E or O
// modifier dropped: they change nothing in the C locale) and how many
// bytes it takes; 0 when Lua 5.2 does not accept it.
func conversion(s string) (byte, int) {
	const (
		single = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%"
		withE  = "cCxXyY"
		withO  = "deHImMSuUVwWy"
	)
	if s == "" {
		return 0, 0
	}
	switch {
	case s[0] == 'E' && len(s) > 1 && strings.IndexByte(withE, s[1]) >= 0:
		return s[1], 2
	case s[0] == 'O' && len(s) > 1 && strings.IndexByte(withO, s[1]) >= 0:
		return s[1], 2
	case s[0] != 'E' && s[0] != 'O' && strings.IndexByte(single, s[0]) >= 0:
		return s[0], 1
	}
	return 0, 0
}

// composite are the conversions that stand for others in the C locale.
var composite = map[byte]string{
	'c': "%a %b %e %H:%M:%S %Y", 'D': "%m/%d/%y", 'x': "%m/%d/%y", 'F': "%Y-%m-%d",
	'r': "%I:%M:%S %p", 'R': "%H:%M", 'T': "%H:%M:%S", 'X': "%H:%M:%S", 'h': "%b",
}

// convert is one conversion of strftime.
func convert(t time.Time, c byte, utc bool) string {
	if f, ok := composite[c]; ok {
		s, _ := strftime(t, f, utc)
		return s
	}
	switch c {
	case 'a':
		return t.Weekday().String()[:3]
	case 'A':
		return t.Weekday().String()
	case 'b':
		return t.Month().String()[:3]
	case 'B':
		return t.Month().String()
	case 'n':
		return "\n"
	case 'p':
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	case 't':
		return "\t"
	case 'z':
		_, off := t.Zone()
		sign := '+'
		if off < 0 {
			sign, off = '-', -off
		}
		return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
	case 'Z':
		if utc {
			return "GMT"
		}
		name, _ := t.Zone()
		return name
	case '%':
		return "%"
	}
	return number(t, c)
}

// number is one conversion of strftime that writes a number.
func number(t time.Time, c byte) string {
	year := t.Year()
	yday := t.YearDay() - 1
	wday := int(t.Weekday())
	isoYear, isoWeek := t.ISOWeek()
	two := func(n int) string { return fmt.Sprintf("%02d", n) }
	switch c {
	case 'C':
		return strconv.Itoa(floorDiv(year, 100))
	case 'd':
		return two(t.Day())
	case 'e':
		return fmt.Sprintf("%2d", t.Day())
	case 'g':
		return two(floorMod(isoYear, 100))
	case 'G':
		return strconv.Itoa(isoYear)
	case 'H':
		return two(t.Hour())
	case 'I':
		return two(hour12(t.Hour()))
	case 'j':
		return fmt.Sprintf("%03d", yday+1)
	case 'm':
		return two(int(t.Month()))
	case 'M':
		return two(t.Minute())
	case 'S':
		return two(t.Second())
	case 'u':
		return strconv.Itoa((wday+6)%7 + 1)
	case 'U':
		return two((yday + 7 - wday) / 7)
	case 'V':
		return two(isoWeek)
	case 'w':
		return strconv.Itoa(wday)
	case 'W':
		return two((yday + 7 - (wday+6)%7) / 7)
	case 'y':
		return two(floorMod(year, 100))
	case 'Y':
		return strconv.Itoa(year)
	}
	return ""
}

func hour12(h int) int {
	if h%12 == 0 {
		return 12
	}
	return h % 12
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
