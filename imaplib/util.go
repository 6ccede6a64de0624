package imaplib

// The four module-level helpers of Python's imaplib, with Python's semantics:
// Int2AP, ParseFlags, Internaldate2tuple and Time2Internaldate.

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

// internalDateRE is Python's InternalDate pattern. Like Python's re.match it
// is anchored at the start of the response, and since "." does not cross a
// newline the INTERNALDATE item must be on the first line; the greedy ".*"
// picks the last INTERNALDATE of that line, as Python does.
var internalDateRE = regexp.MustCompile(`^.*INTERNALDATE "([ 0123][0-9])-([A-Z][a-z][a-z])-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([-+])([0-9]{2})([0-9]{2})"`)

// flagsRE is Python's Flags pattern: the first parenthesised list after the
// last "FLAGS (" of the first line. The list itself may span lines.
var flagsRE = regexp.MustCompile(`^.*FLAGS \(([^)]*)\)`)

// monthNames are the English month abbreviations of RFC 3501's date-month,
// indexed by time.Month.
var monthNames = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Int2AP converts num to Python's "A-P" representation: its absolute value
// written in base 16 with the digits A (0) to P (15), most significant first.
// Zero gives the empty string. IMAP4 uses it to build command tags.
func Int2AP(num int) string {
	u := uint64(num)
	if num < 0 {
		u = -u // two's complement: correct even for math.MinInt
	}
	var buf [16]byte
	i := len(buf)
	for u != 0 {
		i--
		buf[i] = 'A' + byte(u%16)
		u /= 16
	}
	return string(buf[i:])
}

// ParseFlags returns the flags of the FLAGS item in a FETCH response line,
// such as `1 (FLAGS (\Seen \Deleted) UID 5)`, as Python's ParseFlags does: the
// text between "FLAGS (" and the next ")" split on ASCII white space. A
// response without a FLAGS item gives an empty, non-nil slice.
func ParseFlags(resp []byte) []string {
	m := flagsRE.FindSubmatch(resp)
	flags := []string{}
	if m == nil {
		return flags
	}
	for _, f := range bytes.FieldsFunc(m[1], isPythonSpace) {
		flags = append(flags, string(f))
	}
	return flags
}

// isPythonSpace reports whether r is white space for Python's bytes.split:
// space, tab, newline, carriage return, vertical tab and form feed.
func isPythonSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// Internaldate2tuple parses the INTERNALDATE item of a FETCH response, such
// as `25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")`, and returns the instant
// it denotes in time.Local, as Python returns a local time tuple. ok is false
// where Python returns None (no INTERNALDATE on the first line, or a date
// that does not match "DD-Mmm-YYYY HH:MM:SS +HHMM") and where Python raises
// an exception (an unknown month name, the year 0000).
//
// Like Python, the day may start with a space and out-of-range fields are
// not rejected but carried over: "31-Feb-2001" is 3 March 2001.
func Internaldate2tuple(resp []byte) (t time.Time, ok bool) {
	m := internalDateRE.FindSubmatch(resp)
	if m == nil {
		return time.Time{}, false
	}
	month := time.Month(0)
	for i := 1; i < len(monthNames); i++ {
		if string(m[2]) == monthNames[i] {
			month = time.Month(i)
		}
	}
	num := func(b []byte) int {
		// The pattern guarantees one or two digits after an optional space.
		n, _ := strconv.Atoi(string(bytes.TrimLeft(b, " ")))
		return n
	}
	day, year := num(m[1]), num(m[3])
	if month == 0 || year == 0 {
		return time.Time{}, false
	}
	hour, minute, sec := num(m[4]), num(m[5]), num(m[6])
	zone := (num(m[8])*60 + num(m[9])) * 60
	if m[7][0] == '-' {
		zone = -zone
	}
	utc := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	return utc.Add(-time.Duration(zone) * time.Second).In(time.Local), true
}

// Time2Internaldate formats t as an IMAP4 INTERNALDATE, with the double
// quotes: `"18-May-2033 05:33:20 +0200"`. The wall clock and the offset are
// those of t's location, as Python uses an aware datetime's own offset; to
// format in the local zone (what Python does for a number of seconds) pass
// t.Local(). Sub-second digits are dropped.
//
// Two cases differ from Python on purpose, so that the result is always a
// valid RFC 3501 date-time: the year is written with at least four digits,
// and an offset that is not a whole number of minutes (local mean time in
// old zone data) is cut to whole minutes towards zero, with the wall clock
// moved to match, so the string still denotes the instant t to the second;
// Python would write "+HHMMSS" there.
func Time2Internaldate(t time.Time) string {
	name, off := t.Zone()
	if off%60 != 0 {
		t = t.In(time.FixedZone(name, off-off%60))
	}
	// The layout is assembled here instead of using "Jan", which follows
	// the time package's month names; these must be English.
	buf := make([]byte, 0, 28)
	buf = append(buf, '"')
	buf = t.AppendFormat(buf, "02-")
	buf = append(buf, monthNames[t.Month()]...)
	buf = t.AppendFormat(buf, "-2006 15:04:05 -0700")
	buf = append(buf, '"')
	return string(buf)
}

// Time2InternaldateValue converts what Python's Time2Internaldate accepts to
// an INTERNALDATE:
//   - int, int64, float64: seconds since the Unix epoch, formatted in
//     time.Local (a fraction is rounded to microseconds, then dropped, so
//     -0.5 is the last second of 1969);
//   - time.Time: as Time2Internaldate;
//   - a string that starts and ends with a double quote: returned unchanged,
//     assumed to be in the right format already.
//
// Anything else is an error, as are a NaN, an infinite or an out of range
// number of seconds. Python's local time tuples are not accepted here; a
// caller holding one converts it to a time.Time first.
func Time2InternaldateValue(v any) (string, error) {
	switch v := v.(type) {
	case int:
		return Time2Internaldate(time.Unix(int64(v), 0).Local()), nil
	case int64:
		return Time2Internaldate(time.Unix(v, 0).Local()), nil
	case float64:
		t, err := floatSeconds(v)
		if err != nil {
			return "", err
		}
		return Time2Internaldate(t.Local()), nil
	case time.Time:
		return Time2Internaldate(v), nil
	case string:
		if len(v) > 0 && v[0] == '"' && v[len(v)-1] == '"' {
			return v, nil
		}
	}
	return "", fmt.Errorf("imaplib: date_time not of a known type")
}

// floatSeconds converts a float number of seconds since the epoch to a time
// the way Python's datetime.fromtimestamp does: the fraction is rounded to
// microseconds, half to even.
func floatSeconds(f float64) (time.Time, error) {
	// Python's datetime ends at year 9999; the bound keeps int64 safe.
	const limit = 1 << 40
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= limit || f <= -limit {
		return time.Time{}, fmt.Errorf("imaplib: date_time %v out of range", f)
	}
	sec, frac := math.Modf(f)
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		sec++
		us -= 1e6
	} else if us < 0 {
		sec--
		us += 1e6
	}
	return time.Unix(int64(sec), int64(us)*1000), nil
}
