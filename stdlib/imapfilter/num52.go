package imapfilter

import (
	"math"
	"runtime"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// spaceChars are the bytes C's isspace accepts in the C locale.
const spaceChars = " \f\n\r\t\v"

// tonumber52 is Lua 5.2's tonumber(v [, base]): without a base, a number
// or a string of one as Lua 5.2 reads it (decimal with an exponent, or
// hexadecimal with a fraction and a binary exponent, spaces around);
// with a base from 2 to 36, a string of letters and digits of that base
// with a sign. Anything else is nil.
func tonumber52(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.ArgError(1, "value expected")
	}
	if L.Get(2) == lua.LNil {
		switch v := L.Get(1).(type) {
		case lua.LNumber:
			L.Push(v)
		case lua.LString:
			L.Push(str2number52(string(v)))
		default:
			L.Push(lua.LNil)
		}
		return 1
	}
	base := argInt(L, 2, 10)
	s := L.CheckString(1)
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	L.Push(baseNumber(s, base))
	return 1
}

// baseNumber reads s as an integer in base: spaces, a sign, the digits
// (letters from 10 on, either case), spaces; nil if it is anything else.
func baseNumber(s string, base int) lua.LValue {
	s = strings.Trim(s, spaceChars)
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if s == "" {
		return lua.LNil
	}
	n := 0.0
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			return lua.LNil
		}
		n = n*float64(base) + float64(d)
	}
	if neg {
		n = -n
	}
	return lua.LNumber(n)
}

// digitValue is the value of a digit or letter (a and A are 10), 99 for
// any other byte.
func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case isAlpha(c):
		return int(c|0x20-'a') + 10
	}
	return 99
}

// str2number52 reads s as Lua 5.2 converts a string to a number: nil
// for anything with an n (no inf, no nan), a hexadecimal numeral when
// there is an x, else a decimal one; spaces around.
func str2number52(s string) lua.LValue {
	if strings.ContainsAny(s, "nN") {
		return lua.LNil
	}
	t := strings.Trim(s, spaceChars)
	if strings.ContainsAny(t, "xX") {
		return hexNumber(t)
	}
	if !decimalSyntax(t) {
		return lua.LNil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !math.IsInf(f, 0) && f != 0 {
		return lua.LNil
	}
	return lua.LNumber(f)
}

// decimalSyntax reports whether s is a sign, digits with a point (at
// least one digit), and an exponent with a sign and at least one digit.
func decimalSyntax(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digits := 0
	i := 0
	for ; i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.'); i++ {
		if s[i] == '.' {
			if strings.Count(s[:i+1], ".") > 1 {
				return false
			}
		} else {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	e := s[i+1:]
	if e != "" && (e[0] == '-' || e[0] == '+') {
		e = e[1:]
	}
	return e != "" && strings.Trim(e, "0123456789") == ""
}

// maxHexDigits is how many significant hexadecimal digits are added up;
// the next ones only scale the number.
const maxHexDigits = 30

// hexNumber reads s as Lua 5.2 reads a hexadecimal numeral: a sign, 0x,
// hexadecimal digits with a point (at least one digit) and a binary
// exponent p with a sign and decimal digits.
func hexNumber(s string) lua.LValue {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if len(s) < 2 || s[0] != '0' || s[1]|0x20 != 'x' {
		return lua.LNil
	}
	s = s[2:]
	r, exp, sig, digits, dot := 0.0, 0, 0, 0, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		if digitValue(c) >= 16 {
			break
		}
		digits++
		switch {
		case sig == 0 && c == '0': // not significant
		case sig < maxHexDigits:
			sig++
			r = r*16 + float64(digitValue(c))
		default:
			exp += 4
		}
		if dot {
			exp -= 4
		}
	}
	if digits == 0 {
		return lua.LNil
	}
	if i < len(s) {
		e, ok := binaryExponent(s[i:])
		if !ok {
			return lua.LNil
		}
		exp += e
	}
	if neg {
		r = -r
	}
	return lua.LNumber(math.Ldexp(r, exp))
}

// binaryExponent reads p (or P), a sign and decimal digits.
func binaryExponent(s string) (int, bool) {
	if s[0]|0x20 != 'p' {
		return 0, false
	}
	s = s[1:]
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	e, err := strconv.Atoi(s)
	if err != nil || e > 1<<20 {
		e = 1 << 20 // far beyond what a float holds
	}
	if neg {
		e = -e
	}
	return e, true
}

// gcState is what collectgarbage of Lua 5.2 remembers of its calls.
type gcState struct {
	stopped        bool
	pause, stepMul int
}

// collectgarbage52 returns Lua 5.2's collectgarbage(opt [, arg]) over Go's
// collector: "count" gives the kilobytes in use (a fraction) and the
// bytes over the last kilobyte, "collect" collects and gives 0, "step"
// collects when arg kilobytes cover the heap and says whether it did,
// "setpause" and "setstepmul" give the value they replace.
func collectgarbage52() lua.LGFunction {
	st := &gcState{pause: 200, stepMul: 200}
	return func(L *lua.LState) int {
		opt := "collect"
		if L.Get(1) != lua.LNil {
			opt = L.CheckString(1)
		}
		switch opt {
		case "collect":
			runtime.GC()
		case "stop", "restart":
			st.stopped = opt == "stop"
		case "generational", "incremental":
		case "count":
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			L.Push(lua.LNumber(float64(ms.HeapAlloc) / 1024))
			L.Push(lua.LNumber(ms.HeapAlloc % 1024))
			return 2
		case "step":
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			kb := argInt(L, 2, 0)
			done := kb > 0 && uint64(kb)*1024 >= ms.HeapAlloc
			if done {
				runtime.GC()
			}
			L.Push(lua.LBool(done))
			return 1
		case "isrunning":
			L.Push(lua.LBool(!st.stopped))
			return 1
		case "setpause", "setstepmul":
			v := &st.pause
			if opt == "setstepmul" {
				v = &st.stepMul
			}
			L.Push(lua.LNumber(*v))
			*v = argInt(L, 2, 0)
			return 1
		default:
			L.ArgError(1, "invalid option '"+opt+"'")
		}
		L.Push(lua.LNumber(0))
		return 1
	}
}
