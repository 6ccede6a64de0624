package email

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul",
	"aug", "sep", "oct", "nov", "dec",
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

var dayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

var zoneNames = map[string]int{"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"AST": -400, "ADT": -300, "EST": -500, "EDT": -400,
	"CST": -600, "CDT": -500, "MST": -700, "MDT": -600,
	"PST": -800, "PDT": -700}

// DateTuple is a parsed date: the wall-clock fields as written and the
// zone offset in seconds east of UTC; HasZone is false for "-0000" and
// unknown zone names (Python's None).
type DateTuple struct {
	Year, Month, Day, Hour, Minute, Second int
	Offset                                 int
	HasZone                                bool
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// pyInt parses an integer the way Python's int() parses a str: blanks
// around, an optional sign, digits with single underscores between them.
func pyInt(s string) (int, bool) {
	s = pyStrip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	s = strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	if len(s) > 15 {
		return 0, false // far beyond any valid field; avoids overflow
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// ParseDateTuple parses a date header like Python's _parsedate_tz,
// accepting the same sloppy forms. ok is false when it cannot.
//
// It is a line-by-line port of CPython's email._parseaddr._parsedate_tz and
// keeps its shape, so that the two can be compared side by side.
//
//mailscript:port
func ParseDateTuple(data string) (DateTuple, bool) {
	var none DateTuple
	f := strings.Fields(data)
	if len(f) == 0 {
		return none, false
	}
	if strings.HasSuffix(f[0], ",") || indexOf(dayNames, strings.ToLower(f[0])) >= 0 {
		f = f[1:]
	} else if i := strings.LastIndexByte(f[0], ','); i >= 0 {
		f[0] = f[0][i+1:]
	}
	if len(f) == 3 {
		if stuff := strings.Split(f[0], "-"); len(stuff) == 3 {
			f = append(stuff, f[1:]...)
		}
	}
	if len(f) == 4 {
		s := f[3]
		i := strings.IndexByte(s, '+')
		if i == -1 {
			i = strings.IndexByte(s, '-')
		}
		if i > 0 {
			f = append(f[:3], s[:i], s[i:])
		} else {
			f = append(f, "")
		}
	}
	if len(f) < 5 {
		return none, false
	}
	dd, mm, yy, tm, tz := f[0], f[1], f[2], f[3], f[4]
	if dd == "" || mm == "" || yy == "" {
		return none, false
	}
	mm = strings.ToLower(mm)
	if indexOf(monthNames, mm) < 0 {
		dd, mm = mm, strings.ToLower(dd)
		if indexOf(monthNames, mm) < 0 {
			return none, false
		}
	}
	month := indexOf(monthNames, mm) + 1
	if month > 12 {
		month -= 12
	}
	if dd[len(dd)-1] == ',' {
		dd = dd[:len(dd)-1]
	}
	if i := strings.IndexByte(yy, ':'); i > 0 {
		yy, tm = tm, yy
	}
	if yy[len(yy)-1] == ',' {
		yy = yy[:len(yy)-1]
		if yy == "" {
			return none, false
		}
	}
	if !(yy[0] >= '0' && yy[0] <= '9') {
		yy, tz = tz, yy
	}
	if tm != "" && tm[len(tm)-1] == ',' {
		tm = tm[:len(tm)-1]
	}
	var thh, tmm, tss string
	parts := strings.Split(tm, ":")
	switch {
	case len(parts) == 2:
		thh, tmm, tss = parts[0], parts[1], "0"
	case len(parts) == 3:
		thh, tmm, tss = parts[0], parts[1], parts[2]
	case len(parts) == 1 && strings.Contains(tm, "."):
		parts = strings.Split(tm, ".")
		switch len(parts) {
		case 2:
			thh, tmm, tss = parts[0], parts[1], "0"
		case 3:
			thh, tmm, tss = parts[0], parts[1], parts[2]
		default:
			return none, false
		}
	default:
		return none, false
	}
	var d DateTuple
	var ok [5]bool
	d.Year, ok[0] = pyInt(yy)
	d.Day, ok[1] = pyInt(dd)
	d.Hour, ok[2] = pyInt(thh)
	d.Minute, ok[3] = pyInt(tmm)
	d.Second, ok[4] = pyInt(tss)
	for _, o := range ok {
		if !o {
			return none, false
		}
	}
	d.Month = month
	if d.Year < 100 {
		if d.Year > 68 {
			d.Year += 1900
		} else {
			d.Year += 2000
		}
	}
	tz = strings.ToUpper(tz)
	off, has := zoneNames[tz]
	if !has {
		off, has = pyInt(tz)
		if has && off == 0 && strings.HasPrefix(tz, "-") {
			has = false
		}
	}
	if has && off != 0 {
		sign := 1
		if off < 0 {
			sign, off = -1, -off
		}
		off = sign * ((off/100)*3600 + (off%100)*60)
	}
	d.Offset, d.HasZone = off, has
	if !has {
		d.Offset = 0
	}
	return d, true
}

// ParseDate parses a date header as Python's parsedate_to_datetime does and
// returns the instant and the zone offset in seconds; hasZone is false when
// the zone is unknown or "-0000", and the fields are then read as UTC.
func ParseDate(data string) (t time.Time, offset int, hasZone bool, err error) {
	d, ok := ParseDateTuple(data)
	if !ok {
		return time.Time{}, 0, false, fmt.Errorf("email: invalid date value or format %q", data)
	}
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 ||
		d.Day > daysIn(d.Year, d.Month) || d.Hour < 0 || d.Hour > 23 ||
		d.Minute < 0 || d.Minute > 59 || d.Second < 0 || d.Second > 59 {
		return time.Time{}, 0, false, fmt.Errorf("email: date out of range %q", data)
	}
	if d.HasZone && (d.Offset <= -86400 || d.Offset >= 86400) {
		return time.Time{}, 0, false, fmt.Errorf("email: zone offset out of range %q", data)
	}
	loc := time.UTC
	if d.HasZone {
		loc = time.FixedZone("", d.Offset)
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, 0, loc), d.Offset, d.HasZone, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// FormatDate formats t in the RFC 5322 form of Python's format_datetime:
// with its zone offset, or "-0000" when hasZone is false (t's wall clock in
// UTC is written), or "GMT" when useGMT (t is converted to UTC).
func FormatDate(t time.Time, hasZone, useGMT bool) string {
	zone := ""
	switch {
	case useGMT:
		t = t.UTC()
		zone = "GMT"
	case !hasZone:
		t = t.UTC()
		zone = "-0000"
	default:
		_, off := t.Zone()
		sign := '+'
		if off < 0 {
			sign, off = '-', -off
		}
		zone = fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
		if off%60 != 0 {
			zone += fmt.Sprintf("%02d", off%60)
		}
	}
	return fmt.Sprintf("%s, %02d %s %04d %02d:%02d:%02d %s",
		t.Weekday().String()[:3], t.Day(), t.Month().String()[:3], t.Year(),
		t.Hour(), t.Minute(), t.Second(), zone)
}
