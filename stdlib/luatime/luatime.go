package luatime

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"

	"github.com/mailscript/mailscript/stdlib/email"
)

// Name is the name scripts pass to require.
const Name = "time"

// Loader is the gopher-lua loader of the time module.
func Loader(L *lua.LState) int {
	L.Push(luabind.NewModule(L, map[string]lua.LGFunction{
		"now":            apiNow,
		"parse_rfc5322":  apiParseRFC5322,
		"format_rfc5322": apiFormatRFC5322,
		"parse_imap":     apiParseIMAP,
		"format_imap":    apiFormatIMAP,
		"imap_date":      apiIMAPDate,
		"days_ago":       apiDaysAgo,
		"since":          apiSince,
		"before":         apiBefore,
	}, nil))
	return 1
}

var months = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var imapRE = regexp.MustCompile(`^"?\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{2}):(\d{2}):(\d{2})\s+([+-])(\d{2})(\d{2}))?\s*"?$`)

// ParseIMAP parses an IMAP date-time or date. hasZone is false for a date
// alone (read as midnight UTC).
func ParseIMAP(s string) (t time.Time, offset int, hasZone bool, err error) {
	m := imapRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, 0, false, fmt.Errorf("time: not an IMAP date: %q", s)
	}
	day, _ := strconv.Atoi(m[1])
	mon := -1
	for i, name := range months {
		if strings.EqualFold(name, m[2]) {
			mon = i + 1
		}
	}
	year, _ := strconv.Atoi(m[3])
	if mon < 0 || day < 1 || day > time.Date(year, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, 0, false, fmt.Errorf("time: not an IMAP date: %q", s)
	}
	if m[4] == "" {
		return time.Date(year, time.Month(mon), day, 0, 0, 0, 0, time.UTC), 0, false, nil
	}
	hh, _ := strconv.Atoi(m[4])
	mm, _ := strconv.Atoi(m[5])
	ss, _ := strconv.Atoi(m[6])
	zh, _ := strconv.Atoi(m[8])
	zm, _ := strconv.Atoi(m[9])
	if hh > 23 || mm > 59 || ss > 60 || zm > 59 {
		return time.Time{}, 0, false, fmt.Errorf("time: not an IMAP date: %q", s)
	}
	offset = zh*3600 + zm*60
	if m[7] == "-" {
		offset = -offset
	}
	return time.Date(year, time.Month(mon), day, hh, mm, ss, 0, time.FixedZone("", offset)), offset, true, nil
}

// FormatIMAP formats t as an IMAP date-time ("05-Mar-2024 10:00:00 +0100")
// in t's zone.
func FormatIMAP(t time.Time) string {
	return t.Format("02-Jan-2006 15:04:05 -0700")
}

// IMAPDate formats the day of t as an IMAP SEARCH date ("5-Mar-2024").
func IMAPDate(t time.Time) string {
	return fmt.Sprintf("%d-%s-%d", t.Day(), months[t.Month()-1], t.Year())
}

// DaysAgo returns the day n days before the day of from, in from's zone,
// as an IMAP SEARCH date.
func DaysAgo(n int, from time.Time) string {
	y, m, d := from.Date()
	return IMAPDate(time.Date(y, m, d-n, 12, 0, 0, 0, from.Location()))
}

// DateTable returns the table os.date("*t") makes of t: year, month,
// day, hour, min, sec, wday (1 is Sunday), yday and isdst.
func DateTable(L *lua.LState, t time.Time) *lua.LTable {
	tt := L.CreateTable(0, 9)
	tt.RawSetString("year", lua.LNumber(t.Year()))
	tt.RawSetString("month", lua.LNumber(t.Month()))
	tt.RawSetString("day", lua.LNumber(t.Day()))
	tt.RawSetString("hour", lua.LNumber(t.Hour()))
	tt.RawSetString("min", lua.LNumber(t.Minute()))
	tt.RawSetString("sec", lua.LNumber(t.Second()))
	tt.RawSetString("wday", lua.LNumber(int(t.Weekday())+1))
	tt.RawSetString("yday", lua.LNumber(t.YearDay()))
	tt.RawSetString("isdst", lua.LBool(t.IsDST()))
	return tt
}

func apiNow(L *lua.LState) int {
	L.Push(lua.LNumber(float64(time.Now().UnixMicro()) / 1e6))
	return 1
}

func apiParseRFC5322(L *lua.LState) int {
	t, off, has, err := email.ParseDate(L.CheckString(1))
	if err != nil {
		err = fmt.Errorf("time: %w", err)
	}
	return email.PushDate(L, t, off, has, err)
}

func apiParseIMAP(L *lua.LState) int {
	t, off, has, err := ParseIMAP(L.CheckString(1))
	return email.PushDate(L, t, off, has, err)
}

// epochArg reads an epoch and an optional offset in seconds.
func epochArg(L *lua.LState) time.Time {
	e := L.CheckNumber(1)
	off := L.OptInt(2, 0)
	if off <= -86400 || off >= 86400 {
		L.ArgError(2, "time: offset must be within a day (seconds east of UTC)")
	}
	sec := int64(e)
	return time.Unix(sec, 0).In(time.FixedZone("", off))
}

func apiFormatRFC5322(L *lua.LState) int {
	L.Push(lua.LString(email.FormatDate(epochArg(L), true, false)))
	return 1
}

func apiFormatIMAP(L *lua.LState) int {
	L.Push(lua.LString(FormatIMAP(epochArg(L))))
	return 1
}

// zoneOpt reads {utc = bool, from = epoch} at n.
func zoneOpt(L *lua.LState, n int) (loc *time.Location, from time.Time) {
	loc, from = time.Local, time.Now()
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		if L.Get(n) != lua.LNil {
			L.ArgError(n, "options table expected")
		}
		return loc, from
	}
	if lua.LVAsBool(t.RawGetString("utc")) {
		loc = time.UTC
	}
	if f, ok := t.RawGetString("from").(lua.LNumber); ok {
		from = time.Unix(int64(f), 0)
	}
	return loc, from
}

func apiIMAPDate(L *lua.LState) int {
	e := L.CheckNumber(1)
	loc, _ := zoneOpt(L, 2)
	L.Push(lua.LString(IMAPDate(time.Unix(int64(e), 0).In(loc))))
	return 1
}

func daysArg(L *lua.LState) string {
	n := L.CheckInt(1)
	loc, from := zoneOpt(L, 2)
	return DaysAgo(n, from.In(loc))
}

func apiDaysAgo(L *lua.LState) int {
	L.Push(lua.LString(daysArg(L)))
	return 1
}

func apiSince(L *lua.LState) int {
	L.Push(lua.LString("SINCE " + daysArg(L)))
	return 1
}

func apiBefore(L *lua.LState) int {
	L.Push(lua.LString("BEFORE " + daysArg(L)))
	return 1
}
