package imapfilter

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// format52 is Lua 5.2's string.format, which formats as C's sprintf:
// %g without a precision has 6 significant digits, %s calls __tostring,
// %q quotes as Lua 5.2 does, a missing argument or an unknown conversion
// is an error, and %x, %o and %u refuse negative numbers.
func format52(L *lua.LState) int {
	f := L.CheckString(1)
	var b strings.Builder
	arg := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		spec, end := formatSpec(L, f, i)
		i = end
		arg++
		if arg > L.GetTop() {
			L.ArgError(arg, "no value")
		}
		b.WriteString(formatOne(L, arg, spec, f[i]))
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// formatSpec reads the flags, width and precision of the conversion at
// i, by Lua 5.2's limits (scanformat), and returns them with the index
// of the conversion letter.
func formatSpec(L *lua.LState, f string, i int) (string, int) {
	start := i
	for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
		i++
	}
	if i-start >= 6 {
		L.RaiseError("invalid format (repeated flags)")
	}
	digits := func() {
		for k := 0; k < 2 && i < len(f) && f[i] >= '0' && f[i] <= '9'; k++ {
			i++
		}
	}
	digits()
	if i < len(f) && f[i] == '.' {
		i++
		digits()
	}
	if i < len(f) && f[i] >= '0' && f[i] <= '9' {
		L.RaiseError("invalid format (width or precision too long)")
	}
	if i >= len(f) {
		L.RaiseError("invalid option '%%' to 'format'")
	}
	return f[start:i], i
}

// formatOne formats argument arg by the conversion %<spec><conv>.
func formatOne(L *lua.LState, arg int, spec string, conv byte) string {
	switch conv {
	case 'c':
		return pad(spec, string([]byte{byte(L.CheckInt(arg))}))
	case 'd', 'i':
		n := float64(L.CheckNumber(arg))
		if n <= -(1<<63) || n >= 1<<63 || math.IsNaN(n) {
			L.ArgError(arg, "not a number in proper range")
		}
		return fmt.Sprintf("%"+spec+"d", int64(n))
	case 'o', 'u', 'x', 'X':
		n := float64(L.CheckNumber(arg))
		if !(n >= 0 && n < 1<<64) {
			L.ArgError(arg, "not a non-negative number in proper range")
		}
		verb := map[byte]string{'o': "o", 'u': "d", 'x': "x", 'X': "X"}[conv]
		return fmt.Sprintf("%"+spec+verb, uint64(n))
	case 'e', 'E', 'f', 'F', 'g', 'G', 'a', 'A':
		return formatFloat(spec, conv, float64(L.CheckNumber(arg)))
	case 'q':
		return quote52(L.CheckString(arg))
	case 's':
		s := L.ToStringMeta(L.Get(arg)).String()
		if !strings.Contains(spec, ".") && len(s) >= 100 {
			return s
		}
		if k := strings.IndexByte(s, 0); k >= 0 {
			s = s[:k] // C's sprintf stops at a NUL
		}
		if _, prec, ok := strings.Cut(spec, "."); ok {
			p, _ := strconv.Atoi(prec)
			s = s[:min(p, len(s))]
		}
		return pad(spec, s)
	}
	L.RaiseError("invalid option '%%%c' to 'format'", conv)
	return ""
}

// pad pads s with spaces to the width of spec, on the right with the
// flag -, counting bytes as C does.
func pad(spec, s string) string {
	rest := strings.TrimLeft(spec, "-+ #0")
	flags := spec[:len(spec)-len(rest)]
	width, _, _ := strings.Cut(rest, ".")
	w, _ := strconv.Atoi(width)
	if len(s) >= w {
		return s
	}
	if strings.Contains(flags, "-") {
		return s + strings.Repeat(" ", w-len(s))
	}
	return strings.Repeat(" ", w-len(s)) + s
}

// formatFloat formats n as C's printf does with %<spec><conv>.
func formatFloat(spec string, conv byte, n float64) string {
	upper := conv >= 'A' && conv <= 'Z'
	if math.IsInf(n, 0) || math.IsNaN(n) {
		s := "inf"
		if math.IsNaN(n) {
			s = "nan"
		}
		if math.Signbit(n) {
			s = "-" + s
		} else if strings.Contains(spec, "+") {
			s = "+" + s
		} else if strings.Contains(spec, " ") {
			s = " " + s
		}
		if upper {
			s = strings.ToUpper(s)
		}
		return pad(strings.ReplaceAll(spec, "0", ""), s)
	}
	if conv == 'a' || conv == 'A' {
		return hexFloat(spec, upper, n)
	}
	if (conv == 'g' || conv == 'G') && !strings.Contains(spec, ".") {
		spec += ".6"
	}
	if conv == 'F' {
		conv = 'f'
	}
	return fmt.Sprintf("%"+spec+string(conv), n)
}

// hexFloat is C's %a: Go's %x of a float, with the exponent's digits as
// C writes them (p+0, not p+00).
func hexFloat(spec string, upper bool, n float64) string {
	prec := -1
	if _, p, ok := strings.Cut(spec, "."); ok {
		prec, _ = strconv.Atoi(p)
	}
	s := strconv.FormatFloat(n, 'x', prec, 64)
	if k := strings.IndexByte(s, 'p'); k >= 0 {
		exp, _ := strconv.Atoi(s[k+1:])
		s = s[:k] + fmt.Sprintf("p%+d", exp)
	}
	if n >= 0 && strings.Contains(spec, "+") {
		s = "+" + s
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return pad(spec, s)
}

// quote52 is %q of Lua 5.2: between double quotes, with ", \ and a
// newline after a backslash, and the other control characters as
// decimal escapes (three digits when a digit follows).
func quote52(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 32 || c == 127:
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				fmt.Fprintf(&b, "\\%03d", c)
			} else {
				fmt.Fprintf(&b, "\\%d", c)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
